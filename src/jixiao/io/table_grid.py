"""The printed layout of each official table: which value goes in which cell, what is merged.

Both renderers (``xlsx_export``, ``docx_export``) paint the same :class:`Grid`, so an Excel
sheet and a Word table of one case have the same rows, columns and merges; each renderer only
decides fonts, number formats and widths in its own units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from jixiao.core.money import ZERO
from jixiao.core.score_sheets import CompletionTable, ScoreSheet, SheetDeduction
from jixiao.core.tables import (
    IndicatorRow,
    IndicatorTable,
    ScoringTable,
    SelfEvaluationTable,
    SummaryTable,
    Table,
)

Value = str | Decimal | None


class CellKind(StrEnum):
    TEXT = "text"  # left-aligned, wrapped
    LABEL = "label"  # a row or group name: centred
    HEAD = "head"  # a column heading: bold, centred
    AMOUNT = "amount"  # 万元
    WEIGHT = "weight"  # 分值 / 权重
    SCORE = "score"  # 得分
    PERCENT = "percent"  # a percentage shown with its sign: 89.89 → 89.89%
    RATE = "rate"  # a percentage in a column headed “(%)”: 93.80

    @property
    def numeric(self) -> bool:
        return self in _NUMERIC


_NUMERIC = frozenset(
    {CellKind.AMOUNT, CellKind.WEIGHT, CellKind.SCORE, CellKind.PERCENT, CellKind.RATE}
)


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    value: Value
    kind: CellKind = CellKind.TEXT
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Grid:
    """One table: a title above, an optional caption (单位：万元), cells, notes below."""

    title: str
    sheet_name: str
    widths: tuple[float, ...]  # relative column widths, in Excel character units
    cells: tuple[GridCell, ...]
    rows: int
    header_row: int  # the indicator/column heading row, repeated on every printed page
    caption: str = ""
    notes: tuple[str, ...] = ()
    landscape: bool = False

    @property
    def columns(self) -> int:
        return len(self.widths)


@dataclass
class _Builder:
    cells: list[GridCell] = field(default_factory=list)
    row: int = 0

    def add(
        self,
        col: int,
        value: Value,
        kind: CellKind = CellKind.TEXT,
        rowspan: int = 1,
        span: int = 1,
    ) -> None:
        self.cells.append(GridCell(self.row, col, value, kind, rowspan, span))

    def line(self, *values: tuple[Value, CellKind] | None) -> None:
        """One row of single cells from column 0; ``None`` leaves a column blank."""
        for col, item in enumerate(values):
            if item is not None:
                self.add(col, *item)
        self.row += 1


def grid_for(table: Table | ScoreSheet | CompletionTable) -> Grid:
    if isinstance(table, ScoreSheet):
        grid = score_sheet_grid(table)
    elif isinstance(table, CompletionTable):
        grid = completion_grid(table)
    elif isinstance(table, SelfEvaluationTable):
        grid = self_evaluation_grid(table)
    elif isinstance(table, ScoringTable):
        grid = scoring_grid(table)
    else:
        grid = summary_grid(table)
    return printable(grid)


# Characters XML 1.0 cannot hold (Word and Excel files are XML): C0 controls but tab and line
# breaks, and U+FFFE/U+FFFF. A text pasted with one would otherwise fail the whole export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(grid: Grid) -> Grid:
    """``grid`` without the characters an Office file cannot store (usually none: no copy)."""

    def clean(text: str) -> str:
        return _NOT_XML.sub("", text)

    texts = (grid.title, grid.caption, *grid.notes)
    dirty = [c for c in grid.cells if isinstance(c.value, str) and _NOT_XML.search(c.value)]
    if not dirty and not any(_NOT_XML.search(text) for text in texts):
        return grid
    return replace(
        grid,
        title=clean(grid.title),
        caption=clean(grid.caption),
        notes=tuple(map(clean, grid.notes)),
        cells=tuple(
            replace(c, value=clean(c.value)) if isinstance(c.value, str) else c for c in grid.cells
        ),
    )


# 项目支出绩效自评表 ------------------------------------------------------------------------------

SELF_HEADINGS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
FUNDS_HEADINGS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分（执行率×分值）")


def self_evaluation_grid(table: SelfEvaluationTable) -> Grid:
    b = _Builder()
    _head_rows(b, table, len(SELF_HEADINGS))
    funds = table.funds
    b.add(0, "年度资金（万元）", CellKind.LABEL, rowspan=2 + len(funds.sources))
    b.line(None, ("年度资金总额", CellKind.HEAD), *((h, CellKind.HEAD) for h in FUNDS_HEADINGS))
    total = funds.total
    b.line(
        None,
        (total.label, CellKind.LABEL),
        (total.initial, CellKind.AMOUNT),
        (total.full_year, CellKind.AMOUNT),
        (total.executed, CellKind.AMOUNT),
        (funds.weight, CellKind.WEIGHT),
        (funds.rate_percent, CellKind.PERCENT),
        (funds.score, CellKind.SCORE),
    )
    for index, source in enumerate(funds.sources):
        label = f"其中：{source.label}" if index == 0 else source.label
        b.line(
            None,
            (label, CellKind.LABEL),
            (source.initial, CellKind.AMOUNT),
            (source.full_year, CellKind.AMOUNT),
            (source.executed, CellKind.AMOUNT),
            ("", CellKind.TEXT),
            ("", CellKind.TEXT),
            ("", CellKind.TEXT),
        )
    header_row = b.row
    b.line(*((h, CellKind.HEAD) for h in SELF_HEADINGS))
    for row in table.rows:
        _level_cells(b, row)
        b.line(
            None,
            None,
            None,
            (row.target, CellKind.TEXT),
            (row.actual, CellKind.TEXT),
            (row.weight, CellKind.WEIGHT),
            _score_cell(row),
            (row.deviation_note, CellKind.TEXT),
        )
    _deduction_rows(b, table, label_span=5, score_col=6)
    b.add(0, "总分", CellKind.HEAD, span=5)
    b.line(
        None,
        None,
        None,
        None,
        None,
        (table.total_weight, CellKind.WEIGHT),
        (table.total, CellKind.SCORE),
        (f"等级：{table.grade}", CellKind.LABEL),
    )
    return Grid(
        title=table.head.title,
        sheet_name="自评表",
        widths=(16, 15, 17, 19, 19, 9, 14, 23),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=header_row,
        notes=_numbered(table.notes),
    )


# 评价指标计分表 ----------------------------------------------------------------------------------

SCORING_HEADINGS = ("一级指标", "二级指标", "三级指标", "权重", "评分标准", "评分结果", "得分")


def scoring_grid(table: ScoringTable) -> Grid:
    b = _Builder()
    _head_rows(b, table, len(SCORING_HEADINGS))
    header_row = b.row
    b.line(*((h, CellKind.HEAD) for h in SCORING_HEADINGS))
    for row in table.rows:
        _level_cells(b, row)
        b.line(
            None,
            None,
            None,
            (row.weight, CellKind.WEIGHT),
            (row.scoring_standard, CellKind.TEXT),
            (row.rationale, CellKind.TEXT),
            _score_cell(row),
        )
    _deduction_rows(b, table, label_span=3, score_col=6)
    b.add(0, "总分", CellKind.HEAD, span=3)
    b.line(
        None,
        None,
        None,
        (table.total_weight, CellKind.WEIGHT),
        ("", CellKind.TEXT),
        (f"等级：{table.grade}", CellKind.LABEL),
        (table.total, CellKind.SCORE),
    )
    return Grid(
        title=table.head.title,
        sheet_name="计分表",
        widths=(14, 16, 20, 7, 40, 40, 8),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=header_row,
        notes=_numbered(table.notes),
        landscape=True,
    )


# 部门绩效自评结果汇总表 ----------------------------------------------------------------------------

SUMMARY_HEADINGS = (
    "序号",
    "单位名称",
    "项目名称",
    "全年预算数",
    "全年执行数",
    "执行率(%)",
    "自评结论",
)


def summary_grid(table: SummaryTable) -> Grid:
    b = _Builder()
    b.line(*((h, CellKind.HEAD) for h in SUMMARY_HEADINGS))
    for row in table.rows:
        b.line(
            (str(row.no), CellKind.LABEL),
            (row.unit, CellKind.TEXT),
            (row.project, CellKind.TEXT),
            (row.full_year_budget, CellKind.AMOUNT),
            (row.executed, CellKind.AMOUNT),
            (row.rate_percent, CellKind.RATE),
            (row.conclusion, CellKind.LABEL),
        )
    b.add(0, "合计", CellKind.HEAD, span=3)
    b.line(
        None,
        None,
        None,
        (table.total_budget, CellKind.AMOUNT),
        (table.total_executed, CellKind.AMOUNT),
        (table.total_rate_percent, CellKind.RATE),
        ("", CellKind.TEXT),
    )
    return Grid(
        title=table.head.title,
        sheet_name="汇总表",
        widths=(8, 22, 40, 12, 12, 12, 10),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=0,
        caption="单位：万元",
    )


# 绩效评价得分表 (002 附件三) ---------------------------------------------------------------------

LEVEL_HEADINGS = ("一级指标", "二级指标", "三级指标")
SCORE_SHEET_HEADINGS = ("指标解释", "指标分值", "指标得分", "扣分理由")


def score_sheet_grid(table: ScoreSheet) -> Grid:
    """One column per indicator level (2 or 3), then 指标解释 | 指标分值 | 指标得分 | 扣分理由."""
    b = _Builder()
    levels = table.levels
    b.line(*((h, CellKind.HEAD) for h in (*LEVEL_HEADINGS[:levels], *SCORE_SHEET_HEADINGS)))
    for row, line in zip(table.rows, table.lines, strict=True):
        if row.level1_span:
            b.add(0, row.level1, CellKind.LABEL, rowspan=row.level1_span)
        if row.level2_span:
            b.add(1, row.level2, CellKind.LABEL, rowspan=row.level2_span)
        if levels == 3:
            b.add(2, row.level3, CellKind.TEXT)
        b.add(levels, row.explanation_text, CellKind.TEXT)
        b.add(levels + 1, row.weight, CellKind.WEIGHT)
        b.add(levels + 2, *_score_cell(row))
        b.add(levels + 3, line.reason, CellKind.TEXT)
        b.row += 1
    b.add(0, "合计", CellKind.HEAD, span=levels + 1)
    b.add(levels + 1, table.total_weight, CellKind.WEIGHT)
    b.add(levels + 2, table.subtotal, CellKind.SCORE)
    b.add(levels + 3, "", CellKind.TEXT)
    b.row += 1
    for deduction in table.sheet_deductions:
        b.add(0, deduction.name, CellKind.LABEL, span=levels)
        b.add(levels, deduction.explanation, CellKind.TEXT)
        b.add(levels + 1, None, CellKind.WEIGHT)
        b.add(levels + 2, *_taken_off(deduction))
        b.add(levels + 3, deduction.reason, CellKind.TEXT)
        b.row += 1
    if table.total != table.subtotal:  # 扣分项 applied, or not-applicable indicators rescaled
        b.add(0, "总分", CellKind.HEAD, span=levels + 1)
        b.add(levels + 1, None, CellKind.WEIGHT)
        b.add(levels + 2, table.total, CellKind.SCORE)
        b.add(levels + 3, f"等级：{table.grade}", CellKind.LABEL)
        b.row += 1
    return Grid(
        title=table.head.title,
        sheet_name="得分表",
        widths=(*(12, 14, 16)[:levels], 40, 10, 10, 26),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=0,
        notes=_numbered(table.notes),
        landscape=True,
    )


def _taken_off(deduction: SheetDeduction) -> tuple[Value, CellKind]:
    """−amount as 得分; blank when nothing was taken off, as 002 prints its 扣分项."""
    if deduction.amount <= ZERO:
        return None, CellKind.SCORE
    return ZERO - deduction.amount, CellKind.SCORE


# 专项支出绩效评价指标完成情况表 (001) --------------------------------------------------------------

COMPLETION_HEADINGS = (
    "一级指标",
    "分值",
    "二级指标",
    "分值",
    "三级指标",
    "指标完成情况",
    "评价标准",
    "分值",
    "得分",
)


def completion_grid(table: CompletionTable) -> Grid:
    """Each level's name and 分值 merged over its rows; 合计 sums every 分值 column and 得分."""
    b = _Builder()
    b.line(*((h, CellKind.HEAD) for h in COMPLETION_HEADINGS))
    for row in table.rows:
        if row.level1_span:
            b.add(0, row.level1, CellKind.LABEL, rowspan=row.level1_span)
            b.add(1, row.level1_weight, CellKind.WEIGHT, rowspan=row.level1_span)
        if row.level2_span:
            b.add(2, row.level2, CellKind.LABEL, rowspan=row.level2_span)
            b.add(3, row.level2_weight, CellKind.WEIGHT, rowspan=row.level2_span)
        if row.level3_span:
            b.add(4, row.level3, CellKind.LABEL, rowspan=row.level3_span)
            b.add(7, row.level3_weight, CellKind.WEIGHT, rowspan=row.level3_span)
        b.add(5, row.completion, CellKind.TEXT)
        b.add(6, row.criterion, CellKind.TEXT)
        b.add(
            8, *(("不适用", CellKind.LABEL) if row.not_applicable else (row.score, CellKind.SCORE))
        )
        b.row += 1
    first, second, third = table.weight_sums
    b.line(
        ("合计", CellKind.HEAD),
        (first, CellKind.WEIGHT),
        ("", CellKind.TEXT),
        (second, CellKind.WEIGHT),
        ("", CellKind.TEXT),
        ("", CellKind.TEXT),
        ("", CellKind.TEXT),
        (third, CellKind.WEIGHT),
        (table.subtotal, CellKind.SCORE),
    )
    for deduction in table.deductions:
        explanation = f"（{deduction.explanation}）" if deduction.explanation else ""
        reason = f"：{deduction.reason}" if deduction.reason else ""
        b.add(0, f"扣分项：{deduction.name}{explanation}{reason}", CellKind.TEXT, span=8)
        b.add(8, *_taken_off(deduction))
        b.row += 1
    if table.total != table.subtotal:
        b.add(0, f"总分（等级：{table.grade}）", CellKind.HEAD, span=8)
        b.add(8, table.total, CellKind.SCORE)
        b.row += 1
    return Grid(
        title=table.head.title,
        sheet_name="指标完成情况表",
        widths=(10, 6, 12, 6, 14, 34, 34, 6, 7),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=0,
        notes=_numbered(table.notes),
        landscape=True,
    )


# Shared pieces ------------------------------------------------------------------------------------


def _head_rows(b: _Builder, table: IndicatorTable, columns: int) -> None:
    """部门名称 / 项目名称 / 专项名称, each value spanning the rest of the row."""
    head = table.head
    lines = [("部门名称", head.department), ("项目名称", head.project)]
    if head.fund or isinstance(table, SelfEvaluationTable):  # the 自评表 always has the line
        lines.append(("专项名称", head.fund))
    for label, value in lines:
        b.add(0, label, CellKind.LABEL)
        b.add(1, value, CellKind.TEXT, span=columns - 1)
        b.row += 1


def _level_cells(b: _Builder, row: IndicatorRow) -> None:
    """The 一级 and 二级 cells where their merged run starts, and the 三级 cell."""
    if row.level1_span:
        b.add(0, row.level1, CellKind.LABEL, rowspan=row.level1_span)
    if row.level2_span:
        b.add(1, row.level2, CellKind.LABEL, rowspan=row.level2_span)
    b.add(2, row.level3, CellKind.TEXT)


def _score_cell(row: IndicatorRow) -> tuple[Value, CellKind]:
    if row.not_applicable:
        return "不适用", CellKind.LABEL
    return row.score, CellKind.SCORE


def _deduction_rows(b: _Builder, table: IndicatorTable, label_span: int, score_col: int) -> None:
    """扣分项 rows before 总分: the name (and reason) across the label columns, −amount as 得分."""
    columns = score_col + 2 if isinstance(table, SelfEvaluationTable) else score_col + 1
    for deduction in table.deductions:
        reason = f"（{deduction.reason}）" if deduction.reason else ""
        b.add(0, f"扣分项：{deduction.name}{reason}", CellKind.TEXT, span=label_span)
        for col in range(label_span, columns):
            if col == score_col:
                b.add(col, ZERO - deduction.amount, CellKind.SCORE)
            else:
                b.add(col, "", CellKind.TEXT)
        b.row += 1


def _numbered(notes: tuple[str, ...]) -> tuple[str, ...]:
    if not notes:
        return ()
    return ("备注：", *(f"{i}. {note}" for i, note in enumerate(notes, 1)))
