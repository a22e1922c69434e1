"""The programme, its counties and parks, and each park's 绩效目标清单 with its lock.

Seed ``003`` 五（五）: 试点园区不得擅自调整绩效目标、园区精准服务对象等试点方案内容; a change is
reported to the county (经信 with 财政), which reports it to the province. So once approved, the
targets and the pilot-enterprise list change only through a :class:`ChangeRequest` that the
county approves and then reports upward.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from jixiao.core.money import ZERO, fmt
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.schedule import SEED_003_SCHEDULE, DeadlineRule
from jixiao.core.text import Text

CENT = Decimal("0.000001")  # one 分, in 万元


class Category(StrEnum):
    PUBLIC = "public"  # 普惠性公共服务: for every enterprise of the park
    PRECISE = "precise"  # 精准化个性服务: one-to-one, for the pilot enterprises

    @property
    def label(self) -> str:
        return Text("普惠性公共服务") if self is Category.PUBLIC else Text("精准化个性服务")


class ServiceType(StrEnum):
    """The service items of the 绩效目标清单 and of 附件1, in the seed's order."""

    POLICY_BRIEFING = "policy_briefing"
    ADMIN_AGENCY = "admin_agency"
    RECRUITMENT = "recruitment"
    TRAINING = "training"
    EXHIBITION = "exhibition"
    SAFETY_GUIDANCE = "safety_guidance"
    FINANCING = "financing"
    DIAGNOSIS = "diagnosis"
    COMPLIANCE = "compliance"
    MANAGEMENT = "management"
    STANDARDISATION = "standardisation"
    SUPPLY_CHAIN = "supply_chain"
    RESEARCH = "research"
    TALENT = "talent"
    LEGAL = "legal"
    INTELLECTUAL_PROPERTY = "intellectual_property"
    DIGITAL = "digital"
    APPLICATION = "application"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SERVICE_LABELS[self]

    @property
    def category(self) -> Category:
        return Category.PUBLIC if self in PUBLIC_SERVICES else Category.PRECISE

    @classmethod
    def parse(cls, text: str) -> ServiceType:
        """A code (``diagnosis``), the list's name (企业诊断) or 附件1's (企业诊断服务)."""
        key = text.strip()
        for service in cls:
            if key in (service.value, service.label, f"{service.label}服务"):
                return service
        known = "、".join(s.label for s in cls)
        raise PilotError(
            "unknown_service",
            Text("未知服务项目 {given}（可用：{known}）", given=repr(text), known=known),
        )


SERVICE_LABELS = {
    ServiceType.POLICY_BRIEFING: Text("政策宣贯"),
    ServiceType.ADMIN_AGENCY: Text("政务代办"),
    ServiceType.RECRUITMENT: Text("人才招聘"),
    ServiceType.TRAINING: Text("业务培训"),
    ServiceType.EXHIBITION: Text("组织展会展览"),
    ServiceType.SAFETY_GUIDANCE: Text("安全生产指导"),
    ServiceType.FINANCING: Text("融资对接"),
    ServiceType.DIAGNOSIS: Text("企业诊断"),
    ServiceType.COMPLIANCE: Text("规范提升"),
    ServiceType.MANAGEMENT: Text("管理提升"),
    ServiceType.STANDARDISATION: Text("标准化建设"),
    ServiceType.SUPPLY_CHAIN: Text("产业链对接"),
    ServiceType.RESEARCH: Text("产学研合作"),
    ServiceType.TALENT: Text("人才引育"),
    ServiceType.LEGAL: Text("法律"),
    ServiceType.INTELLECTUAL_PROPERTY: Text("知识产权"),
    ServiceType.DIGITAL: Text("数字化改造"),
    ServiceType.APPLICATION: Text("申报"),
    ServiceType.OTHER: Text("其他"),
}
PUBLIC_SERVICES = tuple(list(ServiceType)[:7])
PRECISE_SERVICES = tuple(list(ServiceType)[7:])


class EnterpriseClass(StrEnum):
    """Seed 一（四）: the two kinds of pilot enterprise served differently."""

    EARLY_STAGE = "early_stage"  # 发展初期: 创业辅导和帮扶
    SPECIALISED = "specialised"  # 符合“专精特新”发展方向: 重点服务对象

    @property
    def label(self) -> str:
        return (
            Text("发展初期企业")
            if self is EnterpriseClass.EARLY_STAGE
            else Text("专精特新方向企业")
        )


@dataclass(frozen=True, slots=True)
class PilotEnterprise:
    name: str
    enterprise_class: EnterpriseClass
    diagnosis: str = ""  # 全面诊断: the finding the precise services start from


@dataclass(frozen=True, slots=True)
class PublicTarget:
    """Two-year targets of one 普惠性公共服务 item: 场次 and 家次."""

    service: ServiceType
    sessions: int
    enterprise_visits: int


@dataclass(frozen=True, slots=True)
class PreciseTarget:
    """Two-year quantified target of one 精准化个性服务 item (e.g. 30 家 diagnosed)."""

    service: ServiceType
    quantity: Decimal
    unit: str = "家"
    description: str = ""

    @property
    def text(self) -> str:
        return self.description or f"{fmt(self.quantity)}{self.unit}"


@dataclass(frozen=True)
class TargetList:
    """The park's 绩效目标清单. Each service at most once, in its own category, no negatives."""

    public: tuple[PublicTarget, ...] = ()
    precise: tuple[PreciseTarget, ...] = ()

    def __post_init__(self) -> None:
        seen: set[ServiceType] = set()
        for service in self.services:
            if service in seen:
                raise PilotError(
                    "duplicate_target",
                    Text("绩效目标清单中“{service}”重复", service=service.label),
                )
            seen.add(service)
        for p in self.public:
            if p.service.category is not Category.PUBLIC:
                raise PilotError(
                    "wrong_category",
                    Text("“{service}”不是普惠性公共服务项目", service=p.service.label),
                )
            if p.sessions < 0 or p.enterprise_visits < 0:
                raise PilotError(
                    "negative_target", Text("“{service}”的目标不能为负数", service=p.service.label)
                )
        for q in self.precise:
            if q.service.category is not Category.PRECISE:
                raise PilotError(
                    "wrong_category",
                    Text("“{service}”不是精准化个性服务项目", service=q.service.label),
                )
            if q.quantity < ZERO:
                raise PilotError(
                    "negative_target", Text("“{service}”的目标不能为负数", service=q.service.label)
                )

    def public_target(self, service: ServiceType) -> PublicTarget | None:
        return next((p for p in self.public if p.service is service), None)

    def precise_target(self, service: ServiceType) -> PreciseTarget | None:
        return next((q for q in self.precise if q.service is service), None)

    @property
    def services(self) -> tuple[ServiceType, ...]:
        return (*(p.service for p in self.public), *(q.service for q in self.precise))


# The lock ------------------------------------------------------------------------------------


class TargetState(StrEnum):
    DRAFT = "draft"  # the park may still edit
    APPROVED = "approved"  # 审核通过: locked

    @property
    def label(self) -> str:
        return Text("草稿") if self is TargetState.DRAFT else Text("已审核锁定")


class ChangeState(StrEnum):
    PENDING = "pending"  # 园区已报告，待县审核
    APPROVED = "approved"  # 县经信会同财政同意，已生效，待报省
    REPORTED = "reported"  # 已报省经信厅、省财政厅
    REJECTED = "rejected"  # 县不同意

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self]


CHANGE_LABELS = {
    ChangeState.PENDING: Text("待县（市、区）审核"),
    ChangeState.APPROVED: Text("县（市、区）已同意，待报省"),
    ChangeState.REPORTED: Text("已报省经信厅、省财政厅"),
    ChangeState.REJECTED: Text("县（市、区）不同意"),
}

# (state, action) → next state: the whole workflow of a change request.
CHANGE_TRANSITIONS = {
    (ChangeState.PENDING, "approve"): ChangeState.APPROVED,
    (ChangeState.PENDING, "reject"): ChangeState.REJECTED,
    (ChangeState.APPROVED, "report"): ChangeState.REPORTED,
}
ACTION_LABELS = {"approve": Text("审核同意"), "reject": Text("退回"), "report": Text("报省")}

LOCKED_MESSAGE = Text(
    "绩效目标清单和试点企业名单已审核锁定，园区不得擅自调整（工作指南五（五））；"
    "如需调整，请提交调整申请，经县（市、区）经信部门会同财政部门同意后报省经信厅、省财政厅。"
)


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    number: int
    targets: TargetList
    enterprises: tuple[PilotEnterprise, ...]
    reason: str
    requested_on: date
    state: ChangeState = ChangeState.PENDING
    decided_on: date | None = None
    decision_note: str = ""
    reported_on: date | None = None

    def advance(self, action: str, on: date, note: str = "") -> ChangeRequest:
        nxt = CHANGE_TRANSITIONS.get((self.state, action))
        if nxt is None:
            verb = ACTION_LABELS.get(action, action)
            raise PilotError(
                "bad_transition",
                Text(
                    "调整申请 {number} 当前状态为“{state}”，不能{action}",
                    number=str(self.number),
                    state=self.state.label,
                    action=verb,
                ),
            )
        if on < self.requested_on:
            raise PilotError(
                "bad_date",
                Text("调整申请 {number} 的处理日期早于提交日期", number=str(self.number)),
            )
        if action == "report":
            return replace(self, state=nxt, reported_on=on)
        return replace(self, state=nxt, decided_on=on, decision_note=note)


@dataclass(frozen=True)
class TargetBook:
    """The targets and pilot enterprises of one park, with their lock and change requests."""

    targets: TargetList
    enterprises: tuple[PilotEnterprise, ...] = ()
    state: TargetState = TargetState.DRAFT
    approved_on: date | None = None
    changes: tuple[ChangeRequest, ...] = ()

    @property
    def locked(self) -> bool:
        return self.state is TargetState.APPROVED

    def edit(
        self, targets: TargetList, enterprises: Iterable[PilotEnterprise] | None = None
    ) -> TargetBook:
        """A direct edit: allowed in draft only."""
        if self.locked:
            raise PilotError("targets_locked", LOCKED_MESSAGE)
        chosen = self.enterprises if enterprises is None else tuple(enterprises)
        return replace(self, targets=targets, enterprises=chosen)

    def approve(self, on: date) -> TargetBook:
        if self.locked:
            raise PilotError("already_approved", Text("绩效目标清单已审核通过"))
        return replace(self, state=TargetState.APPROVED, approved_on=on)

    def request_change(
        self,
        targets: TargetList,
        enterprises: Iterable[PilotEnterprise] | None,
        reason: str,
        on: date,
    ) -> TargetBook:
        if not self.locked:
            raise PilotError(
                "not_locked", Text("绩效目标清单尚未审核锁定，可直接修改，无需调整申请")
            )
        if not reason.strip():
            raise PilotError("no_reason", Text("调整申请须说明调整理由"))
        if any(c.state is ChangeState.PENDING for c in self.changes):
            raise PilotError("change_pending", Text("已有一项调整申请待县（市、区）审核"))
        chosen = self.enterprises if enterprises is None else tuple(enterprises)
        request = ChangeRequest(len(self.changes) + 1, targets, chosen, reason.strip(), on)
        return replace(self, changes=(*self.changes, request))

    def decide(self, number: int, action: str, on: date, note: str = "") -> TargetBook:
        """The county approves or rejects, then reports upward; an approval takes effect."""
        request = self.change(number)
        if action == "reject" and not note.strip():
            raise PilotError("no_reason", Text("退回调整申请须说明理由"))
        updated = request.advance(action, on, note)
        changes = tuple(updated if c.number == number else c for c in self.changes)
        book = replace(self, changes=changes)
        if action == "approve":
            book = replace(book, targets=updated.targets, enterprises=updated.enterprises)
        return book

    def change(self, number: int) -> ChangeRequest:
        for request in self.changes:
            if request.number == number:
                return request
        raise PilotError("no_change", Text("没有编号为 {number} 的调整申请", number=str(number)))

    @property
    def unreported(self) -> tuple[ChangeRequest, ...]:
        """Approved changes the county has not yet reported to the province."""
        return tuple(c for c in self.changes if c.state is ChangeState.APPROVED)


# Who and where -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Liaison:
    """One row of 附件3: 单位, 姓名, 职务, 办公电话, 手机."""

    unit: str
    name: str = ""
    title: str = ""
    office_phone: str = ""
    mobile: str = ""


@dataclass(frozen=True)
class Park:
    name: str
    county: str
    money: Decimal  # 省级财政激励资金, 万元
    book: TargetBook
    liaison: Liaison | None = None

    def __post_init__(self) -> None:
        if self.money <= ZERO:
            raise PilotError("bad_money", Text("园区“{name}”的激励资金须大于0", name=self.name))
        if self.money % CENT:
            raise PilotError(
                "bad_money",
                Text("园区“{name}”的激励资金最多精确到分（0.000001万元）", name=self.name),
            )

    @property
    def targets(self) -> TargetList:
        return self.book.targets

    @property
    def enterprises(self) -> tuple[PilotEnterprise, ...]:
        return self.book.enterprises

    def is_pilot(self, enterprise: str) -> bool:
        return any(e.name == enterprise for e in self.enterprises)


@dataclass(frozen=True)
class County:
    name: str
    parks: tuple[Park, ...]
    economy_liaison: Liaison | None = None  # 经信部门
    finance_liaison: Liaison | None = None  # 财政部门


@dataclass(frozen=True)
class Programme:
    """The province's programme: its period (2023-01-01 to 2024-12-31 in ``003``) and parks."""

    name: str
    start: date
    end: date
    counties: tuple[County, ...] = ()
    province: str = ""
    schedule: tuple[DeadlineRule, ...] = SEED_003_SCHEDULE

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise PilotError("bad_period", Text("试点实施周期的结束日期须晚于开始日期"))
        codes = [rule.code for rule in self.schedule]
        for code in codes:
            if codes.count(code) > 1:
                raise PilotError("duplicate_deadline", Text("期限表中“{code}”重复", code=code))
        names = [p.name for p in self.parks]
        for name in names:
            if names.count(name) > 1:
                raise PilotError("duplicate_park", Text("园区“{name}”重复", name=name))
        for county in self.counties:
            for park in county.parks:
                if park.county != county.name:
                    raise PilotError(
                        "wrong_county",
                        Text("园区“{park}”不属于“{county}”", park=park.name, county=county.name),
                    )

    @property
    def parks(self) -> tuple[Park, ...]:
        return tuple(p for c in self.counties for p in c.parks)

    def park(self, name: str) -> Park:
        for park in self.parks:
            if park.name == name:
                return park
        raise PilotError("no_park", Text("没有名为“{name}”的试点园区", name=name))

    def county(self, name: str) -> County:
        for county in self.counties:
            if county.name == name:
                return county
        raise PilotError("no_county", Text("没有名为“{name}”的县（市、区）", name=name))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def total_money(self) -> Decimal:
        return sum((p.money for p in self.parks), ZERO)


@dataclass(frozen=True, slots=True)
class LiaisonRow:
    unit: str  # as printed in the 单位 column: 经信部门, 财政部门, the park's name
    liaison: Liaison | None


@dataclass(frozen=True)
class LiaisonList:
    """附件3 联络员名单 of one county."""

    county: str
    rows: tuple[LiaisonRow, ...]


def liaison_list(county: County) -> LiaisonList:
    rows = [
        LiaisonRow("经信部门", county.economy_liaison),
        LiaisonRow("财政部门", county.finance_liaison),
        *(LiaisonRow(park.name, park.liaison) for park in county.parks),
    ]
    return LiaisonList(county.name, tuple(rows))
