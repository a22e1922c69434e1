"""Rule-set tables: one small TOML file per region (adding a province is a data change).

The shipped tables live in this package. A deployment may add directories of its own
(:func:`use_directory`; the web platform's admin writes the tables an administrator enters
there): a table there adds a rule set, or replaces the shipped one of the same name. Every
read is keyed by the directories' modification stamps, so all processes see a change as soon
as the file is written (written whole and renamed into place: see :func:`write_table`).
"""

from __future__ import annotations

import os
import tempfile
import time
import tomllib
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao.core.rules import RuleSet, RuleSetError, ruleset_from_mapping

DEFAULT = "national"
_extra_dirs: list[Path] = []
Stamp = tuple[int | None, ...]


@cache
def _table_dir() -> Path:
    return Path(str(resources.files("jixiao.io") / "rulesets"))


def use_directory(path: Path | str) -> None:
    """Also read the tables in ``path`` (later directories win over earlier ones and the
    shipped tables)."""
    directory = Path(path)
    if directory not in _extra_dirs:
        _extra_dirs.append(directory)


def _stamp() -> Stamp:
    """Changes whenever a table is added to, replaced in or removed from an extra directory."""
    stamps: list[int | None] = []
    for directory in _extra_dirs:
        try:
            stamps.append(directory.stat().st_mtime_ns)
        except OSError:
            stamps.append(None)
    return tuple(stamps)


@lru_cache(maxsize=16)
def _tables(stamp: Stamp) -> dict[str, Path]:
    tables = {path.stem: path for path in _table_dir().glob("*.toml")}
    for directory in _extra_dirs:
        tables.update({path.stem: path for path in sorted(directory.glob("*.toml"))})
    return tables


def available() -> list[str]:
    return sorted(_tables(_stamp()))


def shipped() -> list[str]:
    """The names of the tables that come with Jixiao."""
    return sorted(path.stem for path in _table_dir().glob("*.toml"))


def _read_table(name: str, stamp: Stamp) -> dict[str, Any]:
    path = _tables(stamp).get(name)
    if path is None or not path.is_file():
        known = "、".join(sorted(_tables(stamp)))
        raise RuleSetError(f"未知规则集 {name!r}（可用：{known}）")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"规则集文件 {path.name} 格式错误：{error}") from None


def load(name: str = DEFAULT) -> RuleSet:
    """Load a rule set by name, resolving ``extends`` chains."""
    return _load(name, _stamp())


@lru_cache(maxsize=128)
def _load(name: str, stamp: Stamp, seen: tuple[str, ...] = ()) -> RuleSet:
    if name in seen:
        raise RuleSetError(f"规则集 {name}: extends 循环引用（{' → '.join((*seen, name))}）")
    table = _read_table(name, stamp)
    return _build(name, table, lambda parent: _load(parent, stamp, (*seen, name)))


def _build(name: str, table: dict[str, Any], parent_of: Any) -> RuleSet:
    parent = table.pop("extends", None)
    base = parent_of(str(parent)) if parent else None
    try:
        return ruleset_from_mapping(table, base)
    except (KeyError, TypeError) as error:
        raise RuleSetError(f"规则集 {name}: 字段缺失或类型错误 ({error})") from None


def select(region: str, year: int | None) -> RuleSet:
    """The most specific rule set for a region and year; ``national`` when none is regional."""
    return _select(region, year, _stamp())


def for_table(name: str | None, region: str, year: int | None) -> RuleSet:
    """The rule set a table names, else the one its region and year select."""
    return load(name) if name else select(region, year)


@lru_cache(maxsize=1024)
def _select(region: str, year: int | None, stamp: Stamp) -> RuleSet:
    regional = [
        rules
        for rules in (_load(name, stamp) for name in sorted(_tables(stamp)))
        if rules.regions and rules.applies_to(region, year)
    ]
    return regional[0] if regional else _load(DEFAULT, stamp)


def check_table(name: str, text: str) -> RuleSet:
    """The rule set ``text`` (a TOML table) would define as ``name``, without writing it;
    :class:`RuleSetError` with a Chinese message when it is not a valid table."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"TOML 格式错误：{error}") from None
    if str(table.get("name", name)) != name:
        raise RuleSetError(f"表中 name = {table.get('name')!r} 与规则集名称 {name!r} 不一致")
    table.setdefault("name", name)
    if table.get("extends") == name:
        raise RuleSetError(f"规则集 {name} 不能 extends 自己")
    return _build(name, table, load)


def write_table(directory: Path | str, name: str, text: str) -> Path:
    """Write a table whole and rename it into place, so readers never see half a file and
    the directory's stamp changes."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.toml"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text.replace("\r\n", "\n").rstrip("\n") + "\n")
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _touch(folder)
    return target


def remove_table(directory: Path | str, name: str) -> None:
    """Remove a table written by :func:`write_table` (nothing if it is not there)."""
    folder = Path(directory)
    (folder / f"{name}.toml").unlink(missing_ok=True)
    if folder.exists():
        _touch(folder)


def _touch(folder: Path) -> None:
    """Bump the directory's stamp even when the clock's tick has not moved."""
    stat = folder.stat()
    os.utime(folder, ns=(stat.st_atime_ns, max(stat.st_mtime_ns + 1, time.time_ns())))
