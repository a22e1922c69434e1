"""The shared money-flow ledger (资金流水): a flow exists exactly when its source payment does
(co-funding payments, pilot tranche payments, a pilot recovery), refused sources leave none,
each party sees the flows of what it may see, totals are exact, the export is a real .xlsx.

World: the pilots demo (浙江省经信厅 above 示例县经信局 above two parks; 示例县财政局; the
创业园's first tranche of 60 万元 paid on 2023-05-12 through the service) and a 江油 co-funding
plan (640.58, 3:3:4) owned by 江油市工业和信息化局, with 江油市财政局 above it by region.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook
from web_world import make_org, make_region, make_user

from jixiao.core.cofunding import CofundingError
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evaluation import Measure
from jixiao.core.pilots.tranches import Tranche
from jixiao.web.cofunding.models import CofundingPlan, Payment
from jixiao.web.cofunding.services import record_payment, remove_payment, save_plan
from jixiao.web.ledger.models import FlowKind, MoneyFlow
from jixiao.web.ledger.services import flows_for, source_key
from jixiao.web.orgs.models import Organisation, Region
from jixiao.web.orgs.roles import Role
from jixiao.web.pilots import demo, services
from jixiao.web.pilots.models import Park, TranchePayment

D = Decimal
Kind = Organisation.Kind
PAYMENTS_002 = [
    ("county", "256.232", date(2022, 10, 24)),
    ("city", "192.174", date(2023, 6, 12)),
    ("province", "134.52", date(2023, 7, 19)),
]


@dataclass
class LW:
    park: Park
    other: Park
    plan: CofundingPlan
    park_editor: Any
    park_viewer: Any
    other_editor: Any
    county: Any
    finance: Any
    province: Any
    jy_owner: Any
    jy_reviewer: Any
    outsider: Any


@pytest.fixture(scope="module")
def module_lw(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        orgs: dict[str, Organisation] = {}
        demo.load(orgs)
        sichuan = make_region("四川省", Region.Level.PROVINCE)
        mianyang = make_region("绵阳市", Region.Level.CITY, sichuan)
        jiangyou = make_region("江油市", Region.Level.COUNTY, mianyang)
        hunan = make_region("湖南省", Region.Level.PROVINCE)
        department = make_org("江油市工业和信息化局", Kind.DEPARTMENT, jiangyou)
        jy_finance = make_org("江油市财政局", Kind.FINANCE_BUREAU, jiangyou)
        stranger = make_org("湘潭县科技和工业信息化局", Kind.DEPARTMENT, hunan)
        jy_owner = make_user("jy_owner", department, Role.EDITOR)
        plan = save_plan(
            CofundingPlan(
                owner=department,
                name="江油市中小微企业纾困资金",
                approved_total=D("640.58"),
                cost_share="3:3:4",
                policy_date=date(2022, 7, 24),
                deadline=date(2022, 12, 31),
            ),
            jy_owner,
        )
        yield LW(
            park=Park.objects.get(owner__name=demo.PARK),
            other=Park.objects.get(owner__name="示例县数字经济产业园"),
            plan=plan,
            park_editor=make_user("park_editor", orgs[demo.PARK], Role.EDITOR),
            park_viewer=make_user("park_viewer", orgs[demo.PARK], Role.VIEWER),
            other_editor=make_user("other_park", orgs["示例县数字经济产业园"], Role.EDITOR),
            county=make_user("county_reviewer", orgs["示例县经济和信息化局"], Role.REVIEWER),
            finance=make_user("finance_reviewer", orgs["示例县财政局"], Role.REVIEWER),
            province=make_user("zj_province", orgs[demo.PROVINCE], Role.REVIEWER),
            jy_owner=jy_owner,
            jy_reviewer=make_user("jy_reviewer", jy_finance, Role.REVIEWER),
            outsider=make_user("outsider", stranger, Role.EDITOR),
        )
        transaction.set_rollback(True)


@pytest.fixture
def lw(module_lw: LW, db: None) -> LW:
    return copy.deepcopy(module_lw)


def url(name: str, *args: Any) -> str:
    return reverse(f"ledger:{name}", args=args)


def text(response: Any) -> str:
    return str(response.content.decode())


def pay_002(lw: LW) -> list[Payment]:
    return [
        record_payment(lw.plan, level, amount, on, "", lw.jy_owner)
        for level, amount, on in PAYMENTS_002
    ]


def source_keys() -> set[str]:
    return set(MoneyFlow.objects.values_list("source", flat=True))


# Flows follow their sources -----------------------------------------------------------------


def test_each_source_payment_has_exactly_one_flow(lw: LW) -> None:
    """The demo's first tranche went through the service: its flow is there."""
    first = TranchePayment.objects.get(park=lw.park, tranche=Tranche.FIRST.value)
    flow = flows_for(first).get()
    assert flow.kind == FlowKind.PAYMENT and flow.amount == D(60)
    assert flow.on == date(2023, 5, 12) == first.paid_on
    assert flow.payee == lw.park.owner and flow.owner == lw.park.owner
    assert flow.payer is not None and flow.payer.name == "示例县财政局"
    assert flow.reason == first.grounds
    assert source_keys() == {f"pilots.tranchepayment:{first.pk}"}


def test_cofunding_payments_appear_and_disappear_with_their_flows(lw: LW) -> None:
    payments = pay_002(lw)
    for payment in payments:
        flow = flows_for(payment).get()
        assert flow.amount == payment.amount and flow.on == payment.paid_on
        assert flow.owner == lw.plan.owner and flow.payer is None and flow.payee is None
    assert flows_for(payments[2]).get().payer_label == "省级财政"
    remove_payment(payments[1], lw.jy_owner)
    assert not flows_for(payments[1]).exists()
    assert MoneyFlow.objects.filter(owner=lw.plan.owner).count() == 2


@pytest.mark.parametrize(
    ("level", "amount", "on"),
    [
        ("county", "-1", date(2022, 10, 24)),  # negative
        ("county", "1.00001", date(2022, 10, 24)),  # 5 decimals
        ("county", "10", date(2022, 1, 1)),  # before the policy date
        ("district", "10", date(2022, 10, 24)),  # no such level
    ],
)
def test_a_refused_cofunding_payment_leaves_no_flow(
    lw: LW, level: str, amount: str, on: date
) -> None:
    before = source_keys()
    with pytest.raises(CofundingError):
        record_payment(lw.plan, level, amount, on, "", lw.jy_owner)
    assert source_keys() == before
    assert not Payment.objects.filter(plan=lw.plan).exists()


def test_a_refused_tranche_leaves_no_flow(lw: LW) -> None:
    before = source_keys()
    for tranche, on in (
        (Tranche.FIRST, date(2023, 6, 1)),  # never twice
        (Tranche.SECOND, date(2023, 9, 1)),  # no county decision yet
        (Tranche.FINAL, date(2024, 3, 1)),  # no mid-term result
    ):
        with pytest.raises(PilotError):
            services.pay_tranche(lw.park, tranche, on, lw.county)
    with pytest.raises(PilotError):  # the other park's plan is not approved
        services.pay_tranche(lw.other, Tranche.FIRST, date(2023, 6, 1), lw.county)
    assert source_keys() == before


def test_a_flow_is_rolled_back_with_its_source(lw: LW) -> None:
    """record_flow runs in the source's transaction: undo the payment, the flow goes too."""

    class UndoError(Exception):
        pass

    with pytest.raises(UndoError), transaction.atomic():
        record_payment(lw.plan, "county", "256.232", date(2022, 10, 24), "", lw.jy_owner)
        assert MoneyFlow.objects.filter(owner=lw.plan.owner).count() == 1
        raise UndoError
    assert not MoneyFlow.objects.filter(owner=lw.plan.owner).exists()
    assert not Payment.objects.filter(plan=lw.plan).exists()


def test_the_second_tranche_and_a_recovery_are_flows(lw: LW) -> None:
    services.decide_second(lw.park, date(2023, 8, 20), "机制运行良好", D("0.5"), lw.county)
    second = services.pay_tranche(lw.park, Tranche.SECOND, date(2023, 9, 1), lw.county)
    assert flows_for(second).get().amount == D(100)
    with pytest.raises(PilotError):  # more than was paid (160)
        services.decide_final(
            lw.park, date(2025, 2, 1), [Measure.RECOVER], "目标未完成", D(0), D(161), lw.province
        )
    assert not flows_for(lw.park, "recovery").exists()
    services.decide_final(
        lw.park,
        date(2025, 2, 1),
        [Measure.NOTICE, Measure.RECOVER],
        "目标未完成",
        D(0),
        D("20.123456"),
        lw.province,
    )
    recovery = flows_for(lw.park, "recovery").get()
    assert (
        recovery.source == source_key(lw.park, "recovery") == f"pilots.park:{lw.park.pk}#recovery"
    )
    assert recovery.kind == FlowKind.RECOVERY and recovery.amount == D("20.123456")
    assert recovery.payer == lw.park.owner and recovery.payee_label == "浙江省"


def test_a_decision_without_recovery_records_no_flow(lw: LW) -> None:
    services.decide_final(
        lw.park, date(2025, 2, 1), [Measure.NOTICE], "进度滞后", D(0), D(0), lw.province
    )
    assert not flows_for(lw.park, "recovery").exists()


# Pages, scoping, totals, export -------------------------------------------------------------


def _listed(client: Any, **query: Any) -> str:
    response = client.get(url("list"), query)
    assert response.status_code == 200
    return text(response)


def test_each_party_sees_the_flows_of_what_it_sees(lw: LW, login: Any) -> None:
    pay_002(lw)
    park_flow = MoneyFlow.objects.get(owner=lw.park.owner)
    jy_flow = MoneyFlow.objects.filter(owner=lw.plan.owner).first()
    assert jy_flow is not None
    for user in (lw.park_editor, lw.park_viewer, lw.county, lw.finance, lw.province):
        client = login(user)
        page = _listed(client)
        assert "示例县小微企业创业园：首笔资金" in page or demo.PARK in page
        assert "江油市中小微企业纾困资金" not in page
        assert client.get(url("detail", park_flow.pk)).status_code == 200
        assert client.get(url("detail", jy_flow.pk)).status_code == 404
    for user in (lw.jy_owner, lw.jy_reviewer):
        client = login(user)
        page = _listed(client)
        assert "江油市中小微企业纾困资金" in page and demo.PARK not in page
        assert client.get(url("detail", jy_flow.pk)).status_code == 200
        assert client.get(url("detail", park_flow.pk)).status_code == 404
    for user in (lw.other_editor, lw.outsider):
        client = login(user)
        page = _listed(client)
        assert "没有可查看的资金流水" in page
        assert client.get(url("detail", park_flow.pk)).status_code == 404
        assert client.get(url("detail", jy_flow.pk)).status_code == 404
        assert client.get(url("export"), {"owner": lw.park.owner.pk}).status_code == 404
        workbook = load_workbook(BytesIO(client.get(url("export")).content))
        assert workbook.active is not None and workbook.active.max_row == 6  # no flow rows
    assert login(None).get(url("list")).status_code == 302


def test_totals_are_exact_and_filters_narrow_them(lw: LW, login: Any) -> None:
    pay_002(lw)
    client = login(lw.jy_reviewer)
    page = _listed(client)
    assert 'id="total-payments">582.926<' in page
    assert 'id="total-recoveries">0<' in page
    page = _listed(client, year=2023)
    assert 'id="total-payments">326.694<' in page  # 192.174 + 134.52
    page = _listed(client, year=2022, kind="payment")
    assert 'id="total-payments">256.232<' in page
    page = _listed(client, kind="recovery")
    assert 'id="total-payments">0<' in page and "没有可查看的资金流水" in page


def test_the_export_holds_numbers_and_the_totals(lw: LW, login: Any) -> None:
    pay_002(lw)
    response = login(lw.jy_owner).get(url("export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None
    assert [c.value for c in ws[3]][:5] == ["日期", "类型", "付款方", "收款方", "金额（万元）"]
    amounts = [ws.cell(row=r, column=5).value for r in range(4, 7)]
    assert amounts == [256.232, 192.174, 134.52]  # numbers, oldest first
    assert all(isinstance(a, float) for a in amounts)
    assert ws.cell(row=4, column=2).value == "拨付"
    assert ws.cell(row=7, column=4).value == "拨付合计"
    assert D(str(ws.cell(row=7, column=5).value)) == D("582.926")
    assert ws.cell(row=8, column=5).value == 0 and ws.cell(row=9, column=4).value == "净拨付"


def test_a_recovery_shows_in_the_totals_of_the_county(lw: LW, login: Any) -> None:
    services.decide_final(
        lw.park, date(2025, 2, 1), [Measure.RECOVER], "目标未完成", D(0), D("12.5"), lw.province
    )
    page = _listed(login(lw.county))
    assert 'id="total-payments">60<' in page
    assert 'id="total-recoveries">12.5<' in page
    assert 'id="total-net">47.5<' in page
    ws = load_workbook(BytesIO(login(lw.finance).get(url("export")).content)).active
    assert ws is not None
    kinds = [ws.cell(row=r, column=2).value for r in range(4, 6)]
    assert kinds == ["拨付", "收回"]
    assert ws.cell(row=8, column=5).value == 47.5


def test_the_flow_page_links_to_its_source(lw: LW, login: Any) -> None:
    flow = MoneyFlow.objects.get(owner=lw.park.owner)
    page = text(login(lw.park_viewer).get(url("detail", flow.pk)))
    assert reverse("pilots:tranches", args=[lw.park.pk]) in page
    assert "60" in page and "示例县财政局" in page


def test_the_english_page_renders(lw: LW, login: Any) -> None:
    client = login(lw.county, HTTP_ACCEPT_LANGUAGE="en")
    page = _listed(client)
    assert "Money flows" in page


def test_a_renamed_plan_renames_its_flows_and_labels_stay_chinese(lw: LW, login: Any) -> None:
    client = login(lw.jy_owner, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("cofunding:payment_add", args=[lw.plan.pk]),
        {"level": "city", "amount": "192.174", "paid_on": "2023-06-12", "reference": ""},
    )
    assert response.status_code == 302
    flow = MoneyFlow.objects.get(owner=lw.plan.owner)
    assert flow.payer_label == "市级财政"  # stored data, not the request's language
    lw.plan.name = "江油市纾困资金（更名）"
    save_plan(lw.plan, lw.jy_owner)
    flow.refresh_from_db()
    assert flow.source_label == "江油市纾困资金（更名）：市级拨付"
    assert flow.payee_label == "江油市纾困资金（更名）资金使用对象"
