"""The mid-term table of 附件2 written from the records, and the final decision after two years.

The figures come from the records; 工作举措, 成效和案例 and 园区形成的长效机制成果 are text the park
writes. Seed 五（三）: after two years the province may 通报, 扣减 or 收回; a recovery is a money
flow back from the park.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from jixiao.core.money import ZERO, fmt
from jixiao.core.pilots.deadlines import add_months
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.flows import FlowKind, MoneyFlow
from jixiao.core.pilots.programme import CENT, Park, PreciseTarget, Programme, ServiceType
from jixiao.core.pilots.records import ServiceRecord, percent, tally
from jixiao.core.pilots.tranches import TrancheLedger
from jixiao.core.text import Text, joined

MAX_TEXT = 5000  # characters in one narrative cell


@dataclass(frozen=True, slots=True)
class Narrative:
    """What the park writes for one service: 工作举措 and 成效和案例."""

    measures: str = ""
    results: str = ""


@dataclass(frozen=True, slots=True)
class PublicRow:
    service: ServiceType
    target_sessions: int
    done_sessions: int
    target_visits: int
    done_visits: int
    narrative: Narrative


@dataclass(frozen=True, slots=True)
class PreciseRow:
    service: ServiceType
    target: PreciseTarget
    done: Decimal
    narrative: Narrative

    @property
    def done_text(self) -> str:
        rate = percent(self.done, self.target.quantity)
        shown = f"{fmt(self.done)}{self.target.unit}"
        return f"{shown}（{fmt(rate)}%）" if rate is not None else shown


@dataclass(frozen=True)
class MidTermTable:
    """附件2 中期评价表 of one park."""

    park: str
    county: str
    as_of: date
    public: tuple[PublicRow, ...]
    precise: tuple[PreciseRow, ...]
    mechanism: str = ""  # 园区形成的长效机制成果


def _text(value: str, what: str) -> str:
    if len(value) > MAX_TEXT:
        raise PilotError(
            "text_too_long",
            Text(
                "{what}过长（{length} 字，上限 {limit} 字）",
                what=what,
                length=str(len(value)),
                limit=str(MAX_TEXT),
            ),
        )
    return value


def mid_term_table(
    programme: Programme,
    park: Park,
    records: Iterable[ServiceRecord],
    narratives: Mapping[ServiceType, Narrative] | None = None,
    mechanism: str = "",
    as_of: date | None = None,
) -> MidTermTable:
    """The table as of ``as_of`` (default: the last day of the first year of the programme)."""
    day = as_of or add_months(programme.start, 12) - timedelta(days=1)
    held = tuple(r for r in records if r.on <= day)
    told = narratives or {}
    for service, narrative in told.items():
        _text(narrative.measures, Text("“{service}”的工作举措", service=service.label))
        _text(narrative.results, Text("“{service}”的成效和案例", service=service.label))
    public = []
    for target in park.targets.public:
        done = tally(r for r in held if r.service is target.service)
        public.append(
            PublicRow(
                target.service,
                target.sessions,
                done.sessions,
                target.enterprise_visits,
                done.visits,
                told.get(target.service, Narrative()),
            )
        )
    precise = [
        PreciseRow(
            goal.service,
            goal,
            tally(r for r in held if r.service is goal.service).quantity,
            told.get(goal.service, Narrative()),
        )
        for goal in park.targets.precise
    ]
    return MidTermTable(
        park.name,
        park.county,
        day,
        tuple(public),
        tuple(precise),
        _text(mechanism, Text("长效机制成果")),
    )


# The final evaluation ----------------------------------------------------------------------


class Measure(StrEnum):
    NOTICE = "notice"  # 通报
    CUT = "cut"  # 扣减: money not yet paid is not paid
    RECOVER = "recover"  # 收回: money paid comes back

    @property
    def label(self) -> str:
        return {"notice": Text("通报"), "cut": Text("扣减"), "recover": Text("收回")}[self.value]


@dataclass(frozen=True)
class FinalDecision:
    park: str
    on: date
    measures: frozenset[Measure]
    grounds: str
    cut: Decimal = ZERO
    recovery: Decimal = ZERO

    @property
    def labels(self) -> str:
        return joined((m.label for m in Measure if m in self.measures), "、") or Text("无")


def final_decision(
    programme: Programme,
    ledger: TrancheLedger,
    on: date,
    measures: Iterable[Measure],
    grounds: str,
    cut: Decimal = ZERO,
    recovery: Decimal = ZERO,
) -> tuple[FinalDecision, MoneyFlow | None]:
    """The province's decision on one park and, for a recovery, the money flow it causes."""
    chosen = frozenset(measures)
    if on <= programme.end:
        raise PilotError(
            "final_too_early",
            Text(
                "实施期满2年（{day}）后方可开展终期绩效评价（工作指南五（三））",
                day=str(programme.end),
            ),
        )
    if chosen and not grounds.strip():
        raise PilotError("no_grounds", Text("采取通报、扣减或收回措施须说明依据"))
    for amount, measure in ((cut, Measure.CUT), (recovery, Measure.RECOVER)):
        if amount < ZERO or amount % CENT:
            raise PilotError(
                "bad_amount", Text("{measure}金额须为非负数，最多精确到分", measure=measure.label)
            )
        if (amount > ZERO) != (measure in chosen):
            raise PilotError(
                "amount_mismatch",
                Text(
                    "选择“{measure}”时须填写大于0的金额，未选择时金额须为0",
                    measure=measure.label,
                ),
            )
    if cut > ledger.unpaid:
        raise PilotError(
            "cut_too_large",
            Text(
                "扣减金额 {cut} 万元超过尚未拨付的资金 {unpaid} 万元",
                cut=fmt(cut),
                unpaid=fmt(ledger.unpaid),
            ),
        )
    if recovery > ledger.paid_total:
        raise PilotError(
            "recovery_too_large",
            Text(
                "收回金额 {recovery} 万元超过已拨付的资金 {paid} 万元",
                recovery=fmt(recovery),
                paid=fmt(ledger.paid_total),
            ),
        )

    decision = FinalDecision(ledger.park, on, chosen, grounds.strip(), cut, recovery)
    flow = None
    if recovery > ZERO:
        payee = programme.province or "省级财政"
        flow = MoneyFlow(
            FlowKind.RECOVERY,
            ledger.park,
            payee,
            recovery,
            on,
            decision.grounds,
            "final_evaluation",
        )
    return decision, flow
