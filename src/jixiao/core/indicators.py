"""Indicator trees: any depth, weights, validation, not-applicable leaves, deductions.

A tree that does not add up can be built (users type broken tables), but never silently:
:class:`IndicatorTree` validates on construction and carries its problems.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from jixiao.core.money import HUNDRED, ZERO

PATH_SEPARATOR = " / "
EMPTY: Mapping[str, Any] = MappingProxyType({})


def empty() -> Mapping[Any, Any]:
    """A shared read-only empty mapping (a dataclass default must come from a factory)."""
    return EMPTY


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """A named scoring method with its parameters (see :mod:`jixiao.core.scoring`)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=empty)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of an evaluation table; leaves carry target, actual and a method."""

    name: str
    code: str = ""
    weight: Decimal | None = None
    children: tuple[Indicator, ...] = ()
    target: str | None = None
    actual: str | None = None
    method: MethodSpec | None = None
    facts: Mapping[str, Any] = field(default_factory=empty)
    published_score: Decimal | None = None
    manual_score: Decimal | None = None
    manual_reason: str = ""
    rationale: str = ""
    deviation_note: str = ""
    not_applicable: bool = False
    lower_is_better: bool | None = None
    line: int | None = None  # where it was written in the case file, for messages
    explanation: str = ""  # 指标解释: what the indicator measures, as the official table words it
    criteria: str = ""  # 评分标准 / 评分方法说明, as written (the computation is the method's)

    def __init__(
        self,
        name: str,
        code: str = "",
        weight: Decimal | None = None,
        children: tuple[Indicator, ...] = (),
        target: str | None = None,
        actual: str | None = None,
        method: MethodSpec | None = None,
        facts: Mapping[str, Any] = EMPTY,
        published_score: Decimal | None = None,
        manual_score: Decimal | None = None,
        manual_reason: str = "",
        rationale: str = "",
        deviation_note: str = "",
        not_applicable: bool = False,
        lower_is_better: bool | None = None,
        line: int | None = None,
        explanation: str = "",
        criteria: str = "",
    ) -> None:
        # What the generated frozen __init__ does (every field set once), through each slot's
        # own setter: a table has tens of these and a batch millions, and the generic
        # object.__setattr__ of the generated one costs about twice as much per field.
        _set_name(self, name)
        _set_code(self, code)
        _set_weight(self, weight)
        _set_children(self, children)
        _set_target(self, target)
        _set_actual(self, actual)
        _set_method(self, method)
        _set_facts(self, facts)
        _set_published_score(self, published_score)
        _set_manual_score(self, manual_score)
        _set_manual_reason(self, manual_reason)
        _set_rationale(self, rationale)
        _set_deviation_note(self, deviation_note)
        _set_not_applicable(self, not_applicable)
        _set_lower_is_better(self, lower_is_better)
        _set_line(self, line)
        _set_explanation(self, explanation)
        _set_criteria(self, criteria)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def effective_weight(self) -> Decimal:
        """The written weight, or the sum of the children's when the table leaves it blank."""
        weight = self.weight
        if weight is not None:
            return weight
        return _weight_sum(self.children)

    @property
    def applicable_weight(self) -> Decimal:
        """Weight still in play once not-applicable indicators are left out."""
        if self.not_applicable:
            return ZERO
        if self.is_leaf:
            return self.effective_weight
        total = ZERO
        for child in self.children:
            total += child.applicable_weight
        return total


def _setter(name: str) -> Any:
    return Indicator.__dict__[name].__set__  # the slot's member descriptor


_set_name, _set_code, _set_weight, _set_children = map(
    _setter, ("name", "code", "weight", "children")
)
_set_target, _set_actual, _set_method, _set_facts = map(
    _setter, ("target", "actual", "method", "facts")
)
_set_published_score, _set_manual_score, _set_manual_reason, _set_rationale = map(
    _setter, ("published_score", "manual_score", "manual_reason", "rationale")
)
_set_deviation_note, _set_not_applicable, _set_lower_is_better, _set_line = map(
    _setter, ("deviation_note", "not_applicable", "lower_is_better", "line")
)
_set_explanation, _set_criteria = map(_setter, ("explanation", "criteria"))


def _weight_sum(indicators: tuple[Indicator, ...]) -> Decimal:
    total = ZERO
    for indicator in indicators:
        weight = indicator.weight
        total += weight if weight is not None else indicator.effective_weight
    return total


class ProblemCode(StrEnum):
    WEIGHTS_NOT_100 = "WEIGHTS_NOT_100"
    CHILD_WEIGHTS_MISMATCH = "CHILD_WEIGHTS_MISMATCH"
    LEAF_WITHOUT_WEIGHT = "LEAF_WITHOUT_WEIGHT"
    MANUAL_REASON_MISSING = "MANUAL_REASON_MISSING"


@dataclass(frozen=True, slots=True)
class TreeProblem:
    code: ProblemCode
    path: str
    expected: Decimal | None = None
    found: Decimal | None = None


def walk(
    indicators: tuple[Indicator, ...], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Indicator]]:
    """Depth-first (path, indicator) pairs; the path holds each ancestor's label."""
    for indicator in indicators:
        path = (*prefix, indicator.label)
        yield path, indicator
        yield from walk(indicator.children, path)


def path_text(path: tuple[str, ...]) -> str:
    return PATH_SEPARATOR.join(path)


@dataclass(frozen=True, slots=True)
class Deduction:
    """扣分项: points taken off after the sum, e.g. 工作配合 −0.5 per occurrence, at most 10."""

    name: str
    per_occurrence: Decimal | None = None
    occurrences: int = 0
    points: Decimal | None = None  # a direct amount when the table gives one
    cap: Decimal | None = None
    reason: str = ""
    published: Decimal | None = None

    @property
    def amount(self) -> Decimal:
        if self.points is not None:
            raw = self.points
        elif self.per_occurrence is not None:
            raw = self.per_occurrence * self.occurrences
        else:
            raw = ZERO
        return min(raw, self.cap) if self.cap is not None else raw


@dataclass(frozen=True)
class IndicatorTree:
    """The roots of a table (the 执行率 row included) plus its 扣分项.

    Construction validates the tree in one pass and keeps what later stages ask for.
    """

    roots: tuple[Indicator, ...]
    deductions: tuple[Deduction, ...] = ()
    expected_total: Decimal = HUNDRED
    problems: tuple[TreeProblem, ...] = field(init=False)
    total_weight: Decimal = field(init=False)
    has_not_applicable: bool = field(init=False)
    level_counts: Mapping[int, int] = field(init=False)  # depth (1 = 一级) → how many

    def __post_init__(self) -> None:
        problems: list[TreeProblem] = []
        counts: dict[int, int] = {}
        total = _weight_sum(self.roots)
        object.__setattr__(self, "total_weight", total)
        if total != self.expected_total:
            problems.append(
                TreeProblem(ProblemCode.WEIGHTS_NOT_100, "", self.expected_total, total)
            )
        has_na = _check_level(self.roots, (), 1, problems, counts)
        object.__setattr__(self, "problems", tuple(problems))
        object.__setattr__(self, "has_not_applicable", has_na)
        object.__setattr__(self, "level_counts", MappingProxyType(counts))

    @property
    def applicable_weight(self) -> Decimal:
        total = ZERO
        for root in self.roots:
            total += root.applicable_weight
        return total


def _check_level(
    indicators: tuple[Indicator, ...],
    prefix: tuple[str, ...],
    depth: int,
    problems: list[TreeProblem],
    counts: dict[int, int],
) -> bool:
    """Validate one level and below; returns whether any indicator is not applicable."""
    counts[depth] = counts.get(depth, 0) + len(indicators)
    has_na = False
    for indicator in indicators:
        has_na = has_na or indicator.not_applicable
        children = indicator.children
        if not children and indicator.weight is None:
            problems.append(TreeProblem(ProblemCode.LEAF_WITHOUT_WEIGHT, _where(prefix, indicator)))
        if indicator.manual_score is not None and not indicator.manual_reason.strip():
            problems.append(
                TreeProblem(ProblemCode.MANUAL_REASON_MISSING, _where(prefix, indicator))
            )
        if children:
            if indicator.weight is not None:
                summed = _weight_sum(children)
                if summed != indicator.weight:
                    where = _where(prefix, indicator)
                    problems.append(
                        TreeProblem(
                            ProblemCode.CHILD_WEIGHTS_MISMATCH, where, indicator.weight, summed
                        )
                    )
            below = _check_level(children, (*prefix, indicator.label), depth + 1, problems, counts)
            has_na = has_na or below
    return has_na


def _where(prefix: tuple[str, ...], indicator: Indicator) -> str:
    return path_text((*prefix, indicator.label))
