"""Audit findings on the web in the user's language: English from the core_text audit catalog,
the core's own Chinese by default (the same text as the CLI and the JSON export)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from test_web_summaries import summary_url, table  # noqa: F401  (a fixture)

from jixiao.web.evaluations.models import Evaluation

pytestmark = pytest.mark.django_db

# world.jx is seed 000 产业发展: 培训合格率 95 vs 70 scored 23.57/25, total 98.57 recomputed 100.
CHINESE = [
    "发布总分 98.57，重新计算为 100",
    "实际完成值“95”已达到年度指标值“70”，却只得 23.57/25，且未说明偏差原因",
    "填报得分 23.57 与",
]
ENGLISH = [
    "Published total 98.57, recomputed as 100",
    "The actual value “95” meets the target “70”, yet the score is only 23.57/25"
    " and no deviation note explains why",
    "Reported score 23.57 differs from the ",
    'title="Total differs from the recomputation">\n      <span class="code">TOTAL_MISMATCH',
    'title="Target met but points deducted">\n      <span class="code">MET_BUT_DEDUCTED',
]


def in_language(client: Client, language: str) -> Client:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/evaluations/"})
    assert response.status_code == 302
    return client


def findings_of(client: Client, evaluation: Evaluation) -> str:
    """The page's 审核发现 aside, unescaped."""
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    return html.unescape(page.split('<aside class="findings">')[1].split("</aside>")[0])


@pytest.mark.parametrize("persona", ["owner", "viewer", "reviewer"])
def test_the_evaluation_page_shows_findings_in_english(world, login, persona) -> None:
    aside = findings_of(in_language(login(getattr(world, persona)), "en"), world.jx)
    for english in ENGLISH:
        assert english in aside, english
    assert "Total: " in aside  # the audit's own path 总分, translated
    for chinese in [*CHINESE, "总分", "重新计算为", "偏差原因", "计算结果"]:
        assert chinese not in aside, chinese
    assert "培训合格率" in aside  # the table's own words stay as written


def test_chinese_is_the_cores_own_text(world, login) -> None:
    client = in_language(in_language(login(world.owner), "en"), "zh-hans")
    aside = findings_of(client, world.jx)
    for chinese in CHINESE:
        assert chinese in aside, chinese
    assert 'title="总分与重新计算不符">\n      <span class="code">TOTAL_MISMATCH' in aside
    assert "总分：" in aside
    for english in ENGLISH[:3]:
        assert english not in aside


def test_an_outsider_still_sees_nothing(world, login) -> None:
    client = in_language(login(world.outsider), "en")
    assert client.get(reverse("evaluations:detail", args=[world.jx.pk])).status_code == 404


def test_the_department_summary_shows_findings_in_english(world, table, login) -> None:  # noqa: F811
    """新墙材 executed 42.25 % yet its 自评 computes 优: zhejiang allows 中 at best."""
    client = in_language(login(world.owner), "en")
    page = html.unescape(client.get(summary_url(world.department)).content.decode())
    expected = (
        "Execution rate 42.25%: under {rules} the conclusion can be at best “中”; published as “优”"
    )
    rules_title = client.get(summary_url(world.department)).context["table"].rules.title
    assert page.count(expected.format(rules=rules_title)) == 2  # in the row and in the aside
    assert (
        'title="Grade above the execution-rate cap"><span class="code">GRADE_RULE_VIOLATION' in page
    )
    assert "结论最高为" not in page

    chinese = html.unescape(
        in_language(client, "zh-hans").get(summary_url(world.department)).content.decode()
    )
    assert f"执行率 42.25%，按{rules_title}结论最高为“中”，发布为“优”" in chinese
    assert "the conclusion can be at best" not in chinese
