"""Allocation files (docs/allocation.md): one 因素法 run in YAML/JSON — pot, attributes shown as
columns, factors, eligibility rules, candidates — read into :mod:`jixiao.core.allocation`.

Every problem is one :class:`AllocationFileError` naming the file, the line and the field; the
same builder (:func:`from_document`) serves the web app, whose runs are stored as such a
document, so a run typed in a form and a run read from a file are checked alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.core.allocation import (
    Allocation,
    AllocationError,
    AllocationResult,
    Candidate,
    Comparator,
    Factor,
    RoundingMethod,
    Rule,
    allocate,
)
from jixiao.core.money import to_decimal
from jixiao.core.text import Text
from jixiao.io import yaml_lines
from jixiao.io.cases import CaseError, field_name, read_document

FORMAT = "jixiao-allocation/1"
DEFAULT_TITLE = "因素法分配表"
DEFAULT_CANDIDATE_LABEL = "机构名称"

TOP_KEYS = (
    "format",
    "title",
    "name",
    "year",
    "owner",
    "source",
    "candidate_label",
    "pot",
    "rounding",
    "attributes",
    "factors",
    "rules",
    "candidates",
)
REQUIRED = ("pot", "factors", "candidates")
_KEYS = {
    "attributes": ("name", "label"),
    "factors": ("attribute", "weight"),
    "rules": ("attribute", "comparator", "value", "label"),
    "candidates": ("name", "attributes", "cap"),
}


@dataclass(frozen=True)
class AllocationFileError(CaseError):
    """An allocation file (or stored run) that cannot be used; ``str()`` is the message."""


@dataclass(frozen=True)
class Column:
    """An attribute shown as a column of the result table: its name and its heading."""

    name: str
    label: str


@dataclass(frozen=True)
class AllocationDocument:
    """A run as read: what the table shows (title, columns) and the core allocation."""

    allocation: Allocation
    columns: tuple[Column, ...]
    title: str = DEFAULT_TITLE
    name: str = ""
    year: int | None = None
    owner: str = ""
    source: str = ""
    candidate_label: str = DEFAULT_CANDIDATE_LABEL
    file: str = ""
    raw: Any = field(default=None, compare=False, repr=False)  # as parsed: for line numbers

    def compute(self) -> AllocationResult:
        """The result; an :class:`AllocationError` becomes a file error at its line."""
        try:
            return allocate(self.allocation)
        except AllocationError as error:
            path = core_path(error.field)
            line = yaml_lines.line_at(self.raw, path) if self.raw is not None else None
            shown = field_name(path) if path else ""
            raise AllocationFileError(self.file, error.message, line, shown) from None


def load(path: Path | str) -> AllocationDocument:
    path = Path(path)
    try:
        document = read_document(path)
    except CaseError as error:
        raise AllocationFileError(error.file, error.message, error.line, error.field) from None
    return from_document(document, str(path))


def load_and_compute(path: Path | str) -> tuple[AllocationDocument, AllocationResult]:
    """Read and compute; any problem (reading or computing) is an AllocationFileError."""
    document = load(path)
    return document, document.compute()


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def core_path(field: str) -> list[str | int]:
    """``candidates[2].attributes.月均余额`` → ``["candidates", 2, "attributes", "月均余额"]``."""
    return [int(index) if index else name for name, index in _STEP.findall(field)]


def from_document(document: Any, name: str, *, draft: bool = False) -> AllocationDocument:
    """Validate a parsed document (file, database or form) and build the run; a ``draft`` (a
    run being set up in the web app) may have no candidates yet."""
    return _Builder(name, document, draft).build()


class _Builder:
    def __init__(self, file: str, document: Any, draft: bool = False) -> None:
        self.file = file
        self.document = document
        self.draft = draft

    def fail(self, message: str, path: list[str | int]) -> AllocationFileError:
        return AllocationFileError(
            self.file, message, yaml_lines.line_at(self.document, path), field_name(path)
        )

    def mapping(self, raw: Any, path: list[str | int], keys: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(Text("须为键值对（字段: 值）"), path)
        unknown = [str(key) for key in raw if key not in keys]
        if unknown:
            raise self.fail(
                Text(
                    "有未知字段 {unknown}（可用：{known}）",
                    unknown="、".join(unknown),
                    known="、".join(keys),
                ),
                [*path, unknown[0]],
            )
        return raw

    def items(self, raw: Mapping[str, Any], key: str, *, required: bool = False) -> list[Any]:
        value = raw.get(key)
        if value is None:
            if required:
                raise self.fail(Text("缺少必填字段 {key}", key=key), [key])
            return []
        if not isinstance(value, list):
            raise self.fail(Text("须为列表（每项以 - 开头）"), [key])
        if required and not value:
            raise self.fail(Text("不能为空列表"), [key])
        return value

    def text(self, raw: Mapping[str, Any], key: str, path: list[str | int]) -> str:
        value = raw.get(key)
        if value is None:
            return ""
        if isinstance(value, Mapping | list):
            raise self.fail(Text("须为文字"), [*path, key])
        return str(value).strip()

    def required_text(self, raw: Mapping[str, Any], key: str, path: list[str | int]) -> str:
        value = self.text(raw, key, path)
        if not value:
            raise self.fail(
                Text("缺少 {key}（不能为空）", key=key), [*path, key] if key in raw else path
            )
        return value

    def number(self, value: Any, path: list[str | int]) -> Decimal:
        if isinstance(value, bool) or value is None or isinstance(value, Mapping | list):
            raise self.fail(Text("须为数字，实为 {given}", given=repr(value)), path)
        try:
            return to_decimal(_number_text(value) if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise self.fail(Text("须为数字，实为 {given}", given=repr(value)), path) from None

    def value(self, value: Any, path: list[str | int]) -> Decimal | str:
        """An attribute value: a number (also when quoted) or else text."""
        if isinstance(value, str):
            try:
                return to_decimal(_number_text(value))
            except ValueError:
                text = value.strip()
                if not text:
                    raise self.fail(Text("不能为空"), path) from None
                return text
        return self.number(value, path)

    def build(self) -> AllocationDocument:
        raw = self.mapping(self.document, [], TOP_KEYS)
        for key in REQUIRED:
            if key not in raw and not (self.draft and key == "candidates"):
                raise self.fail(Text("缺少必填字段 {key}", key=key), [])
        fmt = raw.get("format", FORMAT)
        if fmt != FORMAT:
            raise self.fail(
                Text("格式应为 {expected}，实为 {given}", expected=FORMAT, given=repr(fmt)),
                ["format"],
            )
        year = raw.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise self.fail(Text("年度须为整数，实为 {given}", given=repr(year)), ["year"])
        rounding_text = self.text(raw, "rounding", []) or RoundingMethod.LARGEST_REMAINDER.value
        try:
            rounding = RoundingMethod(rounding_text)
        except ValueError:
            known = "、".join(f"{m.value}（{m.label}）" for m in RoundingMethod)
            raise self.fail(
                Text(
                    "未知舍入方法 {given}（可用：{known}）", given=repr(rounding_text), known=known
                ),
                ["rounding"],
            ) from None
        factors = tuple(
            self.factor(f, i) for i, f in enumerate(self.items(raw, "factors", required=True))
        )
        rules = tuple(self.rule(r, i) for i, r in enumerate(self.items(raw, "rules")))
        candidates = tuple(
            self.candidate(c, i)
            for i, c in enumerate(self.items(raw, "candidates", required=not self.draft))
        )
        allocation = Allocation(
            pot=self.number(raw["pot"], ["pot"]),
            candidates=candidates,
            factors=factors,
            rules=rules,
            rounding=rounding,
        )
        return AllocationDocument(
            allocation=allocation,
            columns=self.columns(raw, factors, rules),
            title=self.text(raw, "title", []) or DEFAULT_TITLE,
            name=self.text(raw, "name", []),
            year=year,
            owner=self.text(raw, "owner", []),
            source=self.text(raw, "source", []),
            candidate_label=self.text(raw, "candidate_label", []) or DEFAULT_CANDIDATE_LABEL,
            file=self.file,
            raw=self.document,
        )

    def factor(self, raw: Any, index: int) -> Factor:
        path: list[str | int] = ["factors", index]
        item = self.mapping(raw, path, _KEYS["factors"])
        weight = item.get("weight", 1)
        return Factor(
            self.required_text(item, "attribute", path), self.number(weight, [*path, "weight"])
        )

    def rule(self, raw: Any, index: int) -> Rule:
        path: list[str | int] = ["rules", index]
        item = self.mapping(raw, path, _KEYS["rules"])
        attribute = self.required_text(item, "attribute", path)
        try:
            comparator = Comparator.parse(self.required_text(item, "comparator", path))
        except AllocationError as error:
            raise self.fail(error.message, [*path, "comparator"]) from None
        if "value" not in item:
            raise self.fail(Text("缺少 value（比较值）"), path)
        value = self.value(item["value"], [*path, "value"])
        try:
            return Rule(attribute, comparator, value, self.text(item, "label", path))
        except AllocationError as error:
            raise self.fail(error.message, [*path, error.field]) from None

    def candidate(self, raw: Any, index: int) -> Candidate:
        path: list[str | int] = ["candidates", index]
        item = self.mapping(raw, path, _KEYS["candidates"])
        attributes_raw = item.get("attributes") or {}
        if not isinstance(attributes_raw, Mapping):
            raise self.fail(Text("attributes 须为键值对（属性名: 值）"), [*path, "attributes"])
        attributes = {
            str(key): self.value(value, [*path, "attributes", str(key)])
            for key, value in attributes_raw.items()
            if value is not None
        }
        cap = item.get("cap")
        return Candidate(
            self.required_text(item, "name", path),
            attributes,
            None if cap is None else self.number(cap, [*path, "cap"]),
        )

    def columns(
        self, raw: Mapping[str, Any], factors: tuple[Factor, ...], rules: tuple[Rule, ...]
    ) -> tuple[Column, ...]:
        """The declared attribute columns in order; then any factor or rule attribute left out."""
        columns: list[Column] = []
        for index, item in enumerate(self.items(raw, "attributes")):
            path: list[str | int] = ["attributes", index]
            entry = self.mapping(item, path, _KEYS["attributes"])
            name = self.required_text(entry, "name", path)
            if any(c.name == name for c in columns):
                raise self.fail(Text("属性 {name} 重复出现", name=name), [*path, "name"])

            columns.append(Column(name, self.text(entry, "label", path) or name))
        for attribute in [f.attribute for f in factors] + [r.attribute for r in rules]:
            if all(c.name != attribute for c in columns):
                columns.append(Column(attribute, attribute))
        return tuple(columns)


def _number_text(text: str) -> str:
    """Full-width digits and signs folded; a trailing % kept out (the value is in percent)."""
    folded = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    return folded[:-1].strip() if folded.endswith("%") else folded


def plain(document: AllocationDocument) -> dict[str, Any]:
    """The run as plain JSON data (decimal strings): what the web app stores and exports."""
    allocation = document.allocation
    return {
        "format": FORMAT,
        "title": document.title,
        "name": document.name,
        "year": document.year,
        "owner": document.owner,
        "source": document.source,
        "candidate_label": document.candidate_label,
        "pot": str(allocation.pot),
        "rounding": allocation.rounding.value,
        "attributes": [{"name": c.name, "label": c.label} for c in document.columns],
        "factors": [
            {"attribute": f.attribute, "weight": str(f.weight)} for f in allocation.factors
        ],
        "rules": [
            {
                "attribute": r.attribute,
                "comparator": r.comparator.value,
                "value": str(r.value),
                "label": r.label,
            }
            for r in allocation.rules
        ],
        "candidates": [
            {
                "name": c.name,
                "attributes": {k: str(v) for k, v in c.attributes.items()},
                **({"cap": str(c.cap)} if c.cap is not None else {}),
            }
            for c in allocation.candidates
        ],
    }
