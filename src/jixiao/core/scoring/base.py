"""The contract every scoring method keeps; one registry of methods by code.

A method turns one indicator (target, actual, facts, parameters) into an :class:`Outcome`: the
exact points (or ``None`` for judgement methods and missing inputs), the formula with numbers
filled in, and for judgement methods the band the evaluator's score must fall inside.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, TypeVar

from jixiao.core.budget import Budget
from jixiao.core.indicators import Indicator
from jixiao.core.money import ZERO, clamp, fmt, to_decimal
from jixiao.core.rules import RuleSet
from jixiao.core.targets import Expression, is_met, parse


@dataclass(frozen=True, slots=True)
class ScoringContext:
    rules: RuleSet
    budget: Budget | None = None


class Outcome(NamedTuple):
    """What a method says of one indicator (an immutable record)."""

    value: Decimal | None
    formula: str
    band: tuple[Decimal, Decimal] | None = None
    met: bool | None = None
    missing: str = ""

    @property
    def computable(self) -> bool:
        return self.value is not None


class MethodInputError(ValueError):
    """A method's parameter or fact is missing or malformed; the message names it."""


class Method(ABC):
    code: ClassVar[str]
    title: ClassVar[str]  # the Chinese name users know (正向比率, 分级评分法, …)

    @abstractmethod
    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        """Score ``indicator`` out of ``weight``; never return points outside [0, weight]."""


REGISTRY: dict[str, Method] = {}


M = TypeVar("M", bound=type[Method])


def register(cls: M) -> M:
    REGISTRY[cls.code] = cls()
    return cls


def get(code: str) -> Method:
    try:
        return REGISTRY[code]
    except KeyError:
        known = "、".join(sorted(REGISTRY))
        raise MethodInputError(f"未知评分方法 {code!r}（可用：{known}）") from None


# Helpers shared by the methods -------------------------------------------------------------


def expressions(indicator: Indicator) -> tuple[Expression, Expression]:
    return parse(indicator.target), parse(indicator.actual)


def met(indicator: Indicator) -> bool | None:
    target, actual = expressions(indicator)
    if not target.raw and not actual.raw:
        return None
    return is_met(target, actual, lower_is_better=indicator.lower_is_better)


def params_of(indicator: Indicator) -> Mapping[str, Any]:
    return indicator.method.params if indicator.method else {}


def number(source: Mapping[str, Any], key: str, what: str) -> Decimal | None:
    """An optional exact number from facts or params; a malformed one is an input error."""
    raw = source.get(key)
    if raw is None or raw == "":
        return None
    try:
        return to_decimal(raw)
    except (TypeError, ValueError):
        raise MethodInputError(f"{what} {key} 须为数字，实为 {raw!r}") from None


def number_or(source: Mapping[str, Any], key: str, what: str, default: Decimal) -> Decimal:
    """Like :func:`number`, but ``default`` only when the key is absent (0 stays 0)."""
    value = number(source, key, what)
    return default if value is None else value


def points(value: Decimal, weight: Decimal) -> Decimal:
    return clamp(value, ZERO, weight)


def missing(what: str) -> Outcome:
    return Outcome(None, f"缺少{what}，无法计算", missing=what)


def show(value: Decimal) -> str:
    return fmt(value)
