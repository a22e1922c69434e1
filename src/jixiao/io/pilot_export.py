"""附件2 中期评价表 and 附件3 联络员名单 of seed ``003`` as .xlsx and .docx, in the seed's layout,
and the province's 终期绩效评价结果 (通报/扣减/收回 with amounts; the seed has no annex for it).

Each table is laid out once as a :class:`~jixiao.io.table_grid.Grid` and painted by the house
renderers (宋体, thin borders, merges; a 黑体 title in Word). Counts are numbers in Excel; a
精准化个性服务 quantity is a number too, its unit shown by the number format (``0"家"``). Phone
numbers are text (they keep their leading zeros).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO

from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.pilots.evaluation import FinalDecision, Measure, MidTermTable, PreciseRow
from jixiao.core.pilots.programme import LiaisonList
from jixiao.io.docx_export import (
    BODY_FONT,
    BODY_SIZE,
    TITLE_FONT,
    TITLE_SIZE,
    new_document,
    paint_table,
    set_font,
)
from jixiao.io.table_grid import CellKind, Grid, GridCell, Value
from jixiao.io.xlsx_export import write_grid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

MID_TERM_TITLE = "中期评价表"
PUBLIC_HEADINGS = (
    "服务项目",
    "两年内服务场次（次）",
    "累计完成量化目标数量",
    "两年内服务企业目标数（家次）",
    "累计完成量化目标数量",
    "工作举措",
    "成效和案例",
)
PRECISE_HEADINGS = (
    "精准服务内容",
    "两年内实现的量化目标",
    "累计完成量化目标情况",
    "工作举措",
    "成效和案例",
)
FINAL_TITLE = "终期绩效评价结果"
AMOUNT_FORMAT = "0.00####"  # 万元 to the 分: 60, 20.123456
LIAISON_TITLE = "联络员名单"
LIAISON_HEADINGS = ("单位", "姓名", "职务", "办公电话", "手机")


@dataclass(frozen=True)
class Sheet:
    """A laid-out table, and the cells whose number carries a unit (row, col) → 家/件."""

    grid: Grid
    annex: str  # 附件2 / 附件3, printed above the title in Word
    units: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class _Rows:
    cells: list[GridCell] = field(default_factory=list)
    row: int = 0

    def line(self, *items: tuple[Value, CellKind, int]) -> None:
        """One row: (value, kind, colspan) from column 0."""
        col = 0
        for value, kind, span in items:
            self.cells.append(GridCell(self.row, col, value, kind, 1, span))
            col += span
        self.row += 1


def _count(value: int) -> tuple[Value, CellKind, int]:
    return Decimal(value), CellKind.WEIGHT, 1


def _text(value: str) -> tuple[Value, CellKind, int]:
    return value, CellKind.TEXT, 1


def mid_term_sheet(table: MidTermTable, *, numbers: bool = True) -> Sheet:
    """附件2. ``numbers``: quantities as numbers with a unit format (Excel) or as text (Word)."""
    b = _Rows()
    units: dict[tuple[int, int], str] = {}
    b.line(("普惠性公共服务", CellKind.HEAD, 7))
    header_row = b.row
    b.line(*((h, CellKind.HEAD, 1) for h in PUBLIC_HEADINGS))
    for public in table.public:
        b.line(
            (public.service.label, CellKind.LABEL, 1),
            _count(public.target_sessions),
            _count(public.done_sessions),
            _count(public.target_visits),
            _count(public.done_visits),
            _text(public.narrative.measures),
            _text(public.narrative.results),
        )
    if not table.public:
        b.line(*(_text("") for _ in PUBLIC_HEADINGS))
    b.line(("精准化个性服务", CellKind.HEAD, 7))
    b.line(*((h, CellKind.HEAD, 2 if i in (1, 2) else 1) for i, h in enumerate(PRECISE_HEADINGS)))
    for row in table.precise:
        target, done = _precise_cells(row, numbers)
        if numbers and isinstance(target[0], Decimal):
            units[(b.row, 1)] = row.target.unit
        if numbers:
            units[(b.row, 3)] = row.target.unit
        b.line(
            (row.service.label, CellKind.LABEL, 1),
            target,
            done,
            _text(row.narrative.measures),
            _text(row.narrative.results),
        )
    if not table.precise:
        b.line(_text(""), ("", CellKind.TEXT, 2), ("", CellKind.TEXT, 2), _text(""), _text(""))
    b.line((f"园区形成的长效机制成果：{table.mechanism}", CellKind.TEXT, 7))
    grid = Grid(
        title=MID_TERM_TITLE,
        sheet_name="中期评价表",
        widths=(14, 11, 11, 13, 11, 30, 30),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=header_row,
        caption=f"园区名称：{table.park}　　　　所在县（市、区）：{table.county}",
        landscape=True,
    )
    return Sheet(grid, "附件2", units)


def _precise_cells(
    row: PreciseRow, numbers: bool
) -> tuple[tuple[Value, CellKind, int], tuple[Value, CellKind, int]]:
    goal = row.target
    if numbers:
        target: Value = goal.description or goal.quantity
        kind = CellKind.TEXT if goal.description else CellKind.WEIGHT
        return (target, kind, 2), (row.done, CellKind.WEIGHT, 2)
    return (goal.text, CellKind.LABEL, 2), (row.done_text, CellKind.LABEL, 2)


def liaison_sheet(listing: LiaisonList) -> Sheet:
    """附件3: one row per unit — 经信部门, 财政部门, then each park."""
    b = _Rows()
    b.line(*((h, CellKind.HEAD, 1) for h in LIAISON_HEADINGS))
    for row in listing.rows:
        person = row.liaison
        values = (
            (person.name, person.title, person.office_phone, person.mobile)
            if person
            else ("", "", "", "")
        )
        b.line((row.unit, CellKind.LABEL, 1), *((v, CellKind.LABEL, 1) for v in values))
    grid = Grid(
        title=LIAISON_TITLE,
        sheet_name="联络员名单",
        widths=(24, 10, 20, 16, 16),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=0,
        caption=f"县（市、区）：{listing.county}",
    )
    return Sheet(grid, "附件3")


@dataclass(frozen=True)
class FinalReport:
    """The province's decision on one park and the park's money around it (万元)."""

    park: str
    county: str
    money: Decimal  # 省级财政激励资金
    paid: Decimal  # paid in tranches before the decision
    decision: FinalDecision
    recovery_payee: str = ""

    @property
    def kept(self) -> Decimal:
        """What the park keeps: paid − recovered."""
        return self.paid - self.decision.recovery

    @property
    def not_paid(self) -> Decimal:
        """Never to be paid: the unpaid money the decision cut."""
        return self.decision.cut


def _amount(value: Decimal) -> tuple[Value, CellKind, int]:
    return value, CellKind.AMOUNT, 1


def final_sheet(report: FinalReport) -> Sheet:
    """终期绩效评价结果: the date, each measure (taken or not, amount), the grounds, the money."""
    decision = report.decision
    b = _Rows()
    on: date = decision.on
    b.line(("评价日期", CellKind.LABEL, 1), (on.isoformat(), CellKind.TEXT, 4))
    header_row = b.row
    b.line(
        ("处理措施", CellKind.HEAD, 1),
        ("是否采取", CellKind.HEAD, 1),
        ("金额（万元）", CellKind.HEAD, 1),
        ("说明", CellKind.HEAD, 2),
    )
    notes = {
        Measure.NOTICE: "",
        Measure.CUT: "扣减尚未拨付的资金，不再拨付",
        Measure.RECOVER: f"收回已拨付的资金，缴回{report.recovery_payee}"
        if report.recovery_payee
        else "收回已拨付的资金",
    }
    amounts = {Measure.NOTICE: None, Measure.CUT: decision.cut, Measure.RECOVER: decision.recovery}
    for measure in Measure:
        taken = measure in decision.measures
        amount = amounts[measure]
        b.line(
            (measure.label, CellKind.LABEL, 1),
            ("是" if taken else "否", CellKind.LABEL, 1),
            _amount(amount) if amount is not None and taken else ("—", CellKind.LABEL, 1),
            (notes[measure] if taken else "", CellKind.TEXT, 2),
        )
    b.line(("评价依据", CellKind.LABEL, 1), (decision.grounds or "—", CellKind.TEXT, 4))
    b.line(("资金情况（万元）", CellKind.HEAD, 5))
    b.line(
        *(
            (h, CellKind.HEAD, 1)
            for h in ("省级财政激励资金", "已拨付", "扣减（不再拨付）", "收回", "园区实际使用")
        )
    )
    b.line(
        _amount(report.money),
        _amount(report.paid),
        _amount(report.not_paid),
        _amount(decision.recovery),
        _amount(report.kept),
    )
    grid = Grid(
        title=FINAL_TITLE,
        sheet_name=FINAL_TITLE,
        widths=(18, 14, 16, 16, 26),
        cells=tuple(b.cells),
        rows=b.row,
        header_row=header_row,
        caption=f"园区名称：{report.park}　　　　所在县（市、区）：{report.county}",
    )
    return Sheet(grid, "终期绩效评价")


# Painting ----------------------------------------------------------------------------------


def _unit_format(value: object, unit: str) -> str:
    integral = isinstance(value, Decimal) and value == value.to_integral_value()
    return f'0"{unit}"' if integral else f'0.##"{unit}"'


FORMULA_START = ("=", "+", "-", "@")


def _keep_text(ws: Worksheet) -> None:
    """Text the park typed stays text: openpyxl would store “=…” as a formula; the quote prefix
    keeps Excel from reading any of these as one when the cell is edited."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True


def xlsx_bytes(sheet: Sheet) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = sheet.grid.sheet_name
    write_grid(ws, sheet.grid)
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")  # the caption
    _keep_text(ws)
    values = {(c.row, c.col): c.value for c in sheet.grid.cells}
    for cell in sheet.grid.cells:  # amounts with every decimal they have (to the 分)
        if cell.kind is CellKind.AMOUNT and isinstance(cell.value, Decimal):
            ws.cell(row=cell.row + 3, column=cell.col + 1).number_format = AMOUNT_FORMAT
    for (row, col), unit in sheet.units.items():
        ws.cell(row=row + 3, column=col + 1).number_format = _unit_format(values[(row, col)], unit)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes(sheet: Sheet) -> bytes:
    grid = sheet.grid
    document, width = new_document(grid.landscape)
    for text, align, font, size in (
        (sheet.annex, WD_ALIGN_PARAGRAPH.LEFT, TITLE_FONT, BODY_SIZE),
        (grid.title, WD_ALIGN_PARAGRAPH.CENTER, TITLE_FONT, TITLE_SIZE),
        (grid.caption, WD_ALIGN_PARAGRAPH.LEFT, BODY_FONT, BODY_SIZE),
    ):
        paragraph = document.add_paragraph()
        paragraph.alignment = align
        set_font(paragraph.add_run(text), font, size)
    paint_table(document, grid, width)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _name(stem: str, extension: str) -> str:
    return f"{_UNSAFE.sub('_', stem).strip(' .') or 'export'}{extension}"


def mid_term_xlsx(table: MidTermTable) -> tuple[str, str, bytes]:
    """(filename, mimetype, bytes) of 附件2 for Excel."""
    return _name(f"{table.park}-{MID_TERM_TITLE}", ".xlsx"), XLSX, xlsx_bytes(mid_term_sheet(table))


def mid_term_docx(table: MidTermTable) -> tuple[str, str, bytes]:
    sheet = mid_term_sheet(table, numbers=False)
    return _name(f"{table.park}-{MID_TERM_TITLE}", ".docx"), DOCX, docx_bytes(sheet)


def liaison_xlsx(listing: LiaisonList) -> tuple[str, str, bytes]:
    return (
        _name(f"{listing.county}-{LIAISON_TITLE}", ".xlsx"),
        XLSX,
        xlsx_bytes(liaison_sheet(listing)),
    )


def liaison_docx(listing: LiaisonList) -> tuple[str, str, bytes]:
    return (
        _name(f"{listing.county}-{LIAISON_TITLE}", ".docx"),
        DOCX,
        docx_bytes(liaison_sheet(listing)),
    )


def final_xlsx(report: FinalReport) -> tuple[str, str, bytes]:
    """(filename, mimetype, bytes) of the 终期绩效评价结果 for Excel: amounts are numbers."""
    return _name(f"{report.park}-{FINAL_TITLE}", ".xlsx"), XLSX, xlsx_bytes(final_sheet(report))


def final_docx(report: FinalReport) -> tuple[str, str, bytes]:
    return _name(f"{report.park}-{FINAL_TITLE}", ".docx"), DOCX, docx_bytes(final_sheet(report))
