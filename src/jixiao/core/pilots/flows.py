"""Money-flow records of the pilot: tranche payments to a park and recoveries from it.

A small value object the money-flows records can store as they are; amounts in 万元, exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from jixiao.core.money import ZERO
from jixiao.core.pilots.errors import PilotError
from jixiao.core.text import Text


class FlowKind(StrEnum):
    TRANCHE = "tranche"  # 拨付: county → park
    RECOVERY = "recovery"  # 收回: park → the provincial money

    @property
    def label(self) -> str:
        return Text("拨付") if self is FlowKind.TRANCHE else Text("收回")


@dataclass(frozen=True, slots=True)
class MoneyFlow:
    kind: FlowKind
    payer: str
    payee: str
    amount: Decimal
    on: date
    reason: str
    reference: str = ""  # what it settles: "first", "final_evaluation", …

    def __post_init__(self) -> None:
        if self.amount <= ZERO:
            tranche = self.kind is FlowKind.TRANCHE
            raise PilotError(
                "bad_amount", Text("拨付金额须大于0") if tranche else Text("收回金额须大于0")
            )
        if not self.reason.strip():
            tranche = self.kind is FlowKind.TRANCHE
            raise PilotError(
                "no_reason", Text("拨付须记录依据") if tranche else Text("收回须记录依据")
            )
