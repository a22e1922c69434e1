"""The money-flow value object of the pilot and the error type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.flows import FlowKind, MoneyFlow


def test_a_flow_has_a_positive_amount_and_a_reason() -> None:
    flow = MoneyFlow(
        FlowKind.TRANCHE, "示范县", "示范园", Decimal("60"), date(2023, 5, 1), "方案通过"
    )
    assert flow.kind.label == "拨付" and FlowKind.RECOVERY.label == "收回"
    with pytest.raises(PilotError, match="拨付金额须大于0"):
        MoneyFlow(FlowKind.TRANCHE, "a", "b", Decimal(0), date(2023, 5, 1), "x")
    with pytest.raises(PilotError, match="收回须记录依据") as caught:
        MoneyFlow(FlowKind.RECOVERY, "a", "b", Decimal(1), date(2023, 5, 1), " ")
    assert caught.value.code == "no_reason"
    assert str(caught.value) == "收回须记录依据"
