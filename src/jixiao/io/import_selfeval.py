"""Import the standard 项目支出绩效自评表 from Excel (.xlsx) or Word (.docx) into a case document.

The table is found by its indicator header row (一级/二级/三级指标, 年度指标值, 实际完成值,
分值, 得分 — in the words people use: 指标值, 实际值, 权重, 自评分, …) wherever it sits in a
sheet or among a document's tables; the header block above it gives the meta (部门名称, 专项名称,
支出方向名称/项目名称, the year in the title) and the 年度资金 block (年初预算数, 全年预算数, 全年执行数,
分值, 执行率, 得分, split into 当年财政拨款/上年结转资金/其他资金). Merged cells, blank and extra
rows and columns, full-width characters, numbers stored as text, a unit column, amounts in 元,
weights written into labels (``产出指标 (50分)``) and ``.....`` filler rows are all tolerated.

Everything is read or nothing: any problem raises one :class:`CaseError` naming the file, the
sheet or table, the row (``line``) and the column header (``field``).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from jixiao.core.case import Case, DepartmentSummary
from jixiao.core.targets import Comparator
from jixiao.core.targets import parse as parse_target
from jixiao.core.text import Text, joined
from jixiao.io import cases
from jixiao.io.cases import CaseError
from jixiao.io.import_grid import SUFFIXES, Grid, Row, read_grids

CASE_SUFFIXES = cases.SUFFIXES + SUFFIXES

# Column roles ------------------------------------------------------------------------------

L1, L2, L3 = "一级指标", "二级指标", "三级指标"
TARGET, ACTUAL, WEIGHT, SCORE, NOTE, UNIT = (
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
    "单位",
)
EXPLANATION, CRITERIA = "指标解释", "评分标准"
LEVELS = (L1, L2, L3)
INITIAL, FULL_YEAR, EXECUTED, RATE = "年初预算数", "全年预算数", "全年执行数", "执行率"
SOURCE_NAMES = {"财政拨款": "当年财政拨款", "上年结转": "上年结转资金", "其他资金": "其他资金"}


def key(text: str) -> str:
    """Text for matching: full-width folded (NFKC), whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _indicator_role(text: str) -> str | None:
    k = key(text)
    if not k:
        return None
    if any(word in k for word in ("偏差", "改进措施", "原因分析")):
        return NOTE
    if "指标解释" in k or k in ("指标说明", "指标内涵", "解释"):
        return EXPLANATION
    if any(word in k for word in ("评分标准", "评分方法", "计分标准", "计分方法", "评分说明")):
        return CRITERIA
    if any(word in k for word in ("标准", "依据", "解释", "说明", "序号", "编号", "代码")):
        return None
    for level, word in zip(LEVELS, ("一级", "二级", "三级"), strict=True):
        if word in k:
            return level
    if "得分" in k or "自评分" in k or k in ("评分", "分数", "自评"):
        return SCORE
    if any(word in k for word in ("分值", "权重", "满分", "标准分")):
        return WEIGHT
    if "指标值" in k or "目标值" in k:
        return TARGET
    if "实际" in k or "完成值" in k:
        return ACTUAL
    if "单位" in k:
        return UNIT
    return None


def _budget_role(text: str) -> str | None:
    k = key(text)
    if "得分" in k:
        return SCORE
    if "执行率" in k:
        return RATE
    if "年初预算" in k:
        return INITIAL
    if "全年预算" in k or "调整后预算" in k:
        return FULL_YEAR
    if "执行数" in k or "全年执行" in k or "实际支出" in k:
        return EXECUTED
    if "分值" in k or "权重" in k:
        return WEIGHT
    return None


@dataclass(frozen=True)
class _Columns:
    levels: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
    roles: dict[str, int]  # TARGET, ACTUAL, WEIGHT, SCORE, NOTE, UNIT → first column
    headers: dict[int, str]  # column → header as written (for messages)

    def get(self, role: str) -> int | None:
        return self.roles.get(role)


def _indicator_columns(row: Row) -> _Columns | None:
    found: dict[str, list[int]] = {}
    headers: dict[int, str] = {}
    for column, cell in enumerate(row.cells):
        role = _indicator_role(cell.text)
        if role is not None:
            found.setdefault(role, []).append(column)
            headers[column] = cell.text
    has_values = TARGET in found or ACTUAL in found
    if L3 not in found or not has_values or not (WEIGHT in found or SCORE in found):
        return None
    levels = (tuple(found.get(L1, ())), tuple(found.get(L2, ())), tuple(found[L3]))
    roles = {role: columns[0] for role, columns in found.items() if role not in LEVELS}
    return _Columns(levels, roles, headers)


# Numbers -----------------------------------------------------------------------------------

_BLANKS = frozenset({"", "-", "--", "—", "——", "/", "无", "—-", "－", "_", "n/a", "na"})
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_FILLER = re.compile(r"^[.。…·．\-—_=═~～ ]+$")
_WEIGHT_IN_LABEL = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<w>\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")
_TOTAL_LABELS = ("总分", "合计", "总计", "综合得分", "合计得分", "总得分", "得分合计")
_GRADES = frozenset(
    {"优", "优秀", "良", "良好", "中", "中等", "合格", "及格", "差", "较差", "不合格", "一般"}
)
_GRADE_LABEL = re.compile(
    r"^(?:评价|自评|综合)?(?:等级|结论|评价结论|自评结论|评定等级)[:：]?(.*)$"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_OF = re.compile(r"((?:19|20)\d{2})\s*年度")


class _UnreadableError(ValueError):
    pass


def _number_text(text: str) -> tuple[str, str]:
    """(digits, suffix): ``"２３９．４万元"`` → ``("239.4", "万元")``."""
    compact = key(text).replace(",", "").replace("，", "")
    match = _NUMBER.match(compact)
    if match is None:
        raise _UnreadableError(text)
    return match.group(0), compact[match.end() :]


def number(text: str, allowed: Iterable[str] = ("分",)) -> Decimal | None:
    """A cell as an exact number; blank markers give None; anything else is unreadable."""
    if key(text).lower() in _BLANKS:
        return None
    digits, suffix = _number_text(text)
    if suffix and suffix not in allowed:
        raise _UnreadableError(text)
    try:
        return Decimal(digits.rstrip(".") or "0")
    except InvalidOperation:
        raise _UnreadableError(text) from None


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros a unit conversion left (239.4000 → 239.4, 2E+1 → 20)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def _amount(text: str, in_yuan: bool) -> Decimal | None:
    """An amount in 万元: the cell's own unit (元/万元) wins over the block's."""
    if key(text).lower() in _BLANKS:
        return None
    digits, suffix = _number_text(text)
    if suffix not in ("", "元", "万元", "万"):
        raise _UnreadableError(text)
    value = Decimal(digits.rstrip(".") or "0")
    yuan = suffix == "元" or (suffix == "" and in_yuan)
    return tidy(value.scaleb(-4)) if yuan else value


def _is_filler(text: str) -> bool:
    return bool(_FILLER.match(text))


def split_weight(label: str) -> tuple[str, Decimal | None]:
    """``产出指标 (50分)`` → (``产出指标``, 50)."""
    match = _WEIGHT_IN_LABEL.match(unicodedata.normalize("NFKC", label))
    if match is None or not match.group("name").strip():
        return label.strip(), None
    return match.group("name").strip(), Decimal(match.group("w"))


# Methods -----------------------------------------------------------------------------------

_LOWER_IS_BETTER = (
    "丢失率",
    "差错率",
    "错误率",
    "故障率",
    "投诉率",
    "事故率",
    "失误率",
    "不合格率",
    "返工率",
    "超支率",
    "流失率",
    "损失率",
    "发生率",
    "投诉",
    "事故",
    "逾期",
    "延误",
    "超标",
)


def choose_method(name: str, target: str | None, group: str = "") -> tuple[str, bool]:
    """(method, lower_is_better) as the seed transcriptions choose them.

    ≥/> targets → ratio_positive; ≤/< or 以内 → ratio_negative; a bare number is positive unless
    the name says less is better (丢失率, 投诉…) or it is a 成本指标; words → qualitative.
    """
    expression = parse_target(target)
    if expression.value is None:
        return "qualitative", False
    if expression.comparator in (Comparator.LE, Comparator.LT):
        return "ratio_negative", False
    if expression.comparator is Comparator.EQ and not expression.explicit:
        compact = key(name)
        if any(word in compact for word in _LOWER_IS_BETTER) or "成本" in key(group):
            return "ratio_negative", True
    return "ratio_positive", False


# Locating tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """One 自评表: its header row, its body and the rows above it (title, meta, 年度资金)."""

    grid: Grid
    header: int  # index of the header row in grid.rows
    end: int  # index after the body
    columns: _Columns
    context: tuple[tuple[Grid, Row], ...]
    preamble: tuple[str, ...]


def _is_total(row: Row) -> bool:
    cells = row.distinct()
    return bool(cells) and key(cells[0][1].text).startswith(_TOTAL_LABELS)


def _find_tables(grids: list[Grid]) -> list[_Table]:
    tables: list[_Table] = []
    for g, grid in enumerate(grids):
        headers: list[tuple[int, _Columns]] = []
        for i, row in enumerate(grid.rows):
            columns = _indicator_columns(row)
            if columns is None:
                continue
            if headers and not any(map(_is_total, grid.rows[headers[-1][0] : i])):
                continue  # the header repeated on a new page: the same table goes on
            headers.append((i, columns))
        start = 0
        for n, (i, columns) in enumerate(headers):
            end = headers[n + 1][0] if n + 1 < len(headers) else len(grid.rows)
            context = [(grid, row) for row in grid.rows[start:i]]
            preamble = grid.preamble
            previous = grids[g - 1] if g > 0 and n == 0 and i <= 2 and not grid.preamble else None
            if previous is not None and not any(map(_indicator_columns, previous.rows)):
                # Word: the header block is often a table of its own just above.
                context = [(previous, row) for row in previous.rows] + context
                preamble = previous.preamble + preamble
            tables.append(_Table(grid, i, end, columns, tuple(context), preamble))
            start = end
    return tables


# The importer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """A parsed 自评表: the case document and where it came from."""

    document: dict[str, Any]
    where: str  # 工作表「自评表」 / 第 2 个表格
    tables: int  # how many 自评表 the file holds
    index: int  # which one this is (1-based)
    leaves: int  # how many scored indicators (三级 rows and 执行率)
    # The document built (and so validated) once here, for callers that want the case too.
    case: Case | DepartmentSummary | None = field(default=None, compare=False, repr=False)


def import_file(path: Path | str, table: int | None = None) -> Imported:
    """Read one 自评表 from an .xlsx/.docx file (the first, or the ``table``-th, 1-based)."""
    path = Path(path)
    grids = read_grids(path)
    return import_grids(grids, path, table)


def import_grids(grids: list[Grid], path: Path, table: int | None = None) -> Imported:
    name = str(path)
    if not grids:
        raise CaseError(name, Text("Word 文件中没有表格，自评表须是 Word 表格"))
    if all(not grid.rows for grid in grids):
        raise CaseError(name, Text("文件中没有任何内容（所有工作表都是空的）"))
    tables = _find_tables(grids)
    if not tables:
        labels = [grid.label for grid in grids if grid.rows]
        searched = joined(labels, "、")
        if len(labels) > 1:
            message = Text(
                "没有找到项目支出绩效自评表：{searched}中都没有含“三级指标”“年度指标值/实际完成值”"
                "“分值/得分”的表头行",
                searched=searched,
            )
        else:
            message = Text(
                "没有找到项目支出绩效自评表：{searched}中没有含“三级指标”“年度指标值/实际完成值”"
                "“分值/得分”的表头行",
                searched=searched,
            )
        raise CaseError(name, message)
    index = table or 1
    if not 1 <= index <= len(tables):
        message = Text(
            "文件中只有 {count} 张自评表，没有第 {index} 张",
            count=str(len(tables)),
            index=str(index),
        )
        raise CaseError(name, message)
    chosen = tables[index - 1]
    reader = _Reader(name, chosen, path.name)
    document = reader.document()
    built = cases.from_document(document, name)  # it must build, or nothing is returned
    return Imported(document, chosen.grid.label, len(tables), index, reader.leaves, built)


@dataclass
class _Group:
    name: str
    weight: Decimal | None = None
    children: list[_Group | dict[str, Any]] = field(default_factory=list)

    def group(self, name: str) -> _Group:
        for child in self.children:
            if isinstance(child, _Group) and child.name == name:
                return child
        created = _Group(name)
        self.children.append(created)
        return created

    def plain_children(self) -> list[dict[str, Any]]:
        kept = []
        for child in self.children:
            plain = child.plain() if isinstance(child, _Group) else child
            if plain is not None:
                kept.append(plain)
        return kept

    def plain(self) -> dict[str, Any] | None:
        """As a document node; None for a placeholder (成本指标 with nothing under it)."""
        children = self.plain_children()
        if not children:
            return None
        result: dict[str, Any] = {"name": self.name}
        if self.weight is not None:
            result["weight"] = self.weight
        result["children"] = children
        return result


def _has_leaf(node: dict[str, Any]) -> bool:
    return "children" not in node or any(_has_leaf(c) for c in node["children"])


class _Reader:
    def __init__(self, file: str, table: _Table, filename: str) -> None:
        self.file = file
        self.table = table
        self.filename = filename
        self.leaves = 0

    # errors

    def fail(self, grid: Grid, row: Row, message: str, column: str = "") -> CaseError:
        return CaseError(
            self.file,
            Text("{where}：{message}", where=grid.label, message=message),
            row.number,
            column,
        )

    def number_at(self, row: Row, column: int | None, allowed: Iterable[str] = ("分",)) -> Any:
        if column is None:
            return None
        text = row.text(column)
        try:
            return number(text, allowed)
        except _UnreadableError:
            header = self.table.columns.headers.get(column, "")
            message = Text("“{header}”一栏的“{text}”不是可识别的数字", header=header, text=text)
            raise self.fail(self.table.grid, row, message, header) from None

    # the document

    def document(self) -> dict[str, Any]:
        block, execution = self.budget()
        roots, published, from_row = self.body(execution)
        budget = {**from_row, **block}  # the 年度资金 block wins over a 执行率 row
        document: dict[str, Any] = {"format": "jixiao-case/1", "type": "evaluation"}
        document["meta"] = self.meta()
        order = ("initial", "full_year", "executed", "sources", "published_rate")
        if budget:
            document["budget"] = {name: budget[name] for name in order if name in budget}
        document["indicators"] = roots
        if published:
            document["published"] = published
        return document

    def meta(self) -> dict[str, Any]:
        texts = list(self.table.preamble)
        values: dict[str, str] = {}
        for _, row in self.table.context:
            cells = row.distinct()
            texts.extend(cell.text for _, cell in cells)
            for n, (_, cell) in enumerate(cells):
                label = _meta_label(cell.text)
                if not label:
                    continue
                value = _inline_value(cell.text)
                if not value and n + 1 < len(cells) and _meta_label(cells[n + 1][1].text) is None:
                    value = cells[n + 1][1].text
                if value and not _is_filler(value):
                    values.setdefault(label, value)
        titles = [t for t in texts if "自评表" in t or "评价表" in t]
        title = titles[-1] if titles else "项目支出绩效自评表"
        year = _year([title], _YEAR) or _year(texts, _YEAR_OF)
        project = (
            values.get("支出方向名称") or values.get("项目名称") or values.get("项目支出名称", "")
        )
        meta: dict[str, Any] = {}
        meta["title"] = f"{title}（{project}）" if project and project not in title else title
        if year is not None:
            meta["year"] = year
        department = values.get("部门名称") or values.get("主管部门")
        fields: tuple[tuple[str, str | None], ...] = (
            ("department", department),
            ("unit", values.get("实施单位")),
            ("fund", values.get("专项名称")),
            ("project", project),
        )
        for name, given in fields:
            if given:
                meta[name] = given
        meta["kind"] = "自评"
        meta["framework"] = "自评表"
        meta["source"] = f"导入自 {self.filename}（{self.table.grid.label}）"
        return meta

    # 年度资金

    def budget(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The 年度资金 block above the indicators, and the 执行率 row it implies."""
        context = self.table.context
        for n, (grid, row) in enumerate(context):
            roles = {
                column: role
                for column, cell in enumerate(row.cells)
                if (role := _budget_role(cell.text)) is not None
            }
            found = {role: column for column, role in sorted(roles.items(), reverse=True)}
            if FULL_YEAR in found and EXECUTED in found:
                rows = [r for g, r in context[n + 1 :] if g is grid]
                above = [r for g, r in context[max(0, n - 2) : n] if g is grid]
                return self.budget_block(grid, row, found, rows, above)
        return {}, None

    def budget_block(
        self, grid: Grid, header: Row, found: dict[str, int], rows: list[Row], above: list[Row]
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        headers = {column: header.text(column) for column in found.values()}
        amounts = [found[r] for r in (INITIAL, FULL_YEAR, EXECUTED) if r in found]
        first = min(amounts)
        labels = [c.text for r in [*above, header, *rows] for _, c in r.distinct(0, first)]
        in_yuan = _in_yuan([*labels, *(header.text(c) for c in amounts)])

        def amount(row: Row, column: int | None) -> Decimal | None:
            if column is None:
                return None
            text = row.text(column)
            try:
                return _amount(text, in_yuan)
            except _UnreadableError:
                header = headers[column]
                message = Text("“{header}”一栏的“{text}”不是可识别的金额", header=header, text=text)
                raise self.fail(grid, row, message, header) from None

        def plain_number(row: Row, column: int | None, allowed: tuple[str, ...]) -> Any:
            if column is None:
                return None
            text = row.text(column)
            try:
                return number(text, allowed)
            except _UnreadableError:
                header = headers[column]
                message = Text("“{header}”一栏的“{text}”不是可识别的数字", header=header, text=text)
                raise self.fail(grid, row, message, header) from None

        budget: dict[str, Any] = {}
        sources: dict[str, Decimal] = {}
        execution: dict[str, Any] | None = None
        for row in rows:
            # A label merged down from the header row (年度项目资金（万元）) is not this row's.
            label = key(
                "".join(c.text for _, c in row.distinct(0, first) if c.origin[0] >= header.number)
            )
            if "目标" in label or "绩效" in label:
                break  # 年度总体目标 starts: the block is over
            if not label and not any(row.text(c) for c in amounts):
                continue  # a blank row
            source = next((n for word, n in SOURCE_NAMES.items() if word in label), None)
            is_total = any(word in label for word in ("合计", "总额", "小计", "总计"))
            if source is None and not is_total and budget:
                break  # past the block
            values = {c: amount(row, c) for c in amounts}
            if all(v is None for v in values.values()):
                continue
            if source is not None:
                chosen = values.get(found[FULL_YEAR])
                if chosen is None:
                    chosen = next(v for v in values.values() if v is not None)
                sources[source] = chosen
                continue
            if budget:
                continue
            for role, name in (
                (INITIAL, "initial"),
                (FULL_YEAR, "full_year"),
                (EXECUTED, "executed"),
            ):
                value = values.get(found[role]) if role in found else None
                if value is not None:
                    budget[name] = value
            weight = plain_number(row, found.get(WEIGHT), ("分",))
            score = plain_number(row, found.get(SCORE), ("分",))
            rate = self.rate(grid, row, found.get(RATE), headers, budget)
            if rate is not None:
                budget["published_rate"] = rate
            if weight is not None:
                execution = {"name": "执行率", "weight": weight, "method": "execution"}
                if score is not None:
                    execution["published_score"] = score
        if sources:
            budget["sources"] = sources
        return budget, execution

    def rate(
        self,
        grid: Grid,
        row: Row,
        column: int | None,
        headers: dict[int, str],
        budget: dict[str, Any],
    ) -> Decimal | None:
        if column is None:
            return None
        text = row.text(column)
        try:
            value = number(text, ("%",))
        except _UnreadableError:
            header = headers[column]
            message = Text("“{header}”一栏的“{text}”不是可识别的比率", header=header, text=text)
            raise self.fail(grid, row, message, header) from None
        if value is None or "%" in key(text) or value > 1:
            return value
        # 0.8989 without a percent sign: a fraction when the amounts say so.
        full, executed = budget.get("full_year"), budget.get("executed")
        if full and executed is not None:
            exact = executed / full * 100
            if abs(exact - value * 100) < abs(exact - value):
                return tidy(value.scaleb(2))
        return value

    # the indicator table

    def levels(self, row: Row) -> tuple[str, str, str, tuple[int, int] | None]:
        """The 一级/二级/三级 texts of a row; a cell merged across levels counts once."""
        texts: list[str] = []
        seen: set[tuple[int, int]] = set()
        origins: list[tuple[int, int] | None] = []
        for columns in self.table.columns.levels:
            text, origin = "", None
            for column in reversed(columns):  # 一级 may span two columns: 绩效指标 | 产出指标
                cell = row.cells[column] if column < len(row.cells) else None
                if cell is None or not cell.text or _is_filler(cell.text):
                    continue
                if key(cell.text) == "绩效指标" and len(columns) > 1:
                    continue  # the wrapper over 产出/效益: no weight, not a level
                if cell.origin in seen:
                    break
                text, origin = cell.text, cell.origin
                break
            if origin is not None:
                seen.add(origin)
            texts.append(text)
            origins.append(origin)
        return texts[0], texts[1], texts[2], origins[2]

    def body(
        self, execution: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
        """The indicator tree, the printed 总分/等级, and amounts from a 执行率 row."""
        table = self.table
        target_col = table.columns.get(TARGET)
        rows = table.grid.rows[table.header + 1 : table.end]
        root = _Group("")
        level1: _Group | None = None
        level2: _Group | None = None
        published: dict[str, Any] = {}
        from_row: dict[str, Any] = {}
        for n, row in enumerate(rows):
            cells = row.distinct()
            if not cells or all(_is_filler(c.text) for _, c in cells):
                continue
            first = key(cells[0][1].text)
            if _indicator_columns(row) is not None:
                continue  # the header repeated on a new page
            if first.startswith(_TOTAL_LABELS):
                published = self.totals(row, rows[n + 1 : n + 4])
                break
            if first.startswith(("注", "备注", "说明")) and len(cells) == 1:
                break
            one, two, three, three_origin = self.levels(row)
            if three_origin is not None and self.origin(row, target_col) == three_origin:
                continue  # a remark merged across the table, not an indicator
            values = self.has_values(row)
            if "执行率" in key(one) and not three:
                execution, from_row = self.execution_row(row, one)
                level1 = level2 = None
                continue
            if one and not two and not three and values:  # a weighted row, 一级 name only
                root.children.append(self.leaf(row, split_weight(one)[0], root))
                level1 = level2 = None
                continue
            if one:
                name, weight = split_weight(one)
                if level1 is None or level1.name != name:
                    level1, level2 = root.group(name), None
                if weight is not None:
                    level1.weight = weight
            parent = level1 or root
            if two and (three or not values):
                name, weight = split_weight(two)
                if level2 is None or level2.name != name:
                    level2 = parent.group(name)
                if weight is not None:
                    level2.weight = weight
            if three:
                owner = level2 or parent
                owner.children.append(self.leaf(row, three, owner))
            elif two and values:
                parent.children.append(self.leaf(row, split_weight(two)[0], parent))
        roots = root.plain_children()
        if not any(_has_leaf(r) for r in roots):
            header = table.grid.rows[table.header]
            message = Text("表头下面没有任何指标行（三级指标及其分值）")
            raise self.fail(table.grid, header, message)
        if execution is not None:
            roots.insert(0, execution)
            self.leaves += 1
        return roots, published, from_row

    @staticmethod
    def origin(row: Row, column: int | None) -> tuple[int, int] | None:
        if column is None or column >= len(row.cells):
            return None
        return row.cells[column].origin

    def header(self, role: str) -> str:
        column = self.table.columns.get(role)
        return self.table.columns.headers.get(column, role) if column is not None else role

    def has_values(self, row: Row) -> bool:
        columns = self.table.columns
        return any(
            row.text(c)
            for c in (columns.get(TARGET), columns.get(ACTUAL), columns.get(WEIGHT))
            if c is not None
        )

    def text_at(self, row: Row, role: str) -> str:
        column = self.table.columns.get(role)
        return row.text(column) if column is not None else ""

    def with_unit(self, value: str, unit: str) -> str:
        if not value or not unit or value.endswith(unit):
            return value
        return f"{value}{unit}" if key(value)[-1:].isdigit() else value

    def leaf(self, row: Row, name: str, parent: _Group) -> dict[str, Any]:
        columns = self.table.columns
        unit = self.text_at(row, UNIT)
        target = self.with_unit(self.text_at(row, TARGET), unit)
        actual = self.with_unit(self.text_at(row, ACTUAL), unit)
        weight = self.number_at(row, columns.get(WEIGHT))
        score = self.number_at(row, columns.get(SCORE))
        if weight is None:
            header = self.header(WEIGHT)
            message = Text("指标“{name}”没有填写{header}", name=name, header=header)
            raise self.fail(self.table.grid, row, message, header)
        method, lower_is_better = choose_method(name, target, parent.name)
        leaf: dict[str, Any] = {"name": name}
        if target:
            leaf["target"] = target
        if actual:
            leaf["actual"] = actual
        leaf["weight"] = weight
        leaf["method"] = method
        if lower_is_better:
            leaf["lower_is_better"] = True
        if score is not None:
            leaf["published_score"] = score
        note = self.text_at(row, NOTE)
        if note and not _is_filler(note):
            leaf["deviation_note"] = note
        for role, text_field in ((EXPLANATION, "explanation"), (CRITERIA, "criteria")):
            text = self.text_at(row, role).strip()
            if text and not _is_filler(text):
                leaf[text_field] = text
        self.leaves += 1
        return leaf

    def execution_row(self, row: Row, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """A 执行率 row in the indicator table (000): target = 全年预算数, actual = 全年执行数."""
        columns = self.table.columns
        name, weight_in_label = split_weight(label)
        weight = self.number_at(row, columns.get(WEIGHT))
        if weight is None:
            weight = weight_in_label
        if weight is None:
            header = self.header(WEIGHT)
            message = Text("“{name}”没有填写{header}", name=name, header=header)
            raise self.fail(self.table.grid, row, message, header)
        indicator: dict[str, Any] = {"name": name, "weight": weight, "method": "execution"}
        score = self.number_at(row, columns.get(SCORE))
        if score is not None:
            indicator["published_score"] = score
        budget: dict[str, Any] = {}
        target, actual = self.text_at(row, TARGET), self.text_at(row, ACTUAL)
        if "%" in key(target) or "%" in key(actual):
            rate = self.number_at(row, columns.get(ACTUAL), ("%",))
            if rate is not None:
                budget["published_rate"] = rate
            return indicator, budget
        for role, field_name in ((TARGET, "full_year"), (ACTUAL, "executed")):
            column = columns.get(role)
            if column is None:
                continue
            try:
                value = _amount(row.text(column), in_yuan=False)
            except _UnreadableError:
                header = columns.headers.get(column, role)
                message = Text(
                    "执行率行“{header}”一栏的“{text}”不是可识别的金额",
                    header=header,
                    text=row.text(column),
                )
                raise self.fail(self.table.grid, row, message, header) from None
            if value is not None:
                budget[field_name] = value
        return indicator, budget

    def totals(self, row: Row, following: tuple[Row, ...]) -> dict[str, Any]:
        columns = self.table.columns
        published: dict[str, Any] = {}
        score_col, weight_col = columns.get(SCORE), columns.get(WEIGHT)
        total = None
        if score_col is not None:
            try:
                total = number(row.text(score_col), ("分",))
            except _UnreadableError:
                total = None
        if total is None:
            label_origin = row.distinct()[0][1].origin
            weight_origin = row.cells[weight_col].origin if weight_col is not None else None
            numbers = []
            for _, cell in row.distinct():
                if cell.origin in (label_origin, weight_origin) and score_col is not None:
                    continue
                try:
                    value = number(cell.text, ("分",))
                except _UnreadableError:
                    continue
                if value is not None:
                    numbers.append(value)
            total = numbers[-1] if numbers else None
        if total is not None:
            published["total"] = total
        grade = _grade([row, *following])
        if grade:
            published["grade"] = grade
        return published


def _grade(rows: Iterable[Row]) -> str | None:
    for row in rows:
        cells = [cell.text for _, cell in row.distinct()]
        for n, text in enumerate(cells):
            compact = key(text)
            match = _GRADE_LABEL.match(compact)
            if match and match.group(1):
                value = match.group(1).strip("“”\"'")
                if value:
                    return value
            if match and n + 1 < len(cells) and key(cells[n + 1]) in _GRADES:
                return key(cells[n + 1])
            if compact in _GRADES:
                return compact
    return None


_META_LABELS = (
    ("部门名称", "部门名称"),
    ("主管部门", "主管部门"),
    ("预算部门", "主管部门"),
    ("实施单位", "实施单位"),
    ("项目单位", "实施单位"),
    ("专项名称", "专项名称"),
    ("专项资金名称", "专项名称"),
    ("支出方向名称", "支出方向名称"),
    ("子项目名称", "支出方向名称"),
    ("项目支出名称", "项目支出名称"),
    ("项目名称", "项目名称"),
)
_OTHER_LABELS = (
    "项目总投资",
    "其中",
    "项目负责人",
    "联系电话",
    "项目总实施期",
    "项目类型",
    "年度项目资金",
    "年度资金总额",
)


def _meta_label(text: str) -> str | None:
    compact = key(text)
    for written, label in _META_LABELS:
        if compact.startswith(written):
            return label
    if compact.startswith(_OTHER_LABELS):
        return ""
    return None


def _inline_value(text: str) -> str:
    """``部门名称：中小企业发展服务中心`` → the part after the colon."""
    normal = unicodedata.normalize("NFKC", text)
    if ":" not in normal:
        return ""
    return normal.split(":", 1)[1].strip()


def _year(texts: Iterable[str], pattern: re.Pattern[str]) -> int | None:
    for text in texts:
        match = pattern.search(unicodedata.normalize("NFKC", text))
        if match:
            return int(match.group(1))
    return None


_YUAN = re.compile(
    r"(?:[(（]\s*元\s*[)）]|单位\s*[:：]\s*元(?!\w)|[(（]\s*单位\s*[:：]\s*元\s*[)）])"
)


def _in_yuan(texts: Iterable[str]) -> bool:
    return any(_YUAN.search(text) for text in texts)


# Loading any case file ---------------------------------------------------------------------


def is_office(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def load_any(path: Path | str) -> Case | DepartmentSummary:
    """A case from a case file (.yaml/.yml/.json) or a 自评表 (.xlsx/.docx)."""
    path = Path(path)
    if is_office(path):
        imported = import_file(path)
        if imported.case is not None:  # built by the importer: not validated a second time
            return imported.case
        return cases.from_document(imported.document, str(path))
    return cases.load(path)


def discover(paths: list[Path]) -> Iterator[Path]:
    """Case files and 自评表 among ``paths``: files as given, folders searched recursively
    (Office's ``~$`` lock files skipped), sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in CASE_SUFFIXES and not p.name.startswith("~$")
            )
        else:
            yield path


# Writing -----------------------------------------------------------------------------------


class _CaseDumper(yaml.SafeDumper):
    """SafeDumper that writes Decimals as bare numbers, exactly as held, and indents lists
    under their key as the hand-written case files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_CaseDumper.add_representer(Decimal, _represent_decimal)


def to_yaml(document: dict[str, Any], comment: str = "") -> str:
    """The case as YAML: Chinese unescaped, keys in the documented order, exact numbers."""
    text = yaml.dump(document, Dumper=_CaseDumper, allow_unicode=True, sort_keys=False, width=100)
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    return header + text


def write_yaml(document: dict[str, Any], out: Path, comment: str = "") -> None:
    """Write atomically: a half-written case file never replaces a good one."""
    text = to_yaml(document, comment)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        Path(temporary).replace(out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def describe(imported: Imported) -> str:
    """One line for the user: how many indicators, the printed total and grade."""
    published = imported.document.get("published") or {}
    total = published.get("total")
    parts = [f"{imported.where}，指标 {imported.leaves} 项"]
    parts.append(f"总分 {format(total, 'f')}" if isinstance(total, Decimal) else "未找到总分")
    if published.get("grade"):
        parts.append(f"等级 {published['grade']}")
    if imported.tables > 1:
        parts.append(
            f"文件中共有 {imported.tables} 张自评表，导入的是第 {imported.index} 张"
            "（用 --table 选择其他）"
        )
    return "，".join(parts)


def header_comment(source: Path, imported: Imported) -> str:
    return (
        f"由 jixiao import 从 {source.name}（{imported.where}）导入。\n"
        "评分方法按年度指标值推断（≥/> 正向比率，≤/< 或“以内”反向比率，文字为定性），请核对。"
    )
