"""The 公示 list in Excel and Word: the files are opened and their cells read back."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from docx import Document
from openpyxl import load_workbook

from jixiao.core.credit_code import complete
from jixiao.core.subsidies import notice
from jixiao.io.subsidy_export import HEADINGS, RENDERERS, notice_docx, notice_xlsx

D = Decimal
ROWS = [
    ("四川六合特种金属材料股份有限公司", complete("91510781MA6JY001"), "物流费", D("18.56")),
    ("四川清香园调味品股份有限公司", complete("91510781MA6JY002"), "水电费", D("9.64")),
    ("江油立航金属材料有限公司", complete("91510781MA6JY003"), "担保费", D("6.25")),
]
NOTICE = notice("江油市中小微企业纾困资金补贴资金公示名单", ROWS)


def test_xlsx_has_title_headings_rows_and_total() -> None:
    file = notice_xlsx(NOTICE)
    assert file.filename == "江油市中小微企业纾困资金补贴资金公示名单.xlsx"
    assert file.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(file.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == NOTICE.title
    assert values[1][0] == "单位：万元"
    assert tuple(values[2]) == HEADINGS
    assert values[3] == ["1", ROWS[0][0], ROWS[0][1], "物流费", 18.56]
    assert values[5][4] == 6.25
    assert values[6][0] == "合计"
    assert values[6][4] == 34.45  # 18.56 + 9.64 + 6.25
    assert "A9:D9" not in {str(r) for r in sheet.merged_cells.ranges}
    assert "A7:D7" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["E4"].number_format == "0.00"


def test_docx_prints_two_decimals_and_the_total() -> None:
    file = notice_docx(NOTICE)
    assert file.filename.endswith(".docx")
    document = Document(BytesIO(file.content))
    assert document.paragraphs[0].text == NOTICE.title
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == list(HEADINGS)
    assert rows[1] == ["1", ROWS[0][0], ROWS[0][1], "物流费", "18.56"]
    assert rows[3][4] == "6.25"
    assert rows[4][0] == "合计" and rows[4][4] == "34.45"


def test_an_empty_notice_still_has_its_total_row() -> None:
    file = notice_xlsx(notice("空名单", []))
    sheet = load_workbook(BytesIO(file.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[-1][0] == "合计" and values[-1][4] == 0


def test_unsafe_title_characters_are_kept_out_of_the_filename() -> None:
    file = notice_xlsx(notice('a/b:c*"d', []))
    assert file.filename == "a_b_c_d.xlsx"


def test_renderers_by_format() -> None:
    assert set(RENDERERS) == {"xlsx", "docx"}


def test_text_that_looks_like_a_formula_stays_text() -> None:
    evil = notice("公示", [('=HYPERLINK("http://x","点击")', "91", "@SUM(A1)", D(1))])
    sheet = load_workbook(BytesIO(notice_xlsx(evil).content)).active
    assert sheet is not None
    assert sheet["B4"].data_type == "s" and sheet["B4"].value == '\'=HYPERLINK("http://x","点击")'
    assert sheet["D4"].data_type == "s"
    table = Document(BytesIO(notice_docx(evil).content)).tables[0]
    assert table.rows[1].cells[1].text == '=HYPERLINK("http://x","点击")'  # Word shows it as typed
