"""The reconciliation of seed 002 as real .xlsx and .docx files, opened and read back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from docx import Document
from openpyxl import load_workbook

from jixiao.core.cofunding import (
    CostShare,
    Plan,
    Reconciliation,
    payment,
    printed_note,
    reconcile,
)
from jixiao.io.cofunding_export import HEADINGS, PaymentLine, export, reconciliation_grid
from jixiao.io.exporters import ExportFile

NAME = "江油市中小微企业纾困资金"
PAYMENTS = (
    PaymentLine("县", Decimal("256.232"), "2022-10-24"),
    PaymentLine("市", Decimal("192.174"), "2023-06-12"),
    PaymentLine("省", Decimal("134.52"), "2023-07-19", "按21%下达"),
)


def reconciliation_002() -> Reconciliation:
    plan = Plan(Decimal("640.58"), CostShare.parse("3:3:4"), date(2022, 7, 24), date(2022, 12, 31))
    return reconcile(
        plan,
        [payment(p.level, p.amount, date.fromisoformat(p.paid_on), p.reference) for p in PAYMENTS],
    )


def exported(fmt: str) -> ExportFile:
    rec = reconciliation_002()
    result = export(fmt, NAME, rec, PAYMENTS, printed_note(rec.paid, Decimal("582.92")))
    assert result is not None
    return result


def test_the_grid_has_a_row_per_level_and_a_total() -> None:
    grid = reconciliation_grid(NAME, reconciliation_002())
    cells = {(c.row, c.col): c.value for c in grid.cells}
    assert [cells[(0, col)] for col in range(len(HEADINGS))] == list(HEADINGS)
    assert [cells[(row, 0)] for row in range(1, 5)] == ["省", "市", "县", "合计"]
    assert cells[(1, 6)] == Decimal("57.654") and cells[(4, 3)] == Decimal("582.926")


def test_excel_keeps_every_figure() -> None:
    file = exported("xlsx")
    assert file.filename == f"{NAME}-资金分担与拨付对账表.xlsx"
    ws = load_workbook(BytesIO(file.content)).active
    assert ws is not None
    assert ws["A1"].value == f"{NAME} 资金分担与拨付对账表"
    assert ws["A2"].value == "单位：万元"
    rows = {
        ws.cell(row=r, column=1).value: [ws.cell(row=r, column=c).value for c in range(2, 10)]
        for r in range(4, 8)
    }
    province = rows["省"]
    assert province[1:3] == [192.174, 134.52]
    assert round(province[3], 6) == round(134.52 / 192.174, 6)  # 到位率 as an Excel percent
    assert round(province[4], 4) == 0.21  # 21 % of the total, against 30 %
    assert province[5] == 57.654 and province[6:] == ["2023-07-19", "200"]
    assert rows["市"][5] == 0 and rows["市"][7] == "163"
    assert rows["县"][6:] == ["2022-10-24", "0"]
    assert rows["合计"][1:3] == [640.58, 582.926] and rows["合计"][5] == 57.654
    assert ws.cell(row=7, column=4).number_format == "0.00##"  # 582.926 shows all 3 decimals
    notes = [ws.cell(row=r, column=1).value for r in range(8, 12)]
    assert "报告所列 582.92 为拨付合计 582.926 截断至 2 位小数" in notes[2]
    assert "省 2023-07-19 134.52 万元（按21%下达）" in notes[3]


def test_word_has_the_same_table() -> None:
    file = exported("docx")
    assert file.filename.endswith(".docx")
    document = Document(BytesIO(file.content))
    assert document.paragraphs[0].text == f"{NAME} 资金分担与拨付对账表"
    table = document.tables[0]
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts[0] == list(HEADINGS)
    assert texts[1] == [
        "省",
        "30.00%",
        "192.174",
        "134.52",
        "70.00%",
        "21.00%",
        "57.654",
        "2023-07-19",
        "200",
    ]
    assert texts[4][:4] == ["合计", "100.00%", "640.58", "582.926"]
    assert any("截断至 2 位小数" in p.text for p in document.paragraphs)


def test_unknown_format() -> None:
    assert export("pdf", NAME, reconciliation_002()) is None
