"""附件2 and 附件3 exports, opened back with openpyxl and python-docx and checked cell by cell."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.pilots.evaluation import FinalDecision, Measure, MidTermTable, mid_term_table
from jixiao.core.pilots.programme import LiaisonList, liaison_list
from jixiao.io.pilot_export import (
    LIAISON_HEADINGS,
    PRECISE_HEADINGS,
    PUBLIC_HEADINGS,
    FinalReport,
    final_docx,
    final_xlsx,
    liaison_docx,
    liaison_xlsx,
    mid_term_docx,
    mid_term_xlsx,
)
from jixiao.io.pilot_file import load

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pilots" / "003-programme.yaml"
PARK = "示例县小微企业创业园"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def table() -> MidTermTable:
    pilot = load(EXAMPLE)
    data = pilot.parks[PARK]
    return mid_term_table(pilot.programme, data.park, data.records, data.narratives, data.mechanism)


@pytest.fixture(scope="module")
def listing() -> LiaisonList:
    return liaison_list(load(EXAMPLE).programme.counties[0])


def sheet(content: bytes) -> Worksheet:
    ws = load_workbook(BytesIO(content)).active
    assert ws is not None
    return ws


def values(ws: Worksheet, row: int) -> list[object]:
    return [cell.value for cell in ws[row]]


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


# 附件2 中期评价表, Excel ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def mid_ws(table: MidTermTable) -> Worksheet:
    return sheet(mid_term_xlsx(table)[2])


def test_mid_term_file_name_and_type(table: MidTermTable) -> None:
    name, mimetype, _ = mid_term_xlsx(table)
    assert (name, mimetype) == (f"{PARK}-中期评价表.xlsx", XLSX)
    assert mid_term_docx(table)[:2] == (f"{PARK}-中期评价表.docx", DOCX)


def test_mid_term_heading_block(mid_ws: Worksheet) -> None:
    assert mid_ws.title == "中期评价表"
    assert mid_ws["A1"].value == "中期评价表"
    assert mid_ws["A2"].value == f"园区名称：{PARK}　　　　所在县（市、区）：示例县"
    assert mid_ws["A2"].alignment.horizontal == "left"
    assert {"A1:G1", "A2:G2", "A3:G3"} <= merged(mid_ws)
    assert mid_ws["A3"].value == "普惠性公共服务"
    assert values(mid_ws, 4) == list(PUBLIC_HEADINGS)
    assert mid_ws.page_setup.orientation == "landscape"
    assert mid_ws["A4"].font.name == "宋体" and mid_ws["A4"].font.bold


def test_mid_term_public_rows_are_numbers(mid_ws: Worksheet) -> None:
    row = values(mid_ws, 5)
    assert row[:5] == ["政策宣贯", 8, 1, 240, 45]
    assert all(isinstance(v, int | float) for v in row[1:5])
    assert str(row[5]).startswith("每季度联合县经信局")
    assert values(mid_ws, 6)[:5] == ["业务培训", 6, 1, 150, 32]
    assert values(mid_ws, 7)[:5] == ["融资对接", 4, 1, 80, 18]


def test_mid_term_precise_block(mid_ws: Worksheet) -> None:
    assert mid_ws["A8"].value == "精准化个性服务"
    assert "A8:G8" in merged(mid_ws)
    header = values(mid_ws, 9)
    assert [header[i] for i in (0, 1, 3, 5, 6)] == list(PRECISE_HEADINGS)
    assert {"B9:C9", "D9:E9", "B10:C10", "D10:E10"} <= merged(mid_ws)
    assert values(mid_ws, 10)[:4] == ["企业诊断", "为20家试点企业开展全面诊断", None, 5]
    assert mid_ws["D10"].number_format == '0"家"'
    assert values(mid_ws, 11)[3] == 4 and mid_ws["D11"].number_format == '0"件"'
    digital = values(mid_ws, 12)
    assert digital[:4] == ["数字化改造", 4, None, 1]  # no description: the target is a number
    assert mid_ws["B12"].number_format == '0"家"'


def test_mid_term_closing_row(mid_ws: Worksheet) -> None:
    last = mid_ws.max_row
    assert str(mid_ws.cell(row=last, column=1).value).startswith(
        "园区形成的长效机制成果：建立“园区+服务团队"
    )
    assert f"A{last}:G{last}" in merged(mid_ws)


def test_an_empty_target_list_still_prints_both_blocks(table: MidTermTable) -> None:
    ws = sheet(mid_term_xlsx(replace(table, public=(), precise=(), mechanism=""))[2])
    column = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert column[2:] == [
        "普惠性公共服务",
        "服务项目",
        None,
        "精准化个性服务",
        "精准服务内容",
        None,
        "园区形成的长效机制成果：",
    ]


# 附件2, Word ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mid_doc(table: MidTermTable) -> DocxDocument:
    return Document(BytesIO(mid_term_docx(table)[2]))


def test_mid_term_word_heading(mid_doc: DocxDocument) -> None:
    texts = [p.text for p in mid_doc.paragraphs[:3]]
    assert texts == ["附件2", "中期评价表", f"园区名称：{PARK}　　　　所在县（市、区）：示例县"]
    assert mid_doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    title_run = mid_doc.paragraphs[1].runs[0]
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_mid_term_word_table(mid_doc: DocxDocument) -> None:
    (grid,) = mid_doc.tables
    rows = [[c.text for c in row.cells] for row in grid.rows]
    assert rows[0] == ["普惠性公共服务"] * 7  # one cell merged across the table
    assert rows[1] == list(PUBLIC_HEADINGS)
    assert rows[2][:5] == ["政策宣贯", "8", "1", "240", "45"]
    assert rows[5] == ["精准化个性服务"] * 7
    assert rows[6] == [
        "精准服务内容",
        "两年内实现的量化目标",
        "两年内实现的量化目标",
        "累计完成量化目标情况",
        "累计完成量化目标情况",
        "工作举措",
        "成效和案例",
    ]
    assert rows[7][:4] == [
        "企业诊断",
        "为20家试点企业开展全面诊断",
        "为20家试点企业开展全面诊断",
        "5家（25%）",
    ]
    assert rows[9][1] == "4家" and rows[9][3] == "1家（25%）"
    assert rows[-1][0].startswith("园区形成的长效机制成果：")
    cell_run = grid.rows[2].cells[0].paragraphs[0].runs[0]
    assert cell_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


# 附件3 联络员名单 -----------------------------------------------------------------------------


def test_liaison_list_excel(listing: LiaisonList) -> None:
    name, mimetype, content = liaison_xlsx(listing)
    assert (name, mimetype) == ("示例县-联络员名单.xlsx", XLSX)
    ws = sheet(content)
    assert ws["A1"].value == "联络员名单"
    assert ws["A2"].value == "县（市、区）：示例县"
    assert values(ws, 3) == list(LIAISON_HEADINGS)
    assert values(ws, 4) == ["经信部门", "周明", "中小企业科科长", "0000-1000001", "100-0000-0001"]
    assert values(ws, 5)[0] == "财政部门"
    assert [ws.cell(row=r, column=1).value for r in (6, 7)] == [PARK, "示例县数字经济产业园"]
    assert ws.max_row == 7


def test_liaison_list_word_and_a_missing_liaison(listing: LiaisonList) -> None:
    rows = (listing.rows[0], replace(listing.rows[1], liaison=None), *listing.rows[2:])
    name, mimetype, content = liaison_docx(replace(listing, rows=rows))
    assert (name, mimetype) == ("示例县-联络员名单.docx", DOCX)
    document = Document(BytesIO(content))
    assert [p.text for p in document.paragraphs[:3]] == [
        "附件3",
        "联络员名单",
        "县（市、区）：示例县",
    ]
    (grid,) = document.tables
    texts = [[c.text for c in row.cells] for row in grid.rows]
    assert texts[0] == list(LIAISON_HEADINGS)
    assert texts[1][3] == "0000-1000001"
    assert texts[2] == ["财政部门", "", "", "", ""]
    assert texts[3][0] == PARK


def test_text_that_looks_like_a_formula_stays_text(
    table: MidTermTable, listing: LiaisonList
) -> None:
    evil = '=HYPERLINK("http://example.invalid","点击")'
    first = replace(table.public[0], narrative=replace(table.public[0].narrative, measures=evil))
    ws = sheet(mid_term_xlsx(replace(table, public=(first, *table.public[1:]), mechanism=""))[2])
    assert (ws["F5"].value, ws["F5"].data_type, ws["F5"].quotePrefix) == (evil, "s", True)
    person = replace(listing.rows[0].liaison, name="@SUM(A1)")  # type: ignore[type-var]
    rows = (replace(listing.rows[0], liaison=person), *listing.rows[1:])
    ws = sheet(liaison_xlsx(replace(listing, rows=rows))[2])
    assert (ws["B4"].value, ws["B4"].data_type, ws["B4"].quotePrefix) == ("@SUM(A1)", "s", True)
    document = Document(BytesIO(mid_term_docx(replace(table, public=(first,)))[2]))
    assert document.tables[0].rows[2].cells[5].text == evil  # Word shows it as typed


# 终期绩效评价结果 --------------------------------------------------------------------------------


def final_report(measures: frozenset[Measure], cut: str = "0", recovery: str = "0") -> FinalReport:
    decision = FinalDecision(
        PARK, date(2025, 2, 1), measures, "目标完成率不足60%", Decimal(cut), Decimal(recovery)
    )
    return FinalReport(PARK, "示例县", Decimal(200), Decimal(160), decision, "浙江省")


def test_the_final_evaluation_xlsx_holds_the_measures_and_the_money_as_numbers() -> None:
    report = final_report(
        frozenset({Measure.NOTICE, Measure.CUT, Measure.RECOVER}), "40", "20.123456"
    )
    name, mimetype, content = final_xlsx(report)
    assert name == f"{PARK}-终期绩效评价结果.xlsx" and mimetype == XLSX
    ws = sheet(content)
    assert ws["A1"].value == "终期绩效评价结果"
    assert ws["A2"].value == f"园区名称：{PARK}　　　　所在县（市、区）：示例县"
    assert values(ws, 3)[:2] == ["评价日期", "2025-02-01"]
    assert values(ws, 4)[:4] == ["处理措施", "是否采取", "金额（万元）", "说明"]
    assert values(ws, 5)[:3] == ["通报", "是", "—"]
    assert values(ws, 6)[:4] == ["扣减", "是", 40, "扣减尚未拨付的资金，不再拨付"]
    recovery = values(ws, 7)
    assert recovery[:2] == ["收回", "是"] and recovery[3] == "收回已拨付的资金，缴回浙江省"
    assert Decimal(str(recovery[2])) == Decimal("20.123456")  # a number, to the 分
    assert ws["C7"].number_format == "0.00####"
    assert values(ws, 8)[:2] == ["评价依据", "目标完成率不足60%"]
    money = values(ws, 11)
    assert [Decimal(str(v)) for v in money] == [
        Decimal(200),
        Decimal(160),
        Decimal(40),
        Decimal("20.123456"),
        Decimal("139.876544"),  # kept = paid − recovered
    ]
    assert all(isinstance(v, int | float) for v in money)


def test_a_measure_not_taken_shows_no_amount() -> None:
    ws = sheet(final_xlsx(final_report(frozenset({Measure.NOTICE})))[2])
    assert values(ws, 6)[:3] == ["扣减", "否", "—"]
    assert values(ws, 7)[:3] == ["收回", "否", "—"]
    assert values(ws, 11)[4] == 160


def test_the_final_evaluation_docx_prints_every_decimal() -> None:
    report = final_report(frozenset({Measure.RECOVER}), "0", "20.123456")
    name, mimetype, content = final_docx(report)
    assert name.endswith(".docx") and mimetype == DOCX
    document = Document(BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == [
        "终期绩效评价",
        "终期绩效评价结果",
        f"园区名称：{PARK}　　　　所在县（市、区）：示例县",
    ]
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[4][:3] == ["收回", "是", "20.123456"]
    assert rows[-1] == ["200", "160", "0", "20.123456", "139.876544"]
