"""The 因素法 result in the layout of seed ``000`` 附件一, as .xlsx and .docx.

Columns: 序号 | 机构名称 | one column per attribute (月均余额, 年化担保费率…) | 分配标准 (the rules
every allocated candidate met, as 附件一 prints them) | 分配比例 (share of the pot) | 补贴金额, and
a 合计 row (the factor columns summed, 100 %, the pot). A note gives the 分配系数 (pot ÷ factor
total: 附件一 prints 0.0050223) and the rounding method. Excluded candidates follow in a second
table (Word) or sheet (Excel) with the rules they failed. The grids are painted by the house
renderers (:mod:`jixiao.io.xlsx_export`, :mod:`jixiao.io.docx_export`): 宋体, thin borders,
numbers as numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook

from jixiao.core.allocation import AllocationResult
from jixiao.core.money import HUNDRED, fmt
from jixiao.io.allocation_file import AllocationDocument
from jixiao.io.docx_export import (
    BODY_FONT,
    BODY_SIZE,
    TITLE_FONT,
    TITLE_SIZE,
    new_document,
    paint_table,
    set_font,
)
from jixiao.io.table_grid import CellKind, Grid, GridCell
from jixiao.io.xlsx_export import write_grid

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCLUDED_TITLE = "未纳入分配的对象"
CRITERION, SHARE, AMOUNT = "分配标准", "分配比例", "补贴金额（万元）"


def _value_cell(row: int, col: int, value: Decimal | str | None) -> GridCell:
    if isinstance(value, Decimal):
        return GridCell(row, col, value, CellKind.WEIGHT)  # as entered: General / no padding
    return GridCell(row, col, value, CellKind.TEXT if value else CellKind.LABEL)


def result_grid(document: AllocationDocument, result: AllocationResult) -> Grid:
    """附件一: the allocated candidates, the 合计 row, notes."""
    columns = document.columns
    headings = ["序号", document.candidate_label, *(c.label for c in columns)]
    headings += [CRITERION, SHARE, AMOUNT]
    cells = [GridCell(0, i, text, CellKind.HEAD) for i, text in enumerate(headings)]
    criterion = result.allocation.criterion
    first = 2 + len(columns)
    for r, row in enumerate(result.rows, 1):
        cells.append(GridCell(r, 0, Decimal(row.no), CellKind.WEIGHT))
        cells.append(GridCell(r, 1, row.name, CellKind.TEXT))
        for c, column in enumerate(columns, 2):
            cells.append(_value_cell(r, c, row.candidate.attributes.get(column.name)))
        cells.append(GridCell(r, first, criterion, CellKind.TEXT))
        cells.append(GridCell(r, first + 1, row.percent, CellKind.PERCENT))
        cells.append(GridCell(r, first + 2, row.amount, CellKind.AMOUNT))
    total_row = len(result.rows) + 1
    cells.append(GridCell(total_row, 0, "合计", CellKind.LABEL, colspan=2))
    factor_totals = dict(
        zip((f.attribute for f in result.allocation.factors), result.factor_totals, strict=True)
    )
    for c, column in enumerate(columns, 2):
        total = factor_totals.get(column.name)
        cells.append(
            GridCell(total_row, c, total, CellKind.WEIGHT if total is not None else CellKind.LABEL)
        )
    cells.append(GridCell(total_row, first, None, CellKind.LABEL))
    cells.append(GridCell(total_row, first + 1, HUNDRED, CellKind.PERCENT))
    cells.append(GridCell(total_row, first + 2, result.total, CellKind.AMOUNT))
    widths = (6.0, 36.0, *(16.0 for _ in columns), 24.0, 12.0, 14.0)
    return Grid(
        title=document.title,
        sheet_name="分配表",
        widths=widths,
        cells=tuple(cells),
        rows=total_row + 1,
        header_row=0,
        caption="单位：万元",
        notes=notes(result),
        landscape=len(columns) > 2,
    )


def notes(result: AllocationResult) -> tuple[str, ...]:
    allocation = result.allocation
    lines = []
    if len(allocation.factors) > 1:
        parts = "＋".join(
            f"{fmt(f.weight * HUNDRED)}%×{f.attribute}占比" for f in allocation.factors
        )
        lines.append(f"分配比例 = {parts}。")
    coefficient = result.coefficient
    if coefficient is not None:
        lines.append(
            f"分配系数 = 分配总额 ÷ {allocation.factors[0].attribute}合计 = "
            f"{fmt(allocation.pot)} ÷ {fmt(result.factor_totals[0])} = {format(coefficient, 'f')}。"
        )
    if any(row.capped for row in result.rows):
        capped = "、".join(row.name for row in result.rows if row.capped)
        lines.append(f"{capped}按补贴上限分配，超出部分按比例分给其他对象。")
    lines.append(
        f"补贴金额按“{allocation.rounding.label}”取至 {fmt(allocation.unit)} 万元，"
        f"合计等于分配总额 {fmt(allocation.pot)} 万元。"
    )
    return tuple(f"注：{line}" if i == 0 else line for i, line in enumerate(lines))


def excluded_grid(document: AllocationDocument, result: AllocationResult) -> Grid | None:
    """The candidates left out, with the rules they failed; None when there are none."""
    if not result.excluded:
        return None
    columns = document.columns
    headings = ["序号", document.candidate_label, *(c.label for c in columns), "未纳入原因"]
    cells = [GridCell(0, i, text, CellKind.HEAD) for i, text in enumerate(headings)]
    for r, exclusion in enumerate(result.excluded, 1):
        cells.append(GridCell(r, 0, Decimal(r), CellKind.WEIGHT))
        cells.append(GridCell(r, 1, exclusion.name, CellKind.TEXT))
        for c, column in enumerate(columns, 2):
            cells.append(_value_cell(r, c, exclusion.candidate.attributes.get(column.name)))
        cells.append(GridCell(r, 2 + len(columns), exclusion.reason, CellKind.TEXT))
    return Grid(
        title=EXCLUDED_TITLE,
        sheet_name="未纳入分配",
        widths=(6.0, 36.0, *(16.0 for _ in columns), 36.0),
        cells=tuple(cells),
        rows=len(result.excluded) + 1,
        header_row=0,
        landscape=len(columns) > 2,
    )


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def filename(document: AllocationDocument, extension: str) -> str:
    """``2021年度…分配-融资性担保机构中央奖补资金分配表.xlsx``, safe on every file system."""
    stem = f"{document.name}-{document.title}" if document.name else document.title
    return f"{_UNSAFE.sub('_', stem).strip(' .') or '因素法分配表'}{extension}"


def xlsx_bytes(document: AllocationDocument, result: AllocationResult) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet
    grid = result_grid(document, result)
    sheet.title = grid.sheet_name
    write_grid(sheet, grid)
    excluded = excluded_grid(document, result)
    if excluded is not None:
        write_grid(workbook.create_sheet(excluded.sheet_name), excluded)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _paragraph(
    document: DocxDocument, text: str, align: WD_ALIGN_PARAGRAPH, font: str, size: Pt
) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    set_font(paragraph.add_run(text), font, size)


def docx_bytes(document: AllocationDocument, result: AllocationResult) -> bytes:
    grid = result_grid(document, result)
    word, width = new_document(grid.landscape)
    for table in (grid, excluded_grid(document, result)):
        if table is None:
            continue
        _paragraph(word, table.title, WD_ALIGN_PARAGRAPH.CENTER, TITLE_FONT, TITLE_SIZE)
        if table.caption:
            _paragraph(word, table.caption, WD_ALIGN_PARAGRAPH.RIGHT, BODY_FONT, BODY_SIZE)
        paint_table(word, table, width)
        for note in table.notes:
            _paragraph(word, note, WD_ALIGN_PARAGRAPH.LEFT, BODY_FONT, BODY_SIZE)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()
