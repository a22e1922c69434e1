"""The demo's money flows: the co-funding and pilot demos pay through their services, so the
ledger holds their payments without a data migration of its own.

Its own module: the demo builds its own organisations, which the world of test_web_ledger.py
would clash with.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from web_world import SEEDS

from jixiao.web.evaluations import demo
from jixiao.web.ledger.models import MoneyFlow
from jixiao.web.ledger.services import totals


def test_the_demo_payments_are_in_the_ledger(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "EXTENSION_APPS", ["cofunding", "pilots"])
    demo.load(SEEDS)
    rows = [
        (flow.source.split(":")[0], flow.amount, flow.on, flow.owner.name)
        for flow in MoneyFlow.objects.order_by("on").select_related("owner")
    ]
    assert rows == [
        ("cofunding.payment", Decimal("256.232"), date(2022, 10, 24), "江油市工业和信息化局"),
        ("pilots.tranchepayment", Decimal(60), date(2023, 5, 12), "示例县小微企业创业园"),
        ("cofunding.payment", Decimal("192.174"), date(2023, 6, 12), "江油市工业和信息化局"),
        ("cofunding.payment", Decimal("134.52"), date(2023, 7, 19), "江油市工业和信息化局"),
    ]
    assert totals(MoneyFlow.objects.all()).payments == Decimal("642.926")
