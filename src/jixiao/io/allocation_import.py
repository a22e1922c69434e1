"""Candidates of a 因素法 run from an Excel sheet (.xlsx).

The sheet has a header row naming the columns — a name column (机构名称, 单位名称, 企业名称,
名称…), optionally 序号 (ignored) and 补贴上限 (a cap in 万元), and one column per attribute
(月均余额, 年化担保费率…) — and one row per candidate below it. Rows above the header (a title)
are skipped, as are blank rows and a 合计 row. Numbers may be stored as text, with full-width
digits, thousands separators, a trailing ``%`` (the value is then read in percent, as written:
``0.78%`` → 0.78) or ``万元``.

All or nothing: any problem raises one :class:`~jixiao.io.cases.CaseError` naming the file, the
row (``line``) and the column heading (``field``); nothing is returned half-read.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jixiao.core.text import Text
from jixiao.io.allocation_file import Column
from jixiao.io.cases import CaseError
from jixiao.io.import_grid import EXCEL_SUFFIXES, Grid, Row, read_grids

NAME_HEADERS = ("机构名称", "单位名称", "企业名称", "对象名称", "申报单位", "名称", "单位", "企业")
SKIPPED_HEADERS = ("序号", "编号", "备注")
TOTAL_NAMES = ("合计", "总计", "小计")
HEADER_SEARCH_ROWS = 20
MAX_CANDIDATES = 2000
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_UNIT = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")
_BLANKS = frozenset({"-", "--", "—", "——", "/", "－", "无"})


def key(text: str) -> str:
    """For matching: full-width folded (NFKC), whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def strip_unit(header: str) -> str:
    """``月均余额（万元）`` → ``月均余额``."""
    return _UNIT.sub("", header).strip() or header.strip()


@dataclass(frozen=True)
class ImportedCandidate:
    name: str
    attributes: dict[str, Decimal | str]
    cap: Decimal | None
    row: int  # the sheet row, 1-based


@dataclass(frozen=True)
class ImportedCandidates:
    file: str
    sheet: str
    columns: tuple[Column, ...]  # the attribute columns, in sheet order (name, heading)
    candidates: tuple[ImportedCandidate, ...] = field(default_factory=tuple)

    def row_of(self, index: int) -> int | None:
        return self.candidates[index].row if 0 <= index < len(self.candidates) else None


def number(text: str) -> Decimal | None:
    """A cell as an exact number, or None when it is not one."""
    compact = key(text).replace(",", "").replace("，", "")
    for suffix in ("%", "万元", "万"):
        if compact.endswith(suffix):
            compact = compact[: -len(suffix)]
            break
    if not _NUMBER.fullmatch(compact):
        return None
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None


def _is_blank(text: str) -> bool:
    return not key(text) or key(text) in _BLANKS


@dataclass(frozen=True)
class _Layout:
    header: Row
    name: int
    cap: int | None
    attributes: tuple[tuple[int, Column], ...]


def _name_column(row: Row) -> int | None:
    for wanted in NAME_HEADERS:
        for column, cell in row.distinct():
            if key(cell.text) == wanted or (len(wanted) > 2 and wanted in key(cell.text)):
                return column
    return None


def _match(header: str, known: Sequence[Column]) -> Column:
    """The declared attribute a heading names, else a new one named by the heading."""
    k, bare = key(header), key(strip_unit(header))
    for column in known:
        if k in (key(column.name), key(column.label)) or bare == key(column.name):
            return column
    for column in known:
        if len(key(column.name)) >= 2 and key(column.name) in k:
            return column
    return Column(strip_unit(header), header.strip())


def _layout(grid: Grid, known: Sequence[Column], file: str) -> _Layout | None:
    for row in grid.rows[:HEADER_SEARCH_ROWS]:
        name = _name_column(row)
        if name is None:
            continue
        cap: int | None = None
        attributes: list[tuple[int, Column]] = []
        for column, cell in row.distinct():
            k = key(cell.text)
            if column == name or any(word in k for word in SKIPPED_HEADERS):
                continue
            if "上限" in k:
                cap = column
                continue
            found = _match(cell.text, known)
            if any(c.name == found.name for _, c in attributes):
                raise CaseError(
                    file, Text("属性「{name}」有两列", name=found.name), row.number, cell.text
                )
            attributes.append((column, found))
        return _Layout(row, name, cap, tuple(attributes))
    return None


def import_candidates(
    path: Path | str, known: Sequence[Column] = (), numeric: Iterable[str] = ()
) -> ImportedCandidates:
    """Read the candidates of the first sheet that has a name column.

    ``known`` are the run's attribute columns (headings are matched to them by name or label);
    ``numeric`` names attributes that must be numbers (the factors, the numeric rules).
    """
    path = Path(path)
    name = str(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        raise CaseError(
            name,
            Text(
                "不支持的文件类型 {suffix}，应为 .xlsx",
                suffix=path.suffix.lower() or Text("（无扩展名）"),
            ),
        )
    grids = read_grids(path)
    for grid in grids:
        layout = _layout(grid, known, name)
        if layout is not None:
            return _read(grid, layout, name, set(numeric))
    raise CaseError(
        name, Text("未找到表头：须有一行列标题含“机构名称”（或单位名称、企业名称、名称）")
    )


def _read(grid: Grid, layout: _Layout, file: str, numeric: set[str]) -> ImportedCandidates:
    header = layout.header
    start = grid.rows.index(header) + 1
    candidates: list[ImportedCandidate] = []
    seen: dict[str, int] = {}

    def fail(row: Row, column: int, message: str) -> CaseError:
        return CaseError(file, message, row.number, header.text(column))

    for row in grid.rows[start:]:
        if row.blank:
            continue
        label = row.text(layout.name).strip()
        if key(label) in TOTAL_NAMES or (not label and key(row.text(0)) in TOTAL_NAMES):
            continue
        if not label:
            raise fail(row, layout.name, Text("缺少名称"))
        if label in seen:
            raise fail(
                row,
                layout.name,
                Text("「{name}」与第 {row} 行重复", name=label, row=str(seen[label])),
            )
        seen[label] = row.number
        attributes: dict[str, Decimal | str] = {}
        for column, attribute in layout.attributes:
            text = row.text(column)
            if _is_blank(text):
                continue
            value = number(text)
            if value is None and attribute.name in numeric:
                raise fail(row, column, Text("须为数字，实为“{given}”", given=text))
            if value is not None and value < 0 and attribute.name in numeric:
                raise fail(row, column, Text("不能为负数（{given}）", given=text))
            attributes[attribute.name] = value if value is not None else text.strip()
        cap: Decimal | None = None
        if layout.cap is not None and not _is_blank(row.text(layout.cap)):
            cap = number(row.text(layout.cap))
            if cap is None or cap < 0:
                raise fail(
                    row,
                    layout.cap,
                    Text("补贴上限须为不小于 0 的数字，实为“{given}”", given=row.text(layout.cap)),
                )
        candidates.append(ImportedCandidate(label, attributes, cap, row.number))
        if len(candidates) > MAX_CANDIDATES:
            raise fail(
                row, layout.name, Text("分配对象过多（上限 {limit} 个）", limit=str(MAX_CANDIDATES))
            )
    _check_mixed(candidates, layout, header, file)
    if not candidates:
        raise CaseError(file, Text("表头下没有分配对象"), header.number)
    return ImportedCandidates(
        file, grid.label, tuple(c for _, c in layout.attributes), tuple(candidates)
    )


def _check_mixed(
    candidates: list[ImportedCandidate], layout: _Layout, header: Row, file: str
) -> None:
    """A column holding numbers holds only numbers: a stray word is a typo, not a text value."""
    for column, attribute in layout.attributes:
        values = [
            (c, c.attributes[attribute.name]) for c in candidates if attribute.name in c.attributes
        ]
        if any(isinstance(v, Decimal) for _, v in values):
            for candidate, value in values:
                if isinstance(value, str):
                    raise CaseError(
                        file,
                        Text("须为数字，实为“{given}”", given=value),
                        candidate.row,
                        header.text(column),
                    )


def import_bytes(
    content: Iterable[bytes],
    filename: str,
    known: Sequence[Column] = (),
    numeric: Iterable[str] = (),
) -> ImportedCandidates:
    """Import an upload (its chunks) through a private temporary copy named ``filename``."""
    with tempfile.TemporaryDirectory(prefix="jixiao-allocation-") as folder:
        path = Path(folder) / filename
        with path.open("wb") as out:
            for chunk in content:
                out.write(chunk)
        return import_candidates(path, known, numeric)
