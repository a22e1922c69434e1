"""Office files as grids of cell texts: each .xlsx sheet and each .docx table becomes a
:class:`Grid` whose merged cells are expanded (every covered position repeats the text of the
merge's top-left cell and remembers that cell as its ``origin``, so callers can dedupe).

Numbers are turned into text the way the sheet shows them (the cell's number format decides
the decimals and the percent sign), from the float's shortest exact representation: no float
arithmetic ever reaches a figure. Files are refused, with a Chinese :class:`CaseError` naming
the file, before parsing when they are empty, too large or not a valid Office package.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jixiao.core.text import Text
from jixiao.io.cases import CaseError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
WORD_SUFFIXES = (".docx",)
SUFFIXES = EXCEL_SUFFIXES + WORD_SUFFIXES
MAX_BYTES = 20 * 1024 * 1024  # refused before parsing
MAX_UNPACKED = 200 * 1024 * 1024  # a small zip that unpacks into a huge sheet is refused too
MAX_ROWS = 5000  # a 自评表 has tens of rows; sheets formatted down to row 1048576 are cut here
MAX_COLUMNS = 100
PREAMBLE = 8  # paragraphs kept before a Word table (its title is among them)
_OLD_FORMATS = {".xls": ".xlsx", ".et": ".xlsx", ".doc": ".docx", ".wps": ".docx"}


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    origin: tuple[int, int]  # (row index, column index) of the merge's top-left cell


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # 1-based, as the user sees it (the sheet's row, or the row in the Word table)
    cells: tuple[Cell, ...]

    def text(self, column: int) -> str:
        return self.cells[column].text if 0 <= column < len(self.cells) else ""

    def distinct(self, start: int = 0, stop: int | None = None) -> list[tuple[int, Cell]]:
        """Non-empty cells in ``[start, stop)``, each merged cell once (at its first column)."""
        seen: set[tuple[int, int]] = set()
        found: list[tuple[int, Cell]] = []
        for column, cell in enumerate(self.cells[start:stop], start):
            if cell.text and cell.origin not in seen:
                seen.add(cell.origin)
                found.append((column, cell))
        return found

    @property
    def blank(self) -> bool:
        return not any(cell.text for cell in self.cells)


@dataclass(frozen=True, slots=True)
class Grid:
    label: str  # 工作表「自评表」 / 第 2 个表格 (a Text: messages show it in the page's language)
    rows: tuple[Row, ...]
    preamble: tuple[str, ...] = ()  # Word: the paragraphs just before the table


def read_grids(path: Path) -> list[Grid]:
    """Every sheet (Excel) or table (Word) of ``path``, in order."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in _OLD_FORMATS:
        message = Text(
            "不支持旧版 {suffix} 格式，请先另存为 {new}", suffix=suffix, new=_OLD_FORMATS[suffix]
        )
        raise CaseError(name, message)
    if suffix not in SUFFIXES:
        shown = suffix or Text("（无扩展名）")
        raise CaseError(name, Text("不支持的文件类型 {suffix}，应为 .xlsx 或 .docx", suffix=shown))
    _check_size(path)
    _check_package(path)
    return _excel_grids(path) if suffix in EXCEL_SUFFIXES else _word_grids(path)


def _megabytes(size: int) -> str:
    return f"{Decimal(size) / Decimal(1024 * 1024):.1f} MB"


def _check_size(path: Path) -> None:
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CaseError(name, Text("文件不存在")) from None
    except OSError as error:
        raise CaseError(name, Text("无法读取（{reason}）", reason=str(error.strerror))) from None
    if path.is_dir():
        raise CaseError(name, Text("是文件夹而不是文件"))
    if size == 0:
        raise CaseError(name, Text("文件是空的（0 字节）"))
    if size > MAX_BYTES:
        message = Text(
            "文件过大（{size}，{size_bytes} 字节），上限 {limit}；"
            "自评表通常只有几十 KB，请确认选对了文件",
            size=_megabytes(size),
            size_bytes=str(size),
            limit=_megabytes(MAX_BYTES),
        )
        raise CaseError(name, message)


def _kind(path: Path) -> str:
    return "Excel" if path.suffix.lower() in EXCEL_SUFFIXES else "Word"


def _check_package(path: Path) -> None:
    """An Office file is a zip: refuse what is not one, and what would unpack too large."""
    name, kind = str(path), _kind(path)
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        hint = Text(
            "文件已损坏或不是 {kind} 文件（{suffix}）", kind=kind, suffix=path.suffix.lower()
        )
        if kind == "Excel":
            hint = Text("{hint}；旧版 .xls 请先在 Excel 中另存为 .xlsx", hint=hint)
        raise CaseError(name, Text("无法打开：{hint}", hint=hint)) from None
    if unpacked > MAX_UNPACKED:
        message = Text(
            "解压后过大（{size}，上限 {limit}）",
            size=_megabytes(unpacked),
            limit=_megabytes(MAX_UNPACKED),
        )
        raise CaseError(name, message)


# Excel -------------------------------------------------------------------------------------


def _excel_grids(path: Path) -> list[Grid]:
    # Read-only mode, then each sheet's XML parsed once here. A normal load would build a cell
    # object for every cell and, for every merged range, a styled MergedCell per covered
    # position (re-deriving the borders): most of its time for a 自评表, all of it unused here.
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # "Data Validation extension is not supported" & co.
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                return [_sheet_grid(workbook, sheet) for sheet in workbook.worksheets]
            finally:
                workbook.close()
    except Exception:  # openpyxl raises many types for a damaged package
        raise CaseError(
            str(path), Text("无法打开：文件已损坏或不是 Excel 文件；旧版 .xls 请先另存为 .xlsx")
        ) from None


def _sheet_grid(workbook: Any, sheet: Any) -> Grid:
    """One read-only sheet as a grid: the same texts and merges a normal load would give."""
    from openpyxl.worksheet._reader import WorkSheetParser

    formats = _NumberFormats(workbook)
    values: dict[tuple[int, int], str] = {}
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        # Rows past the limits are still parsed: the merged ranges come after the cells.
        for _, cells in parser.parse():
            for cell in cells:
                row, column, value = cell["row"], cell["column"], cell["value"]
                if value is None or row > MAX_ROWS or column > MAX_COLUMNS:
                    continue
                if isinstance(value, float):
                    text = _float_text(value, formats.of(cell["style_id"]))
                else:
                    text = excel_text(value)
                if text:
                    values[(row - 1, column - 1)] = text
        merged = parser.merged_cells.mergeCell if parser.merged_cells else ()
    ranges = [
        (r.min_row - 1, r.min_col - 1, min(r.max_row, MAX_ROWS), min(r.max_col, MAX_COLUMNS))
        for r in merged
    ]
    # As in a normal load: a merge keeps only its top-left cell's value.
    for top, left, bottom, right in ranges:
        for r in range(top, bottom):
            for c in range(left, right):
                if r != top or c != left:
                    values.pop((r, c), None)
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    for top, left, bottom, right in ranges:
        if (top, left) not in values:
            continue
        for r in range(top, bottom):
            for c in range(left, right):
                anchors[(r, c)] = (top, left)
    return Grid(Text("工作表「{name}」", name=sheet.title), _rows(values, anchors))


class _NumberFormats:
    """A workbook's number format by cell style id (as ``Cell.number_format`` looks it up)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.known: dict[int, str] = {}

    def of(self, style_id: int) -> str:
        found = self.known.get(style_id)
        if found is None:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

            number_id = self.workbook._cell_styles[style_id].numFmtId
            if number_id < BUILTIN_FORMATS_MAX_SIZE:
                found = BUILTIN_FORMATS.get(number_id, "General")
            else:
                found = self.workbook._number_formats[number_id - BUILTIN_FORMATS_MAX_SIZE]
            self.known[style_id] = found
        return found


def _rows(
    values: dict[tuple[int, int], str], anchors: dict[tuple[int, int], tuple[int, int]]
) -> tuple[Row, ...]:
    filled = list(values) + list(anchors)
    rows_count = max((r for r, _ in filled), default=-1) + 1
    columns_count = max((c for _, c in filled), default=-1) + 1
    rows = []
    for r in range(rows_count):
        cells = []
        for c in range(columns_count):
            origin = anchors.get((r, c), (r, c))
            cells.append(Cell(values.get(origin, ""), origin))
        rows.append(Row(r + 1, tuple(cells)))
    return tuple(rows)


_DECIMALS = re.compile(r"\.([0#?]+)")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def excel_text(value: object, number_format: str | None = "General") -> str:
    """A cell's value as the sheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value, number_format or "General")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return clean_text(str(value))


def _float_text(value: float, number_format: str) -> str:
    """``0.8989139…`` in ``0.00%`` → ``89.89%``; in General → up to 15 significant digits."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    section = _QUOTED.sub("", number_format.split(";")[0])
    percent = "%" in section
    exact = Decimal(repr(value))  # the shortest text that reads back as this float
    if percent:
        exact = exact.scaleb(2)
    if section.strip().lower() in ("general", "@", ""):
        shown = Decimal(format(exact, ".15g"))
    else:
        places = _DECIMALS.search(section)
        digits = len(places.group(1)) if places else 0
        shown = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = format(shown, "f")
    if "." in text and section.strip().lower() in ("general", "@", ""):
        text = text.rstrip("0").rstrip(".")
    return f"{text}%" if percent else text


# Word --------------------------------------------------------------------------------------


def _word_grids(path: Path) -> list[Grid]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(str(path))
            blocks = list(document.iter_inner_content())
    except Exception:  # python-docx raises many types for a damaged package
        raise CaseError(str(path), Text("无法打开：文件已损坏或不是 Word 文件（.docx）")) from None
    grids: list[Grid] = []
    paragraphs: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            text = clean_text(block.text)
            if text:
                paragraphs.append(text)
        elif isinstance(block, Table):
            grids.append(_table_grid(block, len(grids) + 1, tuple(paragraphs[-PREAMBLE:])))
            paragraphs = []
    return grids


def _table_grid(table: Any, index: int, preamble: tuple[str, ...]) -> Grid:
    """Word repeats a merged cell at every grid position it covers: its ``_tc`` is the origin."""
    # Keyed by the element itself: holding it keeps lxml's proxy (and so its identity) alive.
    origins: dict[Any, tuple[int, int]] = {}
    rows: list[Row] = []
    for r, row in enumerate(table.rows):
        cells: list[Cell] = [Cell("", (r, c)) for c in range(row.grid_cols_before)]
        for cell in row.cells:
            origin = origins.setdefault(cell._tc, (r, len(cells)))
            cells.append(Cell(clean_text(cell.text), origin))
        cells.extend(Cell("", (r, len(cells) + i)) for i in range(row.grid_cols_after))
        rows.append(Row(r + 1, tuple(cells)))
    return Grid(Text("第 {index} 个表格", index=str(index)), tuple(rows), preamble)


# Text --------------------------------------------------------------------------------------

_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_LINE_BREAK = re.compile(rf"(?<={_CJK})\s*\n\s*(?={_CJK})")
_SPACES = re.compile(r"[ \t\u00a0\u3000]*\n[ \t\u00a0\u3000\n]*|[ \t\u00a0\u3000]+")


def clean_text(text: str) -> str:
    """Trim a cell: a line break between Chinese characters joins them; other runs of
    whitespace become one space."""
    joined = _LINE_BREAK.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _SPACES.sub(" ", joined).strip()
