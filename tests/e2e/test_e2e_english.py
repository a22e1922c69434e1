"""The evaluation page in English, in a real browser: the core's explanations and findings,
and an editing error, read in English after the language switch; Chinese data stays as written.
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


def row(page: Page, name: str) -> Any:
    return page.locator("tr", has=page.locator("td", has_text=name)).first


def test_the_evaluation_page_reads_in_english(
    live_server: Any, page: Page, screenshot: Any
) -> None:
    demo.load(SEEDS)
    evaluation = Evaluation.objects.get(project="产业发展及结构调整经费")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("jx_editor")
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("语言").select_option("en")  # the switch submits the form itself
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(f"{base}/evaluations/{evaluation.pk}/")
    # The seed's published 培训合格率 row: met but deducted, without a deviation note.
    finding = page.locator("p.finding", has_text="MET_BUT_DEDUCTED")
    expect(finding).to_contain_text("meets the target")
    expect(finding).to_contain_text("培训合格率")  # the table's own words stay as written
    expect(finding).not_to_contain_text("已达到年度指标值")
    trained = row(page, "培训人数(人)")
    expect(trained.locator(".why")).to_contain_text("rule set")
    expect(trained.locator(".why")).not_to_contain_text("年度指标值")

    actual = trained.get_by_label("Actual")
    actual.fill("250")
    actual.press("Tab")  # htmx re-renders the body in the same language
    expect(page.locator("#total")).to_have_text("87.50")
    expect(row(page, "培训人数(人)").locator(".why")).to_contain_text("rule set")

    weight = row(page, "培训人数(人)").get_by_label("Weight")
    weight.fill("abc")
    weight.press("Tab")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("must be a number")
    expect(alert).not_to_contain_text("分值须为数字")
    screenshot("english")

    page.get_by_text("Export tables and reports").click()  # the menu: documents × formats
    score_sheet_pdf = page.get_by_role("link", name="Score sheet (PDF)")
    expect(score_sheet_pdf).to_be_visible()
    expect(score_sheet_pdf).to_have_attribute(
        "href", f"/evaluations/{evaluation.pk}/export/score_sheet.pdf"
    )
    screenshot("english-exports")
