"""Seed 000's 附件一 in a real browser: the 嘉兴 editor sets up the guarantee-fee allocation,
enters the four applicants (a negative balance is refused), computes 880.73 + 18.40 + 4.90 =
904.03 with the 4th applicant excluded, confirms; the 财政局 reviewer sees it read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from jixiao.web.allocations.models import AllocationRun
from jixiao.web.evaluations import demo

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CRITERION = "年化担保费率在 1.5% (含) 以下"


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="绩效评价")).to_be_visible()


def add(page: Page, name: str, balance: str, rate: str) -> None:
    form = page.locator("form#add-candidate")
    form.get_by_label("名称").fill(name)
    form.get_by_label("小微企业贷款融资担保业务月均余额（万元）").fill(balance)
    form.get_by_label("年化担保费率（%）").fill(rate)
    form.get_by_role("button", name="添加").click()


def test_enter_the_guarantee_allocation_and_reproduce_annex_one(
    live_server: Any, page: Page, screenshot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "EXTENSION_APPS", [])  # the seed evaluations, no demo run
    demo.load(SEEDS)
    base = live_server.url

    log_in(page, base, "jx_editor")
    page.get_by_role("link", name="因素法分配").click()
    page.get_by_role("link", name="新建分配").click()
    page.locator("#id_name").fill("2021年度融资担保降费奖补")
    page.get_by_label("年度").fill("2021")
    page.get_by_label("分配总额（万元）").fill("904.03")
    page.get_by_label("表格标题").fill("融资性担保机构中央奖补资金分配表")
    page.get_by_label("舍入方法").select_option(value="balance_to_largest")
    page.get_by_label("属性列（每行：属性名 | 列标题）").fill(
        "月均余额 | 小微企业贷款融资担保业务月均余额（万元）\n年化担保费率 | 年化担保费率（%）"
    )
    page.get_by_label("分配因素（每行：属性名 | 权重，权重合计为 1）").fill("月均余额 | 0.9")
    page.get_by_label("分配条件（每行：属性名 | 比较符 | 比较值 | 标签）").fill(
        f"年化担保费率 | <= | 1.5 | {CRITERION}"
    )
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_text("分配因素的权重合计须为 1，实为 0.9")).to_be_visible()
    page.get_by_label("分配因素（每行：属性名 | 权重，权重合计为 1）").fill("月均余额 | 1")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("heading", name="2021年度融资担保降费奖补")).to_be_visible()

    add(page, "嘉兴市小微企业信保基金融资担保有限公司", "-175362.53", "0.78")
    expect(page.locator("#error")).to_contain_text("不能为负数")
    add(page, "嘉兴市小微企业信保基金融资担保有限公司", "175362.53", "0.78")
    add(page, "嘉兴市兴农担保有限责任公司", "3662.89", "1.06")
    add(page, "嘉兴市农信融资担保有限责任公司", "975.00", "0.87")
    add(page, "嘉兴鼎信投资担保有限公司", "", "2.00")
    expect(page.locator("#candidates tbody tr")).to_have_count(4)

    page.locator("#compute").click()
    result = page.locator("#result")
    expect(result.locator("tbody tr")).to_have_count(3)
    expect(result.locator("tbody tr").nth(0)).to_contain_text("880.73")
    expect(result.locator("tbody tr").nth(1)).to_contain_text("18.40")
    expect(result.locator("tbody tr").nth(2)).to_contain_text("4.90")
    expect(page.locator("#result-total")).to_contain_text("180000.42")
    expect(page.locator("#result-total")).to_contain_text("904.03")
    expect(page.locator("#excluded")).to_contain_text("嘉兴鼎信投资担保有限公司")
    expect(page.locator("#excluded")).to_contain_text(f"不符合“{CRITERION}”")
    expect(page.get_by_text("0.0050223", exact=False)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot("computed")

    page.locator("#confirm").click()
    expect(page.locator("#status")).to_have_text("已确认")
    expect(page.locator("#compute")).to_have_count(0)
    run = AllocationRun.objects.get()
    assert run.status == AllocationRun.Status.CONFIRMED
    assert run.result is not None and run.result["total"] == "904.03"

    log_in(page, base, "jx_reviewer")
    page.goto(f"{base}/allocations/{run.pk}/")
    expect(page.locator("#result-total")).to_contain_text("904.03")
    expect(page.locator("form#add-candidate")).to_have_count(0)
