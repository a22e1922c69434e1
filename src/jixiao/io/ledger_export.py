"""The money-flow ledger (资金流水) as .xlsx: one row per flow, amounts as numbers (万元, with
every decimal they have), then the totals per kind and the net — each the sum of its rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "资金流水"
HEADINGS = ("日期", "类型", "付款方", "收款方", "金额（万元）", "事由", "来源", "所属单位")
WIDTHS = (12, 8, 26, 26, 14, 36, 36, 26)
AMOUNT_FORMAT = "#,##0.00####"
FORMULA_START = ("=", "+", "-", "@")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class FlowLine:
    on: date
    kind: str  # 拨付 / 收回
    payer: str
    payee: str
    amount: Decimal
    reason: str
    source: str
    owner: str


@dataclass(frozen=True)
class LedgerTotals:
    payments: Decimal
    recoveries: Decimal

    @property
    def net(self) -> Decimal:
        return self.payments - self.recoveries


def _number(value: Decimal) -> float:
    """Excel stores doubles: through the text, so 192.174 stays 192.174."""
    return float(str(value))


def flows_xlsx(
    lines: Sequence[FlowLine], totals: LedgerTotals, caption: str = ""
) -> tuple[str, str, bytes]:
    """(filename, mimetype, bytes) of the ledger; text stays text (never a formula)."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = TITLE
    ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=f"{caption}　金额单位：万元" if caption else "金额单位：万元")
    for col, (heading, width) in enumerate(zip(HEADINGS, WIDTHS, strict=True), 1):
        cell = ws.cell(row=3, column=col, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[cell.column_letter].width = width
    row = 4
    for line in lines:
        values: tuple[date | float | str, ...] = (
            line.on,
            line.kind,
            line.payer,
            line.payee,
            _number(line.amount),
            line.reason,
            line.source,
            line.owner,
        )
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(value, str) and value.startswith(FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True
        ws.cell(row=row, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=row, column=5).number_format = AMOUNT_FORMAT
        row += 1
    for label, total in (
        ("拨付合计", totals.payments),
        ("收回合计", totals.recoveries),
        ("净拨付", totals.net),
    ):
        ws.cell(row=row, column=4, value=label).font = Font(bold=True)
        cell = ws.cell(row=row, column=5, value=_number(total))
        cell.number_format = AMOUNT_FORMAT
        cell.font = Font(bold=True)
        row += 1
    ws.freeze_panes = "A4"
    buffer = BytesIO()
    workbook.save(buffer)
    stem = _UNSAFE.sub("_", caption).strip(" .") if caption else ""
    return f"{TITLE}{'-' + stem if stem else ''}.xlsx", XLSX, buffer.getvalue()
