"""The demo's co-funding plan: seed 002 with its three payments, linked to the 002 evaluation.

Its own module: the demo builds its own organisations, which the 江油 world of
test_web_cofunding.py would clash with.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from web_world import SEEDS

from jixiao.core.cofunding import Level
from jixiao.web.cofunding.models import CofundingPlan, FundingLink
from jixiao.web.cofunding.services import funding_rows
from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation

D = Decimal
EXECUTION, BUDGET, TIMELY = "0.1.2", "0.2.1", "0.2.2"  # 执行有效, 预算完成, 完成及时 in seed 002
PAYMENTS_002 = [
    ("county", "256.232", "2022-10-24"),
    ("city", "192.174", "2023-06-12"),
    ("province", "134.52", "2023-07-19"),
]


def url(name: str, *args: Any) -> str:
    return reverse(f"cofunding:{name}", args=args)


def test_the_demo_has_the_002_plan_linked_to_its_evaluation(
    db: None, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "EXTENSION_APPS", ["cofunding"])  # this app's demo only
    demo.load(SEEDS)
    plan = CofundingPlan.objects.get(owner__name="江油市工业和信息化局")
    assert (plan.approved_total, plan.cost_share) == (D("640.58"), "3:3:4")
    assert (plan.policy_date, plan.deadline) == (date(2022, 7, 24), date(2022, 12, 31))
    assert plan.project is not None and plan.project.name == "江油市中小微企业纾困资金"
    assert [(p.level, p.amount, p.paid_on.isoformat()) for p in plan.payments.all()] == [
        (level, D(amount), paid_on) for level, amount, paid_on in PAYMENTS_002
    ]
    rec = plan.reconciliation()
    assert rec.line(Level.PROVINCE).shortfall == D("57.654") and rec.paid == D("582.926")
    evaluation = Evaluation.objects.get(project="江油市中小微企业纾困资金")
    assert FundingLink.objects.filter(plan=plan, evaluation=evaluation).exists()
    assert set(funding_rows(evaluation)) == {BUDGET, EXECUTION, TIMELY}
    assert evaluation.computed_total == D("94.5")
    editor = get_user_model().objects.get(username="jy_editor")
    assert login(editor).get(url("plan_detail", plan.pk)).status_code == 200
    reviewer = get_user_model().objects.get(username="jy_reviewer")
    assert login(reviewer).get(url("plan_detail", plan.pk)).status_code == 200
    outsider = get_user_model().objects.get(username="xt_editor")
    assert login(outsider).get(url("plan_detail", plan.pk)).status_code == 404
