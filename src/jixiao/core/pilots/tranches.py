"""The county's payment plan (资金拨付方案) in three tranches, and the gates that hold each back.

Seed 四（二）: 服务计划和资金使用方案审核通过后，可先行拨付30%；园区建立工作机制并实质性推进服务工作
后，可再拨付50%及以上（是否全部拨付由属地经信部门与财政部门评估确定）；剩余资金可根据中期绩效评价
情况（附件2）拨付. Amounts are 万元, exact to the 分 (0.000001 万元); parts always sum to the whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from jixiao.core.money import ONE, ZERO
from jixiao.core.pilots.deadlines import add_months
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.flows import FlowKind, MoneyFlow
from jixiao.core.pilots.programme import CENT, Park, Programme
from jixiao.core.text import Text

FIRST_SHARE = Decimal("0.30")
SECOND_MIN = Decimal("0.50")
RULE = Text("工作指南四（二）")


def split(
    total: Decimal, weights: Sequence[Decimal], quantum: Decimal = CENT
) -> tuple[Decimal, ...]:
    """``total`` in parts proportional to ``weights``, each a multiple of ``quantum``, summing
    exactly to ``total`` (largest remainder: the units left by rounding down go to the parts
    with the largest remainders, the first of equals first)."""
    if any(w < ZERO for w in weights) or sum(weights, ZERO) <= ZERO:
        raise ValueError("weights must be non-negative with a positive sum")
    if total < ZERO or total % quantum:
        raise ValueError("total must be a non-negative multiple of the quantum")
    whole = sum(weights, ZERO)
    exact = [total * w / whole for w in weights]
    floors = [(e / quantum).to_integral_value(rounding=ROUND_DOWN) * quantum for e in exact]
    left = int((total - sum(floors, ZERO)) / quantum)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += quantum
    return tuple(floors)


class Tranche(StrEnum):
    FIRST = "first"
    SECOND = "second"
    FINAL = "final"

    @property
    def label(self) -> str:
        return {
            "first": Text("首笔资金（30%）"),
            "second": Text("第二笔资金（50%及以上）"),
            "final": Text("剩余资金"),
        }[self.value]


@dataclass(frozen=True, slots=True)
class CountyDecision:
    """经信 with 财政: the mechanism runs and service has really begun; how much to pay now."""

    on: date
    grounds: str
    share: Decimal  # of the park's money, ≥ 50 %

    def __post_init__(self) -> None:
        if not self.grounds.strip():
            raise PilotError("no_grounds", Text("须记录县（市、区）评估确定的依据"))
        if self.share < SECOND_MIN:
            raise PilotError(
                "share_too_small", Text("第二笔资金不得少于园区资金的50%（{rule}）", rule=RULE)
            )
        if self.share > ONE - FIRST_SHARE:
            raise PilotError("share_too_large", Text("第二笔资金超过首笔拨付后的剩余资金"))


@dataclass(frozen=True, slots=True)
class MidTermResult:
    """The mid-term evaluation as far as money goes: the share of the rest the county pays."""

    on: date
    ratio: Decimal  # 0..1
    grounds: str

    def __post_init__(self) -> None:
        if not ZERO <= self.ratio <= ONE:
            raise PilotError("bad_ratio", Text("剩余资金拨付比例须在0%至100%之间"))
        if not self.grounds.strip():
            raise PilotError("no_grounds", Text("须记录中期绩效评价结果作为拨付依据"))


@dataclass(frozen=True)
class TrancheLedger:
    """One park's money: the plan, the facts that open each gate, and the payments made."""

    park: str
    county: str
    total: Decimal
    earliest_mid_term: date  # 实施期满1年
    plan_approved_on: date | None = None
    decision: CountyDecision | None = None
    mid_term: MidTermResult | None = None
    payments: tuple[MoneyFlow, ...] = ()

    @classmethod
    def for_park(cls, programme: Programme, park: Park) -> TrancheLedger:
        return cls(park.name, park.county, park.money, add_months(programme.start, 12))

    def planned(self) -> tuple[Decimal, Decimal, Decimal]:
        """First, second and the rest: 30 %, the decided share (50 % until decided), the rest.

        A paid tranche keeps the amount paid, so a later decision never moves it."""
        first = self.paid(Tranche.FIRST) or split(self.total, [FIRST_SHARE, ONE - FIRST_SHARE])[0]
        remaining = self.total - first
        later = ONE - FIRST_SHARE
        share = self.decision.share if self.decision else SECOND_MIN
        second = self.paid(Tranche.SECOND)
        if not second:
            second = remaining if share >= later else split(remaining, [share, later - share])[0]
        return first, second, remaining - second

    def paid(self, tranche: Tranche) -> Decimal:
        return sum((p.amount for p in self.payments if p.reference == tranche.value), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def unpaid(self) -> Decimal:
        return self.total - self.paid_total

    def approve_plan(self, on: date) -> TrancheLedger:
        return replace(self, plan_approved_on=on)

    def decide(self, decision: CountyDecision) -> TrancheLedger:
        if self.decision is not None:
            raise PilotError("already_decided", Text("县（市、区）已作出第二笔资金的拨付决定"))
        return replace(self, decision=decision)

    def evaluate(self, result: MidTermResult) -> TrancheLedger:
        if result.on < self.earliest_mid_term:
            raise PilotError(
                "mid_term_too_early",
                Text(
                    "实施期满1年（{day}）后方可进行中期绩效评价（工作指南五（三））",
                    day=str(self.earliest_mid_term),
                ),
            )
        return replace(self, mid_term=result)

    def amount(self, tranche: Tranche) -> Decimal:
        first, second, rest = self.planned()
        if tranche is Tranche.FIRST:
            return first
        if tranche is Tranche.SECOND:
            return second
        ratio = self.mid_term.ratio if self.mid_term else ONE
        return (rest * ratio).quantize(CENT, rounding=ROUND_HALF_UP)

    def pay(self, tranche: Tranche, on: date) -> tuple[TrancheLedger, MoneyFlow]:
        """The ledger after paying ``tranche`` and the money flow; refused unless its gate is open."""
        grounds = self._gate(tranche, on)
        amount = self.amount(tranche)
        if amount <= ZERO:
            raise PilotError(
                "nothing_to_pay", Text("{tranche}金额为0，无需拨付", tranche=tranche.label)
            )
        flow = MoneyFlow(
            FlowKind.TRANCHE, self.county, self.park, amount, on, grounds, tranche.value
        )
        return replace(self, payments=(*self.payments, flow)), flow

    @property
    def withheld(self) -> Decimal:
        """The part of the rest not paid after the mid-term evaluation."""
        if not self.paid(Tranche.FINAL) and self.mid_term is None:
            return ZERO
        return self.planned()[2] - self.amount(Tranche.FINAL)

    def _gate(self, tranche: Tranche, on: date) -> str:
        if self.paid(tranche):
            raise PilotError(
                "already_paid", Text("{tranche}已拨付，不能重复拨付", tranche=tranche.label)
            )
        if tranche is Tranche.FIRST:
            if self.plan_approved_on is None:
                raise PilotError(
                    "plan_not_approved",
                    Text(
                        "园区服务计划和资金使用方案尚未审核通过，不能拨付{tranche}（{rule}）",
                        tranche=tranche.label,
                        rule=RULE,
                    ),
                )
            _not_before(on, self.plan_approved_on, Text("服务计划审核通过日期"))
            return f"服务计划和资金使用方案于 {self.plan_approved_on} 审核通过"
        if tranche is Tranche.SECOND:
            if not self.paid(Tranche.FIRST):
                raise PilotError("first_not_paid", Text("首笔资金尚未拨付，不能拨付第二笔资金"))
            if self.decision is None:
                raise PilotError(
                    "mechanism_not_confirmed",
                    Text(
                        "县（市、区）经信部门会同财政部门尚未确认园区已建立工作机制并实质性推进服务工作，"
                        "不能拨付{tranche}（{rule}）",
                        tranche=tranche.label,
                        rule=RULE,
                    ),
                )
            _not_before(on, self.decision.on, Text("县（市、区）评估确定日期"))
            return self.decision.grounds
        if not self.paid(Tranche.SECOND):
            raise PilotError("second_not_paid", Text("第二笔资金尚未拨付，不能拨付剩余资金"))
        if self.mid_term is None:
            raise PilotError(
                "mid_term_missing",
                Text("中期绩效评价（附件2）尚未完成，不能拨付剩余资金（{rule}）", rule=RULE),
            )
        _not_before(on, self.mid_term.on, Text("中期绩效评价日期"))
        return self.mid_term.grounds


def _not_before(on: date, gate: date, what: str) -> None:
    if on < gate:
        raise PilotError(
            "paid_too_early",
            Text("拨付日期 {on} 早于{what} {gate}", on=str(on), what=what, gate=str(gate)),
        )


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One park in the county's 资金拨付方案: its money and the three planned tranches."""

    park: str
    total: Decimal
    first: Decimal
    second: Decimal
    rest: Decimal


def payment_plan(
    programme: Programme, county: str, shares: Mapping[str, Decimal] | None = None
) -> tuple[PlanRow, ...]:
    """The county's plan (四（一）, due 04-30): per park 30 %, the second share (50 % unless
    ``shares`` names another for the park) and the rest; each row sums to the park's money."""
    rows = []
    for park in programme.county(county).parks:
        ledger = TrancheLedger.for_park(programme, park)
        share = (shares or {}).get(park.name)
        if share is not None:
            ledger = ledger.decide(CountyDecision(programme.start, "资金拨付方案", share))
        rows.append(PlanRow(park.name, park.money, *ledger.planned()))
    return tuple(rows)
