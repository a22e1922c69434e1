"""Pilot programme files (docs/pilots.md): a programme of seed ``003`` with its counties, parks,
targets, institutions and service records, read into core objects.

A file that breaks the format or a rule is refused whole, with a Chinese message naming the
file, the line and the field (:class:`PilotFileError`, the same shape as a case file's error).
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from jixiao.core.money import to_decimal
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evaluation import Narrative
from jixiao.core.pilots.evidence import Evidence, EvidenceKind
from jixiao.core.pilots.institutions import (
    BreachKind,
    Catalogue,
    Institution,
    ServiceOffer,
    blocking_breaches,
)
from jixiao.core.pilots.programme import (
    County,
    EnterpriseClass,
    Liaison,
    Park,
    PilotEnterprise,
    PreciseTarget,
    Programme,
    PublicTarget,
    ServiceType,
    TargetBook,
    TargetList,
)
from jixiao.core.pilots.records import ServiceRecord, Use, check_record
from jixiao.core.pilots.schedule import SEED_003_SCHEDULE, DeadlineRule, Party
from jixiao.io import yaml_lines
from jixiao.io.cases import MAX_BYTES, SUFFIXES, CaseError, field_name

FORMAT = "jixiao-pilot/1"
Path_ = list[str | int]
T = TypeVar("T")


class PilotFileError(CaseError):
    """A pilot file that cannot be used. ``str()`` is the message for the user."""


@dataclass(frozen=True)
class ParkData:
    """One park as the file gives it: the park, its catalogue, records and narratives."""

    park: Park
    catalogue: Catalogue
    plan_approved_on: date | None = None
    justifications: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    records: tuple[ServiceRecord, ...] = ()
    narratives: Mapping[ServiceType, Narrative] = field(
        default_factory=lambda: MappingProxyType({})
    )
    mechanism: str = ""


@dataclass(frozen=True)
class PilotFile:
    programme: Programme
    parks: Mapping[str, ParkData]
    file: str = ""


def load(path: Path | str) -> PilotFile:
    """Read, check and build one pilot file."""
    path = Path(path)
    return from_document(read_document(path), str(path))


_OS_ERRORS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "无权限读取",
    errno.EISDIR: "是文件夹而不是文件",
}


def read_document(path: Path) -> Any:
    """The parsed file; :class:`PilotFileError` for a wrong type, size, encoding or syntax."""
    name = str(path)
    if path.suffix.lower() not in SUFFIXES:
        raise PilotFileError(
            name, f"不支持的文件类型 {path.suffix or '（无扩展名）'}，应为 .yaml/.yml/.json"
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PilotFileError(name, f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PilotFileError(name, "不是 UTF-8 编码的文本文件") from None
    except OSError as error:
        message = _OS_ERRORS.get(error.errno or 0, f"无法读取（{error.strerror}）")
        raise PilotFileError(name, message) from None
    try:
        return yaml_lines.load(text)  # impossible dates stay text for the field check
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise PilotFileError(name, f"YAML/JSON 语法错误：{error.problem or ''}", line) from None
    except yaml.YAMLError as error:
        raise PilotFileError(name, f"YAML/JSON 语法错误：{error}") from None


def from_document(document: Any, name: str) -> PilotFile:
    """Check and build a pilot programme already parsed (from a file or a form)."""
    return _Reader(name, document).build()


SCHEDULE_KEYS = {
    "title",
    "submitter",
    "recipient",
    "clause",
    "month",
    "day",
    "period_months",
    "due_months_after",
    "once",
    "per_park",
    "remind_days",
}
PARTIES = {p.value: p for p in Party} | {
    "园区": Party.PARK,
    "县": Party.COUNTY,
    "省": Party.PROVINCE,
}
LIAISON_KEYS = {"unit", "name", "title", "office_phone", "mobile"}
ENTERPRISE_CLASSES = {c.value: c for c in EnterpriseClass} | {c.label: c for c in EnterpriseClass}
USES = {u.value: u for u in Use} | {u.label: u for u in Use}


class _Reader:
    """Walks the document, checking each field where it stands so errors carry their line."""

    def __init__(self, file: str, document: Any) -> None:
        self.file = file
        self.document = document

    # -- primitives ------------------------------------------------------------------------

    def fail(self, message: str, path: Path_) -> PilotFileError:
        return PilotFileError(
            self.file, message, yaml_lines.line_at(self.document, path), field_name(path)
        )

    def mapping(
        self,
        raw: Any,
        path: Path_,
        required: AbstractSet[str],
        optional: AbstractSet[str] = frozenset(),
    ) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail("须为键值对（映射）", path)
        missing = [k for k in sorted(required) if raw.get(k) in (None, "")]
        if missing:
            raise self.fail(f"缺少必填字段 {'、'.join(missing)}", path)
        unknown = [k for k in raw if k not in required | optional]
        if unknown:
            raise self.fail(f"有未知字段 {'、'.join(unknown)}", [*path, unknown[0]])
        return raw

    def listing(self, raw: dict[str, Any], key: str, path: Path_) -> list[Any]:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail("须为列表", [*path, key])
        return value

    def text(self, raw: dict[str, Any], key: str, path: Path_, default: str = "") -> str:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool | dict | list):
            raise self.fail(f"须为文字，实为 {value!r}", [*path, key])
        return str(value).strip()

    def decimal(self, raw: dict[str, Any], key: str, path: Path_) -> Decimal:
        value = raw.get(key)
        try:
            return to_decimal(value)
        except (TypeError, ValueError):
            raise self.fail(f"须为数字，实为 {value!r}", [*path, key]) from None

    def integer(self, raw: dict[str, Any], key: str, path: Path_) -> int:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise self.fail(f"须为整数，实为 {value!r}", [*path, key])
        try:
            number = to_decimal(value)
        except ValueError:
            raise self.fail(f"须为整数，实为 {value!r}", [*path, key]) from None
        if number != number.to_integral_value():
            raise self.fail(f"须为整数，实为 {value!r}", [*path, key])
        return int(number)

    def day(self, raw: dict[str, Any], key: str, path: Path_) -> date:
        value = raw.get(key)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(f"须为日期（如 2023-04-25），实为 {value!r}", [*path, key]) from None

    def choice(self, table: Mapping[str, T], raw: dict[str, Any], key: str, path: Path_) -> T:
        text = self.text(raw, key, path)
        if text not in table:
            raise self.fail(f"取值 {text!r} 不在允许范围内（{'、'.join(table)}）", [*path, key])
        return table[text]

    def core(self, make: Callable[[], T], path: Path_) -> T:
        """Build a core object, turning its refusal into an error at ``path``."""
        try:
            return make()
        except PilotError as error:
            raise self.fail(error.message, path) from None

    def service(self, raw: dict[str, Any], path: Path_) -> ServiceType:
        return self.parse_service(self.text(raw, "service", path), [*path, "service"])

    def parse_service(self, text: str, path: Path_) -> ServiceType:
        try:
            return ServiceType.parse(text)
        except PilotError as error:
            raise self.fail(error.message, path) from None

    # -- the document ------------------------------------------------------------------------

    def build(self) -> PilotFile:
        doc = self.mapping(self.document, [], {"format", "programme", "counties"}, {"schedule"})
        if doc["format"] != FORMAT:
            raise self.fail(f"格式应为 {FORMAT}，实为 {doc['format']!r}", ["format"])
        meta = self.mapping(doc["programme"], ["programme"], {"name", "start", "end"}, {"province"})
        start = self.day(meta, "start", ["programme"])
        end = self.day(meta, "end", ["programme"])
        counties: list[County] = []
        parks: dict[str, ParkData] = {}
        schedule = self.schedule(doc)
        skeleton = self.core(
            lambda: Programme(
                self.text(meta, "name", ["programme"]), start, end, schedule=schedule
            ),
            ["programme"],
        )
        for i, raw in enumerate(self.listing(doc, "counties", [])):
            county, data = self.county(raw, ["counties", i], skeleton)
            counties.append(county)
            for item in data:
                if item.park.name in parks:
                    raise self.fail(f"园区“{item.park.name}”重复", ["counties", i, "parks"])
                parks[item.park.name] = item
        if not counties:
            raise self.fail("至少须有一个县（市、区）", ["counties"])
        programme = self.core(
            lambda: Programme(
                skeleton.name,
                start,
                end,
                tuple(counties),
                self.text(meta, "province", ["programme"]),
                schedule,
            ),
            ["counties"],
        )
        for i, county in enumerate(programme.counties):
            for j, park in enumerate(county.parks):
                self.check_records(programme, parks[park.name], ["counties", i, "parks", j])
        return PilotFile(programme, MappingProxyType(parks), self.file)

    def schedule(self, doc: dict[str, Any]) -> tuple[DeadlineRule, ...]:
        """The seed's table with the file's changes: a known code changes that line, a new code
        adds one (then title, submitter, recipient and month/day or period_months are needed)."""
        rules = {rule.code: rule for rule in SEED_003_SCHEDULE}
        for k, raw in enumerate(self.listing(doc, "schedule", [])):
            rule = self.schedule_line(raw, ["schedule", k], rules)
            rules[rule.code] = rule
        return tuple(rules.values())

    def schedule_line(self, raw: Any, at: Path_, rules: dict[str, DeadlineRule]) -> DeadlineRule:
        item = self.mapping(raw, at, {"code"}, SCHEDULE_KEYS)
        code = self.text(item, "code", at)
        base = rules.get(code)
        if base is None:
            item = self.mapping(raw, at, {"code", "title", "submitter", "recipient"}, SCHEDULE_KEYS)
        changes: dict[str, Any] = {}
        for key in SCHEDULE_KEYS & set(item):
            if key in {"title", "clause"}:
                changes[key] = self.text(item, key, at)
            elif key in {"submitter", "recipient"}:
                changes[key] = self.choice(PARTIES, item, key, at)
            elif key in {"once", "per_park"}:
                if not isinstance(item[key], bool):
                    raise self.fail(f"须为 true 或 false，实为 {item[key]!r}", [*at, key])
                changes[key] = item[key]
            else:
                changes[key] = self.integer(item, key, at)
        if base is None:
            return self.core(lambda: DeadlineRule(code=code, **{"clause": "", **changes}), at)
        if {"month", "day"} & set(changes):  # a fixed date replaces a period
            changes.setdefault("period_months", None)
        elif "period_months" in changes:  # and a period a fixed date
            changes.update(month=None, day=None)
        return self.core(lambda: replace(base, **changes), at)

    def liaison(self, raw: Any, path: Path_, unit: str) -> Liaison | None:
        if raw is None:
            return None
        item = self.mapping(raw, path, set(), LIAISON_KEYS)
        values = {k: self.text(item, k, path) for k in LIAISON_KEYS}
        return Liaison(
            values["unit"] or unit,
            values["name"],
            values["title"],
            values["office_phone"],
            values["mobile"],
        )

    def county(self, raw: Any, path: Path_, skeleton: Programme) -> tuple[County, list[ParkData]]:
        item = self.mapping(raw, path, {"name", "parks"}, {"economy_liaison", "finance_liaison"})
        name = self.text(item, "name", path)
        data = [
            self.park(p, [*path, "parks", j], name)
            for j, p in enumerate(self.listing(item, "parks", path))
        ]
        county = County(
            name,
            tuple(d.park for d in data),
            self.liaison(item.get("economy_liaison"), [*path, "economy_liaison"], "经信部门"),
            self.liaison(item.get("finance_liaison"), [*path, "finance_liaison"], "财政部门"),
        )
        return county, data

    def park(self, raw: Any, path: Path_, county: str) -> ParkData:
        item = self.mapping(
            raw,
            path,
            {"name", "money", "targets"},
            {
                "liaison",
                "enterprises",
                "plan_approved_on",
                "institutions",
                "justifications",
                "records",
                "narratives",
                "mechanism",
            },
        )
        name = self.text(item, "name", path)
        targets = self.targets(item["targets"], [*path, "targets"])
        enterprises = tuple(
            self.enterprise(e, [*path, "enterprises", k])
            for k, e in enumerate(self.listing(item, "enterprises", path))
        )
        approved = self.day(item, "plan_approved_on", path) if "plan_approved_on" in item else None
        book = TargetBook(targets, enterprises)
        if approved is not None:
            book = book.approve(approved)
        park = self.core(
            lambda: Park(
                name,
                county,
                self.decimal(item, "money", path),
                book,
                self.liaison(item.get("liaison"), [*path, "liaison"], name),
            ),
            [*path, "money"],
        )
        catalogue = self.catalogue(item, path)
        justifications = self.justifications(item, path)
        if approved is not None:
            blocking = blocking_breaches(catalogue, targets.services, justifications)
            if blocking:
                listed = "；".join(b.message for b in blocking)
                raise self.fail(
                    f"服务机构清单不符合要求且未说明理由，服务计划不能审核通过：{listed}",
                    [*path, "plan_approved_on"],
                )
        records = tuple(
            self.record(r, [*path, "records", k])
            for k, r in enumerate(self.listing(item, "records", path))
        )
        return ParkData(
            park,
            catalogue,
            approved,
            MappingProxyType(justifications),
            records,
            MappingProxyType(self.narratives(item, path)),
            self.text(item, "mechanism", path),
        )

    def targets(self, raw: Any, path: Path_) -> TargetList:
        item = self.mapping(raw, path, set(), {"public", "precise"})
        public = []
        for k, t in enumerate(self.listing(item, "public", path)):
            at = [*path, "public", k]
            entry = self.mapping(t, at, {"service", "sessions", "enterprise_visits"})
            public.append(
                PublicTarget(
                    self.service(entry, at),
                    self.integer(entry, "sessions", at),
                    self.integer(entry, "enterprise_visits", at),
                )
            )
        precise = []
        for k, t in enumerate(self.listing(item, "precise", path)):
            at = [*path, "precise", k]
            entry = self.mapping(t, at, {"service", "quantity"}, {"unit", "description"})
            precise.append(
                PreciseTarget(
                    self.service(entry, at),
                    self.decimal(entry, "quantity", at),
                    self.text(entry, "unit", at, "家"),
                    self.text(entry, "description", at),
                )
            )
        return self.core(lambda: TargetList(tuple(public), tuple(precise)), path)

    def enterprise(self, raw: Any, path: Path_) -> PilotEnterprise:
        item = self.mapping(raw, path, {"name", "class"}, {"diagnosis"})
        return PilotEnterprise(
            self.text(item, "name", path),
            self.choice(ENTERPRISE_CLASSES, item, "class", path),
            self.text(item, "diagnosis", path),
        )

    def catalogue(self, park: dict[str, Any], path: Path_) -> Catalogue:
        institutions = []
        for k, raw in enumerate(self.listing(park, "institutions", path)):
            at = [*path, "institutions", k]
            item = self.mapping(raw, at, {"name", "offers"})
            offers = [
                self.offer(o, [*at, "offers", m])
                for m, o in enumerate(self.listing(item, "offers", at))
            ]
            institutions.append(Institution(self.text(item, "name", at), tuple(offers)))
        return self.core(lambda: Catalogue(tuple(institutions)), [*path, "institutions"])

    def offer(self, raw: Any, path: Path_) -> ServiceOffer:
        entry = self.mapping(raw, path, {"service", "product", "price", "market_price"}, {"unit"})
        service = self.service(entry, path)
        product = self.text(entry, "product", path)
        price = self.decimal(entry, "price", path)
        market = self.decimal(entry, "market_price", path)
        unit = self.text(entry, "unit", path, "次")
        return self.core(
            lambda: ServiceOffer(service, product, price, market, unit), [*path, "price"]
        )

    def justifications(self, park: dict[str, Any], path: Path_) -> dict[str, str]:
        """``{service, reason}`` for too few institutions; ``{institution, product, reason}``
        for a price above the market reference."""
        result = {}
        for k, raw in enumerate(self.listing(park, "justifications", path)):
            at = [*path, "justifications", k]
            item = self.mapping(raw, at, {"reason"}, {"service", "institution", "product"})
            if "institution" in item:
                self.mapping(raw, at, {"reason", "institution", "product"})
                key = f"{BreachKind.ABOVE_MARKET.value}/{self.text(item, 'institution', at)}/{self.text(item, 'product', at)}"
            elif "service" in item:
                key = f"{BreachKind.TOO_FEW.value}/{self.service(item, at).value}"
            else:
                raise self.fail(
                    "须填写 service（机构数量不足）或 institution 与 product（价格高于市场价）", at
                )
            result[key] = self.text(item, "reason", at)
        return result

    def evidence(self, raw: Any, path: Path_) -> Evidence:
        if isinstance(raw, str):
            return self.core(lambda: Evidence(EvidenceKind.parse(raw)), path)
        item = self.mapping(raw, path, {"kind"}, {"date", "file"})
        kind = self.core(lambda: EvidenceKind.parse(self.text(item, "kind", path)), [*path, "kind"])
        dated = self.day(item, "date", path) if "date" in item else None
        return Evidence(kind, dated, self.text(item, "file", path))

    def record(self, raw: Any, path: Path_) -> ServiceRecord:
        item = self.mapping(
            raw,
            path,
            {"ref", "service", "date", "cost"},
            {
                "institution",
                "enterprises",
                "sessions",
                "enterprise_visits",
                "quantity",
                "evidence",
                "use",
                "note",
            },
        )
        enterprises = tuple(str(e).strip() for e in self.listing(item, "enterprises", path))
        return ServiceRecord(
            ref=self.text(item, "ref", path),
            service=self.service(item, path),
            on=self.day(item, "date", path),
            cost=self.decimal(item, "cost", path),
            institution=self.text(item, "institution", path),
            enterprises=enterprises,
            sessions=self.integer(item, "sessions", path) if "sessions" in item else 1,
            enterprise_visits=(
                self.integer(item, "enterprise_visits", path)
                if "enterprise_visits" in item
                else None
            ),
            quantity=self.decimal(item, "quantity", path) if "quantity" in item else None,
            evidence=tuple(
                self.evidence(e, [*path, "evidence", k])
                for k, e in enumerate(self.listing(item, "evidence", path))
            ),
            use=self.choice(USES, item, "use", path) if "use" in item else Use.SERVICE,
            note=self.text(item, "note", path),
        )

    def narratives(self, park: dict[str, Any], path: Path_) -> dict[ServiceType, Narrative]:
        raw = park.get("narratives")
        if raw is None:
            return {}
        at = [*path, "narratives"]
        if not isinstance(raw, dict):
            raise self.fail("须为键值对（映射）", at)
        result = {}
        for key, value in raw.items():
            service = self.parse_service(str(key), [*at, key])
            item = self.mapping(value, [*at, key], set(), {"measures", "results"})
            result[service] = Narrative(
                self.text(item, "measures", [*at, key]), self.text(item, "results", [*at, key])
            )
        return result

    def check_records(self, programme: Programme, data: ParkData, path: Path_) -> None:
        seen: set[str] = set()
        for k, record in enumerate(data.records):
            at = [*path, "records", k]
            if record.ref in seen:
                raise self.fail(f"服务记录编号 {record.ref} 重复", [*at, "ref"])
            seen.add(record.ref)
            problems = check_record(record, programme, data.park, data.catalogue)
            if problems:
                first = problems[0]
                field_of = {"on": "date", "visits": "enterprise_visits"}.get(
                    first.field, first.field
                )
                listed = "；".join(p.message for p in problems)
                raise self.fail(f"服务记录 {record.ref} 不能保存：{listed}", [*at, field_of])
