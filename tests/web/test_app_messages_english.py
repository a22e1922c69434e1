"""With English chosen, the messages the core writes for allocations, subsidies, co-funding and
pilots read in English on the pages; in Chinese (the default) they are as before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from web_world import make_org, make_region, make_user

from jixiao.core.credit_code import complete
from jixiao.web.allocations import demo as allocation_demo
from jixiao.web.allocations.models import AllocationRun
from jixiao.web.cofunding.models import CofundingPlan
from jixiao.web.cofunding.services import save_plan
from jixiao.web.orgs.models import Organisation, Region
from jixiao.web.orgs.roles import Role
from jixiao.web.pilots import demo as pilot_demo
from jixiao.web.pilots.models import Park
from jixiao.web.subsidies.models import SubsidyPolicy

pytestmark = pytest.mark.django_db

D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS = ["序号", "机构名称", "小微企业贷款融资担保业务月均余额（万元）", "年化担保费率（%）"]


def in_language(client: Client, language: str) -> Client:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    return client


def xlsx_upload(rows: list[list[object]]) -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("对象.xlsx", buffer.getvalue(), content_type=XLSX)


# Allocations -------------------------------------------------------------------------------


@pytest.fixture
def run(world) -> AllocationRun:  # type: ignore[no-untyped-def]
    return allocation_demo.load({allocation_demo.OWNER: world.department})


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "must be a number, got “三千”"),
        ("zh-hans", "须为数字，实为“三千”"),
    ],
)
def test_a_bad_allocation_import(
    world, login, run: AllocationRun, language: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login(world.owner), language)
    rows = [HEADINGS, [1, "甲担保公司", 100, 1.0], [2, "乙担保公司", "三千", 1.2]]
    response = client.post(
        reverse("allocations:import", args=[run.pk]), {"upload": xlsx_upload(rows)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    if language == "en":
        assert "须为数字" not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Row 3: “乙” lacks “年化担保费率”, which a condition needs"),
        ("zh-hans", "第 3 行：「乙」缺少条件所需的「年化担保费率」"),
    ],
)
def test_an_allocation_error_found_by_the_core(
    world, login, run: AllocationRun, language: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login(world.owner), language)
    rows = [HEADINGS, [1, "甲", 100, 1], [2, "乙", 50, None]]
    response = client.post(
        reverse("allocations:import", args=[run.pk]), {"upload": xlsx_upload(rows)}
    )
    assert response.status_code == 400
    assert words in response.content.decode()


def test_a_bad_factor_weight_reads_in_english(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login(world.owner), "en")
    response = client.post(
        reverse("allocations:settings", args=[run.pk]),
        {
            "name": run.name,
            "year": run.year,
            "pot": "904.03",
            "title": run.title,
            "candidate_label": run.candidate_label,
            "rounding": run.rounding,
            "attributes_text": "",
            "factors_text": "小微企业贷款融资担保业务月均余额 | 0.5",
            "rules_text": "",
        },
    )
    assert response.status_code == 400
    assert "The weights of the allocation factors must sum to 1, got 0.5" in (
        response.content.decode()
    )


@pytest.mark.parametrize(("language", "words"), [("en", "Fails “"), ("zh-hans", "不符合“")])
def test_the_excluded_candidates_reason(
    world, login, run: AllocationRun, language: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    assert run.result is not None and run.result["excluded"]
    page = in_language(login(world.owner), language).get(
        reverse("allocations:detail", args=[run.pk])
    )
    assert words in page.content.decode()
    run.refresh_from_db()
    assert run.result["excluded"][0]["reason"].startswith("不符合“")  # stored as computed


# Pilots ------------------------------------------------------------------------------------


@dataclass
class Pilots:
    park: Park
    other: Park
    editor: Any
    other_editor: Any
    county: Any


@pytest.fixture
def pilots(db: None) -> Pilots:
    orgs: dict[str, Organisation] = {}
    pilot_demo.load(orgs)
    other = "示例县数字经济产业园"
    return Pilots(
        park=Park.objects.get(owner__name=pilot_demo.PARK),
        other=Park.objects.get(owner__name=other),
        editor=make_user("park_editor", orgs[pilot_demo.PARK], Role.EDITOR),
        other_editor=make_user("other_park", orgs[other], Role.EDITOR),
        county=make_user("county_reviewer", orgs["示例县经济和信息化局"], Role.REVIEWER),
    )


CATALOGUE_ENTRY = {
    "institution": "示例人力资源公司",
    "service": "recruitment",
    "product": "招聘会",
    "price": "0.6",
    "market_price": "0.5",
    "unit": "次",
}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "The price of “招聘会” from “示例人力资源公司”, 0.6 (10k yuan), is above the market"
                " reference price, 0.5 (10k yuan) (guide 3(3))",
                "Only 1 institutions offer “Recruitment”",
                "Cannot be approved: Only 1 institutions offer “Recruitment”; in principle at least 2"
                " (guide 3(3)), and no reason is given; Only 0 institutions",
            ],
        ),
        (
            "zh-hans",
            [
                "“示例人力资源公司”的“招聘会”价格 0.6 万元高于市场参考价 0.5 万元（工作指南三（三））",
                "“人才招聘”类服务机构仅 1 家",
                "不能审核通过：“人才招聘”类服务机构仅 1 家，原则上不少于 2 家（工作指南三（三）），且未说明理由；"
                "“企业诊断”类服务机构仅 0 家",
            ],
        ),
    ],
)
def test_the_breaches_of_a_pilot_plan(
    pilots: Pilots, login: Any, language: str, words: list[str]
) -> None:
    editor = in_language(login(pilots.other_editor), language)
    editor.post(reverse("pilots:catalogue_add", args=[pilots.other.pk]), CATALOGUE_ENTRY)
    page = editor.get(reverse("pilots:plan", args=[pilots.other.pk])).content.decode()
    editor.post(reverse("pilots:plan_action", args=[pilots.other.pk]), {"action": "submit"})
    county = in_language(login(pilots.county), language)
    refused = county.post(
        reverse("pilots:plan_action", args=[pilots.other.pk]), {"action": "approve"}, follow=True
    )
    page += refused.content.decode()
    for word in words:
        assert word in page
    if language == "en":
        assert "高于市场参考价" not in page and "类服务机构仅" not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "The money may not pay for Wages (guide 4(4): the provincial incentive money"),
        ("zh-hans", "资金不得用于人员工资（工作指南四（四）：省级财政激励资金专款专用"),
    ],
)
def test_a_refused_service_record(pilots: Pilots, login: Any, language: str, words: str) -> None:
    editor = in_language(login(pilots.editor), language)
    record = {
        "ref": "P-2023-09",
        "service": "training",
        "on": "2023-07-20",
        "cost": "0.8",
        "institution": "示例职业技能培训学校",
        "sessions": "1",
        "enterprise_visits": "30",
        "use": "wages",
    }
    page = editor.post(reverse("pilots:records", args=[pilots.park.pk]), record).content.decode()
    assert words in page


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Target progress table (quarterly) (Q"), ("zh-hans", "绩效目标完成情况表（季报）（")],
)
def test_the_pilot_to_do_list(pilots: Pilots, login: Any, language: str, words: str) -> None:
    page = in_language(login(pilots.editor), language).get(reverse("pilots:home"))
    assert words in page.content.decode()


# Subsidies ---------------------------------------------------------------------------------


@pytest.fixture
def subsidy_policy(db: None) -> tuple[SubsidyPolicy, Any]:
    sichuan = make_region("四川省", Region.Level.PROVINCE)
    jiangyou = make_region("江油市", Region.Level.COUNTY, make_region("绵阳市", 2, sichuan))
    department = make_org("江油市工业和信息化局", Organisation.Kind.DEPARTMENT, jiangyou)
    policy = SubsidyPolicy.objects.create(
        owner=department, name="江油市中小微企业纾困资金", year=2022, opens_on=date(2022, 7, 24)
    )
    return policy, make_user("dept_reviewer", department, Role.REVIEWER)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "名单.csv: row 3: The check character (18th) of the unified social credit code"
            " does not match; please check for a typing mistake",
        ),
        ("zh-hans", "名单.csv：第 3 行：统一社会信用代码校验位（第18位）不符，请核对是否填错"),
    ],
)
def test_a_bad_blacklist_row(
    subsidy_policy: tuple[SubsidyPolicy, Any], login: Any, language: str, words: str
) -> None:
    policy, reviewer = subsidy_policy
    good = complete("91510781MA6JY001")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = f"统一社会信用代码,企业名称\n{good},甲\n{wrong},乙\n".encode()
    client = in_language(login(reviewer), language)
    response = client.post(
        reverse("subsidies:blacklist", args=[policy.pk]),
        {"upload": SimpleUploadedFile("名单.csv", content)},
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not policy.blacklist.exists()


def test_a_bad_category_reads_in_english(
    subsidy_policy: tuple[SubsidyPolicy, Any], login: Any
) -> None:
    from jixiao.web.subsidies import services

    policy, reviewer = subsidy_policy
    with translation.override("en"), pytest.raises(services.SubsidyActionError) as refused:
        services.create_policy(
            policy.owner,
            user=reviewer,
            name="新政策",
            year=2022,
            opens_on=date(2022, 7, 1),
            closes_on=None,
            categories=[
                services.CategoryInput(
                    "物流费", date(2022, 6, 30), date(2022, 1, 1), D("0.1"), D("5")
                )
            ],
        )
    assert str(refused.value) == "The basis period of the category “物流费” starts after it ends"


# Co-funding --------------------------------------------------------------------------------


@pytest.fixture
def cofunding_owner(db: None) -> tuple[Organisation, Any]:
    sichuan = make_region("四川省", Region.Level.PROVINCE)
    jiangyou = make_region("江油市", Region.Level.COUNTY, make_region("绵阳市", 2, sichuan))
    department = make_org("江油市工业和信息化局", Organisation.Kind.DEPARTMENT, jiangyou)
    return department, make_user("jy_owner", department, Role.EDITOR)


PLAN_FORM = {
    "name": "江油市中小微企业纾困资金",
    "approved_total": "640.58",
    "cost_share": "3:3:4",
    "policy_date": "2022-07-24",
    "deadline": "2022-12-31",
    "published_paid_total": "582.92",
}


@pytest.mark.parametrize(
    ("language", "field", "value", "words"),
    [
        (
            "en",
            "cost_share",
            "3:3",
            "Cost share: must be three numbers, province:city:county, such as 3:3:4, got “3:3”",
        ),
        ("zh-hans", "cost_share", "3:3", "分担比例：须为 省:市:县 三个数，如 3:3:4，实为“3:3”"),
        ("en", "cost_share", "0.3:0.3:0.3", "Cost share: the shares must sum to 1, got 0.9"),
        ("en", "approved_total", "-640.58", "Approved total: cannot be negative, got -640.58"),
        (
            "en",
            "published_paid_total",
            "-1",
            "Reported total paid: cannot be negative, got -1",
        ),
    ],
)
def test_a_refused_cofunding_plan(
    cofunding_owner: tuple[Organisation, Any],
    login: Any,
    language: str,
    field: str,
    value: str,
    words: str,
) -> None:
    department, owner = cofunding_owner
    client = in_language(login(owner), language)
    data = {**PLAN_FORM, "owner": department.pk, field: value}
    response = client.post(reverse("cofunding:plan_new"), data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not CofundingPlan.objects.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "The date of payment 1 (County, 2022-07-01): is before the policy date 2022-07-24",
        ),
        ("zh-hans", "第 1 笔拨付（县，2022-07-01）的拨付日期：早于政策日期 2022-07-24"),
    ],
)
def test_a_payment_before_the_policy_date(
    cofunding_owner: tuple[Organisation, Any], login: Any, language: str, words: str
) -> None:
    department, owner = cofunding_owner
    plan = save_plan(
        CofundingPlan(
            owner=department,
            name="江油市中小微企业纾困资金",
            approved_total=D("640.58"),
            cost_share="3:3:4",
            policy_date=date(2022, 7, 24),
            deadline=date(2022, 12, 31),
        ),
        owner,
    )
    client = in_language(login(owner), language)
    response = client.post(
        reverse("cofunding:payment_add", args=[plan.pk]),
        {"level": "county", "amount": "1", "paid_on": "2022-07-01"},
    )
    assert response.status_code == 200
    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words", "not_there"),
    [
        ("en", "Cost invoice is missing (Annex 1)", "缺少费用发票"),
        ("zh-hans", "缺少费用发票（附件1）", "Cost invoice"),
    ],
)
def test_the_evidence_a_record_lacks(
    pilots: Pilots, login: Any, language: str, words: str, not_there: str
) -> None:
    client = in_language(login(pilots.editor), language)
    page = client.get(reverse("pilots:records", args=[pilots.park.pk])).content.decode()
    assert words in page and not_there not in page
