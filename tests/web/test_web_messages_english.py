"""With English chosen, the messages the web layer writes itself (the evaluation grid's editing
errors, the bulk export's refusals, the execution-rate warnings) read in English; in Chinese
(the default) they are exactly as before.

``world.jx`` is the 000 industry self-evaluation (rows in test_web_indicators_tree.py).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jixiao.io import rulesets
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.models import execution_warnings
from jixiao.web.jobs.models import Job

pytestmark = pytest.mark.django_db


def in_language(client: Client, language: str) -> Client:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    return client


def post(client: Client, evaluation: Evaluation, path: str, version: int | None = None, **data):
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    payload = {"version": evaluation.version if version is None else version, **data}
    response = client.post(f"/evaluations/{evaluation.pk}/{path}", payload, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def alert(html: str) -> str:
    match = re.search(r'<p class="error" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("weight", "english", "chinese"),
    [
        (
            "abc",
            "The weight must be a number; “abc” is not a number",
            "分值须为数字，“abc”不是数字",
        ),
        (
            "101",
            "The weight must be between 0 and 100, not 101",
            "分值须在 0 到 100 之间，实为 101",
        ),
        (
            "1.234",
            "The weight may have at most two decimal places, not 1.234",
            "分值最多保留两位小数，实为 1.234",
        ),
    ],
)
def test_a_bad_weight_in_the_grid_reads_in_the_page_language(
    world, login, weight: str, english: str, chinese: str
) -> None:
    client = login(world.owner)
    assert alert(post(client, world.jx, "rows/1.0.0/weight/", weight=weight)) == chinese
    in_language(client, "en")
    html = post(client, world.jx, "rows/1.0.0/weight/", weight=weight)
    assert alert(html) == english
    assert Evaluation.objects.get(pk=world.jx.pk).version == 1  # nothing changed
    in_language(client, "zh-hans")
    assert alert(post(client, world.jx, "rows/1.0.0/weight/", weight=weight)) == chinese


def test_tree_edits_explain_themselves_in_english(world, login) -> None:
    client = in_language(login(world.owner), "en")
    html = post(
        client, world.jx, "indicators/add/", parent="1.0.0", name="子", weight="1", method="yes_no"
    )
    assert alert(html) == (
        "Indicator “培训人数(人)” already holds Target, Actual, Published score, so it "
        "cannot receive sub-indicators; clear these first, or add the indicator at the level above"
    )
    html = post(client, world.jx, "rows/0/move/", direction="up")
    assert alert(html) == "“执行率” is already the first at its level and cannot move up"
    html = post(client, world.jx, "rows/1.0.0/weight/", version=0, weight="20")
    assert alert(html).startswith(
        "Someone else has changed this evaluation (current version 1, you were editing version 0)"
    )
    assert not re.search(r"[\u4e00-\u9fff]", alert(html))


def test_the_same_tree_edits_in_chinese(world, login) -> None:
    client = login(world.owner)
    html = post(
        client, world.jx, "indicators/add/", parent="1.0.0", name="子", weight="1", method="yes_no"
    )
    assert alert(html) == (
        "指标“培训人数(人)”已填写年度指标值、实际完成值、发布得分，不能再添加下级指标；"
        "请先清空这些内容，或在其上级添加"
    )
    html = post(client, world.jx, "rows/0/move/", direction="up")
    assert alert(html) == "“执行率”已是同级第一个，不能再上移"


def test_a_bulk_export_refusal_is_stored_in_chinese_and_shown_in_english(world, login) -> None:
    client = in_language(login(world.owner), "en")
    form = {"table": "self", "format": "xlsx", "year": "2001", "department": "", "kind": ""}
    client.post("/jobs/export/", {**form, "organisation": world.department.pk})
    job = Job.objects.get()
    assert (job.status, job.message) == ("failed", "没有符合条件、您可以查看的评价")
    assert job.upload_name.endswith("-2001-xlsx")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "No evaluation that you may see matches the choice" in page
    assert "没有符合条件" not in page
    page = in_language(client, "zh-hans").get(f"/jobs/{job.pk}/").content.decode()
    assert "没有符合条件、您可以查看的评价" in page


def test_a_bulk_export_of_all_years_is_named_in_the_creators_language(world, login) -> None:
    client = in_language(login(world.owner), "en")
    form = {"table": "self", "format": "xlsx", "year": "", "department": "", "kind": ""}
    client.post("/jobs/export/", {**form, "organisation": world.department.pk})
    assert "-all years-xlsx" in Job.objects.get().upload_name


@pytest.mark.parametrize(
    ("percent", "english", "chinese"),
    [
        (
            "60",
            "Execution rate below 91%: the self-assessment grade may not be 优",
            "执行率低于91%，自评结论不得为优",
        ),
        (
            "40",
            "Execution rate below 50%: the self-assessment grade is 中 or lower",
            "执行率低于50%，自评结论为中及以下",
        ),
    ],
)
def test_execution_rate_warnings_follow_the_language(percent: str, english: str, chinese: str):
    rules = rulesets.load("zhejiang")
    with translation.override("en"):
        assert execution_warnings(rules, Decimal(percent)) == [english]
    with translation.override("zh-hans"):
        assert execution_warnings(rules, Decimal(percent)) == [chinese]


def test_the_department_summary_is_titled_in_the_page_language(world, login) -> None:
    url = reverse("summaries:department", args=[world.department.pk, 2021])
    client = login(world.owner)
    name = world.department.name
    assert f"<h1>2021年度{name}部门绩效自评结果汇总表</h1>" in client.get(url).content.decode()
    page = in_language(client, "en").get(url).content.decode()
    assert f"<h1>2021 performance self-assessment summary of {name}</h1>" in page
