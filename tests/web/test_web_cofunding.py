"""Co-funding plans and payments on the web: seed 002 reconciled, who may do what, bad numbers
that change nothing, and the evaluation rows that take their figures from the payments.

A small 江油 world: 江油市工业和信息化局 (owner 填报人, viewer 只读) and 江油市财政局 (reviewer
审核人) in 四川省/绵阳市/江油市; an outsider 填报人 of 湘潭县; the 002 evaluation owned by the
department.
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
from docx import Document
from openpyxl import load_workbook
from web_world import JIANGYOU_SEED, make_org, make_region, make_user, seed

from jixiao.web.cofunding.link import LinkError
from jixiao.web.cofunding.models import CofundingPlan, FundingLink, Payment
from jixiao.web.cofunding.services import (
    apply_to_evaluation,
    funding_rows,
    record_payment,
    save_plan,
)
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import document_rows, import_case_file, update_row
from jixiao.web.history.models import ActionLog
from jixiao.web.history.services import history_of
from jixiao.web.orgs.models import Organisation, Region
from jixiao.web.orgs.roles import Role

D = Decimal
Kind = Organisation.Kind
EXECUTION, BUDGET, TIMELY = "0.1.2", "0.2.1", "0.2.2"  # 执行有效, 预算完成, 完成及时 in seed 002
PAYMENTS_002 = [
    ("county", "256.232", "2022-10-24"),
    ("city", "192.174", "2023-06-12"),
    ("province", "134.52", "2023-07-19"),
]


@dataclass
class JY:
    department: Organisation
    finance: Organisation
    evaluation: Evaluation
    owner: Any
    viewer: Any
    reviewer: Any
    outsider: Any


@pytest.fixture(scope="module")
def module_jy(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        sichuan = make_region("四川省", Region.Level.PROVINCE)
        mianyang = make_region("绵阳市", Region.Level.CITY, sichuan)
        jiangyou = make_region("江油市", Region.Level.COUNTY, mianyang)
        hunan = make_region("湖南省", Region.Level.PROVINCE)
        xiangtan = make_region("湘潭县", Region.Level.COUNTY, hunan)
        department = make_org("江油市工业和信息化局", Kind.DEPARTMENT, jiangyou)
        finance = make_org("江油市财政局", Kind.FINANCE_BUREAU, jiangyou)
        other = make_org("湘潭县科技和工业信息化局", Kind.DEPARTMENT, xiangtan)
        yield JY(
            department=department,
            finance=finance,
            evaluation=import_case_file(seed(JIANGYOU_SEED), department),
            owner=make_user("jy_owner", department, Role.EDITOR, first_name="江油填报人"),
            viewer=make_user("jy_viewer", department, Role.VIEWER),
            reviewer=make_user("jy_reviewer", finance, Role.REVIEWER),
            outsider=make_user("xt_outsider", other, Role.EDITOR),
        )
        transaction.set_rollback(True)


@pytest.fixture
def jy(module_jy: JY, db: None) -> JY:
    return copy.deepcopy(module_jy)


def new_plan(jy: JY, **fields: Any) -> CofundingPlan:
    values: dict[str, Any] = {
        "owner": jy.department,
        "name": "江油市中小微企业纾困资金",
        "approved_total": D("640.58"),
        "cost_share": "3:3:4",
        "policy_date": date(2022, 7, 24),
        "deadline": date(2022, 12, 31),
        "published_paid_total": D("582.92"),
        **fields,
    }
    return save_plan(CofundingPlan(**values), jy.owner)


def paid_002(plan: CofundingPlan, user: Any) -> None:
    for level, amount, paid_on in PAYMENTS_002:
        record_payment(plan, level, amount, date.fromisoformat(paid_on), "", user)


def url(name: str, *args: Any) -> str:
    return reverse(f"cofunding:{name}", args=args)


PLAN_FORM = {
    "owner": "",
    "name": "江油市中小微企业纾困资金",
    "approved_total": "640.58",
    "cost_share": "3:3:4",
    "policy_date": "2022-07-24",
    "deadline": "2022-12-31",
    "published_paid_total": "582.92",
}


# Seeing -----------------------------------------------------------------------------------------


def test_the_list_shows_plans_by_owner_scope(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    for user in (jy.owner, jy.viewer, jy.reviewer):
        page = login(user).get(url("plan_list")).content.decode()
        assert plan.name in page and "582.926" in page and "57.654" in page
    assert plan.name not in login(jy.outsider).get(url("plan_list")).content.decode()
    assert login(None).get(url("plan_list")).status_code == 302  # to the login page


def test_the_reconciliation_page_shows_seed_002(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    page = login(jy.reviewer).get(url("plan_detail", plan.pk)).content.decode()
    province = page.split('id="level-province"')[1].split("</tr>")[0]
    for figure in ("192.174", "134.52", "70.00", "21.00", "57.654", "2023-07-19", ">200<"):
        assert figure in province, figure
    county = page.split('id="level-county"')[1].split("</tr>")[0]
    assert "256.232" in county and ">0<" in county
    totals = page.split('id="totals"')[1].split("</tr>")[0]
    for figure in ("640.58", "582.926", "91.00", "57.654"):
        assert figure in totals, figure
    assert "报告所列 582.92 为拨付合计 582.926 截断至 2 位小数" in page
    assert 'id="share">3:3:4<' in page
    assert "登记拨付" not in page and url("plan_edit", plan.pk) not in page  # reviewer: read only


def test_an_outsider_gets_404_everywhere(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    client = login(jy.outsider)
    for name, method in [
        ("plan_detail", "get"),
        ("plan_edit", "get"),
        ("plan_edit", "post"),
        ("payment_add", "post"),
        ("plan_apply", "post"),
    ]:
        assert getattr(client, method)(url(name, plan.pk)).status_code == 404, name
    assert client.get(url("export", plan.pk, "xlsx")).status_code == 404


# Creating and changing plans --------------------------------------------------------------------


def test_the_owner_creates_a_plan_and_it_is_logged(jy: JY, login: Any) -> None:
    data = {**PLAN_FORM, "owner": jy.department.pk}
    response = login(jy.owner).post(url("plan_new"), data)
    plan = CofundingPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == url("plan_detail", plan.pk)
    assert (plan.approved_total, plan.cost_share, plan.owner) == (
        D("640.58"),
        "3:3:4",
        jy.department,
    )
    entry = history_of(plan).get()
    assert entry.action == "jixiao.cofunding.plan.created" and entry.user == jy.owner
    assert entry.data["after"]["approved_total"] == "640.58"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("approved_total", "-640.58", "不能为负数"),
        ("approved_total", "abc", "请输入数字"),
        ("approved_total", "1.123456", "最多保留 4 位小数"),
        ("cost_share", "0.3:0.3:0.3", "各级比例合计须为 1，实为 0.9"),
        ("cost_share", "3:3", "须为 省:市:县 三个数"),
        ("deadline", "2022-07-01", "拨付期限不能早于政策日期"),
        ("policy_date", "2022-13-40", "请输入日期"),
        ("published_paid_total", "-1", "不能为负数"),
    ],
)
def test_bad_numbers_change_nothing(
    jy: JY, login: Any, field: str, value: str, message: str
) -> None:
    data = {**PLAN_FORM, "owner": jy.department.pk, field: value}
    response = login(jy.owner).post(url("plan_new"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CofundingPlan.objects.exists()
    assert not ActionLog.objects.filter(action__startswith="jixiao.cofunding").exists()


def test_who_may_create(jy: JY, login: Any) -> None:
    for user in (jy.viewer, jy.reviewer):
        assert login(user).get(url("plan_new")).status_code == 403
        assert login(user).post(url("plan_new"), {**PLAN_FORM}).status_code == 403
    # an editor elsewhere may not create for 江油's department
    response = login(jy.outsider).post(url("plan_new"), {**PLAN_FORM, "owner": jy.department.pk})
    assert "您不能为该单位建立资金分担计划" in response.content.decode()
    assert not CofundingPlan.objects.exists()


def test_editing_is_logged_and_read_only_users_get_403(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    data = {**PLAN_FORM, "approved_total": "700"}
    for user in (jy.viewer, jy.reviewer):
        assert login(user).post(url("plan_edit", plan.pk), data).status_code == 403
    plan.refresh_from_db()
    assert plan.approved_total == D("640.58")
    assert login(jy.owner).post(url("plan_edit", plan.pk), data).status_code == 302
    plan.refresh_from_db()
    assert plan.approved_total == D(700)
    entry = history_of(plan).first()
    assert entry is not None and entry.action == "jixiao.cofunding.plan.changed"
    assert entry.data["before"] == {"approved_total": "640.58"}
    assert entry.data["after"] == {"approved_total": "700"}


def test_a_policy_date_after_a_payment_is_refused(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    data = {**PLAN_FORM, "policy_date": "2022-11-01"}
    page = login(jy.owner).post(url("plan_edit", plan.pk), data).content.decode()
    assert "早于政策日期 2022-11-01" in page
    plan.refresh_from_db()
    assert plan.policy_date == date(2022, 7, 24)


# Payments ---------------------------------------------------------------------------------------


def test_recording_the_three_payments(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    client = login(jy.owner)
    for level, amount, paid_on in PAYMENTS_002:
        response = client.post(
            url("payment_add", plan.pk), {"level": level, "amount": amount, "paid_on": paid_on}
        )
        assert response.status_code == 302
    rec = plan.reconciliation()
    assert (rec.paid, rec.shortfall) == (D("582.926"), D("57.654"))
    assert {p.recorded_by for p in plan.payments.all()} == {jy.owner}
    actions = [e.action for e in history_of(plan)]
    assert actions.count("jixiao.cofunding.payment.recorded") == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": "province", "amount": "-134.52", "paid_on": "2023-07-19"}, "不能为负数"),
        ({"level": "province", "amount": "0", "paid_on": "2023-07-19"}, "须大于 0"),
        ({"level": "central", "amount": "1", "paid_on": "2023-07-19"}, "未知级次"),
        (
            {"level": "county", "amount": "1", "paid_on": "2022-07-01"},
            "早于政策日期 2022-07-24",
        ),
        ({"level": "county", "amount": "1", "paid_on": ""}, "请填写拨付日期"),
    ],
)
def test_bad_payments_change_nothing(
    jy: JY, login: Any, data: dict[str, str], message: str
) -> None:
    plan = new_plan(jy)
    response = login(jy.owner).post(url("payment_add", plan.pk), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Payment.objects.exists()
    assert [e.action for e in history_of(plan)] == ["jixiao.cofunding.plan.created"]


def test_read_only_users_may_not_record_or_remove(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    payment = plan.payments.first()
    assert payment is not None
    data = {"level": "province", "amount": "57.654", "paid_on": "2023-08-01"}
    for user in (jy.viewer, jy.reviewer):
        assert login(user).post(url("payment_add", plan.pk), data).status_code == 403
        remove = url("payment_remove", plan.pk, payment.pk)
        assert login(user).post(remove).status_code == 403
    assert plan.payments.count() == 3


def test_removing_a_payment_is_logged(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    payment = plan.payments.get(level="province")
    response = login(jy.owner).post(url("payment_remove", plan.pk, payment.pk))
    assert response.status_code == 302 and plan.payments.count() == 2
    entry = history_of(plan).first()
    assert entry is not None and entry.action == "jixiao.cofunding.payment.removed"
    assert entry.data["before"]["amount"] == "134.5200"


# Exports ----------------------------------------------------------------------------------------


def test_exports_open_with_the_seed_figures(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    client = login(jy.reviewer)  # a supervising reviewer may export
    xlsx = client.get(url("export", plan.pk, "xlsx"))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    ws = load_workbook(BytesIO(xlsx.content)).active
    assert ws is not None and ws["C4"].value == 192.174 and ws["D4"].value == 134.52
    assert ws["G4"].value == 57.654 and ws["D7"].value == 582.926
    docx = client.get(url("export", plan.pk, "docx"))
    table = Document(BytesIO(docx.content)).tables[0]
    assert [c.text for c in table.rows[1].cells][:7] == [
        "省",
        "30.00%",
        "192.174",
        "134.52",
        "70.00%",
        "21.00%",
        "57.654",
    ]
    assert client.get(url("export", plan.pk, "pdf")).status_code == 404


# The evaluation link ----------------------------------------------------------------------------


def rows_of(evaluation: Evaluation) -> dict[str, Any]:
    evaluation.refresh_from_db()
    return document_rows(evaluation.document)


def test_applying_sets_the_funding_rows_and_logs(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    evaluation = jy.evaluation
    version = evaluation.version
    response = login(jy.owner).post(url("plan_apply", plan.pk), {"evaluation": evaluation.pk})
    assert response.status_code == 302
    rows = rows_of(evaluation)
    assert rows[BUDGET]["actual"] == "91.00%"  # 预算完成: 582.926 / 640.58
    assert rows[EXECUTION]["facts"] == {"findings": 1}  # 省 short
    assert rows[TIMELY]["facts"] == {"plan_time": 160, "actual_time": 360}
    assert evaluation.version == version + 3
    # 执行有效 3 − 0.5 = 2.5 (published 1); 完成及时 360 > 2 × 160 → 0 (published 1)
    assert evaluation.computed_total == D("94.5")
    logged = ActionLog.objects.filter(evaluation=evaluation, action="jixiao.evaluation.row.changed")
    assert {entry.data["row"] for entry in logged} == {BUDGET, EXECUTION, TIMELY}
    applied = history_of(plan).first()
    assert applied is not None and applied.action == "jixiao.cofunding.plan.applied"
    assert applied.evaluation == evaluation
    link = FundingLink.objects.get(plan=plan, evaluation=evaluation)
    assert [entry["names"][-1] for entry in link.rows] == ["执行有效", "预算完成", "完成及时"]

    page = login(jy.owner).get(reverse("evaluations:detail", args=[evaluation.pk])).content
    assert page.decode().count("来自拨付记录") == 3


def test_typing_over_ends_the_claim_and_reapplying_follows_payments(jy: JY) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    evaluation = jy.evaluation
    apply_to_evaluation(plan, evaluation, jy.owner)
    evaluation.refresh_from_db()
    assert set(funding_rows(evaluation)) == {BUDGET, EXECUTION, TIMELY}

    evaluation = update_row(evaluation.pk, BUDGET, {"actual": "95%"}, evaluation.version, jy.owner)
    assert set(funding_rows(evaluation)) == {EXECUTION, TIMELY}

    # 省 pays the rest on time: re-applying puts the new figures in and reclaims the row
    record_payment(plan, "省", "57.654", date(2022, 12, 20), "补足", jy.owner)
    plan.payments.filter(level="province", amount=D("134.52")).update(paid_on=date(2022, 12, 1))
    plan.payments.filter(level="city").update(paid_on=date(2022, 11, 30))
    apply_to_evaluation(plan, evaluation, jy.owner)
    rows = rows_of(evaluation)
    assert rows[BUDGET]["actual"] == "100.00%"
    assert rows[EXECUTION]["facts"] == {"findings": 0}
    assert rows[TIMELY]["facts"] == {"plan_time": 160, "actual_time": 149}
    assert evaluation.computed_total == D(97)  # 94 + 2 (执行有效 3) + 1 (完成及时 2)
    assert set(funding_rows(evaluation)) == {BUDGET, EXECUTION, TIMELY}


def test_a_manual_score_also_ends_the_claim(jy: JY) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    apply_to_evaluation(plan, jy.evaluation, jy.owner)
    evaluation = Evaluation.objects.get(pk=jy.evaluation.pk)
    update_row(
        evaluation.pk,
        TIMELY,
        {"manual_score": "1", "manual_reason": "评价组酌情"},
        evaluation.version,
        jy.owner,
    )
    assert set(funding_rows(Evaluation.objects.get(pk=evaluation.pk))) == {BUDGET, EXECUTION}


def test_a_pending_level_leaves_timeliness_alone(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    record_payment(plan, "县", "256.232", date(2022, 10, 24), "", jy.owner)
    applied = apply_to_evaluation(plan, jy.evaluation, jy.owner)
    assert applied.skipped == ["通用指标 / 完成结果 / 完成及时"]
    assert "facts" not in rows_of(jy.evaluation)[TIMELY]


def test_applying_only_while_the_evaluation_is_editable(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    Evaluation.objects.filter(pk=jy.evaluation.pk).update(status=Evaluation.Status.SUBMITTED)
    before = Evaluation.objects.get(pk=jy.evaluation.pk).document
    client = login(jy.owner)
    response = client.post(url("plan_apply", plan.pk), {"evaluation": jy.evaluation.pk})
    assert response.status_code == 302
    page = client.get(url("plan_detail", plan.pk)).content.decode()
    assert "评价已提交，不能从拨付记录取值" in page
    assert Evaluation.objects.get(pk=jy.evaluation.pk).document == before
    assert not FundingLink.objects.exists()


def test_who_may_apply(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    data = {"evaluation": jy.evaluation.pk}
    assert login(jy.viewer).post(url("plan_apply", plan.pk), data).status_code == 403
    assert login(jy.reviewer).post(url("plan_apply", plan.pk), data).status_code == 403
    assert login(jy.outsider).post(url("plan_apply", plan.pk), data).status_code == 404
    zhuzhou = make_region("株洲市", Region.Level.CITY)
    elsewhere = make_org("株洲市中小企业发展服务中心", Kind.PROJECT_UNIT, zhuzhou)
    unseen = import_case_file(seed("004-zhuzhou-warm-enterprise.yaml"), elsewhere)
    response = login(jy.owner).post(url("plan_apply", plan.pk), {"evaluation": unseen.pk})
    assert response.status_code == 404
    assert not FundingLink.objects.exists()


def test_the_plan_page_says_when_payments_changed_since_applying(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    apply_to_evaluation(plan, jy.evaluation, jy.owner)
    client = login(jy.owner)
    assert "拨付记录已变化" not in client.get(url("plan_detail", plan.pk)).content.decode()
    record_payment(plan, "省", "57.654", date(2023, 8, 1), "", jy.owner)
    assert "拨付记录已变化" in client.get(url("plan_detail", plan.pk)).content.decode()


def test_another_method_on_a_funding_row_is_refused_and_changes_nothing(jy: JY) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    evaluation = Evaluation.objects.get(pk=jy.evaluation.pk)
    document = copy.deepcopy(evaluation.document)
    document_rows(document)[TIMELY]["method"] = "judgement"  # 完成及时 scored by judgement
    Evaluation.objects.filter(pk=evaluation.pk).update(document=document)
    with pytest.raises(
        LinkError, match="指标“通用指标 / 完成结果 / 完成及时”的评分方法为“judgement”"
    ):
        apply_to_evaluation(plan, evaluation, jy.owner)
    after = Evaluation.objects.get(pk=evaluation.pk)
    assert after.document == document and after.version == evaluation.version  # 执行有效 untouched
    assert not FundingLink.objects.exists()


def test_the_history_says_what_changed(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    data = {**PLAN_FORM, "deadline": "2023-06-30"}
    login(jy.owner).post(url("plan_edit", plan.pk), data)
    page = login(jy.viewer).get(url("plan_detail", plan.pk)).content.decode()
    history = page.split('id="history"')[1]
    assert "拨付期限：2022-12-31 → 2023-06-30" in history
    assert "省 134.52 2023-07-19" in history


def test_the_page_in_english(jy: JY, login: Any) -> None:
    plan = new_plan(jy)
    paid_002(plan, jy.owner)
    client = login(jy.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(url("plan_detail", plan.pk)).content.decode()
    assert "Co-funding and payments" in page and "Reconciliation" in page
    assert "<td>Provincial</td>" in page and "Shortfall" in page
    assert "582.92 is the total paid 582.926 truncated to 2 decimals" in page


# The approved total from a subsidy policy's approvals -------------------------------------------


def _policy_with_grants(jy: JY, grants: list[str]) -> Any:
    from jixiao.web.subsidies.models import Application, SubsidyCategory, SubsidyPolicy

    policy = SubsidyPolicy.objects.create(
        owner=jy.department, name="纾困资金补贴", year=2022, opens_on=date(2022, 7, 24)
    )
    category = SubsidyCategory.objects.create(
        policy=policy,
        name="物流费",
        period_start=date(2022, 1, 1),
        period_end=date(2022, 6, 30),
        rate=D("0.1"),
        cap=D("50"),
    )
    enterprise = make_org("江油某企业", Kind.ENTERPRISE, jy.department.region)
    for grant in grants:
        Application.objects.create(
            policy=policy,
            category=category,
            applicant=enterprise,
            enterprise_name=enterprise.name,
            credit_code="91510781MA6JY0010X",
            cost=D(grant) * 10,
            period_start=date(2022, 1, 1),
            period_end=date(2022, 6, 30),
            status=Application.Status.APPROVED,
            grant=D(grant),
        )
    return policy


def test_a_plan_takes_its_total_from_the_subsidy_approvals(jy: JY, login: Any) -> None:
    from jixiao.web.subsidies.models import Application

    policy = _policy_with_grants(jy, ["320.29", "320.29"])
    data = {
        **PLAN_FORM,
        "owner": jy.department.pk,
        "approved_total": "",
        "subsidy_policy": policy.pk,
    }
    response = login(jy.owner).post(url("plan_new"), data)
    plan = CofundingPlan.objects.get()
    assert response.status_code == 302
    assert (plan.subsidy_policy, plan.approved_total) == (policy, D("640.58"))
    assert (
        'id="subsidy-total-changed"'
        not in login(jy.owner).get(url("plan_detail", plan.pk)).content.decode()
    )

    # a further approval: the page says so, the owner takes the new total, and it is logged
    first = Application.objects.filter(policy=policy).first()
    assert first is not None
    Application.objects.create(
        policy=policy,
        category=first.category,
        applicant=first.applicant,
        enterprise_name=first.enterprise_name,
        credit_code=first.credit_code,
        cost=D("100"),
        period_start=first.period_start,
        period_end=first.period_end,
        status=Application.Status.APPROVED,
        grant=D("10"),
    )
    page = login(jy.reviewer).get(url("plan_detail", plan.pk)).content.decode()
    assert "650.58" in page.split('id="subsidy-total-changed"')[1].split("</div>")[0]
    assert url("plan_take_subsidy_total", plan.pk) not in page  # the reviewer only looks
    assert login(jy.reviewer).post(url("plan_take_subsidy_total", plan.pk)).status_code == 403
    assert login(jy.outsider).post(url("plan_take_subsidy_total", plan.pk)).status_code == 404
    assert login(jy.owner).post(url("plan_take_subsidy_total", plan.pk)).status_code == 302
    plan.refresh_from_db()
    assert plan.approved_total == D("650.58")
    entry = history_of(plan).first()
    assert entry is not None and entry.action == "jixiao.cofunding.plan.changed"
    assert (entry.data["before"]["approved_total"], entry.data["after"]["approved_total"]) == (
        "640.58",
        "650.58",
    )


def test_a_plan_needs_a_total_or_a_subsidy_policy(jy: JY, login: Any) -> None:
    data = {**PLAN_FORM, "owner": jy.department.pk, "approved_total": ""}
    response = login(jy.owner).post(url("plan_new"), data)
    assert "请填写批复总额，或选择补贴政策" in response.content.decode()
    assert not CofundingPlan.objects.exists()


def test_another_departments_subsidy_policy_cannot_be_chosen(jy: JY, login: Any) -> None:
    from jixiao.web.subsidies.models import SubsidyPolicy

    other = Organisation.objects.get(name="湘潭县科技和工业信息化局")
    policy = SubsidyPolicy.objects.create(
        owner=other, name="湘潭补贴", year=2022, opens_on=date(2022, 1, 1)
    )
    data = {**PLAN_FORM, "owner": jy.department.pk, "subsidy_policy": policy.pk}
    response = login(jy.owner).post(url("plan_new"), data)
    assert "所选补贴政策不存在或您无权查看" in response.content.decode()
    assert not CofundingPlan.objects.exists()
