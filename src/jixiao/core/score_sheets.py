"""Two more official tables as report models: the 评价得分表 (002) and the 指标完成情况表 (001).

* **绩效评价得分表** (002 附件三): 一级 | 二级 | (三级) | 指标解释 | 指标分值 | 指标得分 | 扣分理由,
  then 合计, then the 扣分项 (违规记录, 工作配合). One indicator column per level the tree has,
  two or three: a two-level tree prints exactly 002's columns, deeper trees map as in
  :mod:`jixiao.core.tables` (merged 一级/二级 cells, ``其中：`` rows below the third level).
  指标解释 is the indicator's ``explanation`` as the case file writes it; where it has none, the
  scoring method and its computation stand in; 扣分理由 is the indicator's rationale on a row
  that lost points (its manual reason or the computation when it has none), blank on a
  full-score row.
* **专项支出绩效评价指标完成情况表** (001): 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 |
  指标完成情况 | 评价标准 | 分值 | 得分, each level's name and weight merged vertically over its
  rows, and a 合计 row summing every 分值 column and the 得分. Below the third level each leaf is a
  row of its 三级 indicator (whose name and 分值 are merged over them, as 001 prints 绩效目标完成情况
  (40) over its three items) with the item's name in 指标完成情况. A leaf above the third level
  repeats its weight in the deeper 分值 columns (its deeper name cells stay blank), so that
  every 分值 column adds up to the total weight.

Both keep the published figures aside as the other tables do; the numbers are the score of record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import groupby

from jixiao.core.case import Case
from jixiao.core.evaluation import EvaluationResult, Score, Source
from jixiao.core.indicators import Deduction
from jixiao.core.money import ZERO, fmt
from jixiao.core.review import TableReport
from jixiao.core.tables import (
    IndicatorRow,
    IndicatorTable,
    TableHead,
    TableKind,
    indicator_fields,
    result_of,
    table_notes,
)


@dataclass(frozen=True, slots=True)
class SheetDeduction:
    """A 扣分项 row: what it checks (the case's ``reason``), the amount and how it came about."""

    name: str
    explanation: str
    amount: Decimal
    reason: str  # blank when nothing was taken off


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """The 扣分理由 side of one 得分表 row: the points lost (None on full or parent rows)."""

    lost: Decimal | None
    reason: str


@dataclass(frozen=True)
class ScoreSheet(IndicatorTable):
    """绩效评价得分表 (002 附件三); ``lines[i]`` belongs to ``rows[i]``."""

    levels: int  # indicator columns printed: 2 or 3
    lines: tuple[ScoreLine, ...]
    subtotal: Decimal  # 合计: the indicators' scores, before 扣分项 and any rescaling
    sheet_deductions: tuple[SheetDeduction, ...]


@dataclass(frozen=True, slots=True)
class CompletionRow:
    """One row of the 指标完成情况表; a ``*_span`` of 0 means the cell above covers it."""

    level1: str
    level1_weight: Decimal
    level1_span: int
    level2: str
    level2_weight: Decimal
    level2_span: int
    level3: str
    level3_weight: Decimal
    level3_span: int
    completion: str  # 指标完成情况
    criterion: str  # 评价标准: the written criteria, else the method and its computation
    score: Decimal | None
    not_applicable: bool
    path: str


@dataclass(frozen=True)
class CompletionTable:
    """专项支出绩效评价指标完成情况表 (001), with its 合计 row."""

    head: TableHead
    rows: tuple[CompletionRow, ...]
    weight_sums: tuple[Decimal, Decimal, Decimal]  # the 合计 of the three 分值 columns
    subtotal: Decimal  # 合计 of 得分: the rows' scores
    deductions: tuple[SheetDeduction, ...]
    total: Decimal
    grade: str
    published_total: Decimal | None
    notes: tuple[str, ...]


def _head(case: Case, kind: TableKind, with_year: bool) -> TableHead:
    meta = case.meta
    project = meta.project or meta.title
    year = f"{meta.year}年" if with_year and meta.year else ""
    return TableHead(
        title=f"{year}{project}{kind.label}",
        department=meta.department,
        project=project,
        fund=meta.fund,
        unit=meta.unit,
        year=meta.year,
    )


def _deductions(case: Case) -> tuple[SheetDeduction, ...]:
    return tuple(
        SheetDeduction(d.name, d.reason, d.amount, _deduction_reason(d))
        for d in case.tree.deductions
    )


def _deduction_reason(deduction: Deduction) -> str:
    amount = deduction.amount
    if amount <= ZERO:
        return ""
    if deduction.points is None and deduction.per_occurrence is not None:
        text = f"{deduction.occurrences}次×{fmt(deduction.per_occurrence)}分"
        capped = (
            deduction.cap is not None and amount < deduction.per_occurrence * deduction.occurrences
        )
        return f"{text}，以{fmt(amount)}分为限" if capped else text
    return f"扣{fmt(amount)}分"


# 绩效评价得分表 ------------------------------------------------------------------------------------


def score_sheet(case: Case, report: TableReport) -> ScoreSheet:
    result = result_of(report)
    fields = indicator_fields(case, report, TableKind.SCORE_SHEET, skip=None)
    fields["head"] = _head(case, TableKind.SCORE_SHEET, with_year=False)
    rows: tuple[IndicatorRow, ...] = fields["rows"]
    deepest = max((score.depth for score in result.scores), default=2)
    return ScoreSheet(
        **fields,
        levels=min(max(deepest, 2), 3),
        lines=tuple(
            _score_line(row, score) for row, score in zip(rows, _row_scores(result), strict=True)
        ),
        subtotal=sum((row.score for row in rows if row.is_leaf and row.score is not None), ZERO),
        sheet_deductions=_deductions(case),
    )


def _row_scores(result: EvaluationResult) -> list[Score]:
    """The scores behind :func:`indicator_rows`' rows: leaves and parents below the third level."""
    return [s for s in result.scores if s.indicator.is_leaf or s.depth >= 3]


def _score_line(row: IndicatorRow, score: Score) -> ScoreLine:
    if not row.is_leaf or row.score is None or row.score >= row.weight:
        return ScoreLine(None, "")
    indicator = score.indicator
    reason = indicator.rationale or indicator.manual_reason or row.criterion
    return ScoreLine(row.weight - row.score, reason)


# 指标完成情况表 ------------------------------------------------------------------------------------


def completion_table(case: Case, report: TableReport) -> CompletionTable:
    result = result_of(report)
    rows = completion_rows(result.scores)
    sums = (
        sum((r.level1_weight for r in rows if r.level1_span), ZERO),
        sum((r.level2_weight for r in rows if r.level2_span), ZERO),
        sum((r.level3_weight for r in rows if r.level3_span), ZERO),
    )
    return CompletionTable(
        head=_head(case, TableKind.COMPLETION, with_year=True),
        rows=rows,
        weight_sums=sums,
        subtotal=sum((r.score for r in rows if r.score is not None), ZERO),
        deductions=_deductions(case),
        total=result.total,
        grade=result.grade,
        published_total=report.published_total,
        notes=table_notes(case, report, result, TableKind.COMPLETION),
    )


def completion_rows(scores: tuple[Score, ...]) -> tuple[CompletionRow, ...]:
    """One row per leaf; the keys of its three level cells decide the vertical merges."""
    ancestors: dict[int, Score] = {}
    ordinal: dict[int, int] = {}
    drafts: list[tuple[tuple[object, object, object], CompletionRow]] = []
    for number, score in enumerate(scores):
        depth = score.depth
        ancestors[depth] = score
        ordinal[depth] = number
        if not score.indicator.is_leaf:
            continue
        unique = ("row", number)
        keys = (
            ordinal[1],
            ordinal[2] if depth >= 2 else unique,
            ordinal[3] if depth >= 4 else unique,
        )
        drafts.append((keys, _completion_row(score, ancestors)))
    spans = [_spans([keys[level] for keys, _ in drafts]) for level in range(3)]
    return tuple(
        replace(row, level1_span=spans[0][i], level2_span=spans[1][i], level3_span=spans[2][i])
        for i, (_, row) in enumerate(drafts)
    )


def _completion_row(score: Score, ancestors: dict[int, Score]) -> CompletionRow:
    depth = score.depth
    indicator = score.indicator

    def level(n: int) -> tuple[str, Decimal]:
        own = ancestors[n] if depth >= n else score
        return (own.indicator.label if depth >= n else ""), own.weight

    (name1, weight1), (name2, weight2), (name3, weight3) = level(1), level(2), level(3)
    actual = indicator.actual or ""
    if depth > 3:
        item = "／".join(ancestors[n].indicator.label for n in range(4, depth + 1))
        completion = f"{item}：{actual}" if actual else item
    else:
        completion = indicator.rationale or actual
    not_applicable = score.source is Source.NOT_APPLICABLE
    return CompletionRow(
        level1=name1,
        level1_weight=weight1,
        level1_span=1,
        level2=name2,
        level2_weight=weight2,
        level2_span=1,
        level3=name3,
        level3_weight=weight3,
        level3_span=1,
        completion=completion,
        criterion=indicator.criteria
        or (f"{score.method}：{score.detail}" if score.method else score.detail),
        score=None if not_applicable else score.value,
        not_applicable=not_applicable,
        path=score.path_text,
    )


def _spans(keys: list[object]) -> list[int]:
    spans: list[int] = []
    for _, run in groupby(keys):
        count = len(list(run))
        spans.extend([count] + [0] * (count - 1))
    return spans
