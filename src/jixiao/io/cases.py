"""Case files (docs/case-format.md): read YAML/JSON into core objects, refusing bad files with
a Chinese message that names the file, the line and the field.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from jixiao.core.budget import Budget
from jixiao.core.case import (
    Case,
    CaseMeta,
    DepartmentSummary,
    EvaluationKind,
    NarrativeKey,
    Published,
    SummaryRow,
)
from jixiao.core.indicators import Deduction, Indicator, IndicatorTree, MethodSpec
from jixiao.core.money import to_decimal
from jixiao.core.scoring import REGISTRY
from jixiao.core.text import Text, joined
from jixiao.io import yaml_lines

SUFFIXES = (".yaml", ".yml", ".json")
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class CaseError(Exception):
    """A case file that cannot be used. ``str()`` is the message for the user: a
    :class:`~jixiao.core.text.Text` naming the file, line and field (``message`` is one too
    where this package wrote it), so a user interface can show it in another language."""

    file: str
    message: str
    line: int | None = None
    field: str = ""

    def __str__(self) -> str:
        file, message = self.file, self.message
        if self.line and self.field:
            return Text(
                "文件 {file}，第 {line} 行，字段 {field}：{message}",
                file=file,
                line=str(self.line),
                field=self.field,
                message=message,
            )
        if self.line:
            return Text(
                "文件 {file}，第 {line} 行：{message}",
                file=file,
                line=str(self.line),
                message=message,
            )
        if self.field:
            return Text(
                "文件 {file}，字段 {field}：{message}", file=file, field=self.field, message=message
            )
        return Text("文件 {file}：{message}", file=file, message=message)

    def with_field(self) -> str:
        """The message followed by the field (no file, no line), for a page about one record."""
        if not self.field:
            return self.message
        return Text("{message}（字段 {field}）", message=self.message, field=self.field)


def field_name(path: list[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


@cache
def schema() -> dict[str, Any]:
    source = resources.files("jixiao.io") / "schema" / "case.schema.json"
    loaded: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return loaded


_SCHEMA_WORDS = {
    "required": Text("缺少必填字段"),
    "additionalProperties": Text("有未知字段"),
    "type": Text("类型不对"),
    "enum": Text("取值不在允许范围内"),
    "const": Text("取值不对"),
    "anyOf": Text("须为数字（可加引号）"),
    "minLength": Text("不能为空"),
    "minItems": Text("不能为空列表"),
    "pattern": Text("格式不对"),
    "minimum": Text("数值太小"),
    "maximum": Text("数值太大"),
    "dependentRequired": Text("缺少相关字段"),
    "maxLength": Text("内容过长"),
}
_NOT_MATCHING = Text("不符合格式")


def _schema_message(error: jsonschema.ValidationError) -> str:
    word = _SCHEMA_WORDS.get(str(error.validator), _NOT_MATCHING)
    instance: Any = error.instance
    expected: Any = error.validator_value
    if error.validator == "required" and isinstance(instance, dict):
        missing = [name for name in expected if name not in instance]
        return Text("缺少必填字段 {names}", names=joined(missing, "、"))
    if error.validator == "dependentRequired" and isinstance(instance, dict):
        pairs = [
            Text("填写 {name} 时须同时填写 {names}", name=k, names=joined(v, "、"))
            for k, v in expected.items()
            if k in instance
        ]
        return joined(pairs) or word
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        names = joined(_unexpected_keys(error), "、")
        known = _known_keys(error)
        if known:
            return Text("有未知字段 {names}，应为 {known}", names=names, known=known)
        return Text("有未知字段 {names}", names=names)
    if error.validator == "maxLength" and isinstance(instance, str):
        return Text(
            "内容过长（{length} 字，上限 {limit} 字）",
            length=str(len(instance)),
            limit=str(expected),
        )
    if error.validator == "enum":
        return Text(
            "取值不在允许范围内：{value}，应为 {expected}",
            value=repr(instance),
            expected=str(expected),
        )
    if error.validator == "const":
        return Text(
            "取值不对：{value}，应为 {expected}", value=repr(instance), expected=str(expected)
        )
    if isinstance(instance, dict | list):
        return word
    return Text("{word}：{value}", word=word, value=repr(instance))


def _unexpected_keys(error: jsonschema.ValidationError) -> list[str]:
    known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
    instance: Any = error.instance
    return [key for key in instance if key not in known]


def _known_keys(error: jsonschema.ValidationError) -> str:
    """The "key（title）、…" the schema allows, where it titles every one ("" otherwise).

    The titles are Chinese words of the schema (the report's chapters), translated too."""
    properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    if not properties or not all("title" in value for value in properties.values()):
        return ""
    return joined(
        [
            Text("{key}（{title}）", key=key, title=Text(value["title"]))
            for key, value in properties.items()
        ],
        "、",
    )


def _error_path(error: jsonschema.ValidationError) -> list[str | int]:
    """Where to point the user: for an unknown key, at the key itself."""
    path: list[str | int] = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extras = _unexpected_keys(error)
        if extras:
            path.append(extras[0])
    return path


_OS_ERRORS = {
    errno.ENOENT: Text("文件不存在"),
    errno.EACCES: Text("无权限读取"),
    errno.EISDIR: Text("是文件夹而不是文件"),
}


def _os_message(error: OSError) -> str:
    known = _OS_ERRORS.get(error.errno or 0)
    return known if known is not None else Text("无法读取（{reason}）", reason=str(error.strerror))


def read_document(path: Path) -> Any:
    name = str(path)
    if path.suffix.lower() not in SUFFIXES:
        suffix = path.suffix or Text("（无扩展名）")
        raise CaseError(
            name, Text("不支持的文件类型 {suffix}，应为 .yaml/.yml/.json", suffix=suffix)
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise CaseError(name, _os_message(error)) from None
    if size > MAX_BYTES:
        raise CaseError(
            name,
            Text(
                "文件过大（{size} 字节，上限 {limit} 字节）", size=str(size), limit=str(MAX_BYTES)
            ),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CaseError(name, Text("不是 UTF-8 编码的文本文件")) from None
    except OSError as error:
        raise CaseError(name, _os_message(error)) from None
    try:
        return yaml_lines.load(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        problem: str = error.problem or ""
        if error.context_mark is not None and error.context:
            problem = Text(
                "{problem}（{context}，见第 {line} 行）",
                problem=problem,
                context=error.context,
                line=str(error.context_mark.line + 1),
            )
        raise CaseError(
            name, Text("YAML/JSON 语法错误：{problem}", problem=problem), line
        ) from None
    except yaml.YAMLError as error:
        raise CaseError(name, Text("YAML/JSON 语法错误：{problem}", problem=str(error))) from None


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """Built once and shared (it holds no per-document state). Building one costs about 8 µs,
    little next to checking a document (about 2 ms for a 21-indicator table), so this saves
    little; the checks are the same. Like before, no ``format_checker``: none is asserted."""
    return jsonschema.Draft202012Validator(schema())


def validate(document: Any, name: str) -> None:
    errors = sorted(
        _validator().iter_errors(document), key=lambda e: (len(e.absolute_path), e.path)
    )
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    path = _error_path(error)
    raise CaseError(
        name, _schema_message(error), yaml_lines.line_at(document, path), field_name(path)
    )


def load(path: Path | str) -> Case | DepartmentSummary:
    """Read, validate and build one case file."""
    path = Path(path)
    return from_document(read_document(path), str(path))


def from_document(document: Any, name: str) -> Case | DepartmentSummary:
    """Validate and build a case already parsed (from a file, a database or a form)."""
    validate(document, name)
    builder = _Builder(name, document)
    return builder.summary() if document["type"] == "department_summary" else builder.case()


def from_trusted_document(document: Any, name: str) -> Case | DepartmentSummary:
    """Build a case from a document that was validated when it was written (e.g. a stored
    evaluation: every write validates it first), without validating it again.

    Validation costs several times the build. Only the checks the builder makes anyway are
    left: a document it cannot build still raises :class:`CaseError` naming the line and
    field, but a document that the schema would refuse in other ways is not caught here, so
    use :func:`from_document` for anything that did not come through a validating write.
    """
    builder = _Builder(name, document)
    is_summary = isinstance(document, dict) and document.get("type") == "department_summary"
    return builder.summary() if is_summary else builder.case()


def plain(document: Any) -> Any:
    """The document as plain JSON data: exact numbers become decimal strings."""
    if isinstance(document, dict):
        return {str(key): plain(value) for key, value in document.items()}
    if isinstance(document, list):
        return [plain(value) for value in document]
    if isinstance(document, Decimal):
        return format(document, "f")
    return document


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key as the hand-written case files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Text over several lines (a narrative) as a ``|`` block, the way a person writes it."""
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(document: Any, comment: str = "") -> str:
    """A case document as a YAML case file: Chinese unescaped, keys in their order, exact numbers
    (bare or quoted as held), narrative chapters as ``|`` blocks. ``load`` reads it back."""
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return "".join(f"# {line}\n" for line in comment.splitlines()) + text


def discover(paths: list[Path]) -> Iterator[Path]:
    """Case files among ``paths``: files as given, folders searched recursively, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        else:
            yield path


class _Builder:
    """Turns a validated document into core objects, adding line numbers to semantic errors."""

    def __init__(self, file: str, document: Any) -> None:
        self.file = file
        self.document = document

    def fail(self, message: str, path: list[str | int]) -> CaseError:
        return CaseError(
            self.file, message, yaml_lines.line_at(self.document, path), field_name(path)
        )

    def decimal(self, raw: Any, key: str, path: list[str | int]) -> Decimal | None:
        """``raw[key]`` as an exact number; ``path`` locates ``raw`` for the error message."""
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return to_decimal(value)
        except (TypeError, ValueError):
            raise self.fail(
                Text("须为数字，实为 {given}", given=repr(value)), [*path, key]
            ) from None

    def meta(self) -> CaseMeta:
        raw = self.document["meta"]
        return CaseMeta(
            title=raw.get("title", ""),
            region=raw.get("region", ""),
            year=raw.get("year"),
            department=raw.get("department", ""),
            unit=raw.get("unit", ""),
            fund=raw.get("fund", ""),
            project=raw.get("project", ""),
            kind=EvaluationKind(raw.get("kind", EvaluationKind.SELF.value)),
            framework=raw.get("framework", ""),
            source=raw.get("source", ""),
        )

    def published(self) -> Published:
        raw = self.document.get("published") or {}
        base: list[str | int] = ["published"]
        return Published(
            total=self.decimal(raw, "total", base),
            grade=raw.get("grade"),
            declared_counts=MappingProxyType(
                {int(k): int(v) for k, v in (raw.get("declared_counts") or {}).items()}
            ),
            total_budget=self.decimal(raw, "total_budget", base),
        )

    def narrative(self) -> Mapping[NarrativeKey, str]:
        """The chapters written, in report order; surrounding blank space and empty ones dropped."""
        raw = self.document.get("narrative") or {}
        texts = {key: (raw.get(key.value) or "").strip() for key in NarrativeKey}
        return MappingProxyType({key: text for key, text in texts.items() if text})

    def budget(self) -> Budget | None:
        raw = self.document.get("budget")
        if raw is None:
            return None
        base: list[str | int] = ["budget"]
        given = raw.get("sources") or {}
        sources = {str(k): self.decimal(given, k, [*base, "sources"]) for k in given}
        return Budget(
            initial=self.decimal(raw, "initial", base),
            full_year=self.decimal(raw, "full_year", base),
            executed=self.decimal(raw, "executed", base),
            arrived=self.decimal(raw, "arrived", base),
            sources=MappingProxyType({k: v for k, v in sources.items() if v is not None}),
            published_rate=self.decimal(raw, "published_rate", base),
            line=getattr(raw, "line", None),
        )

    def indicators(self) -> tuple[Indicator, ...]:
        """The roots, built the lean way; on anything unexpected (a bad method, a number that is
        not one, an unvalidated shape) built again the careful way, which raises the message
        with the file, line and field, or builds the same objects."""
        raws = self.document["indicators"]
        try:
            return tuple(map(_lean_indicator, raws))
        except Exception:  # the careful path below decides what to raise
            return tuple(self.indicator(raw, ["indicators", i]) for i, raw in enumerate(raws))

    def indicator(self, raw: Any, path: list[str | int]) -> Indicator:
        method = raw.get("method")
        if method is not None and method not in REGISTRY:
            known = joined(sorted(REGISTRY), "、")
            message = Text(
                "未知评分方法 {method}（可用：{known}）", method=repr(method), known=known
            )
            raise self.fail(message, [*path, "method"])
        children = tuple(
            self.indicator(child, [*path, "children", i])
            for i, child in enumerate(raw.get("children", []))
        )
        if children and method is not None:
            message = Text("有下级指标的指标按下级合计计分，不能再指定评分方法")
            raise self.fail(message, [*path, "method"])
        return Indicator(
            name=raw["name"],
            code=raw.get("code", ""),
            weight=self.decimal(raw, "weight", path),
            children=children,
            target=_text(raw.get("target")),
            actual=_text(raw.get("actual")),
            method=MethodSpec(method, MappingProxyType(raw.get("params") or {}))
            if method
            else None,
            facts=MappingProxyType(raw.get("facts") or {}),
            published_score=self.decimal(raw, "published_score", path),
            manual_score=self.decimal(raw, "manual_score", path),
            manual_reason=raw.get("manual_reason", ""),
            rationale=raw.get("rationale", ""),
            deviation_note=raw.get("deviation_note", ""),
            not_applicable=raw.get("not_applicable", False),
            lower_is_better=raw.get("lower_is_better"),
            line=getattr(raw, "line", None),
            explanation=raw.get("explanation", "").strip(),
            criteria=raw.get("criteria", "").strip(),
        )

    def deduction(self, raw: Any, path: list[str | int]) -> Deduction:
        return Deduction(
            name=raw["name"],
            per_occurrence=self.decimal(raw, "per_occurrence", path),
            occurrences=raw.get("occurrences", 0),
            points=self.decimal(raw, "points", path),
            cap=self.decimal(raw, "cap", path),
            reason=raw.get("reason", ""),
            published=self.decimal(raw, "published", path),
        )

    def case(self) -> Case:
        roots = self.indicators()
        deductions = tuple(
            self.deduction(raw, ["deductions", i])
            for i, raw in enumerate(self.document.get("deductions", []))
        )
        return Case(
            meta=self.meta(),
            tree=IndicatorTree(roots, deductions),
            budget=self.budget(),
            rules=self.document.get("rules"),
            published=self.published(),
            file=self.file,
            narrative=self.narrative(),
        )

    def row(self, raw: Any, path: list[str | int]) -> SummaryRow:
        budget = self.decimal(raw, "full_year_budget", path)
        executed = self.decimal(raw, "executed", path)
        assert budget is not None and executed is not None  # required by the schema
        return SummaryRow(
            no=raw["no"],
            unit=raw.get("unit", ""),
            project=raw["project"],
            full_year_budget=budget,
            executed=executed,
            published_rate=self.decimal(raw, "published_rate", path),
            conclusion=raw["conclusion"],
            line=getattr(raw, "line", None),
        )

    def summary(self) -> DepartmentSummary:
        if "narrative" in self.document:
            message = Text("部门汇总表没有评价报告，不能填写报告文字（narrative）")
            raise self.fail(message, ["narrative"])
        rows = tuple(self.row(raw, ["rows", i]) for i, raw in enumerate(self.document["rows"]))
        return DepartmentSummary(
            meta=self.meta(),
            rows=rows,
            rules=self.document.get("rules"),
            published=self.published(),
            file=self.file,
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


# The lean builder ------------------------------------------------------------------------------
# The same Indicator objects as _Builder.indicator for a good document, without the path lists,
# keyword arguments and per-call method lookups (about 60% of the parse stage went there). It
# raises on anything _Builder.indicator would refuse; _Builder.indicators then runs the careful
# path, so messages, lines and fields stay exactly those of the careful path.


class _RefusedError(ValueError):
    """A document the careful path must look at (it raises the user's message)."""


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _lean_decimal(value: Any) -> Decimal | None:
    if value is None or type(value) is Decimal:
        return value
    return to_decimal(value)  # TypeError/ValueError: the careful path names the field


def indicator_from_trusted(raw: Any) -> Indicator:
    """One indicator (and its subtree) of a validated document, built the lean way; raises
    ``TypeError``/``ValueError``/``KeyError`` or ``_RefusedError`` on anything
    :meth:`_Builder.indicator` would refuse (use that for the message)."""
    return _lean_indicator(raw)


def _lean_indicator(raw: Any) -> Indicator:
    get = raw.get
    method = get("method")
    kids = get("children")
    if kids is not None:
        children = tuple(map(_lean_indicator, kids))
    elif "children" in raw:  # written as null: the careful path refuses it
        raise _RefusedError
    else:
        children = ()
    if method is not None and (children or method not in REGISTRY):
        raise _RefusedError
    target = get("target")
    actual = get("actual")
    params = get("params")
    facts = get("facts")
    return Indicator(
        raw["name"],
        get("code", ""),
        _lean_decimal(get("weight")),
        children,
        None if target is None else str(target),
        None if actual is None else str(actual),
        MethodSpec(method, MappingProxyType(params) if params else _EMPTY) if method else None,
        MappingProxyType(facts) if facts else _EMPTY,
        _lean_decimal(get("published_score")),
        _lean_decimal(get("manual_score")),
        get("manual_reason", ""),
        get("rationale", ""),
        get("deviation_note", ""),
        get("not_applicable", False),
        get("lower_is_better"),
        getattr(raw, "line", None),
        get("explanation", "").strip(),
        get("criteria", "").strip(),
    )
