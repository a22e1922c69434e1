"""The 年度资金 block: budgets, execution and the execution rate the rule set asks for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.core.indicators import empty
from jixiao.core.money import HUNDRED, ONE, ZERO
from jixiao.core.rules import ExecutionDenominator


@dataclass(frozen=True, slots=True)
class Budget:
    """Amounts in 万元. ``sources`` splits the full-year budget (当年财政拨款, 上年结转, 其他…)."""

    initial: Decimal | None = None
    full_year: Decimal | None = None
    executed: Decimal | None = None
    arrived: Decimal | None = None
    sources: Mapping[str, Decimal] = field(default_factory=empty)
    published_rate: Decimal | None = None  # percent, as printed
    line: int | None = None

    def denominator(self, kind: ExecutionDenominator) -> Decimal | None:
        if kind is ExecutionDenominator.ARRIVED:
            return self.arrived if self.arrived is not None else self.full_year
        return self.full_year

    def execution_rate(self, kind: ExecutionDenominator, capped: bool = False) -> Decimal | None:
        """executed / denominator as a fraction (exact), or None when it cannot be computed."""
        denominator = self.denominator(kind)
        if self.executed is None or denominator is None or denominator <= ZERO:
            return None
        rate = self.executed / denominator
        return min(rate, ONE) if capped else rate

    def execution_percent(self, kind: ExecutionDenominator) -> Decimal | None:
        rate = self.execution_rate(kind)
        return None if rate is None else rate * HUNDRED

    @property
    def balance(self) -> Decimal | None:
        if self.full_year is None or self.executed is None:
            return None
        return self.full_year - self.executed
