"""The compiled copies of the hot modules (jixiao.compiled): used exactly while current."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from Cython.Compiler.Errors import CompileError

from jixiao import compiled

MODULE = '''"""A module to compile."""


def where() -> str:
    return __file__


def twice(value: int) -> int:
    return value * 2
'''


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A small package ``jxtiny`` on sys.path, and sys.modules/sys.meta_path put back after."""
    root = tmp_path / "src" / "jxtiny"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "hot.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.delenv("JIXIAO_PURE", raising=False)
    finders = list(sys.meta_path)
    yield root
    sys.meta_path[:] = finders
    for name in [name for name in sys.modules if name.split(".")[0] == "jxtiny"]:
        del sys.modules[name]


def fresh(name: str) -> object:
    sys.modules.pop(name, None)
    importlib.invalidate_caches()
    return importlib.import_module(name)


def test_a_compiled_copy_runs_while_its_source_is_unchanged_and_the_source_after(
    package: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    binaries = compiled.build(["jxtiny.hot"], home=home, package=package, jobs=1)
    assert (home / binaries["jxtiny.hot"]).is_file()
    finder = compiled.install(home, package)
    assert finder is not None and sys.meta_path[0] is finder

    module = fresh("jxtiny.hot")
    assert module.__file__ == str(home / binaries["jxtiny.hot"])  # type: ignore[attr-defined]
    assert module.twice(21) == 42  # type: ignore[attr-defined]
    assert compiled.in_use(["jxtiny.hot"]) == ["jxtiny.hot"]

    (package / "hot.py").write_text(MODULE.replace("value * 2", "value * 3"), encoding="utf-8")
    module = fresh("jxtiny.hot")
    assert module.__file__ == str(package / "hot.py")  # type: ignore[attr-defined]
    assert module.twice(21) == 63  # the edited source, not the stale copy
    assert compiled.in_use(["jxtiny.hot"]) == []


def test_a_pxd_beside_the_source_is_part_of_what_must_match(package: Path, tmp_path: Path) -> None:
    (package / "hot.pxd").write_text("", encoding="utf-8")
    before = compiled.source_digest("jxtiny.hot", package)
    (package / "hot.pxd").write_text("cdef int unused\n", encoding="utf-8")
    assert compiled.source_digest("jxtiny.hot", package) != before


def test_a_build_for_another_interpreter_or_none_at_all_is_not_used(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    assert compiled.install(home, package) is None  # nothing built
    home.mkdir()
    (home / compiled.MANIFEST).write_text("not json", encoding="utf-8")
    assert compiled.install(home, package) is None
    manifest = {"abi": ".cpython-39-x86_64-linux-gnu.so", "modules": {}}
    (home / compiled.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert compiled.install(home, package) is None
    manifest["abi"] = compiled._abi()
    (home / compiled.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setenv("JIXIAO_PURE", "1")
    assert compiled.install(home, package) is None
    monkeypatch.delenv("JIXIAO_PURE")
    assert compiled.install(home, package) is not None


def test_a_failed_build_leaves_no_manifest(package: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    compiled.build(["jxtiny.hot"], home=home, package=package, jobs=1)
    (package / "hot.py").write_text("def broken(:\n", encoding="utf-8")
    with pytest.raises(CompileError):
        compiled.build(["jxtiny.hot"], home=home, package=package, jobs=1)
    assert not (home / compiled.MANIFEST).exists()
    assert compiled.install(home, package) is None


def test_the_hot_modules_run_compiled_exactly_when_built_for_this_interpreter() -> None:
    """``make setup`` compiles them; ``make unit-pure`` runs the sources (JIXIAO_PURE=1)."""
    for name in compiled.MODULES:
        importlib.import_module(name)
    manifest = compiled.HOME / compiled.MANIFEST
    built = (
        manifest.is_file()
        and json.loads(manifest.read_text(encoding="utf-8")).get("abi") == compiled._abi()
        and not os.environ.get("JIXIAO_PURE")
    )
    assert compiled.in_use() == (list(compiled.MODULES) if built else [])
