"""附件一 as .xlsx and .docx: real files opened, numbers as numbers, the 合计 row, exclusions."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from jixiao.core.allocation import Allocation, Candidate, Factor
from jixiao.io.allocation_export import (
    docx_bytes,
    excluded_grid,
    filename,
    notes,
    xlsx_bytes,
)
from jixiao.io.allocation_file import AllocationDocument, Column, load_and_compute

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples" / "allocations" / "000-jiaxing-guarantee.yaml"
)
HEADINGS = [
    "序号",
    "机构名称",
    "小微企业贷款融资担保业务月均余额（万元）",
    "年化担保费率（%）",
    "分配标准",
    "分配比例",
    "补贴金额（万元）",
]
CRITERION = "年化担保费率在 1.5% (含) 以下"


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return load_and_compute(EXAMPLE)


def test_xlsx_has_annex_one_with_numbers_as_numbers(seed) -> None:  # type: ignore[no-untyped-def]
    workbook = load_workbook(BytesIO(xlsx_bytes(*seed)))
    assert workbook.sheetnames == ["分配表", "未纳入分配"]
    ws = workbook["分配表"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "融资性担保机构中央奖补资金分配表"
    assert rows[1][0] == "单位：万元"
    assert rows[2] == HEADINGS
    assert rows[3] == [
        1,
        "嘉兴市小微企业信保基金融资担保有限公司",
        175362.53,
        0.78,
        CRITERION,
        pytest.approx(0.9742340045),
        880.73,
    ]
    assert rows[4][1:] == [
        "嘉兴市兴农担保有限责任公司",
        3662.89,
        1.06,
        CRITERION,
        pytest.approx(0.0203493414),
        18.4,
    ]
    assert rows[5][1:4] == ["嘉兴市农信融资担保有限责任公司", 975, 0.87]
    assert rows[5][6] == 4.9
    assert rows[6] == ["合计", None, 180000.42, None, None, 1, 904.03]
    assert "0.0050223" in rows[7][0]
    assert ws.cell(row=4, column=7).number_format == "0.00"
    assert ws.cell(row=4, column=6).number_format == "0.00%"
    assert ws.cell(row=3, column=1).font.name == "宋体"
    assert "A7:B7" in {str(r) for r in ws.merged_cells.ranges}
    excluded = [list(r) for r in workbook["未纳入分配"].iter_rows(values_only=True)]
    assert excluded[1] == ["序号", "机构名称", *HEADINGS[2:4], "未纳入原因"]
    assert excluded[2] == [1, "嘉兴鼎信投资担保有限公司", None, 2, f"不符合“{CRITERION}”"]


def test_docx_has_both_tables_in_song_ti(seed) -> None:  # type: ignore[no-untyped-def]
    word = Document(BytesIO(docx_bytes(*seed)))
    main, left_out = word.tables
    texts = [[cell.text for cell in row.cells] for row in main.rows]
    assert texts[0] == HEADINGS
    assert texts[1] == [
        "1",
        "嘉兴市小微企业信保基金融资担保有限公司",
        "175362.53",
        "0.78",
        CRITERION,
        "97.42%",
        "880.73",
    ]
    assert texts[2][-2:] == ["2.03%", "18.4"]
    assert texts[3][-2:] == ["0.54%", "4.9"]
    assert texts[4][0] == texts[4][1] == "合计"  # merged across 序号 and 名称
    assert texts[4][2] == "180000.42" and texts[4][-1] == "904.03"
    assert [row.cells[1].text for row in left_out.rows] == ["机构名称", "嘉兴鼎信投资担保有限公司"]
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0] == "融资性担保机构中央奖补资金分配表"
    assert "未纳入分配的对象" in paragraphs
    assert any("0.0050223" in p for p in paragraphs)
    run = main.rows[1].cells[1].paragraphs[0].runs[0]
    assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_file_names(seed) -> None:  # type: ignore[no-untyped-def]
    document, _ = seed
    assert filename(document, ".xlsx") == (
        "2021年度市本级小微企业融资担保业务中央奖补资金分配-融资性担保机构中央奖补资金分配表.xlsx"
    )


def test_no_exclusions_no_second_sheet_and_notes_for_caps_and_weights() -> None:
    allocation = Allocation(
        Decimal("10"),
        (
            Candidate("甲", {"a": Decimal("9"), "b": Decimal("1")}, cap=Decimal("5")),
            Candidate("乙", {"a": Decimal("1"), "b": Decimal("1")}),
        ),
        (Factor("a", Decimal("0.5")), Factor("b", Decimal("0.5"))),
    )
    document = AllocationDocument(allocation, (Column("a", "a"), Column("b", "b")), name="测/试")
    result = document.compute()
    assert excluded_grid(document, result) is None
    assert load_workbook(BytesIO(xlsx_bytes(document, result))).sheetnames == ["分配表"]
    assert len(Document(BytesIO(docx_bytes(document, result))).tables) == 1
    text = " ".join(notes(result))
    assert "50%×a占比＋50%×b占比" in text and "甲按补贴上限分配" in text
    assert "最大余额法" in text
    assert filename(document, ".docx") == "测_试-因素法分配表.docx"
