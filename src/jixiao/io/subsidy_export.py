"""The 公示 list of a subsidy policy (:class:`jixiao.core.subsidies.Notice`) in Excel and Word.

Columns 序号 | 企业名称 | 统一社会信用代码 | 补贴类别 | 补贴金额（万元）, a 合计 row at the foot.
Painted through the same :class:`~jixiao.io.table_grid.Grid` as the official tables, so fonts,
borders and page setup match them. Excel keeps amounts as numbers (format 0.00); Word prints
them with two decimals.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from jixiao.core.money import quantize
from jixiao.core.subsidies import Notice
from jixiao.io.docx_export import document_bytes
from jixiao.io.table_grid import CellKind, Grid, GridCell
from jixiao.io.xlsx_export import workbook_bytes

HEADINGS = ("序号", "企业名称", "统一社会信用代码", "补贴类别", "补贴金额（万元）")
WIDTHS = (7.0, 40.0, 24.0, 14.0, 16.0)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
FORMULA_START = ("=", "+", "-", "@")  # Excel would read such a cell as a formula


class NoticeFile(NamedTuple):
    filename: str
    mimetype: str
    content: bytes


def notice_grid(notice: Notice, *, numbers: bool = True) -> Grid:
    """The 公示 table; ``numbers=False`` writes amounts as text with two decimals (Word)."""

    def amount(value: Decimal) -> GridCell:
        return GridCell(row, 4, value if numbers else _money(value), kind)

    def text(value: str) -> str:
        """Text typed by applicants stays text in Excel: never a formula (=HYPERLINK…)."""
        return f"'{value}" if numbers and value.startswith(FORMULA_START) else value

    kind = CellKind.AMOUNT if numbers else CellKind.LABEL
    cells = [GridCell(0, col, text, CellKind.HEAD) for col, text in enumerate(HEADINGS)]
    row = 0
    for item in notice.rows:
        row += 1
        cells += [
            GridCell(row, 0, str(item.no), CellKind.LABEL),
            GridCell(row, 1, text(item.enterprise)),
            GridCell(row, 2, text(item.credit_code), CellKind.LABEL),
            GridCell(row, 3, text(item.category), CellKind.LABEL),
            amount(item.amount),
        ]
    row += 1
    cells += [GridCell(row, 0, "合计", CellKind.LABEL, colspan=4), amount(notice.total)]
    return Grid(
        title=notice.title,
        sheet_name="公示名单",
        widths=WIDTHS,
        cells=tuple(cells),
        rows=row + 1,
        header_row=0,
        caption="单位：万元",
    )


def _money(value: Decimal) -> str:
    return format(quantize(value, 2), "f")


def filename(notice: Notice, extension: str) -> str:
    stem = _UNSAFE.sub("_", notice.title).strip(" ._") or "公示名单"
    return f"{stem[:120]}{extension}"


def notice_xlsx(notice: Notice) -> NoticeFile:
    return NoticeFile(filename(notice, ".xlsx"), XLSX_MIME, workbook_bytes(notice_grid(notice)))


def notice_docx(notice: Notice) -> NoticeFile:
    content = document_bytes(notice_grid(notice, numbers=False))
    return NoticeFile(filename(notice, ".docx"), DOCX_MIME, content)


RENDERERS = {"xlsx": notice_xlsx, "docx": notice_docx}
