"""The pages as a user sees them: detail, list filters, the audit export, login, language."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from web_world import (
    GUARANTEE_SEED,
    INDUSTRY_SEED,
    JIANGYOU_SEED,
    PASSWORD,
    ZHUZHOU_SEED,
    seed,
)

from jixiao.core.review import review
from jixiao.io.audit_json import report_json
from jixiao.io.cases import from_document, plain, read_document
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import import_case_file, rules_for

pytestmark = pytest.mark.django_db

LIST = reverse("evaluations:list")
MAX_LIST_QUERIES = 5


def detail(evaluation: Evaluation) -> str:
    return reverse("evaluations:detail", args=[evaluation.pk])


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {evaluation.pk for evaluation in response.context["page"].object_list}


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="(row-\d+)"', html)


def finding_links(html: str) -> list[tuple[str, str]]:
    """(code, anchor) for every finding that links to a row."""
    return re.findall(
        r'<span class="code">([A-Z_]+)</span>\s*<a href="#(row-\d+)">', html, flags=re.S
    )


def row_html(html: str, anchor: str) -> str:
    match = re.search(rf'<tr id="{anchor}"[^>]*>.*?</tr>', html, flags=re.S)
    assert match, anchor
    return match.group(0)


def seed_report(name: str):
    case = from_document(plain(read_document(seed(name))), name)
    return review(case, rules_for(case))


# --- detail ------------------------------------------------------------------------------------


def test_detail_page_renders_scores_and_explanations_in_chinese(world, login):
    evaluation = import_case_file(seed(ZHUZHOU_SEED), world.department)
    html = html_of(login(world.owner).get(detail(evaluation)))

    for label in ("总分", "等级", "审核发现", "指标", "得分", "计算过程", "规则集"):
        assert label in html
    assert f"<h1>{evaluation.title}</h1>" in html
    assert '<strong id="total">95.99</strong>' in html
    assert '<strong id="grade">优</strong>' in html
    assert "national@2020.1" in html
    # the execution row's explanation, with the figures it used
    assert "215.2 / 239.4 = 89.89% → 89.89% × 10 = 8.99" in html
    assert "执行率×分值" in html
    # every indicator of the table, by name, each in its own row
    for name in (
        "执行率",
        "开展主题活动",
        "交办解决企业问题",
        "为企业减负",
        "企业满意率",
        "长效机制",
    ):
        assert f">{name}<" in html, name
    assert len(row_ids(html)) == len(seed_report(ZHUZHOU_SEED).result.scores) == 26
    assert "未发现问题" in html  # 004 audits clean


def test_detail_links_findings_to_existing_rows(world, login):
    html = html_of(login(world.owner).get(detail(world.jx)))
    ids = row_ids(html)
    assert len(ids) == len(set(ids)), "row ids must be unique"

    links = finding_links(html)
    codes = {code for code, _ in links}
    assert "MET_BUT_DEDUCTED" in codes
    assert "SCORE_METHOD_MISMATCH" in codes
    for _, anchor in links:
        assert anchor in ids
        assert f'href="#{anchor}"' in html

    anchor = dict(links)["MET_BUT_DEDUCTED"]
    row = row_html(html, anchor)
    assert "培训合格率(%)" in row
    assert "flagged" in row.split(">", 1)[0]
    # a finding about the whole table (总分) has no row to link to
    assert "TOTAL_MISMATCH" in html
    assert "TOTAL_MISMATCH" not in codes


@pytest.mark.parametrize("name", [INDUSTRY_SEED, ZHUZHOU_SEED, GUARANTEE_SEED, JIANGYOU_SEED])
def test_every_seed_renders_with_unique_row_ids(world, login, name):
    evaluation = import_case_file(seed(name), world.department)
    html = html_of(login(world.owner).get(detail(evaluation)))
    ids = row_ids(html)
    assert ids == [f"row-{i}" for i in range(1, len(ids) + 1)]
    assert len(ids) == len(seed_report(name).result.scores)
    for _, anchor in finding_links(html):
        assert anchor in ids


def test_detail_shows_the_export_link_to_those_who_may_export(world, login):
    export = reverse("evaluations:audit_json", args=[world.jx.pk])
    for user in (world.owner, world.viewer, world.reviewer):
        assert f'href="{export}"' in html_of(login(user).get(detail(world.jx)))


# --- list filters -------------------------------------------------------------------------------


@pytest.fixture
def more(world):
    """Three more evaluations of the 嘉兴 department: 2020 自评, 2021 部门评价, 2023 第三方评价."""
    return {
        "zhuzhou": import_case_file(seed(ZHUZHOU_SEED), world.department),
        "guarantee": import_case_file(seed(GUARANTEE_SEED), world.department),
        "jiangyou": import_case_file(seed(JIANGYOU_SEED), world.department),
    }


def test_list_without_filters(world, login, more):
    pks = listed(login(world.owner).get(LIST))
    assert pks == {world.jx.pk, world.unit_eval.pk} | {e.pk for e in more.values()}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2020"}, {"zhuzhou"}),
        ({"year": "2023"}, {"jiangyou"}),
        ({"year": "2021"}, {"jx", "unit", "guarantee"}),
        ({"year": "1999"}, set()),
        ({"kind": "部门评价"}, {"guarantee"}),
        ({"kind": "第三方评价"}, {"jiangyou"}),
        ({"kind": "自评"}, {"jx", "unit", "zhuzhou"}),
        ({"kind": "财政评价"}, set()),
        ({"year": "2021", "kind": "自评"}, {"jx", "unit"}),
        ({"q": "温暖企业"}, {"zhuzhou"}),  # project
        ({"q": "纾困资金政策绩效评价得分表"}, {"jiangyou"}),  # title
        ({"q": "新型墙体材料"}, {"unit"}),  # owner name
        ({"q": "  产业发展及结构调整经费  "}, {"jx"}),  # stripped
        ({"q": "融资担保", "year": "2021"}, {"guarantee"}),
        ({"q": "融资担保", "year": "2020"}, set()),
        ({"q": "湘潭"}, set()),  # another county's evaluation, never found
        ({"computed_grade": "优"}, {"jx", "unit", "zhuzhou", "guarantee", "jiangyou"}),
    ],
)
def test_list_filters(world, login, more, params, expected):
    keys = {"jx": world.jx, "unit": world.unit_eval, **more}
    assert listed(login(world.owner).get(LIST, params)) == {keys[k].pk for k in expected}


def test_list_filter_form_echoes_the_filters(world, login):
    html = html_of(login(world.owner).get(LIST, {"q": "产业", "year": "2021", "kind": "自评"}))
    assert 'name="q" value="产业"' in html
    assert 'name="year" value="2021"' in html
    assert '<option value="自评" selected>' in html


def test_list_shows_the_stored_figures(world, login):
    html = html_of(login(world.owner).get(LIST, {"q": "产业发展及结构调整经费"}))
    assert f'href="{detail(world.jx)}"' in html
    assert ">98.57<" in html  # published total
    assert "2 个错误" in html
    assert "1 个警告" in html


@pytest.mark.parametrize("year", ["abc", "2021x", "-1"])
def test_list_with_a_malformed_year_is_not_a_server_error(world, login, year):
    """The year box is free text: a typo must not answer 500."""
    response = login(world.owner, raise_request_exception=False).get(LIST, {"year": year})
    assert response.status_code == 200


def clone(evaluation: Evaluation, count: int, **changes) -> list[Evaluation]:
    """``count`` copies of an evaluation (figures included), without rescoring each one."""
    fields = {
        f.name: getattr(evaluation, f.name)
        for f in Evaluation._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at"}
    }
    return Evaluation.objects.bulk_create(
        Evaluation(**{**fields, "title": f"{evaluation.title} 副本{i:03d}", **changes})
        for i in range(count)
    )


def test_pagination_keeps_every_filter(world, login):
    """Page 2 of a filtered list must still be filtered (q, year and kind alike)."""
    clone(world.jx, 55)
    response = login(world.owner).get(LIST, {"year": "2021", "kind": "自评"})
    html = html_of(response)
    assert response.context["page"].paginator.num_pages == 2
    next_link = re.search(r'<a href="\?([^"]*page=2[^"]*)">', html)
    assert next_link, "no link to page 2"
    query = next_link.group(1).replace("&amp;", "&")
    assert "year=2021" in query
    assert "kind=" in query


def test_pagination_pages_through_everything_once(world, login):
    clone(world.jx, 55)
    client = login(world.owner)
    first = listed(client.get(LIST))
    second = listed(client.get(LIST, {"page": "2"}))
    assert len(first) == 50
    assert not first & second
    assert first | second == set(
        Evaluation.objects.filter(owner__in=[world.department, world.unit]).values_list(
            "pk", flat=True
        )
    )


# --- query count ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 30])
@pytest.mark.parametrize("who", ["owner", "reviewer", "evaluator", "unit_editor"])
def test_list_query_count_is_bounded(world, login, django_assert_max_num_queries, count, who):
    clone(world.jx, count // 2)
    clone(world.unit_eval, count - count // 2)
    clone(world.xt, count)
    for evaluation in Evaluation.objects.filter(owner=world.xiangtan):
        evaluation.evaluators.add(world.evaluator)
    client = login(getattr(world, who))
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = client.get(LIST)
    assert len(listed(response)) > count // 2


def test_list_query_count_does_not_grow_with_the_rows(world, login):
    client = login(world.reviewer)
    counts = {}
    for total in (5, 30):
        Evaluation.objects.exclude(pk__in=[world.jx.pk, world.unit_eval.pk, world.xt.pk]).delete()
        clone(world.jx, total - 2)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert len(listed(response)) == total
        counts[total] = len(queries)
    assert counts[5] == counts[30] <= MAX_LIST_QUERIES


# --- audit.json -----------------------------------------------------------------------------------

TABLE_KEYS = {
    "file",
    "project",
    "rules",
    "computed_total",
    "published_total",
    "computed_grade",
    "published_grade",
    "findings",
}
FINDING_KEYS = {"code", "severity", "path", "message", "fingerprint"}


def test_audit_json_is_the_documented_table_object(world, login):
    response = login(world.viewer).get(reverse("evaluations:audit_json", args=[world.jx.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="evaluation-{world.jx.pk}-audit.json"' in disposition
    assert "产业发展及结构调整经费".encode() in response.content  # Chinese unescaped

    body = json.loads(response.content)
    assert set(body) == TABLE_KEYS
    assert body["project"] == "产业发展及结构调整经费"
    assert body["rules"] == "zhejiang@2021.1"
    assert body["computed_total"] == "100"
    assert body["published_total"] == "98.57"
    assert body["computed_grade"] == body["published_grade"] == "优"
    assert isinstance(body["file"], str)
    for finding in body["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in {"error", "warning", "info"}
        assert re.fullmatch(r"[0-9a-f]{16}", finding["fingerprint"])
    # the fingerprints of docs/audit-json.md: the file's name and place take no part
    assert {(f["code"], f["fingerprint"]) for f in body["findings"]} == {
        ("SCORE_METHOD_MISMATCH", "42734c93e4709b85"),
        ("MET_BUT_DEDUCTED", "b5a560706b552938"),
        ("TOTAL_MISMATCH", "fc5bdbcaf48e5d7e"),
    }


@pytest.mark.parametrize("name", [INDUSTRY_SEED, ZHUZHOU_SEED, GUARANTEE_SEED, JIANGYOU_SEED])
def test_audit_json_matches_the_command_line(world, login, name):
    evaluation = import_case_file(seed(name), world.department)
    body = json.loads(
        login(world.owner).get(reverse("evaluations:audit_json", args=[evaluation.pk])).content
    )
    expected = report_json(seed_report(name))
    assert {k: v for k, v in body.items() if k != "file"} == {
        k: v for k, v in expected.items() if k != "file"
    }


def test_audit_json_nulls(world, login):
    """The 湘潭 table prints no grade: null, not "" nor a missing key."""
    body = json.loads(
        login(world.outsider).get(reverse("evaluations:audit_json", args=[world.xt.pk])).content
    )
    assert set(body) == TABLE_KEYS
    assert body["published_grade"] is None
    assert body["computed_total"] == "100"


# --- login and language -------------------------------------------------------------------------


def test_login_page_is_chinese(db, login):
    html = html_of(login(None).get(reverse("login")))
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "用户名" in html
    assert "密码" in html


def test_wrong_password_shows_the_chinese_error(world, login):
    response = login(None).post(reverse("login"), {"username": "owner", "password": "wrong"})
    html = html_of(response)
    assert "用户名或密码不正确，请重新输入。" in html
    assert not response.wsgi_request.user.is_authenticated


def test_inactive_user_cannot_log_in(world, login):
    response = login(None).post(reverse("login"), {"username": "inactive", "password": PASSWORD})
    assert "用户名或密码不正确，请重新输入。" in html_of(response)


def test_right_password_logs_in_and_goes_to_next(world, login):
    client = login(None)
    response = client.post(
        reverse("login"), {"username": "owner", "password": PASSWORD, "next": detail(world.jx)}
    )
    assert response.status_code == 302
    assert response["Location"] == detail(world.jx)
    assert client.get(detail(world.jx)).status_code == 200


def test_login_refuses_an_offsite_next(world, login):
    response = login(None).post(
        reverse("login"),
        {"username": "owner", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == LIST


@pytest.mark.parametrize("accept", [None, "fr-FR,fr;q=0.9", "zh-CN,zh;q=0.9"])
def test_language_is_simplified_chinese(world, login, accept):
    headers = {"accept-language": accept} if accept else {}
    for url in (LIST, detail(world.jx)):
        html = html_of(login(world.owner).get(url, headers=headers))
        assert '<html lang="zh-hans">' in html
        assert "绩效评价" in html
        assert "退出" in html


def test_header_shows_the_users_name(world, login):
    assert "嘉兴填报人" in html_of(login(world.owner).get(LIST))


# --- the evaluation page scores the stored document without re-validating it ------------------


def test_the_page_scores_the_stored_document_like_report_for(world):
    from jixiao.web.evaluations.services import report_for
    from jixiao.web.evaluations.views import _stored_report

    for evaluation in (world.jx, world.unit_eval, world.xt):
        stored, checked = _stored_report(evaluation), report_for(evaluation)
        assert stored.computed_total == checked.computed_total
        assert stored.computed_grade == checked.computed_grade
        assert [f.code for f in stored.findings] == [f.code for f in checked.findings]
        assert stored.result is not None and checked.result is not None
        assert [(s.path_text, s.value) for s in stored.result.scores] == [
            (s.path_text, s.value) for s in checked.result.scores
        ]


def test_a_document_not_stored_through_the_services_is_still_checked(world):
    from jixiao.io.cases import CaseError
    from jixiao.web.evaluations.views import _stored_report

    world.jx.document = {**world.jx.document, "indicators": "not a list"}
    with pytest.raises(CaseError):
        _stored_report(world.jx)
