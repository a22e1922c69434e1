"""Word (.docx) renderers of the official tables, with python-docx.

A4, a 黑体 title, one bordered table with the grid's merges, 宋体 for everything else. The East
Asian font is set through each run's ``w:rFonts w:eastAsia`` (``font.name`` sets only the Latin
font), keeping the names 宋体/黑体 so that Word on Windows uses its own fonts. ``cell.merge()``
concatenates the merged cells' paragraphs, so each merged cell's text is set after merging.

Two ways to the same file. :func:`reference_document_bytes` builds the document through
python-docx's objects, cell by cell; :func:`paint_table` does the same inside a larger document
(the evaluation report). :func:`document_bytes`, used by the exporters, is the fast path: the
package, the section and one prototype of each kind of paragraph and table cell are made once per
orientation *by python-docx* (through the same functions), and each document is then a deep copy
of those lxml elements with its widths, merges and texts set, serialised and zipped with the
skeleton's other parts. A test checks that both give the same ``document.xml`` and parts.
"""

from __future__ import annotations

import threading
from copy import deepcopy
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell
from docx.text.run import Run
from lxml import etree  # type: ignore[import-untyped]

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


def column_widths(grid: Grid, page_width: int) -> list[int]:
    """Each column's width in EMU: the usable page width shared in the grid's proportions."""
    usable = page_width - 2 * MARGIN
    total = sum(grid.widths)
    return [int(usable * w / total) for w in grid.widths]


def _bordered_table(document: DocxDocument, rows: int, columns: int) -> Table:
    table: Table = document.add_table(rows=rows, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    return table


def paint_table(document: DocxDocument, grid: Grid, page_width: int, size: Pt = BODY_SIZE) -> Table:
    """One bordered table holding ``grid``: column widths, merges, texts, a repeating header."""
    table = _bordered_table(document, grid.rows, grid.columns)
    widths = column_widths(grid, page_width)
    # python-docx rebuilds the whole cell list on every ``table.cell()``/``row.cells``, which
    # makes painting quadratic: take the list once, merge, then take it once more.
    columns = grid.columns
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Emu(width)  # w:gridCol, which LibreOffice lays the columns out by
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


def new_document(landscape: bool) -> tuple[DocxDocument, int]:
    """An empty A4 document (landscape or not) with 宋体 as its Normal font; and its page width."""
    document = Document()
    section = document.sections[0]
    width, height = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document, int(width)


def reference_document_bytes(grid: Grid) -> bytes:
    """The document built through python-docx's objects: what :func:`document_bytes` must equal."""
    document, width = new_document(grid.landscape)
    _paragraph(document, grid.title, WD_ALIGN_PARAGRAPH.CENTER, TITLE_FONT, TITLE_SIZE)
    if grid.caption:
        _paragraph(document, grid.caption, WD_ALIGN_PARAGRAPH.RIGHT, BODY_FONT, BODY_SIZE)

    paint_table(document, grid, width)

    for note in grid.notes:
        _paragraph(document, note, WD_ALIGN_PARAGRAPH.LEFT, BODY_FONT, BODY_SIZE)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# The fast path --------------------------------------------------------------------------------

_PROTOTYPE_KINDS = (CellKind.TEXT, CellKind.LABEL, CellKind.HEAD)  # left; centred; bold centred
_DOCUMENT_XML = "word/document.xml"
_SPECIAL = frozenset("\t\r\n")


@dataclass(frozen=True)
class _Skeleton:
    """What every document of one orientation shares, made once by python-docx."""

    root: etree._Element  # w:document whose body holds only the w:sectPr
    package: bytes  # the .docx zip of every other part (styles, theme, …), compressed once
    title: etree._Element  # w:p prototypes, their run's text to be replaced
    caption: etree._Element
    note: etree._Element
    table: etree._Element  # w:tbl holding only its w:tblPr
    cells: dict[tuple[bool, bool], etree._Element]  # (centred, bold) → a written w:tc
    page_width: int


_made = threading.local()  # one skeleton per thread: lxml trees are not shared across threads


def _skeleton(landscape: bool) -> _Skeleton:
    made: dict[bool, _Skeleton] = _made.__dict__.setdefault("skeletons", {})
    if landscape not in made:
        made[landscape] = _new_skeleton(landscape)
    return made[landscape]


def _new_skeleton(landscape: bool) -> _Skeleton:
    document, width = new_document(landscape)
    body = document.element.body
    paragraphs = []
    for align, font, size in (
        (WD_ALIGN_PARAGRAPH.CENTER, TITLE_FONT, TITLE_SIZE),
        (WD_ALIGN_PARAGRAPH.RIGHT, BODY_FONT, BODY_SIZE),
        (WD_ALIGN_PARAGRAPH.LEFT, BODY_FONT, BODY_SIZE),
    ):
        _paragraph(document, "x", align, font, size)
        paragraphs.append(body[-2])  # the new w:p sits before the w:sectPr
    table = _bordered_table(document, 1, len(_PROTOTYPE_KINDS))
    cells = {}
    for index, (cell, kind) in enumerate(zip(table._cells, _PROTOTYPE_KINDS, strict=True)):
        cell.width = Emu(0)
        _write(cell, GridCell(0, index, "x", kind), BODY_SIZE)
        cells[(kind is not CellKind.TEXT, kind is CellKind.HEAD)] = cell._tc
    tbl = table._tbl
    for child in list(tbl)[1:]:  # keep w:tblPr only
        tbl.remove(child)
    for element in (*paragraphs, tbl):
        body.remove(element)
    saved, others = BytesIO(), BytesIO()
    document.save(saved)
    with ZipFile(saved) as package, ZipFile(others, "w", compression=ZIP_DEFLATED) as rest:
        for name in package.namelist():
            if name != _DOCUMENT_XML:
                rest.writestr(name, package.read(name))
    title, caption, note = paragraphs
    return _Skeleton(document.element, others.getvalue(), title, caption, note, tbl, cells, width)


def document_bytes(grid: Grid) -> bytes:
    """The .docx of one table: the same document as :func:`reference_document_bytes`, faster."""
    skeleton = _skeleton(grid.landscape)
    root = deepcopy(skeleton.root)
    section = root[0][-1]  # w:body's w:sectPr
    section.addprevious(_text_paragraph(skeleton.title, grid.title))
    if grid.caption:
        section.addprevious(_text_paragraph(skeleton.caption, grid.caption))
    section.addprevious(_table(skeleton, grid))
    for note in grid.notes:
        section.addprevious(_text_paragraph(skeleton.note, note))
    # the other parts are copied compressed (styles.xml alone is 340 KB); document.xml is added
    # last, where python-docx writes it fifth: the same parts, in another order in the zip
    buffer = BytesIO(skeleton.package)
    with ZipFile(buffer, "a", compression=ZIP_DEFLATED) as package:
        package.writestr(_DOCUMENT_XML, serialize_part_xml(root))
    return buffer.getvalue()


def _text_paragraph(prototype: etree._Element, text: str) -> etree._Element:
    paragraph = deepcopy(prototype)
    _set_run_text(paragraph[-1], text)
    return paragraph


def _set_run_text(run: etree._Element, text: str) -> None:
    """The run's text as python-docx's ``Run.text`` writes it (tabs and breaks as elements)."""
    if not text:  # ``add_run("")`` writes no w:t
        run.remove(run[-1])
        return
    if _SPECIAL.isdisjoint(text) and text == text.strip():
        run[-1].text = text  # the prototype's single w:t
        return
    assert isinstance(run, CT_R)
    rpr = run[0]
    run.text = text  # python-docx's own conversion; it keeps the w:rPr
    assert run[0] is rpr


_W_VAL = qn("w:val")
_W_W = qn("w:w")
_TC, _TC_PR, _TC_W, _P, _TR, _TR_PR = (
    qn(f"w:{t}") for t in ("tc", "tcPr", "tcW", "p", "tr", "trPr")
)


def _table(skeleton: _Skeleton, grid: Grid) -> etree._Element:
    """The w:tbl of ``grid``, element by element as python-docx's ``add_table``/``merge`` make it."""
    twips = [Emu(width).twips for width in column_widths(grid, skeleton.page_width)]
    tbl = deepcopy(skeleton.table)
    tbl_grid = etree.SubElement(tbl, qn("w:tblGrid"))
    for width in twips:
        etree.SubElement(tbl_grid, qn("w:gridCol")).set(_W_W, str(width))
    anchors: dict[tuple[int, int], GridCell] = {}
    continued: dict[tuple[int, int], GridCell] = {}  # (row, col) → the merged cell above
    for cell in grid.cells:
        anchors[(cell.row, cell.col)] = cell
        for row in range(cell.row + 1, cell.row + cell.rowspan):
            continued[(row, cell.col)] = cell
    for row in range(grid.rows):
        tr = etree.SubElement(tbl, _TR)
        if row == grid.header_row:
            header = etree.SubElement(etree.SubElement(tr, _TR_PR), qn("w:tblHeader"))
            header.set(_W_VAL, "true")
        col = 0
        while col < grid.columns:
            anchor, above = anchors.get((row, col)), continued.get((row, col))
            if anchor is not None:
                tr.append(_written_cell(skeleton, anchor, twips))
                col += anchor.colspan
            elif above is not None:
                tr.append(_bare_cell(above.colspan, twips[col : col + above.colspan], "continue"))
                col += above.colspan
            else:
                tr.append(_bare_cell(1, twips[col : col + 1], None))
                col += 1
    return tbl


def _written_cell(skeleton: _Skeleton, cell: GridCell, twips: list[int]) -> etree._Element:
    kind = cell.kind
    tc = deepcopy(skeleton.cells[(kind is not CellKind.TEXT, kind is CellKind.HEAD)])
    tc_pr = tc[0]
    tc_pr[0].set(_W_W, str(sum(twips[cell.col : cell.col + cell.colspan])))
    _spans(tc_pr, cell.colspan, "restart" if cell.rowspan > 1 else None)
    paragraph = tc[1]
    text = cell_text(cell)
    if text:
        _set_run_text(paragraph[-1], text)
    else:
        paragraph.remove(paragraph[-1])
    return tc


def _bare_cell(colspan: int, twips: list[int], merge: str | None) -> etree._Element:
    """A cell without text: one left blank, or a vertically merged cell's continuation."""
    tc = etree.Element(_TC)
    tc_pr = etree.SubElement(tc, _TC_PR)
    width = etree.SubElement(tc_pr, _TC_W)
    width.set(qn("w:type"), "dxa")
    width.set(_W_W, str(sum(twips)))
    _spans(tc_pr, colspan, merge)
    etree.SubElement(tc, _P)
    return tc


def _spans(tc_pr: etree._Element, colspan: int, merge: str | None) -> None:
    """w:gridSpan and w:vMerge, right after w:tcW as the schema orders them."""
    after = tc_pr[0]
    if colspan > 1:
        span = etree.Element(qn("w:gridSpan"))
        span.set(_W_VAL, str(colspan))
        after.addnext(span)
        after = span
    if merge is not None:
        v_merge = etree.Element(qn("w:vMerge"))
        if merge == "restart":
            v_merge.set(_W_VAL, merge)
        after.addnext(v_merge)


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
