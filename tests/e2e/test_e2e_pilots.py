"""One park's year of seed 003 in a real browser: the park builds its catalogue and submits its
plan; the county's approval is refused while a catalogue breach is unjustified, then given; the
first tranche (30 %) is paid; a service is recorded with evidence; the quarterly report is
returned for a missing invoice, fixed and approved; the mid-term table (附件2) is exported and
opened with openpyxl.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from jixiao.web.evaluations import demo
from jixiao.web.orgs.models import Membership, Organisation
from jixiao.web.orgs.roles import Role
from jixiao.web.pilots.models import EvidenceFile, Park, QuarterlyReport, TranchePayment

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
PARK = "示例县数字经济产业园"  # the demo's second park: plan still in draft, nothing paid
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="绩效评价")).to_be_visible()


def open_park(page: Page) -> None:
    page.get_by_role("link", name="园区试点").first.click()
    page.get_by_role("link", name="园区精准服务中小微企业财政专项激励试点").first.click()
    page.get_by_role("link", name=PARK).click()
    expect(page.get_by_role("heading", name=PARK)).to_be_visible()


def add_offer(page: Page, institution: str, service: str, product: str, price: str) -> None:
    form = page.locator("form.entry-form")
    form.get_by_label("服务机构").fill(institution)
    form.get_by_label("服务类型").select_option(label=service)
    form.get_by_label("服务产品").fill(product)
    form.get_by_label("价格（万元）").fill(price)
    form.get_by_label("市场参考价（万元）").fill(price)
    form.get_by_role("button", name="添加").click()
    expect(page.get_by_text("已加入服务机构清单。")).to_be_visible()


def upload(page: Page, kind: str, name: str, content: bytes, dated: str = "") -> None:
    form = page.locator("form.evidence-form")
    form.get_by_label("资料类型").select_option(label=kind)
    if dated:
        form.get_by_label("资料日期").fill(dated)
    mime = "application/pdf" if name.endswith(".pdf") else "image/png"
    form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )
    form.get_by_role("button", name="上传").click()
    expect(page.get_by_text("已上传佐证资料。")).to_be_visible()


def test_one_park_year(
    live_server: Any, page: Page, screenshot: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    demo.load(SEEDS)
    park = Park.objects.get(owner__name=PARK)
    user = get_user_model().objects.create_user("park_b_editor", password=demo.DEMO_PASSWORD)
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(name=PARK), role=Role.EDITOR
    )
    base = live_server.url

    # The park: its catalogue, then the plan to the county.
    log_in(page, base, "park_b_editor")
    open_park(page)
    page.get_by_role("link", name="服务计划和服务机构").click()
    add_offer(page, "示例人力资源有限公司", "人才招聘", "专场招聘会", "0.5")
    add_offer(page, "示例企业管理咨询有限公司", "企业诊断", "企业全面诊断", "1.5")
    expect(page.locator("#breaches li")).to_have_count(2)
    page.get_by_role("button", name="提交县（市、区）审核").click()
    expect(page.locator("#plan-state")).to_have_text("待县审核")

    # The county: approval refused while the breaches are unjustified; returned.
    log_in(page, base, "county_reviewer")
    open_park(page)
    page.get_by_role("link", name="服务计划和服务机构").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages .error")).to_contain_text(
        "不能审核通过：“人才招聘”类服务机构仅 1 家"
    )
    expect(page.locator("#plan-state")).to_have_text("待县审核")
    page.get_by_label("退回意见").fill("请说明服务机构不足2家的理由")
    page.get_by_role("button", name="退回").click()
    expect(page.locator("#plan-state")).to_have_text("已退回")

    # The park justifies and submits again; the county approves and pays 30 %.
    log_in(page, base, "park_b_editor")
    open_park(page)
    page.get_by_role("link", name="服务计划和服务机构").click()
    expect(page.get_by_text("请说明服务机构不足2家的理由")).to_be_visible()
    reasons = page.locator("form.plan-form textarea[name^=justification]")
    expect(reasons).to_have_count(2)
    reasons.nth(0).fill("本县仅一家人力资源服务机构")
    reasons.nth(1).fill("第二家诊断机构在遴选中")
    page.locator("form.plan-form").get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存服务计划。")).to_be_visible()
    expect(page.locator("#blockers")).to_have_count(0)
    page.get_by_role("button", name="提交县（市、区）审核").click()

    log_in(page, base, "county_reviewer")
    open_park(page)
    page.get_by_role("link", name="服务计划和服务机构").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#plan-state")).to_have_text("审核通过")
    open_park(page)
    expect(page.locator("#targets-state")).to_have_text("已审核锁定")
    page.get_by_role("link", name="资金拨付").click()
    pay = page.locator("form.pay-form")
    pay.get_by_label("拨付批次").select_option(value="second")
    pay.get_by_label("拨付日期").fill("2023-05-20")
    pay.get_by_role("button", name="拨付").click()
    expect(pay.locator(".error")).to_have_text("首笔资金尚未拨付，不能拨付第二笔资金")
    pay.get_by_label("拨付批次").select_option(value="first")
    pay.get_by_role("button", name="拨付").click()  # not before the plan's approval: today
    expect(pay.locator(".error")).to_contain_text("拨付日期 2023-05-20 早于服务计划审核通过日期")
    pay.get_by_label("拨付日期").fill(timezone.localdate().isoformat())
    pay.get_by_role("button", name="拨付").click()
    expect(page.locator("#tranche-first .paid")).to_have_text("45")
    screenshot("tranches")
    assert TranchePayment.objects.get(park=park).amount == Decimal(45)  # 30 % of 150

    # The park records a recruitment fair with its notice and photos, but no invoice.
    log_in(page, base, "park_b_editor")
    open_park(page)
    page.get_by_role("link", name="服务记录").click()
    form = page.locator("form.record-form")
    form.get_by_label("编号").fill("R-2023-01")
    form.get_by_label("服务项目").select_option(label="人才招聘")
    form.get_by_label("服务日期").fill("2023-06-10")
    form.get_by_label("费用（万元）").fill("0.5")
    form.get_by_label("服务机构").select_option(label="示例人力资源有限公司")
    form.get_by_label("家次（不填则按所选企业计）").fill("20")
    form.get_by_role("button", name="保存服务记录").click()
    expect(page.get_by_role("heading", name="服务记录 R-2023-01")).to_be_visible()
    expect(page.locator("#missing li")).to_have_count(3)
    upload(page, "活动通知", "招聘会通知.pdf", PDF)
    upload(page, "活动照片", "现场照片.png", PNG)
    expect(page.locator("#missing")).to_have_text("缺少费用发票（附件1）")
    record_page = page.url

    page.goto(f"{base}/pilots/parks/{park.pk}/quarters/2/")
    expect(page.locator("#gaps")).to_contain_text("R-2023-01：缺少费用发票（附件1）")
    page.get_by_role("button", name="提交县（市、区）审核").click()
    expect(page.locator("#report-state")).to_have_text("待县审核")

    # The county returns it for the missing invoice.
    log_in(page, base, "county_reviewer")
    page.goto(f"{base}/pilots/parks/{park.pk}/quarters/2/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages .error")).to_contain_text("缺少费用发票")
    page.get_by_label("退回意见").fill("R-2023-01 缺少费用发票，请补传")
    page.get_by_role("button", name="退回").click()
    expect(page.locator("#report-state")).to_have_text("已退回")

    # The park uploads the invoice and submits again; the county approves.
    log_in(page, base, "park_b_editor")
    page.goto(f"{base}/pilots/parks/{park.pk}/quarters/2/")
    expect(page.locator("#return-note")).to_contain_text("R-2023-01 缺少费用发票，请补传")
    page.goto(record_page)
    upload(page, "费用发票", "发票.pdf", PDF)
    expect(page.locator("#missing")).to_have_text("佐证资料齐全。")
    page.goto(f"{base}/pilots/parks/{park.pk}/quarters/2/")
    page.get_by_role("button", name="提交县（市、区）审核").click()

    log_in(page, base, "county_reviewer")
    page.goto(f"{base}/pilots/parks/{park.pk}/quarters/2/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#report-state")).to_have_text("审核通过")
    report = QuarterlyReport.objects.get(park=park)
    assert [s["action"] for s in report.steps] == ["submit", "return", "submit", "approve"]
    assert EvidenceFile.objects.filter(record__park=park).count() == 3

    # The mid-term table, from the records, as Excel.
    open_park(page)
    page.get_by_role("link", name="中期评价（附件2）").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    sheet = load_workbook(path).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    recruitment = next(r for r in rows if r and r[0] == "人才招聘")
    assert recruitment[:5] == ["人才招聘", 4, 1, 60, 20]  # targets and what the record did
    assert any(PARK in str(c) for r in rows for c in r)
