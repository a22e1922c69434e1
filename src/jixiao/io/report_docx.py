"""The evaluation report (绩效评价报告) as a Word file, and as PDF through LibreOffice.

A4; a 黑体 title and chapter headings (the built-in ``Heading 1``/``Heading 2`` styles, made
black 黑体 so Word's navigation pane shows the chapters); 宋体 body with a two-character first-line
indent; the figures from :mod:`jixiao.io.charts` as inline pictures with a caption; the score
table of record (:mod:`jixiao.core.tables`, laid out by :mod:`jixiao.io.table_grid`) as the
appendix, on a landscape page when its layout asks for one. East Asian fonts are set through
``w:rFonts w:eastAsia`` (:func:`jixiao.io.docx_export.set_font`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path

import yaml
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from jixiao.core.case import NarrativeKey
from jixiao.core.report import Report, ReportError, Section, narrative_texts
from jixiao.io import charts
from jixiao.io.docx_export import A4, BODY_FONT, MARGIN, TITLE_FONT, paint_table, set_font
from jixiao.io.pdf_export import docx_to_pdf
from jixiao.io.table_grid import grid_for

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIMETYPE = "application/pdf"
TITLE_SIZE = Pt(22)  # 二号
SUBTITLE_SIZE = Pt(16)  # 三号
HEADING_SIZES = {1: Pt(15), 2: Pt(12)}  # 小三, 小四
BODY_SIZE = Pt(12)  # 小四
CAPTION_SIZE = Pt(10.5)  # 五号
TABLE_SIZE = Pt(9)  # 小五
PICTURE_WIDTH = Cm(15.5)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def filename_stem(title: str, default: str) -> str:
    """``title`` made safe as a file name (no path or reserved characters); ``default`` if empty."""
    return _UNSAFE.sub("_", title).strip(" .") or default


def report_filename(report: Report, extension: str) -> str:
    return f"{filename_stem(report.title, '绩效评价报告')}{extension}"


def report_docx(report: Report, images: Mapping[int, bytes] | None = None) -> bytes:
    """The report as .docx bytes; ``images`` (PNG by figure number) are drawn when not given."""
    pictures = charts.render_charts(report.figures) if images is None else images
    document = Document()
    _page(document.sections[0], landscape=False)
    _styles(document)
    _footer_page_number(document.sections[0])

    _centred(document, report.title, TITLE_FONT, TITLE_SIZE, bold=True, before=Pt(24))
    if report.subtitle:
        _centred(document, report.subtitle, TITLE_FONT, SUBTITLE_SIZE)
    for label, value in report.meta:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(3)
        paragraph.paragraph_format.space_after = Pt(0)
        set_font(paragraph.add_run(f"{label}：{value}"), BODY_FONT, BODY_SIZE)

    for chapter in report.chapters:
        _heading(document, chapter.heading, 1)
        for section in chapter.sections:
            _section(document, section, pictures)

    _appendix(document, report)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_pdf(report: Report, images: Mapping[int, bytes] | None = None) -> bytes:
    """The report as PDF: the Word file converted by LibreOffice (``PdfConversionError``)."""
    return docx_to_pdf(report_docx(report, images))


# Page and styles ---------------------------------------------------------------------------------


def _page(section: DocxSection, *, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _styles(document: DocxDocument) -> None:
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    for level, size in HEADING_SIZES.items():
        style = document.styles[f"Heading {level}"]
        style.font.name = TITLE_FONT
        style.font.size = size
        style.font.bold = level == 1
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in _THEME_FONTS:
            fonts.attrib.pop(qn(attribute), None)
        fonts.set(qn("w:eastAsia"), TITLE_FONT)
        style.paragraph_format.space_before = Pt(12 if level == 1 else 6)
        style.paragraph_format.space_after = Pt(6 if level == 1 else 3)
        style.paragraph_format.keep_with_next = True


def _footer_page_number(section: DocxSection) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# Blocks ------------------------------------------------------------------------------------------


def _centred(
    document: DocxDocument,
    text: str,
    font: str,
    size: Pt,
    *,
    bold: bool = False,
    before: Pt | None = None,
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if before is not None:
        paragraph.paragraph_format.space_before = before
    set_font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _heading(document: DocxDocument, text: str, level: int) -> None:
    paragraph = document.add_paragraph(style=f"Heading {level}")
    set_font(paragraph.add_run(text), TITLE_FONT, HEADING_SIZES[level], bold=level == 1)


def _body(document: DocxDocument, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(BODY_SIZE.pt * 2)
    layout.line_spacing = 1.5
    layout.space_after = Pt(0)
    set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)


def _section(document: DocxDocument, section: Section, pictures: Mapping[int, bytes]) -> None:
    if section.heading:
        _heading(document, section.heading, 2)
    for text in section.paragraphs:
        _body(document, text)
    for number, item in enumerate(section.items, start=1):
        _body(document, f"{number}. {item}")
    for figure in section.figures:
        image = pictures.get(figure.number)
        if image is None:
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.add_run().add_picture(BytesIO(image), width=PICTURE_WIDTH)
        caption = _centred(document, figure.caption, BODY_FONT, CAPTION_SIZE, bold=True)
        caption.paragraph_format.space_after = Pt(6)


# The appendix: the score table ---------------------------------------------------------------------


def _appendix(document: DocxDocument, report: Report) -> None:
    grid = grid_for(report.appendix)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=grid.landscape)
    _heading(document, report.appendix_title, 1)
    if grid.caption:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        set_font(paragraph.add_run(grid.caption), BODY_FONT, CAPTION_SIZE)
    paint_table(document, grid, section.page_width or A4[0], TABLE_SIZE)
    for note in grid.notes:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        set_font(paragraph.add_run(note), BODY_FONT, CAPTION_SIZE)


def load_narrative(path: Path) -> dict[NarrativeKey, str]:
    """The user's chapter texts from a YAML mapping (chapter key → text); ``ReportError``."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReportError(f"无法读取报告文字文件 {path}（{error.strerror}）") from None
    except UnicodeDecodeError:
        raise ReportError(f"报告文字文件 {path} 不是 UTF-8 文本") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise ReportError(f"报告文字文件 {path} {where}不是有效的 YAML") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ReportError(f"报告文字文件 {path} 应为“章节: 文字”的映射")
    try:
        return narrative_texts(raw)
    except ReportError as error:
        raise ReportError(f"报告文字文件 {path}：{error}") from None
