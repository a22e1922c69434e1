"""Rule-set tables: one small TOML file per region (adding a province is a data change)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao.core.rules import RuleSet, RuleSetError, ruleset_from_mapping

DEFAULT = "national"


def _table_dir() -> Path:
    return Path(str(resources.files("jixiao.io") / "rulesets"))


def available() -> list[str]:
    return sorted(path.stem for path in _table_dir().glob("*.toml"))


def _read_table(name: str) -> dict[str, Any]:
    path = _table_dir() / f"{name}.toml"
    if not path.is_file():
        known = "、".join(available())
        raise RuleSetError(f"未知规则集 {name!r}（可用：{known}）")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"规则集文件 {path.name} 格式错误：{error}") from None


@cache
def load(name: str = DEFAULT) -> RuleSet:
    """Load a rule set by name, resolving ``extends`` chains."""
    table = _read_table(name)
    parent = table.pop("extends", None)
    base = load(str(parent)) if parent else None
    try:
        return ruleset_from_mapping(table, base)
    except (KeyError, TypeError) as error:
        raise RuleSetError(f"规则集 {name}: 字段缺失或类型错误 ({error})") from None


def select(region: str, year: int | None) -> RuleSet:
    """The most specific rule set for a region and year; ``national`` when none is regional."""
    regional = [
        rules
        for rules in map(load, available())
        if rules.regions and rules.applies_to(region, year)
    ]
    return regional[0] if regional else load(DEFAULT)
