"""The evaluation page shows the core's score explanations and method names in the user's
language: English from the core_text catalog, Chinese (the core's own text) by default."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from web_world import JIANGYOU_SEED, ZHUZHOU_SEED, seed

from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import document_rows, import_case_file
from jixiao.web.indicators.models import method_choices

pytestmark = pytest.mark.django_db

MARKUP = """<b onmouseover="x">'A' & B</b>"""


def in_language(client: Client, language: str) -> Client:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/evaluations/"})
    assert response.status_code == 302
    return client


def why_of(page: str, name: str) -> str:
    """The 计算过程 cell of the grid row named ``name``, as plain text."""
    match = re.search(
        rf'<tr id="row-\d+"[^>]*><td[^>]*>{re.escape(name)}</td>.*?<td class="why">(.*?)(?:<details|<div|</td>)',
        page,
        flags=re.S,
    )
    assert match, name
    return html.unescape(match.group(1))


def page_of(client: Client, evaluation: Evaluation) -> str:
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["owner", "viewer"])
def test_the_grid_explains_scores_in_english(world, login, persona) -> None:
    zhuzhou = import_case_file(seed(ZHUZHOU_SEED), world.department)
    client = in_language(login(getattr(world, persona)), "en")
    page = page_of(client, zhuzhou)
    assert why_of(page, "执行率") == (
        "[Execution rate × weight · rule set national@2020.1]"
        " 215.2 / 239.4 = 89.89% → 89.89% × 10 = 8.99"
    )
    assert why_of(page, "开展主题活动") == (
        "[Positive ratio · rule set national@2020.1] Target “》10”, Actual “30” — 30 ≥ 10 → 5/5"
    )
    assert "执行率×分值" not in page and "正向比率" not in page and "年度指标值“" not in page


def test_facts_missing_inputs_and_bands_in_english(world, login) -> None:
    jiangyou = import_case_file(seed(JIANGYOU_SEED), world.department)
    page = page_of(in_language(login(world.owner), "en"), jiangyou)
    assert "[Graded levels · rule set national@2020.1] Level: 严密 — 严密 → 1 × 3 = 3" in page
    assert (
        "[Findings deduction · rule set national@2020.1] Missing the number of findings"
        " (findings): cannot compute; the reported score 1/3 is used"
    ) in page
    assert "The evaluator scores from the evidence (0–3); the reported score 3/3 is used" in page
    for chinese in ("分级评分法", "缺少发现问题数", "评价人依据佐证酌情评分", "采用填报得分"):
        assert chinese not in page, chinese


def test_chinese_stays_the_cores_text(world, login) -> None:
    zhuzhou = import_case_file(seed(ZHUZHOU_SEED), world.department)
    client = login(world.owner)
    in_language(client, "en")
    in_language(client, "zh-hans")
    page = page_of(client, zhuzhou)
    assert why_of(page, "执行率") == (
        "[执行率×分值 · national@2020.1] 215.2 / 239.4 = 89.89% → 89.89% × 10 = 8.99"
    )
    assert why_of(page, "开展主题活动") == (
        "[正向比率 · national@2020.1] 年度指标值“》10”，实际完成值“30”：30 ≥ 10 → 5/5"
    )


def test_a_translated_explanation_is_escaped(world, login) -> None:
    zhuzhou = import_case_file(seed(ZHUZHOU_SEED), world.department)
    key = next(k for k, r in document_rows(zhuzhou.document).items() if r["name"] == "开展主题活动")
    client = in_language(login(world.owner), "en")
    response = client.post(
        reverse("evaluations:row_update", args=[zhuzhou.pk, key]),
        {"version": zhuzhou.version, "actual": MARKUP},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    zhuzhou.refresh_from_db()
    page = page_of(client, zhuzhou)
    assert MARKUP not in page
    assert f"Actual “{html.escape(MARKUP)}”" in page


def test_method_choices_follow_the_language() -> None:
    with translation.override("en"):
        english = dict(method_choices())
    with translation.override("zh-hans"):
        chinese = dict(method_choices())
    assert english["ratio_positive"] == "Positive ratio（ratio_positive）"
    assert chinese["ratio_positive"] == "正向比率（ratio_positive）"
