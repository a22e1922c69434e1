"""Excel (.xlsx) renderers of the official tables, with openpyxl.

Numbers are stored as numbers: an exact ``Decimal`` becomes a double only here, at the openpyxl
boundary (Excel stores doubles), through its decimal text so that 8.99 stays 8.99. The printed
look comes from number formats ('0.00', '0.00%'), 宋体, thin borders, merged cells and widths.
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.tables import TableKind
from jixiao.io.exporters import BaseExporter, register
from jixiao.io.table_grid import CellKind, Grid, GridCell

FONT_NAME = "宋体"
GB2312_CHARSET = 134  # tells Excel the font's script, as Chinese templates do
FONT_SIZE = 11
TITLE_SIZE = 16
LINE_HEIGHT = 15.0  # points per text line at 11 pt
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

NUMBER_FORMATS = {
    CellKind.AMOUNT: "0.00",
    CellKind.SCORE: "0.00",
    CellKind.WEIGHT: "General",
    CellKind.PERCENT: "0.00%",
    CellKind.RATE: "0.00",
}


def _font(*, bold: bool = False, size: float = FONT_SIZE) -> Font:
    return Font(name=FONT_NAME, charset=GB2312_CHARSET, size=size, bold=bold)


def _number(value: Decimal) -> float:
    """The one place a Decimal becomes a float: through its text, for Excel's doubles."""
    return float(str(value))


def _cell_value(cell: GridCell) -> str | float | None:
    value = cell.value
    if isinstance(value, Decimal):
        if cell.kind is CellKind.PERCENT:
            value = value / 100  # Excel's percent format multiplies by 100 again
        return _number(value)
    return value or None


def _alignment(kind: CellKind) -> Alignment:
    horizontal = "left" if kind is CellKind.TEXT else "center"
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


def _text_width(text: str) -> int:
    """Display width in Excel character units: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(_text_width(part) / usable)) for part in text.split("\n"))


def write_grid(ws: Worksheet, grid: Grid) -> None:
    """Paint ``grid`` on ``ws``: title in row 1, the caption (if any) in row 2, then the table."""
    last = get_column_letter(grid.columns)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = grid.title
    ws["A1"].font = _font(bold=True, size=TITLE_SIZE)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    top = 2
    if grid.caption:
        ws.merge_cells(f"A2:{last}2")
        ws["A2"] = grid.caption
        ws["A2"].font = _font()
        ws["A2"].alignment = Alignment(horizontal="right", vertical="center")
        top = 3
    for index, width in enumerate(grid.widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    heights: dict[int, int] = {}
    for cell in grid.cells:
        _write_cell(ws, cell, top)
        if cell.rowspan == 1 and isinstance(cell.value, str):
            width = sum(grid.widths[cell.col : cell.col + cell.colspan])
            heights[cell.row] = max(heights.get(cell.row, 1), _lines(cell.value, width))
    for row in range(grid.rows):
        ws.row_dimensions[top + row].height = max(20.0, heights.get(row, 1) * LINE_HEIGHT + 4)
    _write_notes(ws, grid, top + grid.rows)
    _page_setup(ws, grid, top)


def _write_cell(ws: Worksheet, cell: GridCell, top: int) -> None:
    row, col = top + cell.row, cell.col + 1
    target = ws.cell(row=row, column=col, value=_cell_value(cell))
    target.font = _font(bold=cell.kind is CellKind.HEAD)
    target.alignment = _alignment(cell.kind)
    if cell.kind in NUMBER_FORMATS and isinstance(cell.value, Decimal):
        target.number_format = NUMBER_FORMATS[cell.kind]
    last_row, last_col = row + cell.rowspan - 1, col + cell.colspan - 1
    if (last_row, last_col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
    for r in range(row, last_row + 1):  # borders on every cell of a merged range
        for c in range(col, last_col + 1):
            ws.cell(row=r, column=c).border = BORDER


def _write_notes(ws: Worksheet, grid: Grid, first: int) -> None:
    width = sum(grid.widths)
    for offset, note in enumerate(grid.notes):
        row = first + offset
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=grid.columns)
        cell = ws.cell(row=row, column=1, value=note)
        cell.font = _font()
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = max(18.0, _lines(note, width) * LINE_HEIGHT + 3)


def _page_setup(ws: Worksheet, grid: Grid, top: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if grid.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{top + grid.header_row}:{top + grid.header_row}"


def workbook_bytes(grid: Grid) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = grid.sheet_name
    write_grid(ws, grid)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class XlsxExporter(BaseExporter):
    format = "xlsx"
    extension = ".xlsx"
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render_grid(self, grid: Grid) -> bytes:
        return workbook_bytes(grid)


@register
class SelfEvaluationXlsx(XlsxExporter):
    identifier = "self_xlsx"
    verbose_name = "项目支出绩效自评表（Excel）"
    table = TableKind.SELF


@register
class ScoringXlsx(XlsxExporter):
    identifier = "scoring_xlsx"
    verbose_name = "评价指标计分表（Excel）"
    table = TableKind.SCORING


@register
class SummaryXlsx(XlsxExporter):
    identifier = "summary_xlsx"
    verbose_name = "部门绩效自评结果汇总表（Excel）"
    table = TableKind.SUMMARY


@register
class ScoreSheetXlsx(XlsxExporter):
    identifier = "score_sheet_xlsx"
    verbose_name = "绩效评价得分表（Excel）"
    table = TableKind.SCORE_SHEET


@register
class CompletionXlsx(XlsxExporter):
    identifier = "completion_xlsx"
    verbose_name = "专项支出绩效评价指标完成情况表（Excel）"
    table = TableKind.COMPLETION
