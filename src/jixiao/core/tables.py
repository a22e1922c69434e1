"""The official tables as report models: a case and its review become small frozen dataclasses.

Stage two of three (data → report model → one renderer per format, as in akvo's
``rsr/views/py_reports``): ``jixiao.io.xlsx_export`` and ``jixiao.io.docx_export`` only lay
these out (the 得分表 and 指标完成情况表 are built in :mod:`jixiao.core.score_sheets`, on this
module's rows). Scores are the recomputed ones (the score of record); what the publisher
printed is kept beside them (``published_*``).

How an indicator tree of any depth maps onto the three indicator columns 一级 | 二级 | 三级:

* every leaf is one row, written in the column of its own depth; the columns to its right stay
  blank (a depth-1 leaf such as 000's 执行率 fills 一级 only, a depth-2 leaf such as 002's 均衡性
  fills 一级 and 二级);
* a depth-1 or depth-2 parent is not a row of its own: its cell is merged vertically over the
  rows of its subtree (``level1_span``/``level2_span``); a depth-1 parent's cell carries its
  weight, ``产出指标 (50分)``, as 004 and the 000 计分表 print it;
* in trees deeper than three levels a depth-3 parent is a row of its own in the 三级 column, with
  its weight and subtotal (``is_leaf`` false: do not add it to its children), followed by its
  descendants as ``其中：`` rows in the same column, as the 000 计分表 prints ``C101 实施项目产出``
  and ``其中：数量指标``; each level below the fourth is indented by one more full-width space;
* in the 自评表 a root-level 执行率 row (method ``execution``) moves into the 年度资金 block
  (分值, 执行率, 得分), as 004 prints it; anywhere else it stays an ordinary row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import groupby
from typing import TYPE_CHECKING, Any, NamedTuple

from jixiao.core.case import Case, DepartmentSummary
from jixiao.core.evaluation import EvaluationResult, Score, Source
from jixiao.core.money import HUNDRED, ZERO, Rounding, fmt, quantize
from jixiao.core.review import TableReport

if TYPE_CHECKING:  # built in score_sheets, which builds on this module
    from jixiao.core.score_sheets import CompletionTable, ScoreSheet

STANDARD_SOURCES = ("当年财政拨款", "上年结转资金", "其他资金")
EXECUTION_METHOD = "execution"


class TableKind(StrEnum):
    SELF = "self"
    SCORING = "scoring"
    SUMMARY = "summary"
    SCORE_SHEET = "score_sheet"
    COMPLETION = "completion"

    @property
    def label(self) -> str:
        """The table's Chinese name (``title`` would shadow ``str.title``)."""
        return _TITLES[self]


_TITLES = {
    TableKind.SELF: "项目支出绩效自评表",
    TableKind.SCORING: "评价指标计分表",
    TableKind.SUMMARY: "部门绩效自评结果汇总表",
    TableKind.SCORE_SHEET: "绩效评价得分表",
    TableKind.COMPLETION: "专项支出绩效评价指标完成情况表",
}


class TableMismatchError(ValueError):
    """The table asked for does not fit the document; ``str()`` is the message for the user."""


@dataclass(frozen=True, slots=True)
class TableHead:
    title: str
    department: str
    project: str
    fund: str
    unit: str
    year: int | None


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One printed row of an indicator table (see the module docstring for the columns)."""

    level1: str
    level2: str
    level3: str
    level1_span: int  # rows the 一级 cell covers from here; 0 where the cell above covers it
    level2_span: int
    weight: Decimal
    score: Decimal | None  # the score of record; None when not applicable or missing
    published_score: Decimal | None
    target: str
    actual: str
    deviation_note: str
    criterion: str  # the method's title and its formula with numbers (the computation)
    rationale: str  # 评分结果 / 评分依据
    explanation: str  # 指标解释 as the case file words it ("" when not written)
    criteria: str  # 评分标准 as the case file words it ("" when not written)
    depth: int
    is_leaf: bool
    not_applicable: bool
    path: str

    @property
    def scoring_standard(self) -> str:
        """The 评分标准 cell: the written criteria, else the method and its computation."""
        return self.criteria or self.criterion

    @property
    def explanation_text(self) -> str:
        """The 指标解释 cell: the written explanation, else the method and its computation."""
        return self.explanation or self.criterion


@dataclass(frozen=True, slots=True)
class Merge:
    """A vertical merge: ``count`` rows from row ``first`` in indicator column ``column``."""

    column: int  # 0 = 一级, 1 = 二级
    first: int
    count: int


@dataclass(frozen=True, slots=True)
class FundsLine:
    label: str
    initial: Decimal | None
    full_year: Decimal | None
    executed: Decimal | None


@dataclass(frozen=True, slots=True)
class FundsBlock:
    """年度资金: the 合计 line, its split by source, and the 执行率 row's 分值/执行率/得分."""

    total: FundsLine
    sources: tuple[FundsLine, ...]
    weight: Decimal | None
    rate_percent: Decimal | None  # the exact rate, rounded half-up to 2 places
    score: Decimal | None
    published_rate: Decimal | None
    published_score: Decimal | None


@dataclass(frozen=True, slots=True)
class DeductionLine:
    name: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class IndicatorTable:
    head: TableHead
    rows: tuple[IndicatorRow, ...]
    deductions: tuple[DeductionLine, ...]
    total_weight: Decimal
    total: Decimal
    grade: str
    published_total: Decimal | None
    published_grade: str | None
    rules: str
    notes: tuple[str, ...]

    @property
    def merges(self) -> tuple[Merge, ...]:
        return vertical_merges(self.rows)


@dataclass(frozen=True)
class SelfEvaluationTable(IndicatorTable):
    """项目支出绩效自评表 (004, 000)."""

    funds: FundsBlock


@dataclass(frozen=True)
class ScoringTable(IndicatorTable):
    """评价指标计分表 (000 policy): 一级 | 二级 | 三级 | 权重 | 评分标准 | 评分结果 | 得分."""


@dataclass(frozen=True, slots=True)
class SummaryLine:
    no: int
    unit: str
    project: str
    full_year_budget: Decimal
    executed: Decimal
    rate_percent: Decimal | None  # exact, rounded half-up to 2 places; None for a zero budget
    conclusion: str
    published_rate: Decimal | None


@dataclass(frozen=True)
class SummaryTable:
    """部门绩效自评结果汇总表 (000), with its 合计 line."""

    head: TableHead
    rows: tuple[SummaryLine, ...]
    total_budget: Decimal
    total_executed: Decimal
    total_rate_percent: Decimal | None
    published_total_budget: Decimal | None


Table = SelfEvaluationTable | ScoringTable | SummaryTable


def default_kind(document: Case | DepartmentSummary) -> TableKind:
    return TableKind.SUMMARY if isinstance(document, DepartmentSummary) else TableKind.SELF


def build_table(
    kind: TableKind, document: Case | DepartmentSummary, report: TableReport | None = None
) -> Table | ScoreSheet | CompletionTable:
    """The report model of ``kind`` for ``document``, or :class:`TableMismatchError`."""
    if isinstance(document, DepartmentSummary):
        if kind is not TableKind.SUMMARY:
            raise TableMismatchError(
                f"部门汇总表只能导出为{TableKind.SUMMARY.label}，不能导出为{kind.label}"
            )
        return summary_table(document)
    if kind is TableKind.SUMMARY:
        raise TableMismatchError(
            f"评价表不能导出为{kind.label}（须为 type: department_summary 的文件）"
        )
    if report is None or report.result is None:
        raise TableMismatchError(f"没有评分结果，无法导出{kind.label}")
    if kind is TableKind.SELF:
        return self_evaluation_table(document, report)
    if kind is TableKind.SCORING:
        return scoring_table(document, report)
    from jixiao.core import score_sheets  # here: score_sheets imports this module

    if kind is TableKind.SCORE_SHEET:
        return score_sheets.score_sheet(document, report)
    return score_sheets.completion_table(document, report)


def self_evaluation_table(case: Case, report: TableReport) -> SelfEvaluationTable:
    result = result_of(report)
    return SelfEvaluationTable(
        **indicator_fields(case, report, TableKind.SELF, skip=_is_execution_row),
        funds=_funds(case, result),
    )


def scoring_table(case: Case, report: TableReport) -> ScoringTable:
    return ScoringTable(**indicator_fields(case, report, TableKind.SCORING, skip=None))


def summary_table(summary: DepartmentSummary) -> SummaryTable:
    meta = summary.meta
    lines = tuple(
        SummaryLine(
            no=row.no,
            unit=row.unit,
            project=row.project,
            full_year_budget=row.full_year_budget,
            executed=row.executed,
            rate_percent=percent(row.executed, row.full_year_budget),
            conclusion=row.conclusion,
            published_rate=row.published_rate,
        )
        for row in summary.rows
    )
    budget = sum((line.full_year_budget for line in lines), ZERO)
    executed = sum((line.executed for line in lines), ZERO)
    year = f"{meta.year}年度" if meta.year else ""
    return SummaryTable(
        head=TableHead(
            title=meta.title or f"{year}{meta.department}{TableKind.SUMMARY.label}",
            department=meta.department,
            project=meta.project,
            fund=meta.fund,
            unit=meta.unit,
            year=meta.year,
        ),
        rows=lines,
        total_budget=budget,
        total_executed=executed,
        total_rate_percent=percent(executed, budget),
        published_total_budget=summary.published.total_budget,
    )


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part / whole`` in percent, rounded half-up to 2 places; None for a zero whole."""
    if whole <= ZERO:
        return None
    return quantize(part / whole * HUNDRED, 2, Rounding.HALF_UP)


def vertical_merges(rows: tuple[IndicatorRow, ...]) -> tuple[Merge, ...]:
    merges: list[Merge] = []
    for index, row in enumerate(rows):
        if row.level1_span > 1:
            merges.append(Merge(0, index, row.level1_span))
        if row.level2_span > 1:
            merges.append(Merge(1, index, row.level2_span))
    return tuple(merges)


# Building the indicator rows --------------------------------------------------------------------


def result_of(report: TableReport) -> EvaluationResult:
    if report.result is None:
        raise TableMismatchError("没有评分结果")
    return report.result


def _is_execution_row(score: Score) -> bool:
    method = score.indicator.method
    return (
        score.depth == 1
        and score.indicator.is_leaf
        and method is not None
        and method.code == EXECUTION_METHOD
    )


def indicator_fields(
    case: Case, report: TableReport, kind: TableKind, skip: Callable[[Score], bool] | None
) -> dict[str, Any]:
    result = result_of(report)
    meta = case.meta
    year = f"{meta.year}年度" if meta.year else ""
    return {
        "head": TableHead(
            title=f"{year}{kind.label}",
            department=meta.department,
            project=meta.project or meta.title,
            fund=meta.fund,
            unit=meta.unit,
            year=meta.year,
        ),
        "rows": indicator_rows(result.scores, skip),
        "deductions": tuple(
            DeductionLine(d.name, d.amount, d.reason) for d in case.tree.deductions
        ),
        "total_weight": case.tree.total_weight,
        "total": result.total,
        "grade": result.grade,
        "published_total": report.published_total,
        "published_grade": report.published_grade,
        "rules": result.rules,
        "notes": table_notes(case, report, result, kind),
    }


class _Draft(NamedTuple):
    """A row before its spans are known: the keys of its 一级 and 二级 cells, its texts."""

    key1: int
    key2: int
    level1: str
    level2: str
    level3: str
    score: Score


def indicator_rows(
    scores: tuple[Score, ...], skip: Callable[[Score], bool] | None = None
) -> tuple[IndicatorRow, ...]:
    """Rows for ``scores`` (depth-first, parents first), leaving out those ``skip`` accepts."""
    drafts: list[_Draft] = []
    key1 = key2 = -1
    level1 = level2 = ""
    for score in scores:
        if skip is not None and skip(score):
            continue
        indicator, depth = score.indicator, score.depth
        if depth == 1:
            key1, key2 = key1 + 1, key2 + 1
            level1 = indicator.label if indicator.is_leaf else _with_weight(score)
            level2 = ""
            if indicator.is_leaf:
                drafts.append(_Draft(key1, key2, level1, "", "", score))
        elif depth == 2:
            key2 += 1
            level2 = indicator.label
            if indicator.is_leaf:
                drafts.append(_Draft(key1, key2, level1, level2, "", score))
        else:
            drafts.append(_Draft(key1, key2, level1, level2, _level3_text(score), score))
    span1 = _spans([d.key1 for d in drafts])
    span2 = _spans([d.key2 for d in drafts])
    return tuple(_row(d, span1[i], span2[i]) for i, d in enumerate(drafts))


def _spans(keys: list[int]) -> list[int]:
    """For runs of equal keys: the run's length on its first row, 0 on the others."""
    spans: list[int] = []
    for _, run in groupby(keys):
        count = len(list(run))
        spans.extend([count] + [0] * (count - 1))
    return spans


def _with_weight(score: Score) -> str:
    return f"{score.indicator.label} ({fmt(score.weight)}分)"


def _level3_text(score: Score) -> str:
    depth = score.depth
    if depth <= 3:
        return score.indicator.label
    return "\u3000" * (depth - 4) + "其中：" + score.indicator.label


def _row(draft: _Draft, span1: int, span2: int) -> IndicatorRow:
    score = draft.score
    indicator = score.indicator
    not_applicable = score.source is Source.NOT_APPLICABLE
    return IndicatorRow(
        level1=draft.level1,
        level2=draft.level2,
        level3=draft.level3,
        level1_span=span1,
        level2_span=span2,
        weight=score.weight,
        score=None if not_applicable else score.value,
        published_score=indicator.published_score,
        target=indicator.target or "",
        actual=indicator.actual or "",
        deviation_note=indicator.deviation_note,
        criterion=f"{score.method}：{score.detail}" if score.method else score.detail,
        rationale=indicator.rationale,
        explanation=indicator.explanation,
        criteria=indicator.criteria,
        depth=score.depth,
        is_leaf=indicator.is_leaf,
        not_applicable=not_applicable,
        path=score.path_text,
    )


# The 年度资金 block and the notes ------------------------------------------------------------------


def _funds(case: Case, result: EvaluationResult) -> FundsBlock:
    budget = case.budget
    execution = next((s for s in result.scores if _is_execution_row(s)), None)
    rate = result.execution_percent
    given = dict(budget.sources) if budget else {}
    names = [*STANDARD_SOURCES, *(name for name in given if name not in STANDARD_SOURCES)]
    return FundsBlock(
        total=FundsLine(
            "合计",
            budget.initial if budget else None,
            budget.full_year if budget else None,
            budget.executed if budget else None,
        ),
        sources=tuple(FundsLine(name, None, given.get(name), None) for name in names),
        weight=execution.weight if execution else None,
        rate_percent=None if rate is None else quantize(rate, 2, Rounding.HALF_UP),
        score=execution.value if execution else None,
        published_rate=budget.published_rate if budget else None,
        published_score=execution.indicator.published_score if execution else None,
    )


def table_notes(
    case: Case, report: TableReport, result: EvaluationResult, kind: TableKind
) -> tuple[str, ...]:
    notes: list[str] = []
    budget = case.budget
    if kind is TableKind.SELF and result.execution_percent is not None and budget is not None:
        by_full_year = budget.full_year is not None and (
            budget.executed is not None
            and budget.full_year > ZERO
            and budget.executed / budget.full_year * HUNDRED == result.execution_percent
        )
        denominator = "全年预算数" if by_full_year else "实际到位资金"
        notes.append(f"“执行率” = “全年执行数” / “{denominator}”。")
    notes.append(f"得分按规则集 {result.rules} 重新计算。")
    published = _published_difference(report, result)
    if published:
        notes.append(published)
    if result.rescaled:
        notes.append("含不适用指标，总分已按适用分值折算为100分。")
    if result.best_grade_allowed != "优" and result.execution_percent is not None:
        rate = fmt(quantize(result.execution_percent, 2, Rounding.HALF_UP))
        notes.append(f"资金执行率 {rate}%，等级最高为“{result.best_grade_allowed}”。")
    return tuple(notes)


def _published_difference(report: TableReport, result: EvaluationResult) -> str:
    """What the publisher printed, where it differs from the recomputed total or grade."""
    parts = []
    total, grade = report.published_total, report.published_grade
    if total is not None and total != result.total:
        parts.append(f"发布总分 {fmt(total)}，重新计算为 {fmt(result.total)}")
    if grade and grade != result.grade:
        parts.append(f"发布等级“{grade}”，重新计算为“{result.grade}”")
    return f"{'；'.join(parts)}。" if parts else ""
