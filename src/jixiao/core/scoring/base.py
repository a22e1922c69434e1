"""The contract every scoring method keeps; one registry of methods by code.

A method turns one indicator (target, actual, facts, parameters) into an :class:`Outcome`: the
exact points (or ``None`` for judgement methods and missing inputs), the formula with numbers
filled in, and for judgement methods the band the evaluator's score must fall inside.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, ClassVar, TypeVar

from jixiao.core.budget import Budget
from jixiao.core.indicators import Indicator
from jixiao.core.money import ZERO, clamp, fmt, to_decimal
from jixiao.core.rules import RuleSet
from jixiao.core.targets import Expression, is_met, parse
from jixiao.core.text import Text


@dataclass(frozen=True, slots=True)
class ScoringContext:
    rules: RuleSet
    budget: Budget | None = None


class Outcome(tuple[Any, ...]):
    """What a method says of one indicator (an immutable record).

    ``formula`` is the explanation with the numbers filled in. A method may pass a callable
    instead of the text: the text is then built each time someone reads ``formula`` (it is
    deterministic), never while a table is scored or audited without anyone asking.
    """

    __slots__ = ()

    def __new__(
        cls,
        value: Decimal | None,
        formula: str | Callable[[], str],
        band: tuple[Decimal, Decimal] | None = None,
        met: bool | None = None,
        missing: str = "",
    ) -> Outcome:
        return tuple.__new__(cls, (value, formula, band, met, missing))

    value: Decimal | None = property(itemgetter(0))  # type: ignore[assignment]
    band: tuple[Decimal, Decimal] | None = property(itemgetter(2))  # type: ignore[assignment]
    met: bool | None = property(itemgetter(3))  # type: ignore[assignment]
    missing: str = property(itemgetter(4))  # type: ignore[assignment]

    @property
    def formula(self) -> str:
        formula: str | Callable[[], str] = self[1]
        return formula if isinstance(formula, str) else formula()

    @property
    def computable(self) -> bool:
        return self[0] is not None

    def _key(self) -> tuple[object, ...]:
        return (self[0], self.formula, self[2], self[3], self[4])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Outcome):
            return self._key() == other._key()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        value, _, band, met, missing = self
        return (
            f"Outcome(value={value!r}, formula={self.formula!r}, band={band!r}, met={met!r},"
            f" missing={missing!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (Outcome, self._key())


class MethodInputError(ValueError):
    """A method's parameter or fact is missing or malformed; the message names it."""


class Method(ABC):
    code: ClassVar[str]
    title: ClassVar[str]  # the Chinese name users know (正向比率, 分级评分法, …), a ``Text``

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
        raise MethodInputError(
            Text("未知评分方法 {code}（可用：{known}）", code=repr(code), known=known)
        ) from None


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
    """An optional exact number from facts or params (``what``: 事实 or 参数); a malformed one
    is an input error."""
    raw = source.get(key)
    if raw is None or raw == "":
        return None
    try:
        return to_decimal(raw)
    except (TypeError, ValueError):
        if what == "事实":
            message = Text("事实 {key} 须为数字，实为 {raw}", key=key, raw=repr(raw))
        elif what == "参数":
            message = Text("参数 {key} 须为数字，实为 {raw}", key=key, raw=repr(raw))
        else:
            message = Text("{what} {key} 须为数字，实为 {raw}", what=what, key=key, raw=repr(raw))
        raise MethodInputError(message) from None


def number_or(source: Mapping[str, Any], key: str, what: str, default: Decimal) -> Decimal:
    """Like :func:`number`, but ``default`` only when the key is absent (0 stays 0)."""
    value = number(source, key, what)
    return default if value is None else value


def points(value: Decimal, weight: Decimal) -> Decimal:
    return clamp(value, ZERO, weight)


def missing(what: str) -> Outcome:
    """No points: ``what`` (best a module-level :class:`Text`, so it translates) is missing.
    The sentence is written when asked, like every formula."""
    return Outcome(None, lambda: Text("缺少{what}，无法计算", what=what), missing=what)


show = fmt  # a figure as a table prints it
