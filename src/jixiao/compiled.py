"""Compiled copies of the hot modules, used only while they match their sources.

The batch engine (:mod:`jixiao.io.grouped_audit`) and the core modules it calls are plain
Python. ``make setup`` also compiles them with Cython (``jixiao-compile``) into
``<venv>/jixiao-compiled``, beside a manifest holding the SHA-256 of each module's source (its
``.py`` and, where there is one, the ``.pxd`` that types its classes). :func:`install` puts a
finder in front of the import system that loads a compiled copy only when its module's source
still has that digest. A module edited since the build, a copy built for another interpreter or
no build at all: the source is imported, as if nothing had been compiled. So a compiled copy
never runs other code than its source, and the answers are the same either way (``make test``
runs the whole suite on the compiled copies and the core and io tests again on the sources,
``make unit-pure``); only the speed differs (bench/README.md).

``JIXIAO_PURE=1`` in the environment turns the compiled copies off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import sysconfig
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

__all__ = ["MODULES", "build", "in_use", "install"]

MODULES = (
    "jixiao.io.grouped_audit",
    "jixiao.io.cases",
    "jixiao.core.audit",
    "jixiao.core.budget",
    "jixiao.core.case",
    "jixiao.core.evaluation",
    "jixiao.core.indicators",
    "jixiao.core.money",
    "jixiao.core.rules",
    "jixiao.core.targets",
    "jixiao.core.text",
    "jixiao.core.scoring.base",
    "jixiao.core.scoring.deductions",
    "jixiao.core.scoring.levels",
    "jixiao.core.scoring.ratios",
)
"""The modules a batch audit spends its time in (bench/README.md)."""

PACKAGE = Path(__file__).resolve().parent  # src/jixiao
HOME = Path(sys.prefix) / "jixiao-compiled"
MANIFEST = "manifest.json"
_SOURCE_SUFFIXES = (".py", ".pxd")


def _abi() -> str:
    """What a compiled copy must have been built for: this interpreter's extension suffix."""
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def source_digest(module: str, package: Path = PACKAGE) -> str:
    """SHA-256 of a module's source files (``.py`` and ``.pxd``), by its dotted name."""
    base = package.joinpath(*module.split(".")[1:])
    digest = hashlib.sha256()
    for suffix in _SOURCE_SUFFIXES:
        path = base.with_suffix(suffix)
        if path.exists():
            digest.update(suffix.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class CompiledFinder:
    """A meta path finder: a module's compiled copy, while its source is the one compiled."""

    def __init__(self, home: Path, binaries: dict[str, dict[str, str]], package: Path) -> None:
        self.home = home
        self.binaries = binaries  # module → {"binary": path under home, "source": digest}
        self.package = package

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        entry = self.binaries.get(fullname)
        if entry is None or source_digest(fullname, self.package) != entry["source"]:
            return None  # not compiled, or edited since: the ordinary import takes the source
        return importlib.util.spec_from_file_location(fullname, self.home / entry["binary"])


def install(home: Path = HOME, package: Path = PACKAGE) -> CompiledFinder | None:
    """Put the finder for the copies under ``home`` in front of the import system; nothing when
    there is no build for this interpreter or ``JIXIAO_PURE`` is set."""
    if os.environ.get("JIXIAO_PURE"):
        return None
    try:
        manifest = json.loads((home / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("abi") != _abi():
        return None
    finder = CompiledFinder(home, manifest.get("modules") or {}, package)
    sys.meta_path.insert(0, finder)
    return finder


def in_use(modules: Sequence[str] = MODULES) -> list[str]:
    """Which of ``modules``, as imported now, are compiled copies."""
    return [
        name
        for name in modules
        if (module := sys.modules.get(name)) is not None
        and not str(getattr(module, "__file__", "")).endswith(".py")
    ]


def build(
    modules: Sequence[str] = MODULES,
    home: Path = HOME,
    package: Path = PACKAGE,
    jobs: int = 2,
) -> dict[str, str]:
    """Compile ``modules`` into ``home`` and write its manifest; returns module → binary path.

    The manifest is written last, and only after every module compiled, so a failed build
    leaves no manifest and the sources are used.
    """
    import shutil
    import tempfile

    from Cython.Build import cythonize  # only here: the build is a setup step
    from setuptools import Distribution, Extension

    (home / MANIFEST).unlink(missing_ok=True)
    digests = {name: source_digest(name, package) for name in modules}
    with tempfile.TemporaryDirectory(prefix="jixiao-compile-") as scratch:
        work = Path(scratch)
        extensions = [
            Extension(
                name,
                [str(package.joinpath(*name.split(".")[1:]).with_suffix(".py"))],
                extra_compile_args=["-w"],  # the generated C's warnings are Cython's, not ours
            )
            for name in modules
        ]
        compiled = cythonize(
            extensions,
            build_dir=str(work / "c"),
            nthreads=jobs,
            quiet=True,
            language_level=3,
            # The annotations are for mypy: Cython reading them as C types would change what
            # the code does (an ``int`` annotation refusing a bool, …).
            compiler_directives={"annotation_typing": False},
        )
        distribution = Distribution({"ext_modules": compiled, "script_name": "jixiao.compiled"})
        command = distribution.get_command_obj("build_ext")
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "tmp")
        command.parallel = jobs
        command.ensure_finalized()
        command.run()
        binaries: dict[str, str] = {}
        for name in modules:
            parts = name.split(".")
            relative = Path(*parts[:-1], parts[-1] + _abi())
            target = home / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "lib" / relative, target)
            binaries[name] = relative.as_posix()
    manifest = {
        "abi": _abi(),
        "modules": {name: {"binary": binaries[name], "source": digests[name]} for name in modules},
    }
    (home / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return binaries


def main() -> int:
    """``jixiao-compile``: compile :data:`MODULES` into :data:`HOME`."""
    binaries = build()
    print(f"jixiao.compiled: {len(binaries)} modules compiled into {HOME}")
    return 0
