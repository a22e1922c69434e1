"""Seed 002's money flow in a real browser: a 江油 editor sets up the 3:3:4 plan, records the
three payments (after a refused negative one), sees the 省 shortfall of 57.654, takes the
figures into the 002 evaluation; the 财政局 reviewer sees the same page read-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from jixiao.web.cofunding.models import Payment
from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="绩效评价")).to_be_visible()


def record(page: Page, level: str, amount: str, paid_on: str) -> None:
    form = page.locator("form.payment-form")
    form.get_by_label("级次").select_option(label=level)
    form.get_by_label("拨付金额（万元）").fill(amount)
    form.get_by_label("拨付日期").fill(paid_on)
    form.get_by_role("button", name="登记").click()


def test_record_the_payments_and_see_the_shortfall(
    live_server: Any, page: Page, screenshot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "EXTENSION_APPS", [])  # the seed evaluations, no demo plan
    demo.load(SEEDS)
    evaluation = Evaluation.objects.get(project="江油市中小微企业纾困资金")
    base = live_server.url

    log_in(page, base, "jy_editor")
    page.get_by_role("link", name="资金分担与拨付").click()
    page.get_by_role("link", name="新建资金分担计划").click()
    page.get_by_label("名称").fill("江油市中小微企业纾困资金")
    page.get_by_label("批复总额（万元）").fill("640.58")
    page.get_by_label("分担比例（省:市:县）").fill("0.3:0.3:0.3")
    page.get_by_label("政策日期").fill("2022-07-24")
    page.get_by_label("拨付期限").fill("2022-12-31")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("分担比例：各级比例合计须为 1，实为 0.9")).to_be_visible()
    page.get_by_label("分担比例（省:市:县）").fill("3:3:4")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#share")).to_have_text("3:3:4")

    record(page, "省", "-134.52", "2023-07-19")
    expect(page.get_by_text("拨付金额：不能为负数")).to_be_visible()
    assert not Payment.objects.exists()
    record(page, "县", "256.232", "2022-10-24")
    record(page, "市", "192.174", "2023-06-12")
    record(page, "省", "134.52", "2023-07-19")
    province = page.locator("#level-province")
    expect(province.locator(".expected")).to_have_text("192.174")
    expect(province.locator(".paid")).to_have_text("134.52")
    expect(province.locator(".shortfall")).to_have_text("57.654")
    expect(province.locator(".late")).to_have_text("200")
    expect(page.locator("#totals .paid")).to_have_text("582.926")
    expect(page.locator("#totals .arrival")).to_have_text("91.00")
    screenshot("reconciliation")

    page.get_by_label("绩效评价").select_option(value=str(evaluation.pk))
    page.get_by_role("button", name="从拨付记录取值").click()
    expect(page.get_by_text("已从拨付记录取值")).to_be_visible()
    page.locator("#links").get_by_role("link", name=evaluation.title).click()
    expect(page.locator(".from-payments")).to_have_count(3)
    expect(page.locator("#total")).to_have_text("94.50")
    screenshot("evaluation")

    log_in(page, base, "jy_reviewer")  # 江油市财政局: sees, may not record
    page.get_by_role("link", name="资金分担与拨付").click()
    page.get_by_role("link", name="江油市中小微企业纾困资金").click()
    expect(page.locator("#level-province .shortfall")).to_have_text("57.654")
    expect(page.get_by_role("button", name="登记")).to_have_count(0)
