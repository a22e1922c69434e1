"""补贴申报 in a real browser, on the demo's 江油 relief fund: an enterprise applies with an
attachment, a blacklisted one is refused with the reason, a reviewer approves, and the 公示
list downloads as an Excel file whose total is the sum of the grants."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from jixiao.web.evaluations import demo
from jixiao.web.orgs.models import Membership, Organisation
from jixiao.web.subsidies import demo as subsidies_demo
from jixiao.web.subsidies.models import Application, SubsidyPolicy
from jixiao.web.subsidies.services import approved_total

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def load_demo() -> None:
    """This app's demo (``subsidies.demo.load`` and its users), on the 江油 工信局 of the main
    demo: independent of the other apps' demo data."""
    owner = Organisation.objects.create(
        name=subsidies_demo.OWNER,
        kind=Organisation.Kind.DEPARTMENT,
        region=demo.region(subsidies_demo.JIANGYOU),
    )
    orgs = {owner.name: owner}
    subsidies_demo.load(orgs)
    for user in subsidies_demo.USERS:
        account = get_user_model().objects.create_user(
            user.username, password=demo.DEMO_PASSWORD, first_name=user.name
        )
        Membership.objects.create(
            user=account, organisation=orgs[user.organisation], role=user.role
        )


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="补贴申报")).to_be_visible()


def fill_application(page: Page, code: str, category: str, cost: str) -> None:
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("补贴类别").select_option(label=category)
    page.get_by_label("费用金额（万元）").fill(cost)
    page.get_by_label("费用发生起始日").fill("2022-01-01")
    page.get_by_label("费用发生截止日").fill("2022-06-30")
    page.get_by_label("佐证材料").set_input_files(
        [{"name": "申请表.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="提交申报").click()


def test_apply_refuse_approve_and_export(
    live_server: Any, page: Page, screenshot: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    policy = SubsidyPolicy.objects.get(name=subsidies_demo.POLICY)
    before = approved_total(policy)
    base = live_server.url
    liuhe = subsidies_demo.ENTERPRISES[subsidies_demo.LIUHE]
    refused = subsidies_demo.ENTERPRISES[subsidies_demo.REFUSED]

    # An enterprise applies for its 水电费 of 2022-01..06.
    log_in(page, base, "jy_enterprise")
    page.get_by_role("link", name="补贴申报").click()
    page.get_by_role("link", name=subsidies_demo.POLICY).click()
    page.get_by_role("link", name="我要申报").click()
    expect(page.get_by_label("企业名称")).to_have_value(subsidies_demo.LIUHE)
    fill_application(page, liuhe, "水电费", "64.8")
    expect(page.locator("#status")).to_have_text("已提交")
    expect(page.get_by_role("link", name="申请表.pdf")).to_be_visible()
    screenshot("submitted")
    application = Application.objects.get(credit_code=liuhe, category__name="水电费")

    # A blacklisted enterprise is refused at submission, with the reason; nothing is saved.
    log_in(page, base, "jy_enterprise_b")
    page.goto(f"{base}/subsidies/{policy.pk}/apply/")
    fill_application(page, refused, "物流费", "30")
    expect(page.locator("#refused")).to_contain_text(
        "未通过信用审查：该企业列入失信名单（信用中国）"
    )
    screenshot("refused")
    assert not Application.objects.filter(credit_code=refused, category__name="物流费").exists()

    # The department's reviewer approves: 64.8 × 10 % = 6.48 万元.
    log_in(page, base, "jy_ind_reviewer")
    page.goto(f"{base}/subsidies/{policy.pk}/?status=submitted")
    row = page.locator("#applications tr", has_text="水电费").filter(has_text=subsidies_demo.LIUHE)
    row.get_by_role("button", name="通过").click()
    expect(page.get_by_text("补贴 6.48 万元")).to_be_visible()
    application.refresh_from_db()
    assert application.grant == Decimal("6.48")
    total = approved_total(policy)
    assert total == before + Decimal("6.48")
    screenshot("approved")

    # The 公示 list, exported to Excel.
    page.get_by_role("link", name="公示名单").click()
    expect(page.locator("#notice-total")).to_have_text(f"{total:.2f}")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[2] == ["序号", "企业名称", "统一社会信用代码", "补贴类别", "补贴金额（万元）"]
    body = rows[3:-1]
    assert [subsidies_demo.LIUHE, liuhe, "水电费", 6.48] in [r[1:] for r in body]
    assert refused not in [r[2] for r in body]
    assert rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][4])) == total
    assert sum(Decimal(str(r[4])) for r in body) == total
    screenshot("notice")
