"""Read a blacklist (失信名单, e.g. from a 信用中国 check) from .xlsx or .csv, all or nothing.

The first row naming a 统一社会信用代码 column is the header; 企业名称/名称, 来源 and 原因
(or 列入原因) columns are optional. Every row's code must be a valid 统一社会信用代码 and
appear once; the first bad row stops the import with a :class:`BlacklistError` naming it.
CSV files may be UTF-8 (with or without BOM) or GBK, as Excel saves them in China.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook

from jixiao.core import credit_code
from jixiao.core.text import Text

MAX_ROWS = 100_000
COLUMNS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code", "credit code"),
    "name": ("企业名称", "名称", "单位名称", "name"),
    "source": ("来源", "数据来源", "source"),
    "reason": ("原因", "列入原因", "失信原因", "reason"),
}
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class BlacklistRow:
    row: int  # 1-based, as the spreadsheet shows it
    credit_code: str
    name: str
    source: str
    reason: str


@dataclass(frozen=True)
class BlacklistError(Exception):
    file: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        if self.row:
            return Text(
                "{file}：第 {row} 行：{message}",
                file=self.file,
                row=str(self.row),
                message=self.message,
            )
        return Text("{file}：{message}", file=self.file, message=self.message)


def read(content: bytes, filename: str) -> list[BlacklistRow]:
    """The rows of a .xlsx or .csv blacklist; :class:`BlacklistError` on the first problem."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_rows(content, filename)
    elif suffix == ".csv":
        table = _csv_rows(content, filename)
    else:
        raise BlacklistError(filename, Text("只能导入 .xlsx 或 .csv 文件"))
    return _parse(table, filename)


def _xlsx_rows(content: bytes, filename: str) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise BlacklistError(filename, Text("文件已损坏或不是 Excel (.xlsx) 文件")) from None
    try:
        sheet = book.worksheets[0]
        rows = [
            [_text(value) for value in row]
            for row in sheet.iter_rows(max_row=MAX_ROWS + HEADER_SEARCH_ROWS, values_only=True)
        ]
    finally:
        book.close()
    return rows


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(content: bytes, filename: str) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise BlacklistError(filename, Text("无法识别文件编码（请保存为 UTF-8 或 GBK 编码的 CSV）"))


def _header(table: Sequence[Sequence[str]], filename: str) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        found = _columns(row)
        if "credit_code" in found:
            return index, found
    raise BlacklistError(filename, Text("找不到“统一社会信用代码”列（表头应在前 10 行内）"))


def _columns(row: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, cell in enumerate(row):
        label = cell.replace(" ", "").lower()
        for key, names in COLUMNS.items():
            if key not in found and label in {n.replace(" ", "").lower() for n in names}:
                found[key] = position
    return found


def _parse(table: Sequence[Sequence[str]], filename: str) -> list[BlacklistRow]:
    header, columns = _header(table, filename)
    result: list[BlacklistRow] = []
    first_seen: dict[str, int] = {}
    for index in range(header + 1, len(table)):
        cells = table[index]
        if not any(cells):
            continue
        number = index + 1

        def cell(key: str, cells: Sequence[str] = cells) -> str:
            position = columns.get(key)
            return cells[position] if position is not None and position < len(cells) else ""

        checked = credit_code.check(cell("credit_code"))
        if not checked.ok:
            raise BlacklistError(filename, checked.reason, number)
        if checked.code in first_seen:
            raise BlacklistError(
                filename,
                Text(
                    "统一社会信用代码 {code} 与第 {row} 行重复",
                    code=checked.code,
                    row=str(first_seen[checked.code]),
                ),
                number,
            )
        first_seen[checked.code] = number
        result.append(
            BlacklistRow(number, checked.code, cell("name"), cell("source"), cell("reason"))
        )
        if len(result) > MAX_ROWS:
            raise BlacklistError(filename, Text("名单超过 {limit} 行", limit=str(MAX_ROWS)), number)
    if not result:
        raise BlacklistError(filename, Text("名单中没有任何企业"))

    return result
