"""County review of what a park submits: the service plan (三（一）) and each quarterly report (三（五）).

One workflow for both, as a table: a park submits, the county returns (with a note) or
approves; a returned document is submitted again. Approval is refused while something blocks it
— for the plan, a missing part or an unjustified catalogue breach; for a quarterly report, a
record whose evidence is incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.institutions import Catalogue, blocking_breaches
from jixiao.core.pilots.programme import ServiceType
from jixiao.core.pilots.records import ProgressReport
from jixiao.core.text import Text, joined


class ReviewState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return {
            "draft": Text("草稿"),
            "submitted": Text("待县审核"),
            "returned": Text("已退回"),
            "approved": Text("审核通过"),
        }[self.value]


class Action(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"

    @property
    def label(self) -> str:
        return {"submit": Text("提交"), "return": Text("退回"), "approve": Text("审核通过")}[
            self.value
        ]


TRANSITIONS = {
    (ReviewState.DRAFT, Action.SUBMIT): ReviewState.SUBMITTED,
    (ReviewState.RETURNED, Action.SUBMIT): ReviewState.SUBMITTED,
    (ReviewState.SUBMITTED, Action.RETURN): ReviewState.RETURNED,
    (ReviewState.SUBMITTED, Action.APPROVE): ReviewState.APPROVED,
}


@dataclass(frozen=True, slots=True)
class Step:
    action: Action
    on: date
    note: str = ""


@dataclass(frozen=True)
class Review:
    """Where a submitted document stands, and how it got there."""

    state: ReviewState = ReviewState.DRAFT
    steps: tuple[Step, ...] = ()

    def advance(
        self, action: Action, on: date, note: str = "", blockers: tuple[str, ...] = ()
    ) -> Review:
        nxt = TRANSITIONS.get((self.state, action))
        if nxt is None:
            raise PilotError(
                "bad_transition",
                Text(
                    "当前状态为“{state}”，不能{action}", state=self.state.label, action=action.label
                ),
            )
        if self.steps and on < self.steps[-1].on:
            raise PilotError(
                "bad_date",
                Text(
                    "{action}日期 {on} 早于上一步 {previous}",
                    action=action.label,
                    on=str(on),
                    previous=str(self.steps[-1].on),
                ),
            )
        if action is Action.RETURN and not note.strip():
            raise PilotError("no_reason", Text("退回须说明原因"))
        if action is Action.APPROVE and blockers:
            raise PilotError("blocked", Text("不能审核通过：{listed}", listed=joined(blockers)))
        return replace(self, state=nxt, steps=(*self.steps, Step(action, on, note.strip())))

    @property
    def approved_on(self) -> date | None:
        if self.state is not ReviewState.APPROVED:
            return None
        return self.steps[-1].on

    @property
    def submitted_on(self) -> date | None:
        """The first submission: what the deadline counts."""
        return next((s.on for s in self.steps if s.action is Action.SUBMIT), None)


@dataclass(frozen=True)
class ServicePlan:
    """三（一）: 服务详细计划和进度安排, 合作服务机构清单, 资金使用方式, 资金内部管理制度."""

    schedule: str
    catalogue: Catalogue
    fund_use: str
    internal_rules: str
    justifications: Mapping[str, str]


PLAN_PARTS = {
    "schedule": Text("服务详细计划和进度安排"),
    "fund_use": Text("资金使用方式"),
    "internal_rules": Text("资金内部管理制度"),
}


def plan_blockers(plan: ServicePlan, services: tuple[ServiceType, ...]) -> tuple[str, ...]:
    """What keeps the county from approving the plan of a park using ``services``."""
    missing = [label for key, label in PLAN_PARTS.items() if not str(getattr(plan, key)).strip()]
    result: list[str] = [Text("缺少{part}", part=label) for label in missing]
    if not plan.catalogue.institutions:
        result.append(Text("缺少合作服务机构清单"))
    breaches = blocking_breaches(plan.catalogue, services, plan.justifications)
    result += [Text("{breach}，且未说明理由", breach=b.message) for b in breaches]
    return tuple(result)


def report_blockers(report: ProgressReport) -> tuple[str, ...]:
    """A quarterly report is approved only when every record of the quarter has its evidence."""
    return tuple(
        Text("服务记录 {ref}：{gaps}", ref=ref, gaps=joined(messages, "、"))
        for ref, messages in report.gaps
    )
