"""Demo data for 资金分担与拨付, loaded by ``load_demo`` after the seed evaluations.

Seed 002 (江油市中小微企业纾困资金): 640.58 万元 due to 47 enterprises, shared 省:市:县 = 3:3:4;
paid 县 256.232 on 2022-10-24, 市 192.174 on 2023-06-12, 省 134.52 on 2023-07-19; the report
prints the sum as 582.92. Dates (docs/cofunding.md): the policy date is the 绵阳 notice of
2022-07-24 (绵经信企业〔2022〕411号), the only dated policy document in the seed; the deadline is
2022-12-31, the seed faulting 市 and 省 for "未能在 2022 年底完成划拨任务".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from jixiao.web.cofunding.models import CofundingPlan
from jixiao.web.cofunding.services import apply_to_evaluation, record_payment, save_plan
from jixiao.web.evaluations.demo import DemoUser
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.models import Project
from jixiao.web.orgs.models import Organisation

USERS: list[DemoUser] = []

OWNER = "江油市工业和信息化局"
NAME = "江油市中小微企业纾困资金"
PAYMENTS = [
    ("county", "256.232", date(2022, 10, 24), "江油市级资金"),
    ("city", "192.174", date(2023, 6, 12), "绵阳市级资金"),
    ("province", "134.52", date(2023, 7, 19), "四川省级资金（按21%下达）"),
]


def load(orgs: dict[str, Organisation]) -> None:
    """The 002 plan with its three payments, taken into the 002 evaluation's funding rows."""
    owner = orgs[OWNER]
    editor = get_user_model().objects.filter(username="jy_editor").first()
    plan = save_plan(
        CofundingPlan(
            owner=owner,
            project=Project.objects.filter(owner=owner, name=NAME).first(),
            name=NAME,
            approved_total=Decimal("640.58"),
            cost_share="3:3:4",
            policy_date=date(2022, 7, 24),
            deadline=date(2022, 12, 31),
            published_paid_total=Decimal("582.92"),
        ),
        editor,
    )
    for level, amount, paid_on, reference in PAYMENTS:
        record_payment(plan, level, amount, paid_on, reference, editor)
    evaluation = Evaluation.objects.filter(owner=owner, project=NAME).first()
    if evaluation is not None:
        apply_to_evaluation(plan, evaluation, editor)
