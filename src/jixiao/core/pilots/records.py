"""Service records, the rules that refuse a bad one, and the quarterly 绩效目标完成情况.

A record is refused (nothing is saved) when its date lies outside the programme, its cost is
negative, or it spends the money on what 四（四） forbids. Missing evidence does not refuse a
record: it is shown on the record and on the quarterly report, which the county can return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from jixiao.core.money import HUNDRED, ZERO, quantize
from jixiao.core.pilots.deadlines import period_label, periods
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evidence import Evidence, EvidenceCheck, check_evidence
from jixiao.core.pilots.institutions import Catalogue
from jixiao.core.pilots.programme import Category, Park, Programme, ServiceType
from jixiao.core.text import Text, joined


class Use(StrEnum):
    """What the money of a record pays for. Only ``SERVICE`` is allowed (四（四）)."""

    SERVICE = "service"  # 对照《绩效目标清单》为企业提供的服务
    PARK_CONSTRUCTION = "park_construction"  # 园区自身建设改造
    RUNNING_COSTS = "running_costs"  # 工作经费
    WAGES = "wages"  # 人员工资
    UNRELATED = "unrelated"  # 其他与试点工作目标任务无关的事项

    @property
    def label(self) -> str:
        return USE_LABELS[self]


USE_LABELS = {
    Use.SERVICE: Text("为企业提供服务"),
    Use.PARK_CONSTRUCTION: Text("园区自身建设改造"),
    Use.RUNNING_COSTS: Text("工作经费"),
    Use.WAGES: Text("人员工资"),
    Use.UNRELATED: Text("与试点工作目标任务无关的事项"),
}
FORBIDDEN_RULE = Text(
    "工作指南四（四）：省级财政激励资金专款专用，不得用于园区自身建设改造、工作经费、"
    "人员工资等与试点工作目标任务无关的事项"
)


@dataclass(frozen=True)
class ServiceRecord:
    """One service delivered. 家次 defaults to the enterprises named; the quantified result of a
    精准化个性服务 (the number counted against its target) defaults to the same."""

    ref: str
    service: ServiceType
    on: date
    cost: Decimal  # 万元 paid from the pilot money
    institution: str = ""  # "" when the park runs it itself
    enterprises: tuple[str, ...] = ()
    sessions: int = 1
    enterprise_visits: int | None = None
    quantity: Decimal | None = None
    evidence: tuple[Evidence, ...] = ()
    use: Use = Use.SERVICE
    note: str = ""

    @property
    def visits(self) -> int:
        return len(self.enterprises) if self.enterprise_visits is None else self.enterprise_visits

    @property
    def result(self) -> Decimal:
        return Decimal(len(self.enterprises)) if self.quantity is None else self.quantity


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    field: str  # the record field at fault: on, cost, use, enterprises, institution, …
    message: str


class RecordRefusedError(PilotError):
    def __init__(self, ref: str, problems: tuple[Problem, ...]) -> None:
        listed = joined(p.message for p in problems)
        super().__init__(
            problems[0].code, Text("服务记录 {ref} 不能保存：{listed}", ref=ref, listed=listed)
        )
        self.problems = problems


def check_record(
    record: ServiceRecord, programme: Programme, park: Park, catalogue: Catalogue | None = None
) -> tuple[Problem, ...]:
    """Every rule the record breaks; empty when it may be saved."""
    problems: list[Problem] = []

    def add(code: str, field: str, message: str) -> None:
        problems.append(Problem(code, field, message))

    if not programme.contains(record.on):
        add(
            "date_outside_period",
            "on",
            Text(
                "服务日期 {on} 不在试点实施周期（{start}至{end}）内（工作指南三（二））",
                on=str(record.on),
                start=str(programme.start),
                end=str(programme.end),
            ),
        )
    if record.cost < ZERO:
        add("negative_cost", "cost", Text("费用不能为负数"))
    if record.use is not Use.SERVICE:
        add(
            "forbidden_use",
            "use",
            Text("资金不得用于{use}（{rule}）", use=record.use.label, rule=FORBIDDEN_RULE),
        )
    if record.service not in park.targets.services:
        add(
            "not_in_targets",
            "service",
            Text(
                "“{service}”不在园区绩效目标清单内（工作指南四（四）：对照《绩效目标清单》使用）",
                service=record.service.label,
            ),
        )
    if record.sessions < 1:
        add("bad_sessions", "sessions", Text("服务场次至少为1"))
    if record.visits < 0 or record.result < ZERO:
        add("negative_count", "enterprise_visits", Text("服务家次和量化成果不能为负数"))
    if record.service.category is Category.PRECISE:
        _check_precise(record, park, add)
    if catalogue is not None and record.institution:
        institution = catalogue.institution(record.institution)
        if institution is None or not institution.offers_service(record.service):
            add(
                "institution_not_listed",
                "institution",
                Text(
                    "服务机构“{institution}”不在合作服务机构清单的“{service}”类中"
                    "（工作指南三（三））",
                    institution=record.institution,
                    service=record.service.label,
                ),
            )
    return tuple(problems)


def _check_precise(record: ServiceRecord, park: Park, add: Callable[[str, str, str], None]) -> None:
    if not record.enterprises:
        add("no_enterprise", "enterprises", Text("精准化个性服务须注明服务的试点企业"))
    for name in record.enterprises:
        if not park.is_pilot(name):
            add(
                "not_pilot_enterprise",
                "enterprises",
                Text("“{name}”不在园区试点企业名单内（精准化个性服务面向试点企业）", name=name),
            )
    if not record.institution:
        add("no_institution", "institution", Text("精准化个性服务须注明服务机构"))


def accept(
    record: ServiceRecord, programme: Programme, park: Park, catalogue: Catalogue | None = None
) -> ServiceRecord:
    """The record itself when it may be saved; :class:`RecordRefusedError` with every reason if not."""
    problems = check_record(record, programme, park, catalogue)
    if problems:
        raise RecordRefusedError(record.ref, problems)
    return record


def evidence_of(record: ServiceRecord, programme: Programme) -> EvidenceCheck:
    return check_evidence(
        record.service, record.cost, record.evidence, programme.start, programme.end
    )


# Quarterly progress ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    sessions: int = 0
    visits: int = 0
    quantity: Decimal = ZERO
    cost: Decimal = ZERO

    def plus(self, record: ServiceRecord) -> Tally:
        return Tally(
            self.sessions + record.sessions,
            self.visits + record.visits,
            self.quantity + record.result,
            self.cost + record.cost,
        )


def tally(records: Iterable[ServiceRecord]) -> Tally:
    total = Tally()
    for record in records:
        total = total.plus(record)
    return total


def percent(done: Decimal | int, target: Decimal | int) -> Decimal | None:
    """done / target in percent (2 places, half-up); None when the target is 0."""
    if Decimal(target) <= ZERO:
        return None
    return quantize(Decimal(done) / Decimal(target) * HUNDRED, 2)


@dataclass(frozen=True, slots=True)
class ProgressLine:
    """One service of the 绩效目标完成情况表: the two-year targets, the quarter, the total so far."""

    service: ServiceType
    quarter: Tally
    cumulative: Tally
    target_sessions: int | None = None  # 普惠性公共服务
    target_visits: int | None = None
    target_quantity: Decimal | None = None  # 精准化个性服务
    unit: str = ""

    @property
    def sessions_percent(self) -> Decimal | None:
        if self.target_sessions is None:
            return None
        return percent(self.cumulative.sessions, self.target_sessions)

    @property
    def visits_percent(self) -> Decimal | None:
        if self.target_visits is None:
            return None
        return percent(self.cumulative.visits, self.target_visits)

    @property
    def quantity_percent(self) -> Decimal | None:
        if self.target_quantity is None:
            return None
        return percent(self.cumulative.quantity, self.target_quantity)


@dataclass(frozen=True)
class ProgressReport:
    park: str
    start: date
    end: date
    lines: tuple[ProgressLine, ...]
    gaps: tuple[tuple[str, tuple[str, ...]], ...]  # (record ref, what is missing) this quarter

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    @property
    def complete(self) -> bool:
        """Every record of the quarter has its evidence: the report may be submitted."""
        return not self.gaps


def quarters(programme: Programme) -> tuple[tuple[date, date], ...]:
    return periods(programme, 3)


def progress(
    programme: Programme, park: Park, records: Iterable[ServiceRecord], start: date, end: date
) -> ProgressReport:
    """The 绩效目标完成情况表 of ``park`` for the quarter ``start``–``end``, from its records."""
    held = tuple(records)
    in_quarter = tuple(r for r in held if start <= r.on <= end)
    so_far = tuple(r for r in held if r.on <= end)
    lines = []
    for target in park.targets.public:
        lines.append(
            ProgressLine(
                target.service,
                tally(r for r in in_quarter if r.service is target.service),
                tally(r for r in so_far if r.service is target.service),
                target_sessions=target.sessions,
                target_visits=target.enterprise_visits,
            )
        )
    for goal in park.targets.precise:
        lines.append(
            ProgressLine(
                goal.service,
                tally(r for r in in_quarter if r.service is goal.service),
                tally(r for r in so_far if r.service is goal.service),
                target_quantity=goal.quantity,
                unit=goal.unit,
            )
        )
    gaps = tuple(
        (r.ref, messages) for r in in_quarter if (messages := evidence_of(r, programme).messages())
    )
    return ProgressReport(park.name, start, end, tuple(lines), gaps)
