"""Word (.docx) renderers of the official tables, with python-docx.

A4, a 黑体 title, one bordered table with the grid's merges, 宋体 for everything else. The East
Asian font is set through each run's ``w:rFonts w:eastAsia`` (``font.name`` sets only the Latin
font), keeping the names 宋体/黑体 so that Word on Windows uses its own fonts. ``cell.merge()``
concatenates the merged cells' paragraphs, so each merged cell's text is set after merging.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell
from docx.text.run import Run

from jixiao.core.money import fmt, quantize
from jixiao.core.tables import TableKind
from jixiao.io.exporters import BaseExporter, register
from jixiao.io.table_grid import CellKind, Grid, GridCell

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = Pt(10.5)  # 五号
TITLE_SIZE = Pt(16)  # 三号
A4 = (Cm(21), Cm(29.7))
MARGIN = Cm(2)


def set_font(run: Run, name: str, size: Pt, *, bold: bool = False) -> None:
    """Latin and East Asian font of ``run`` (python-docx's ``font.name`` sets only Latin)."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def cell_text(cell: GridCell) -> str:
    value = cell.value
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        return value
    if cell.kind is CellKind.PERCENT:
        return f"{format(quantize(value, 2), 'f')}%"
    if cell.kind is CellKind.RATE:
        return format(quantize(value, 2), "f")
    return fmt(value)


def _alignment(kind: CellKind) -> WD_ALIGN_PARAGRAPH:
    return WD_ALIGN_PARAGRAPH.LEFT if kind is CellKind.TEXT else WD_ALIGN_PARAGRAPH.CENTER


def _write(cell: _Cell, grid_cell: GridCell, size: Pt) -> None:
    """Reset ``cell`` to one paragraph holding the grid cell's text (after any merge)."""
    paragraphs = cell.paragraphs
    for extra in paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    paragraph = paragraphs[0]
    for run in paragraph.runs:
        run._element.getparent().remove(run._element)
    paragraph.alignment = _alignment(grid_cell.kind)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    text = cell_text(grid_cell)
    if text:
        set_font(paragraph.add_run(text), BODY_FONT, size, bold=grid_cell.kind is CellKind.HEAD)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def paint_table(document: DocxDocument, grid: Grid, page_width: int, size: Pt = BODY_SIZE) -> Table:
    """One bordered table holding ``grid``: column widths, merges, texts, a repeating header."""
    table: Table = document.add_table(rows=grid.rows, cols=grid.columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    usable = page_width - 2 * MARGIN
    total = sum(grid.widths)
    widths = [int(usable * w / total) for w in grid.widths]
    # python-docx rebuilds the whole cell list on every ``table.cell()``/``row.cells``, which
    # makes painting quadratic: take the list once, merge, then take it once more.
    columns = grid.columns
    for index, cell in enumerate(table._cells):
        cell.width = Emu(widths[index % columns])
    for grid_cell in grid.cells:
        if grid_cell.rowspan > 1 or grid_cell.colspan > 1:
            corner = table.cell(
                grid_cell.row + grid_cell.rowspan - 1, grid_cell.col + grid_cell.colspan - 1
            )
            table.cell(grid_cell.row, grid_cell.col).merge(corner)
    cells = table._cells
    for grid_cell in grid.cells:
        _write(cells[grid_cell.row * columns + grid_cell.col], grid_cell, size)
    _repeat_as_header(table, grid.header_row)
    return table


def _repeat_as_header(table: Table, row: int) -> None:
    tr_pr = table.rows[row]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _paragraph(
    document: DocxDocument, text: str, align: WD_ALIGN_PARAGRAPH, font: str, size: Pt
) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    set_font(paragraph.add_run(text), font, size)


def document_bytes(grid: Grid) -> bytes:
    document = Document()
    section = document.sections[0]
    width, height = A4
    if grid.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _paragraph(document, grid.title, WD_ALIGN_PARAGRAPH.CENTER, TITLE_FONT, TITLE_SIZE)
    if grid.caption:
        _paragraph(document, grid.caption, WD_ALIGN_PARAGRAPH.RIGHT, BODY_FONT, BODY_SIZE)

    paint_table(document, grid, width)

    for note in grid.notes:
        _paragraph(document, note, WD_ALIGN_PARAGRAPH.LEFT, BODY_FONT, BODY_SIZE)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class DocxExporter(BaseExporter):
    format = "docx"
    extension = ".docx"
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def render_grid(self, grid: Grid) -> bytes:
        return document_bytes(grid)


@register
class SelfEvaluationDocx(DocxExporter):
    identifier = "self_docx"
    verbose_name = "项目支出绩效自评表（Word）"
    table = TableKind.SELF


@register
class ScoringDocx(DocxExporter):
    identifier = "scoring_docx"
    verbose_name = "评价指标计分表（Word）"
    table = TableKind.SCORING


@register
class SummaryDocx(DocxExporter):
    identifier = "summary_docx"
    verbose_name = "部门绩效自评结果汇总表（Word）"
    table = TableKind.SUMMARY


@register
class ScoreSheetDocx(DocxExporter):
    identifier = "score_sheet_docx"
    verbose_name = "绩效评价得分表（Word）"
    table = TableKind.SCORE_SHEET


@register
class CompletionDocx(DocxExporter):
    identifier = "completion_docx"
    verbose_name = "专项支出绩效评价指标完成情况表（Word）"
    table = TableKind.COMPLETION
