"""Audit: recompute everything and compare with what was published.

Each finding has a stable code, a severity, the indicator path, a Chinese message and a
fingerprint that stays the same for the same problem in the same table, so a reviewer's
"confirmed/dismissed" can stick to it.

Messages (and the audit's own paths: 总分, 等级, 执行率, 合计) are :class:`~jixiao.core.text.Text`:
the Chinese string, which a user interface can translate (catalog ``core_text/catalogs/audit``).
A message is built only when its finding is added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, Protocol

from jixiao.core.budget import Budget
from jixiao.core.case import Case, CaseMeta, DepartmentSummary, Published, SummaryRow
from jixiao.core.evaluation import EvaluationResult, Score, Source
from jixiao.core.indicators import Deduction, Indicator, ProblemCode, TreeProblem
from jixiao.core.money import HUNDRED, ZERO, Rounding, places_of, quantize
from jixiao.core.records import builder
from jixiao.core.rules import (
    ExecutionDenominator,
    RuleSet,
    grade_rank,
    normalize_grade,
    worse_grade,
)
from jixiao.core.scoring.base import Outcome, show
from jixiao.core.targets import is_met, parse, units_compatible
from jixiao.core.text import Text, compiled


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(StrEnum):
    SUM_MISMATCH = "SUM_MISMATCH"
    TOTAL_MISMATCH = "TOTAL_MISMATCH"
    SCORE_EXCEEDS_WEIGHT = "SCORE_EXCEEDS_WEIGHT"
    WEIGHTS_NOT_100 = "WEIGHTS_NOT_100"
    CHILD_WEIGHTS_MISMATCH = "CHILD_WEIGHTS_MISMATCH"
    LEAF_WITHOUT_WEIGHT = "LEAF_WITHOUT_WEIGHT"
    MANUAL_REASON_MISSING = "MANUAL_REASON_MISSING"
    EXECUTION_RATE_MISMATCH = "EXECUTION_RATE_MISMATCH"
    EXECUTION_SCORE_MISMATCH = "EXECUTION_SCORE_MISMATCH"
    ROUNDING_VARIANT = "ROUNDING_VARIANT"
    GRADE_MISMATCH = "GRADE_MISMATCH"
    GRADE_UNKNOWN = "GRADE_UNKNOWN"
    GRADE_RULE_VIOLATION = "GRADE_RULE_VIOLATION"
    MET_BUT_DEDUCTED = "MET_BUT_DEDUCTED"
    MISSED_BUT_FULL = "MISSED_BUT_FULL"
    DEVIATION_NOTE_MISSING = "DEVIATION_NOTE_MISSING"
    UNIT_MISMATCH = "UNIT_MISMATCH"
    SCORE_METHOD_MISMATCH = "SCORE_METHOD_MISMATCH"
    INDICATOR_COUNT_MISMATCH = "INDICATOR_COUNT_MISMATCH"


CODE_TITLES: dict[Code, Text] = {
    Code.SUM_MISMATCH: Text("合计不符"),
    Code.TOTAL_MISMATCH: Text("总分与重新计算不符"),
    Code.SCORE_EXCEEDS_WEIGHT: Text("得分超出分值"),
    Code.WEIGHTS_NOT_100: Text("分值合计不为100"),
    Code.CHILD_WEIGHTS_MISMATCH: Text("下级分值合计不符"),
    Code.LEAF_WITHOUT_WEIGHT: Text("末级指标未设分值"),
    Code.MANUAL_REASON_MISSING: Text("人工评分缺理由"),
    Code.EXECUTION_RATE_MISMATCH: Text("执行率不符"),
    Code.EXECUTION_SCORE_MISMATCH: Text("执行率得分不符"),
    Code.ROUNDING_VARIANT: Text("舍入方式不同"),
    Code.GRADE_MISMATCH: Text("等级不符"),
    Code.GRADE_UNKNOWN: Text("无法识别的等级"),
    Code.GRADE_RULE_VIOLATION: Text("等级超出执行率允许的上限"),
    Code.MET_BUT_DEDUCTED: Text("已达标却扣分"),
    Code.MISSED_BUT_FULL: Text("未达标却得满分"),
    Code.DEVIATION_NOTE_MISSING: Text("未填写偏差原因"),
    Code.UNIT_MISMATCH: Text("单位不一致"),
    Code.SCORE_METHOD_MISMATCH: Text("得分与评分方法不符"),
    Code.INDICATOR_COUNT_MISMATCH: Text("指标个数不符"),
}
"""A short Chinese name for each code (the code itself stays the stable identifier)."""


@dataclass(frozen=True, slots=True)
class Finding:
    code: Code
    severity: Severity
    path: str
    message: str
    fingerprint: str

    @property
    def title(self) -> Text:
        """The code's short name (:data:`CODE_TITLES`)."""
        return CODE_TITLES[self.code]


_finding = builder(Finding)


def fingerprint(identity: str, code: Code, path: str) -> str:
    digest = hashlib.sha256(f"{identity}\x1f{code.value}\x1f{path}".encode()).hexdigest()
    return digest[:16]


_sha256 = hashlib.sha256
_CODE_BYTES = {code: f"\x1f{code.value}\x1f".encode() for code in Code}


class Collector:
    """Builds findings for one table, fingerprinting each against the table's identity."""

    __slots__ = ("_identity", "_prefix", "findings", "meta")

    def __init__(self, meta: CaseMeta) -> None:
        self.meta: CaseMeta | None = meta
        self._identity: str | None = None  # worked out at the first finding
        self._prefix: bytes | None = None
        self.findings: list[Finding] = []

    @classmethod
    def for_identity(cls, identity: str) -> Collector:
        """A collector for a table whose identity (:attr:`CaseMeta.identity`) is known."""
        out = cls.__new__(cls)
        out.meta = None
        out._identity = identity
        out._prefix = None
        out.findings = []
        return out

    @property
    def identity(self) -> str:
        if self._identity is None:
            assert self.meta is not None
            self._identity = self.meta.identity
        return self._identity

    def add(self, code: Code, severity: Severity, path: str, message: str) -> None:
        prefix = self._prefix
        if prefix is None:
            prefix = self._prefix = self.identity.encode()
        # fingerprint(identity, code, path), with the identity encoded once per table
        digest = _sha256(prefix + _CODE_BYTES[code] + path.encode()).hexdigest()[:16]
        self.findings.append(_finding(code, severity, path, message, digest))

    def extend(self, path: str, problems: tuple[Problem, ...]) -> None:
        """Add ``problems`` (see :func:`score_problems`) found at ``path``."""
        for code, severity, message in problems:
            self.add(code, severity, path, message)


Problem = tuple[Code, Severity, str]
"""A finding before it has a place: code, severity and message."""


class _Sink(Protocol):
    def add(self, code: Code, severity: Severity, path: str, message: str) -> None: ...


class _Problems:
    """Keeps what the checks of one score report, without path or fingerprint."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, code: Code, severity: Severity, path: str, message: str) -> None:
        self.found.append((code, severity, message))


def score_problems(score: Score, rules: RuleSet) -> tuple[Problem, ...]:
    """What the audit reports of one score, in order, for :meth:`Collector.extend`.

    The checks read only the score's own row (its children's printed scores for a parent), so a
    batch audit may reuse the answer for an identical row.
    """
    out = _Problems()
    _check_score(score, rules, out)
    return tuple(out.found)


@dataclass(frozen=True, slots=True)
class Comparison:
    """How a printed figure relates to the exact value."""

    ok: bool
    seen: Rounding | None  # the rounding that reproduces the printed figure, if any
    expected: Decimal  # the exact value rounded the rule set's way, at the printed precision
    within_tolerance: bool


_comparison = builder(Comparison)


def compare_printed(exact: Decimal, printed: Decimal, rules: RuleSet) -> Comparison:
    """Does ``printed`` come from ``exact`` by the rule set's rounding, another one, or neither?"""
    if exact == printed and rules.rounding is not Rounding.WHOLE_DOWN:
        return _comparison(True, rules.rounding, printed, True)  # the rounding keeps it as is
    places = places_of(printed)
    expected = quantize(exact, places, rules.rounding)
    if expected == printed:
        return _comparison(True, rules.rounding, expected, True)
    for mode in (Rounding.HALF_UP, Rounding.DOWN):
        if quantize(exact, places, mode) == printed:
            return _comparison(False, mode, expected, True)
    within = abs(printed - exact) <= rules.tolerance
    return _comparison(False, None, expected, within)


_WHOLE_DOWN = Rounding.WHOLE_DOWN
_NOT_APPLICABLE = Source.NOT_APPLICABLE


def printed_matches(exact: Decimal, printed: Decimal, rules: RuleSet) -> bool:
    """``compare_printed(...).ok``, without building the comparison."""
    if exact == printed and rules.rounding is not _WHOLE_DOWN:
        return True
    return quantize(exact, places_of(printed), rules.rounding) == printed


# Every message with numbers or table data in it (the fixed ones are plain Text constants).

_WEIGHTS_NOT_100 = compiled(Text("各一级指标（含执行率）分值合计 {found}，应为 {expected}"))
_CHILD_WEIGHTS_MISMATCH = compiled(Text("下级指标分值合计 {found}，与本级分值 {expected} 不符"))
_OUT_OF_RANGE = compiled(Text("得分 {given} 超出 0–{weight} 的范围"))
_SUBTOTAL_DIFFERS = compiled(Text("小计 {printed} 与下级得分合计 {children} 不符"))
_METHOD_DIFFERS = compiled(Text("{which} {given} 与{method}计算结果 {expected} 不符：{formula}"))
_OUTSIDE_BAND = compiled(Text("{which} {given} 不在{method}允许的区间内：{formula}"))
_MET_BUT_DEDUCTED = compiled(
    Text(
        "实际完成值“{actual}”已达到年度指标值“{target}”，却只得 {given}/{weight}，且未说明偏差原因"
    )
)
_MISSED_BUT_FULL = compiled(
    Text("实际完成值“{actual}”未达到年度指标值“{target}”，却得满分 {given}")
)
_NOTE_MISSING = compiled(Text("得分 {given}/{weight} 未达满分，未填写偏差原因分析及改进措施"))
_UNITS_DIFFER = compiled(
    Text("年度指标值单位“{target_unit}”与实际完成值单位“{actual_unit}”不一致，无法比较")
)
_TOTAL_NOT_SUM = compiled(Text("总分 {printed} 与各项得分合计 {parts} 不符"))
_TOTAL_DIFFERS = compiled(Text("发布总分 {printed}，重新计算为 {computed}"))
_RATE_BY_BUDGET = compiled(
    Text(
        "执行率发布为 {printed}%，按全年执行数/全年预算数计算为 {computed}%（无法由四舍五入或截断得到）"
    )
)
_RATE_BY_ARRIVED = compiled(
    Text(
        "执行率发布为 {printed}%，按全年执行数/实际到位资金计算为 {computed}%（无法由四舍五入或截断得到）"
    )
)
_ROUNDED_OTHERWISE = compiled(
    Text("{subject} {printed}{unit}：{note}，按规则应为 {expected}{unit}")
)
_ROUNDING_SEEN = compiled(Text("发布值系{seen}所得（规则集为{rules}）"))
_GRADE_UNKNOWN = compiled(Text("无法识别的等级“{raw}”"))
_GRADE_DIFFERS = compiled(Text("总分 {total} 按等级划分应为“{expected}”，发布为“{raw}”"))
_GRADE_ABOVE_CAP = compiled(Text("执行率 {rate}%，按{rules}结论最高为“{best}”，发布为“{raw}”"))
_LEVEL = compiled(Text("{level}级指标"))
_COUNT_DIFFERS = compiled(Text("报告文字称{level}级指标 {declared} 个，表中实有 {found} 个"))
_BUDGET_SUM_DIFFERS = compiled(Text("全年预算数合计 {parts}，发布为 {published}"))
_CONCLUSION_UNKNOWN = compiled(Text("无法识别的自评结论“{conclusion}”"))

# The audit's own words, built once: paths, subjects and the rounding names (Rounding.label).
_TOTAL = Text("总分")
_GRADE = Text("等级")
_SUM = Text("合计")
_EXECUTION = Text("执行率")
_MANUAL = Text("人工评分")
_PUBLISHED = Text("填报得分")
_ROUNDING_LABELS: dict[Rounding, Text] = {
    Rounding.HALF_UP: Text("四舍五入"),
    Rounding.DOWN: Text("截断"),
    Rounding.WHOLE_DOWN: Text("向下取整"),
}


def _rounding_note(seen: Rounding, rules: RuleSet) -> Text:
    """Which rounding gives the printed figure (a figure no rounding gives: _RATE_BY_…)."""
    return _ROUNDING_SEEN(
        seen=_ROUNDING_LABELS[seen],
        rules=_ROUNDING_LABELS[rules.rounding],
    )


# Evaluations --------------------------------------------------------------------------------

_TREE_CODES = {
    ProblemCode.WEIGHTS_NOT_100: Code.WEIGHTS_NOT_100,
    ProblemCode.CHILD_WEIGHTS_MISMATCH: Code.CHILD_WEIGHTS_MISMATCH,
    ProblemCode.LEAF_WITHOUT_WEIGHT: Code.LEAF_WITHOUT_WEIGHT,
    ProblemCode.MANUAL_REASON_MISSING: Code.MANUAL_REASON_MISSING,
}


_LEAF_WITHOUT_WEIGHT = Text("末级指标未设分值")
_MANUAL_REASON_MISSING = Text("人工评分须填写理由")


def _tree_problem_message(problem: TreeProblem) -> Text:
    if problem.code is ProblemCode.WEIGHTS_NOT_100:
        return _WEIGHTS_NOT_100(
            found=show(problem.found or ZERO),
            expected=show(problem.expected or ZERO),
        )
    if problem.code is ProblemCode.CHILD_WEIGHTS_MISMATCH:
        return _CHILD_WEIGHTS_MISMATCH(
            found=show(problem.found or ZERO),
            expected=show(problem.expected or ZERO),
        )
    if problem.code is ProblemCode.LEAF_WITHOUT_WEIGHT:
        return _LEAF_WITHOUT_WEIGHT
    return _MANUAL_REASON_MISSING


def audit_case(case: Case, result: EvaluationResult, rules: RuleSet) -> list[Finding]:
    out = Collector(case.meta)
    for problem in case.tree.problems:
        out.add(
            _TREE_CODES[problem.code], Severity.ERROR, problem.path, _tree_problem_message(problem)
        )
    for score in result.scores:
        _check_score(score, rules, out)
    check_table(
        out,
        rules,
        case.published,
        [root.published_score for root in case.tree.roots],
        case.tree.deductions,
        result.total,
        case.budget,
        result.execution_percent,
        case.tree.level_counts,
    )
    return out.findings


def check_table(
    out: Collector,
    rules: RuleSet,
    published: Published,
    roots_printed: Sequence[Decimal | None],
    deductions: Sequence[Deduction],
    total: Decimal,
    budget: Budget | None,
    execution: Decimal | None,
    level_counts: Mapping[int, int],
) -> None:
    """The checks of the table as a whole: total, execution rate, grade, declared counts.

    ``roots_printed``: the printed scores of the top-level rows; ``total`` and ``execution``:
    as computed (:class:`~jixiao.core.evaluation.EvaluationResult`).
    """
    _check_total(published.total, roots_printed, deductions, total, rules, out)
    _check_execution_rate(budget, execution, rules, out)
    _check_grade(published, execution, rules, out)
    _check_declared_counts(published.declared_counts, level_counts, out)


def _published_children_sum(score: Score) -> Decimal | None:
    total = ZERO
    for child in score.indicator.children:
        value = child.published_score
        if value is None:
            return None
        total += value
    return total


def _exceeds(out: _Sink, path: str, printed: Decimal | None, weight: Decimal) -> None:
    if printed is not None and (printed > weight or printed < ZERO):
        out.add(
            Code.SCORE_EXCEEDS_WEIGHT,
            Severity.ERROR,
            path,
            _OUT_OF_RANGE(
                given=show(printed),
                weight=show(weight),
            ),
        )


def _check_score(score: Score, rules: RuleSet, out: _Sink) -> None:
    indicator = score.indicator
    printed = indicator.published_score
    if indicator.children or score.source is _NOT_APPLICABLE:
        _exceeds(out, score.path_text, printed, score.weight)
    if indicator.children:
        if printed is not None:
            children = _published_children_sum(score)
            if children is not None and abs(printed - children) > rules.tolerance:
                out.add(
                    Code.SUM_MISMATCH,
                    Severity.ERROR,
                    score.path_text,
                    _SUBTOTAL_DIFFERS(
                        printed=show(printed),
                        children=show(children),
                    ),
                )
        if indicator.manual_score is not None:
            _check_against_method(score, rules, out)
        return
    if score.source is _NOT_APPLICABLE:
        return
    _check_leaf(out, score.path_text, _leaf_of(score), score.outcome, rules)


def _leaf_of(score: Score) -> Leaf:
    indicator = score.indicator
    printed, manual, weight = indicator.published_score, indicator.manual_score, score.weight
    given = manual if manual is not None else printed
    # The notes are read only below full points: worked out only there.
    below_full = given is not None and given < weight
    return _new_leaf(
        Leaf,
        (
            printed,
            manual,
            weight,
            score.computed,
            score.method,
            _is_execution(indicator),
            indicator.target,
            indicator.actual,
            below_full and _has_note(indicator),
            below_full and bool(indicator.rationale.strip()),
            indicator.lower_is_better,
        ),
    )


_new_leaf = tuple.__new__  # a Leaf from a full tuple, without NamedTuple's argument handling


class Leaf(NamedTuple):
    """What the checks of a leaf row read (see :func:`leaf_problems`)."""

    printed: Decimal | None  # the published score
    manual: Decimal | None  # a manual score, if any
    weight: Decimal
    computed: Decimal | None  # the method's score, rounded
    method: str  # the method's title
    execution: bool  # the 执行率 row
    target: str | None
    actual: str | None
    noted: bool  # a 偏差原因 (or a manual score's reason) is written
    reasoned: bool  # a rationale is written
    lower_is_better: bool | None


def leaf_problems(leaf: Leaf, outcome: Outcome | None, rules: RuleSet) -> tuple[Problem, ...]:
    """What the audit reports of a leaf row (the checks of :func:`score_problems`), for a batch
    audit that read the row's cells itself."""
    out = _Problems()
    _check_leaf(out, "", leaf, outcome, rules)
    return tuple(out.found)


def _check_leaf(out: _Sink, path: str, leaf: Leaf, outcome: Outcome | None, rules: RuleSet) -> None:
    printed, manual, weight = leaf.printed, leaf.manual, leaf.weight
    _exceeds(out, path, printed, weight)
    given = manual if manual is not None else printed
    if outcome is not None and given is not None:
        value = outcome.value
        if value is None or not printed_matches(max(ZERO, min(value, weight)), given, rules):
            # a band to check, or a figure that differs
            _against_method(out, path, leaf, given, outcome, rules)
    target, actual = leaf.target, leaf.actual
    if given is not None:
        achieved: bool | None = None
        if target and actual:  # 指标值 vs 实际完成值; execution rows have neither
            achieved = outcome.met if outcome is not None else None
            if achieved is None:
                achieved = is_met(
                    parse(target), parse(actual), lower_is_better=leaf.lower_is_better
                )
        _achievement(
            out,
            path,
            achieved,
            given,
            weight,
            leaf.computed,
            leaf.noted,
            leaf.reasoned,
            leaf.execution,
            target,
            actual,
        )
    if target and actual:  # an empty cell is never quantitative
        _units(out, path, target, actual)


def _given(indicator: Indicator) -> Decimal | None:
    """The score the table gives: the manual one if any, else the published one."""
    manual = indicator.manual_score
    return manual if manual is not None else indicator.published_score


def _is_execution(indicator: Indicator) -> bool:
    return indicator.method is not None and indicator.method.code == "execution"


def _check_against_method(score: Score, rules: RuleSet, out: _Sink) -> None:
    """A parent's manual score against its children's sum."""
    outcome = score.outcome
    given = _given(score.indicator)
    if outcome is None or given is None:
        return
    _against_method(out, score.path_text, _leaf_of(score), given, outcome, rules)


def _against_method(
    out: _Sink, path: str, leaf: Leaf, given: Decimal, outcome: Outcome, rules: RuleSet
) -> None:
    value, band = outcome.value, outcome.band
    if value is not None:
        exact = max(ZERO, min(value, leaf.weight))
        if printed_matches(exact, given, rules):
            return
    elif band is None:
        return
    which = _MANUAL if leaf.manual is not None else _PUBLISHED
    code = Code.EXECUTION_SCORE_MISMATCH if leaf.execution else Code.SCORE_METHOD_MISMATCH
    if value is not None:
        _report_printed(
            compare_printed(exact, given, rules),
            given,
            rules,
            out,
            path,
            which,
            "",
            code,
            lambda expected: _METHOD_DIFFERS(
                which=which,
                given=show(given),
                method=leaf.method,
                expected=show(expected),
                formula=outcome.formula,
            ),
        )
    elif band is not None:
        low, high = band
        if given < low - rules.tolerance or given > high + rules.tolerance:
            out.add(
                code,
                Severity.ERROR,
                path,
                _OUTSIDE_BAND(
                    which=which,
                    given=show(given),
                    method=leaf.method,
                    formula=outcome.formula,
                ),
            )


def _has_note(indicator: Indicator) -> bool:
    return bool(indicator.deviation_note.strip() or indicator.manual_reason.strip())


class AchievementRow(NamedTuple):
    """What the achievement checks read of a leaf row (see :func:`achievement_problems`)."""

    achieved: bool | None  # the method's verdict, else targets.is_met; None: not comparable
    given: Decimal  # the score the table gives (manual, else published)
    weight: Decimal
    computed: Decimal | None  # the method's score, rounded
    noted: bool  # a 偏差原因 (or a manual score's reason) is written
    reasoned: bool  # a rationale is written
    execution: bool  # the 执行率 row
    target: str | None
    actual: str | None


def achievement_problems(row: AchievementRow) -> tuple[Problem, ...]:
    """What the checks of a row's achievement report (MET_BUT_DEDUCTED, MISSED_BUT_FULL,
    DEVIATION_NOTE_MISSING), for a batch audit that scored the row itself."""
    out = _Problems()
    _achievement(out, "", *row)
    return tuple(out.found)


def _achievement(
    out: _Sink,
    path: str,
    achieved: bool | None,
    given: Decimal,
    weight: Decimal,
    computed: Decimal | None,
    noted: bool,
    reasoned: bool,
    execution: bool,
    target: str | None,
    actual: str | None,
) -> None:
    below_full = given < weight
    if achieved and below_full and not noted:
        out.add(
            Code.MET_BUT_DEDUCTED,
            Severity.WARNING,
            path,
            _MET_BUT_DEDUCTED(
                actual=actual,
                target=target,
                given=show(given),
                weight=show(weight),
            ),
        )
        return
    # a score that rounds to full is no finding
    if achieved is False and not below_full and (computed is None or computed < weight):
        out.add(
            Code.MISSED_BUT_FULL,
            Severity.WARNING,
            path,
            _MISSED_BUT_FULL(
                actual=actual,
                target=target,
                given=show(given),
            ),
        )
    if below_full and not execution and not noted and not reasoned:
        out.add(
            Code.DEVIATION_NOTE_MISSING,
            Severity.INFO,
            path,
            _NOTE_MISSING(
                given=show(given),
                weight=show(weight),
            ),
        )


def _units(out: _Sink, path: str, target_text: str, actual_text: str) -> None:
    target, actual = parse(target_text), parse(actual_text)
    if (
        target.value is not None  # both quantitative (is_quantitative, without the calls)
        and actual.value is not None
        and target.unit != actual.unit  # the same unit always fits: no call for the usual case
        and not units_compatible(target.unit, actual.unit)
    ):
        out.add(
            Code.UNIT_MISMATCH,
            Severity.WARNING,
            path,
            _UNITS_DIFFER(
                target_unit=target.unit,
                actual_unit=actual.unit,
            ),
        )


def _check_total(
    printed: Decimal | None,
    roots: Sequence[Decimal | None],
    deductions: Sequence[Deduction],
    total: Decimal,
    rules: RuleSet,
    out: Collector,
) -> None:
    if printed is None:
        return
    parts = ZERO
    complete = True  # every top-level row printed (``None in roots`` would be slow on Decimals)
    for value in roots:
        if value is None:
            complete = False
            break
        parts += value
    if complete:
        deducted = ZERO
        for deduction in deductions:
            deducted += deduction.published if deduction.published is not None else deduction.amount
        if abs(parts - deducted - printed) > rules.tolerance:
            out.add(
                Code.SUM_MISMATCH,
                Severity.ERROR,
                _TOTAL,
                _TOTAL_NOT_SUM(
                    printed=show(printed),
                    parts=show(parts - deducted),
                ),
            )
    if abs(total - printed) > rules.tolerance:
        out.add(
            Code.TOTAL_MISMATCH,
            Severity.ERROR,
            _TOTAL,
            _TOTAL_DIFFERS(
                printed=show(printed),
                computed=show(total),
            ),
        )


def _check_execution_rate(
    budget: Budget | None, exact: Decimal | None, rules: RuleSet, out: Collector
) -> None:
    """``exact``: the budget's execution percent by the rule set's denominator."""
    if budget is None or budget.published_rate is None or exact is None:
        return
    if rules.execution_capped:
        exact = min(exact, HUNDRED)
    mismatch = (
        _RATE_BY_ARRIVED
        if rules.execution_denominator is ExecutionDenominator.ARRIVED
        else _RATE_BY_BUDGET
    )
    _compare_rate(exact, budget.published_rate, rules, out, _EXECUTION, mismatch)


def _compare_rate(
    exact: Decimal,
    printed: Decimal,
    rules: RuleSet,
    out: Collector,
    path: str,
    mismatch: Callable[..., Text],
) -> None:
    """``mismatch``: the message naming the rate's denominator (_RATE_BY_…)."""
    if printed_matches(exact, printed, rules):
        return
    _report_printed(
        compare_printed(exact, printed, rules),
        printed,
        rules,
        out,
        path,
        _EXECUTION,
        "%",
        Code.EXECUTION_RATE_MISMATCH,
        lambda _expected: mismatch(
            printed=show(printed), computed=show(quantize(exact, 2, Rounding.HALF_UP))
        ),
    )


def _report_printed(
    seen: Comparison,
    printed: Decimal,
    rules: RuleSet,
    out: _Sink,
    path: str,
    subject: Text,
    unit: str,
    code: Code,
    mismatch: Callable[[Decimal], Text],
) -> None:
    """Silent when the rule set's rounding gives the printed figure; ROUNDING_VARIANT (info)
    when another rounding does; otherwise ``code``, a warning within the tolerance.
    """
    if seen.ok:
        return
    if seen.seen is not None:
        out.add(
            Code.ROUNDING_VARIANT,
            Severity.INFO,
            path,
            _ROUNDED_OTHERWISE(
                subject=subject,
                printed=show(printed),
                unit=unit,
                note=_rounding_note(seen.seen, rules),
                expected=show(seen.expected),
            ),
        )
        return
    severity = Severity.WARNING if seen.within_tolerance else Severity.ERROR
    out.add(code, severity, path, mismatch(seen.expected))


def _check_grade(
    published: Published, execution: Decimal | None, rules: RuleSet, out: Collector
) -> None:
    raw = published.grade
    if raw is None:
        return
    grade = normalize_grade(raw)
    if grade is None:
        out.add(Code.GRADE_UNKNOWN, Severity.ERROR, _GRADE, _GRADE_UNKNOWN(raw=raw))
        return
    best = rules.best_grade_allowed(execution)
    total = published.total
    if total is not None:
        expected = worse_grade(rules.grade_for(total), best)
        if grade != expected and grade_rank(grade) >= grade_rank(best):
            out.add(
                Code.GRADE_MISMATCH,
                Severity.ERROR,
                _GRADE,
                _GRADE_DIFFERS(
                    total=show(total),
                    expected=expected,
                    raw=raw,
                ),
            )
    _check_grade_cap(grade, raw, execution, rules, out, _GRADE)


def _check_grade_cap(
    grade: str, raw: str, execution: Decimal | None, rules: RuleSet, out: Collector, path: str
) -> None:
    best = rules.best_grade_allowed(execution)
    if execution is not None and grade_rank(grade) < grade_rank(best):
        out.add(
            Code.GRADE_RULE_VIOLATION,
            Severity.ERROR,
            path,
            _GRADE_ABOVE_CAP(
                rate=show(quantize(execution, 2, Rounding.HALF_UP)),
                rules=rules.title or rules.name,
                best=best,
                raw=raw,
            ),
        )


def _check_declared_counts(
    declared_counts: Mapping[int, int], counts: Mapping[int, int], out: Collector
) -> None:
    for level, declared in sorted(declared_counts.items()):
        found = counts.get(level, 0)
        if found != declared:
            out.add(
                Code.INDICATOR_COUNT_MISMATCH,
                Severity.INFO,
                _LEVEL(level=level),
                _COUNT_DIFFERS(
                    level=level,
                    declared=declared,
                    found=found,
                ),
            )


# Department summaries ---------------------------------------------------------------------


def audit_summary(summary: DepartmentSummary, rules: RuleSet) -> list[Finding]:
    out = Collector(summary.meta)
    for row in summary.rows:
        _check_row(row, rules, out)
    total = summary.published.total_budget
    if total is not None:
        parts = sum((row.full_year_budget for row in summary.rows), ZERO)
        if abs(parts - total) > rules.tolerance:
            out.add(
                Code.SUM_MISMATCH,
                Severity.ERROR,
                _SUM,
                _BUDGET_SUM_DIFFERS(
                    parts=show(parts),
                    published=show(total),
                ),
            )
    return out.findings


def row_path(row: SummaryRow) -> str:
    return f"{row.no}. {row.project}"


def row_execution_percent(row: SummaryRow) -> Decimal | None:
    if row.full_year_budget <= ZERO:
        return None
    return row.executed / row.full_year_budget * HUNDRED


def _check_row(row: SummaryRow, rules: RuleSet, out: Collector) -> None:
    path = row_path(row)
    exact = row_execution_percent(row)
    if exact is not None and row.published_rate is not None:
        _compare_rate(exact, row.published_rate, rules, out, path, _RATE_BY_BUDGET)
    grade = normalize_grade(row.conclusion)
    if grade is None:
        out.add(
            Code.GRADE_UNKNOWN,
            Severity.ERROR,
            path,
            _CONCLUSION_UNKNOWN(conclusion=row.conclusion),
        )
        return
    _check_grade_cap(grade, row.conclusion, exact, rules, out, path)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
