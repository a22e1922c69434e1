"""The co-funding reconciliation (资金分担与拨付对账表) as .xlsx and .docx.

One :class:`~jixiao.io.table_grid.Grid` painted by the shared renderers, so both files have the
same rows and columns. Amounts keep every decimal they have (192.174, not 192.17).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook

from jixiao.core.cofunding import PrintedNote, Reconciliation
from jixiao.core.money import HUNDRED
from jixiao.io.docx_export import document_bytes
from jixiao.io.exporters import ExportFile
from jixiao.io.table_grid import CellKind, Grid, GridCell
from jixiao.io.xlsx_export import write_grid

HEADINGS = (
    "级次",
    "分担比例",
    "应拨付",
    "已拨付",
    "到位率",
    "实际分担比例",
    "差额",
    "最后拨付日期",
    "逾期天数",
)
WIDTHS = (8.0, 10.0, 12.0, 12.0, 10.0, 12.0, 12.0, 14.0, 10.0)
AMOUNT_FORMAT = "0.00##"  # 640.58, 192.174, 57.654: up to the 4 decimals amounts may have
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class PaymentLine:
    level: str  # 省/市/县
    amount: Decimal
    paid_on: str
    reference: str = ""


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * HUNDRED


def _days(value: int | None) -> str:
    return "—" if value is None else str(value)


def reconciliation_grid(
    name: str,
    reconciliation: Reconciliation,
    payments: tuple[PaymentLine, ...] = (),
    printed: PrintedNote | None = None,
) -> Grid:
    """The table: one row per level and 合计; plan dates, payments and notes below."""
    plan = reconciliation.plan
    cells = [GridCell(0, col, text, CellKind.HEAD) for col, text in enumerate(HEADINGS)]
    for row, line in enumerate(reconciliation.lines, 1):
        values: tuple[tuple[str | Decimal | None, CellKind], ...] = (
            (line.level.label, CellKind.LABEL),
            (plan.share.percent(line.level), CellKind.PERCENT),
            (line.expected, CellKind.AMOUNT),
            (line.paid, CellKind.AMOUNT),
            (_percent(line.arrival_rate), CellKind.PERCENT),
            (_percent(line.actual_share), CellKind.PERCENT),
            (line.shortfall, CellKind.AMOUNT),
            (line.last_paid_on.isoformat() if line.last_paid_on else "—", CellKind.LABEL),
            (_days(line.days_late), CellKind.LABEL),
        )
        cells += [GridCell(row, col, value, kind) for col, (value, kind) in enumerate(values)]
    total_row = len(reconciliation.lines) + 1
    last = reconciliation.last_paid_on
    totals: tuple[tuple[str | Decimal | None, CellKind], ...] = (
        ("合计", CellKind.LABEL),
        (HUNDRED, CellKind.PERCENT),
        (reconciliation.expected, CellKind.AMOUNT),
        (reconciliation.paid, CellKind.AMOUNT),
        (_percent(reconciliation.arrival_rate), CellKind.PERCENT),
        (_percent(reconciliation.arrival_rate), CellKind.PERCENT),
        (reconciliation.shortfall, CellKind.AMOUNT),
        (last.isoformat() if last else "—", CellKind.LABEL),
        (_days(reconciliation.days_late), CellKind.LABEL),
    )
    cells += [GridCell(total_row, col, value, kind) for col, (value, kind) in enumerate(totals)]
    notes = [
        f"分担比例 省:市:县 = {plan.share.label}；批复总额 {_amount(plan.approved_total)} 万元；"
        f"政策日期 {plan.policy_date.isoformat()}，拨付期限 {plan.deadline.isoformat()}。",
        "到位率 = 已拨付 / 应拨付；实际分担比例 = 已拨付 / 批复总额；差额 = 应拨付 − 已拨付（不低于 0）；"
        "逾期天数 = 最后拨付日期 − 拨付期限。",
    ]
    if printed is not None:
        notes.append(f"说明：{printed.text}。")
    if payments:
        notes.append(
            "拨付记录："
            + "；".join(
                f"{p.level} {p.paid_on} {_amount(p.amount)} 万元"
                + (f"（{p.reference}）" if p.reference else "")
                for p in payments
            )
            + "。"
        )
    return Grid(
        title=f"{name} 资金分担与拨付对账表",
        sheet_name="对账表",
        widths=WIDTHS,
        cells=tuple(cells),
        rows=total_row + 1,
        header_row=0,
        caption="单位：万元",
        notes=tuple(notes),
        landscape=True,
    )


def _amount(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def xlsx_bytes(grid: Grid) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = grid.sheet_name
    write_grid(ws, grid)
    top = 3 if grid.caption else 2
    for cell in grid.cells:
        if cell.kind is CellKind.AMOUNT and isinstance(cell.value, Decimal):
            ws.cell(row=top + cell.row, column=cell.col + 1).number_format = AMOUNT_FORMAT
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(
    fmt: str,
    name: str,
    reconciliation: Reconciliation,
    payments: tuple[PaymentLine, ...] = (),
    printed: PrintedNote | None = None,
) -> ExportFile | None:
    """The reconciliation as ``xlsx`` or ``docx``; None for another format."""
    grid = reconciliation_grid(name, reconciliation, payments, printed)
    stem = _UNSAFE.sub("_", f"{name}-资金分担与拨付对账表").strip(" .")
    if fmt == "xlsx":
        return ExportFile(f"{stem}.xlsx", XLSX, xlsx_bytes(grid))
    if fmt == "docx":
        return ExportFile(f"{stem}.docx", DOCX, document_bytes(grid))
    return None
