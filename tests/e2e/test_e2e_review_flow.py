"""The whole flow in a real browser: enter values, see the score change without a reload,
submit, return with a comment, fix, resubmit, approve — and a forbidden user is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="绩效评价")).to_be_visible()


def row(page: Page, name: str) -> Any:
    return page.locator("tr", has=page.locator("td", has_text=name)).first


def test_enter_submit_return_fix_approve(live_server: Any, page: Page, screenshot: Any) -> None:
    demo.load(SEEDS)
    evaluation = Evaluation.objects.get(project="产业发展及结构调整经费")
    base = live_server.url

    log_in(page, base, "jx_editor")
    screenshot("list")
    page.get_by_role("link", name=evaluation.title).click()
    expect(page.locator("#total")).to_have_text("100")
    marker = page.evaluate("() => (window.__noReload = 'still here')")
    assert marker == "still here"

    actual = row(page, "培训人数(人)").get_by_label("实际完成值")
    actual.fill("250")
    actual.press("Tab")  # change event → htmx posts the row
    expect(page.locator("#total")).to_have_text("87.50")
    expect(page.locator("#grade")).to_have_text("良")
    assert page.evaluate("() => window.__noReload") == "still here"  # no reload happened
    screenshot("after-edit")

    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#status")).to_have_text("已提交")
    expect(row(page, "培训人数(人)").get_by_label("实际完成值")).to_have_count(0)  # locked

    log_in(page, base, "jx_reviewer")
    page.goto(f"{base}/evaluations/{evaluation.pk}/")
    page.get_by_placeholder("意见（退回时必填）").fill("请补充培训合格率的偏差原因")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator("#status")).to_have_text("已退回")

    log_in(page, base, "jx_editor")
    page.goto(f"{base}/evaluations/{evaluation.pk}/")
    expect(page.get_by_text("请补充培训合格率的偏差原因")).to_be_visible()
    note = row(page, "培训合格率(%)").get_by_label("偏差原因分析及改进措施")
    note.fill("考核标准提高，按计划改进")
    note.press("Tab")
    expect(page.locator("p.finding", has_text="MET_BUT_DEDUCTED")).to_have_count(0)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#status")).to_have_text("已提交")

    log_in(page, base, "jx_reviewer")
    page.goto(f"{base}/evaluations/{evaluation.pk}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#status")).to_have_text("已通过")
    screenshot("approved")

    page.get_by_role("link", name="操作记录").click()
    expect(page.get_by_text("jixiao.evaluation.approve")).to_be_visible()
    screenshot("history")


def test_a_user_of_another_county_is_refused(live_server: Any, page: Page, screenshot: Any) -> None:
    demo.load(SEEDS)
    evaluation = Evaluation.objects.get(project="产业发展及结构调整经费")
    log_in(page, live_server.url, "xt_editor")
    expect(page.get_by_role("link", name=evaluation.title)).to_have_count(0)
    response = page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("页面不存在，或您无权查看。")).to_be_visible()
    screenshot("refused")


def test_create_a_self_evaluation_from_the_standard_template(
    live_server: Any, page: Page, screenshot: Any
) -> None:
    demo.load(SEEDS)
    log_in(page, live_server.url, "jx_editor")
    page.get_by_role("link", name="新建评价").click()
    page.locator("tr", has_text="项目支出绩效自评表（执行率/产出/效益/满意度）").get_by_role(
        "link", name="按此模板新建"
    ).click()
    page.get_by_label("标题").fill("2022年度企业服务平台运营项目 项目支出绩效自评表")
    page.get_by_label("项目/政策").fill("企业服务平台运营项目")
    page.get_by_label("年度").fill("2022")
    page.get_by_label("全年预算数（万元）").fill("100")
    page.get_by_label("全年执行数（万元）").fill("95")
    page.get_by_role("button", name="创建评价").click()

    # 95 / 100 × 10 = 9.5; the placeholders have no values yet. Zhejiang: 95 % executed.
    expect(page.locator("#status")).to_have_text("草稿")
    expect(page.locator("#total")).to_have_text("9.50")
    quantity = row(page, "三级指标（待填写）")  # the first placeholder: 数量指标, 10 points
    quantity.get_by_label("年度指标值").fill(">100家")
    quantity.get_by_label("年度指标值").press("Tab")
    expect(quantity.locator(".why")).to_contain_text("年度指标值“>100家”")  # swapped in
    quantity.get_by_label("实际完成值").fill("120家")
    quantity.get_by_label("实际完成值").press("Tab")
    expect(page.locator("#total")).to_have_text("19.50")
    screenshot("from-template")
