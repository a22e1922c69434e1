"""The department 汇总表 and the overview on the small world: permissions, audit, counts, filters,
query bounds. (The demo's 17 rows of seed 000 are in test_web_summaries_demo.py.)"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from test_web_funds import Level, Source, make_project
from web_world import make_org, make_region

from jixiao.core.audit import Code
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.orgs.models import Organisation, Region

pytestmark = pytest.mark.django_db

D = Decimal
OVERVIEW = reverse("summaries:overview")


def summary_url(org: Organisation, year: int = 2021) -> str:
    return reverse("summaries:department", args=[org.pk, year])


def persona(world, name):
    return None if name == "anonymous" else getattr(world, name)


def copy_evaluation(source: Evaluation, **changes) -> Evaluation:
    """A cheap extra evaluation: the stored figures of ``source`` with ``changes``."""
    fields = {
        f.name: getattr(source, f.name)
        for f in Evaluation._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at"}
    }
    fields.update(changes)
    return Evaluation.objects.create(**fields)


@pytest.fixture
def table(world):
    """嘉兴 department 2021: three projects of its own, one of the unit; 湘潭 has one too."""
    talent = make_project(
        world.department,
        "人才工作经费",
        2021,
        (Source.CURRENT, Level.CITY, "82.5", "64.24"),
        sequence=3,
    )
    salt = make_project(
        world.department,
        "市级政府食盐储备补贴",
        2021,
        (Source.CURRENT, Level.CITY, "60.42", "60.42"),
        sequence=2,
    )
    vouchers = make_project(
        world.department,
        "中小企业服务补贴券",
        2021,
        (Source.CURRENT, Level.CITY, "84.65", "0"),
        sequence=12,
    )
    walls = make_project(
        world.unit,
        "新墙材推广工作经费",
        2021,
        (Source.CURRENT, Level.CITY, "4", "1.69"),
        sequence=16,
    )
    other_year = make_project(
        world.department, "人才工作经费", 2022, (Source.CURRENT, Level.CITY, "1", "1")
    )
    xiangtan = make_project(
        world.xiangtan, "湘潭项目", 2021, (Source.CURRENT, Level.COUNTY, "50", None)
    )
    # the 自评 of 食盐 (computed 优) and of 新墙材 (优, owned by the unit)
    Evaluation.objects.filter(pk=world.jx.pk).update(fund_project=salt)
    Evaluation.objects.filter(pk=world.unit_eval.pk).update(fund_project=walls)
    return {
        "talent": talent,
        "salt": salt,
        "vouchers": vouchers,
        "walls": walls,
        "other_year": other_year,
        "xiangtan": xiangtan,
    }


def rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    return [
        (
            line.no,
            line.unit,
            line.project.name,
            line.full_year_budget,
            line.executed,
            line.conclusion,
        )
        for line in response.context["table"].lines
    ]


# --- the department summary --------------------------------------------------------------------


def test_summary_rows_in_order_with_totals_and_conclusions(world, table, login):
    response = login(world.owner).get(summary_url(world.department))
    assert rows(response) == [
        (1, "嘉兴市经济和信息化局", "市级政府食盐储备补贴", D("60.42"), D("60.42"), "优"),
        (2, "嘉兴市经济和信息化局", "人才工作经费", D("82.5"), D("64.24"), "—"),
        (3, "嘉兴市经济和信息化局", "中小企业服务补贴券", D("84.65"), D("0"), "—"),
        (4, "嘉兴市新型墙体材料推广中心", "新墙材推广工作经费", D("4"), D("1.69"), "优"),
    ]
    summary = response.context["table"]
    assert summary.total_budget == D("231.57")
    assert summary.total_executed == D("126.35")
    assert summary.total_rate == D("126.35") / D("231.57") * 100
    assert summary.rules.name == "zhejiang"
    html = response.content.decode()
    for header in (
        "序号",
        "单位名称",
        "项目名称",
        "全年预算数",
        "全年执行数",
        "执行率(%)",
        "自评结论",
        "合计",
    ):
        assert header in html
    assert '<strong id="total-budget">231.57</strong>' in html
    assert "77.87" in html
    assert reverse("evaluations:detail", args=[world.jx.pk]) in html


def test_a_conclusion_above_the_cap_is_a_grade_rule_violation(world, table, login):
    """新墙材 executed 42.25 % yet its 自评 computes 优: zhejiang allows 中 at best."""
    summary = login(world.owner).get(summary_url(world.department)).context["table"]
    violations = [f for f in summary.findings if f.code is Code.GRADE_RULE_VIOLATION]
    assert [(f.path, f.severity.value) for f in violations] == [("4. 新墙材推广工作经费", "error")]
    assert [f.code for f in summary.lines[3].findings] == [Code.GRADE_RULE_VIOLATION]
    # rows without a 自评 are shown with 「—」 and raise nothing about the missing conclusion
    assert not any(f.code is Code.GRADE_UNKNOWN for f in summary.findings)
    assert summary.lines[1].findings == ()


def test_the_latest_visible_self_evaluation_gives_the_conclusion(world, table, login):
    talent = table["talent"]
    copy_evaluation(world.jx, fund_project=talent, computed_grade="中")
    copy_evaluation(world.jx, fund_project=talent, computed_grade="良")  # the latest
    copy_evaluation(
        world.jx, fund_project=talent, computed_grade="差", kind=Evaluation.Kind.DEPARTMENT
    )
    copy_evaluation(world.xt, fund_project=talent, computed_grade="优")  # 湘潭's: invisible here
    summary = login(world.owner).get(summary_url(world.department)).context["table"]
    line = summary.lines[1]
    assert line.project == talent and line.conclusion == "良"
    assert not line.findings  # 良 at 77.87 % obeys the cap


def test_a_summary_without_projects_is_empty(world, table, login):
    response = login(world.owner).get(summary_url(world.department, 2019))
    assert rows(response) == []
    assert response.context["table"].total_budget == 0
    assert "该年度没有项目。" in response.content.decode()


def test_a_row_without_a_stated_executed_figure(world, login):
    make_project(world.xiangtan, "未说明执行数", 2021, (Source.CURRENT, Level.COUNTY, "50", None))
    summary = login(world.outsider).get(summary_url(world.xiangtan)).context["table"]
    assert [(line.executed, line.rate, line.conclusion) for line in summary.lines] == [
        (None, None, "—")
    ]
    assert summary.total_budget == 50 and summary.total_executed is None
    assert summary.findings == ()


SUMMARY_ACCESS = {
    "owner": 200,
    "viewer": 200,
    "reviewer": 200,  # the 嘉兴 财政局 above the department
    "unit_editor": 404,  # a project unit does not see its department's evaluations
    "outsider": 404,
    "evaluator": 404,
    "nobody": 404,
}


@pytest.mark.parametrize(("who", "status"), sorted(SUMMARY_ACCESS.items()))
def test_summary_by_persona(world, table, login, who, status):
    response = login(persona(world, who)).get(summary_url(world.department))
    assert response.status_code == status
    if status == 404:
        assert "人才工作经费" not in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "inactive"])
def test_summary_logged_out_is_sent_to_login(world, login, who):
    url = summary_url(world.department)
    response = login(persona(world, who)).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("org", ["unit", "finance", "evaluator_org", "xiangtan"])
def test_summary_only_for_a_visible_department(world, login, org):
    """A project unit or a bureau is not a department; 湘潭 is outside the reviewer's region."""
    assert login(world.reviewer).get(summary_url(getattr(world, org))).status_code == 404


def test_summary_of_an_unknown_organisation_is_404(world, login):
    assert (
        login(world.reviewer).get(reverse("summaries:department", args=[10**9, 2021])).status_code
        == 404
    )


def test_summary_shows_only_projects_the_user_may_see(world, table, login):
    """A unit below the department but in another region stays hidden from the 嘉兴 财政局."""
    elsewhere = make_org(
        "外地分中心", Organisation.Kind.PROJECT_UNIT, world.hunan, world.department
    )
    far = make_project(elsewhere, "外地项目", 2021, (Source.CURRENT, Level.CITY, "7", "7"))
    by_owner = {
        line.project
        for line in login(world.owner).get(summary_url(world.department)).context["table"].lines
    }
    by_reviewer = {
        line.project
        for line in login(world.reviewer).get(summary_url(world.department)).context["table"].lines
    }
    assert far in by_owner and far not in by_reviewer


def test_summary_queries_do_not_grow_with_rows(world, table, login, django_assert_max_num_queries):
    client = login(world.reviewer)
    url = summary_url(world.department)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    few = queries()
    for index in range(25):
        project = make_project(
            world.department if index % 2 else world.unit,
            f"批量{index}",
            2021,
            (Source.CURRENT, Level.CITY, "10", "9.5"),
            (Source.OTHER, "", "1", "0"),
        )
        copy_evaluation(world.jx, fund_project=project)
    assert len(client.get(url).context["table"].lines) == 29
    assert queries() == few
    with django_assert_max_num_queries(6):
        client.get(url)


# --- the overview --------------------------------------------------------------------------------


def counts(response) -> dict:
    assert response.status_code == 200
    overview = response.context["counts"]
    return {
        "total": overview.total,
        "grades": {value: n for value, _label, n in overview.by_grade if n},
        "kinds": {value: n for value, _label, n in overview.by_kind if n},
        "errors": overview.errors,
        "warnings": overview.warnings,
    }


def listed(response) -> set[int]:
    return {evaluation.pk for evaluation in response.context["page"].object_list}


OVERVIEW_VISIBLE = {
    "owner": {"jx", "unit"},
    "viewer": {"jx", "unit"},
    "reviewer": {"jx", "unit"},
    "outsider": {"xt"},
    "evaluator": {"xt"},  # the overview's scope is the visible evaluations, assignments included
    "unit_editor": {"unit"},
    "nobody": set(),
}


@pytest.mark.parametrize(("who", "keys"), sorted(OVERVIEW_VISIBLE.items()))
def test_overview_counts_exactly_the_visible_evaluations(world, login, who, keys):
    response = login(persona(world, who)).get(OVERVIEW)
    evaluations = [world.evaluations[key] for key in keys]
    assert listed(response) == {e.pk for e in evaluations}
    assert counts(response) == {
        "total": len(evaluations),
        "grades": {"优": len(evaluations)} if evaluations else {},
        "kinds": {"自评": len(evaluations)} if evaluations else {},
        "errors": sum(e.error_count for e in evaluations),
        "warnings": sum(e.warning_count for e in evaluations),
    }
    html = response.content.decode()
    for key in set(world.evaluations) - keys:
        assert world.evaluations[key].title not in html


@pytest.mark.parametrize("who", ["anonymous", "inactive"])
def test_overview_logged_out_is_sent_to_login(world, login, who):
    response = login(persona(world, who)).get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={OVERVIEW}"


@pytest.fixture
def graded(world):
    """Extra 嘉兴 evaluations with various grades, kinds, years and finding counts."""
    return {
        "good": copy_evaluation(world.jx, computed_grade="良", error_count=2, warning_count=1),
        "fair": copy_evaluation(
            world.unit_eval, computed_grade="中", kind=Evaluation.Kind.DEPARTMENT
        ),
        "poor": copy_evaluation(world.jx, computed_grade="差", year=2020, warning_count=4),
        "ungraded": copy_evaluation(world.jx, computed_grade="", kind=Evaluation.Kind.THIRD_PARTY),
    }


def test_overview_counts_by_grade_and_kind(world, graded, login):
    everything = [world.jx, world.unit_eval, *graded.values()]
    result = counts(login(world.reviewer).get(OVERVIEW))
    assert result == {
        "total": 6,
        "grades": {"优": 2, "良": 1, "中": 1, "差": 1, "none": 1},
        "kinds": {"自评": 4, "部门评价": 1, "第三方评价": 1},
        "errors": sum(e.error_count for e in everything),
        "warnings": sum(e.warning_count for e in everything),
    }
    assert response_has_counts(login(world.reviewer).get(OVERVIEW))


def response_has_counts(response) -> bool:
    html = response.content.decode()
    return 'id="count-total">6<' in html and 'data-grade="良">1<' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2020"}, {"poor"}),
        ({"grade": "良"}, {"good"}),
        ({"grade": "none"}, {"ungraded"}),
        ({"grade": "优"}, {"jx", "unit"}),
        ({"kind": "部门评价"}, {"fair"}),
        ({"kind": "自评", "year": "2021"}, {"jx", "unit", "good"}),
        ({"department": "unit"}, {"unit", "fair"}),
        ({"department": "department"}, {"jx", "unit", "good", "fair", "poor", "ungraded"}),
        ({"region": "jiaxing"}, {"jx", "unit", "good", "fair", "poor", "ungraded"}),
        (
            {"region": "xiangtan_county"},
            {"jx", "unit", "good", "fair", "poor", "ungraded"},
        ),  # not offered
        (
            {"department": "xiangtan"},
            {"jx", "unit", "good", "fair", "poor", "ungraded"},
        ),  # not offered
        (
            {"grade": "bogus", "kind": "bogus", "year": "x"},
            {"jx", "unit", "good", "fair", "poor", "ungraded"},
        ),
    ],
)
def test_overview_filters(world, graded, login, params, expected):
    named = {"jx": world.jx, "unit": world.unit_eval, **graded}
    query = {
        key: (getattr(world, value).pk if key in {"department", "region"} else value)
        for key, value in params.items()
    }
    response = login(world.reviewer).get(OVERVIEW, query)
    assert listed(response) == {named[key].pk for key in expected}
    assert response.context["counts"].total == len(expected)


def test_overview_region_filter_takes_the_subtree(world, login):
    nanhu = make_region("南湖区", Region.Level.COUNTY, world.jiaxing)
    county = make_org("南湖区经济信息商务局", Organisation.Kind.DEPARTMENT, nanhu)
    county_eval = copy_evaluation(world.jx, owner=county)
    client = login(world.reviewer)
    assert listed(client.get(OVERVIEW, {"region": nanhu.pk})) == {county_eval.pk}
    assert listed(client.get(OVERVIEW, {"region": world.zhejiang.pk})) == {
        world.jx.pk,
        world.unit_eval.pk,
        county_eval.pk,
    }
    regions = client.get(OVERVIEW).context["regions"]
    assert {r.name for r in regions} == {"浙江省", "嘉兴市", "南湖区"}


def test_overview_links_the_department_summaries(world, table, login):
    html = login(world.reviewer).get(OVERVIEW).content.decode()
    assert summary_url(world.department, 2021) in html
    assert summary_url(world.department, 2022) in html
    assert summary_url(world.xiangtan, 2021) not in html
    assert 'id="department-links"' not in login(world.unit_editor).get(OVERVIEW).content.decode()


def test_overview_queries_do_not_grow_with_rows(world, table, login, django_assert_max_num_queries):
    client = login(world.reviewer)
    client.get(OVERVIEW)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(OVERVIEW, {"year": "2021"}).status_code == 200
        return len(context)

    few = queries()
    for index in range(40):
        copy_evaluation(
            world.jx if index % 2 else world.unit_eval, computed_grade="良中差"[index % 3]
        )
    assert client.get(OVERVIEW).context["counts"].total == 42
    assert queries() == few
    with django_assert_max_num_queries(9):
        client.get(OVERVIEW)


def test_overview_counts_an_evaluation_with_two_evaluators_once(world, login):
    """A user who is both a reviewer and an evaluator: the evaluator join must not double count."""
    from web_world import make_user

    from jixiao.web.orgs.models import Membership
    from jixiao.web.orgs.roles import Role

    both = make_user("both", world.finance, Role.REVIEWER)
    Membership.objects.create(user=both, organisation=world.evaluator_org, role=Role.EVALUATOR)
    other = make_user("other_evaluator", world.evaluator_org, Role.EVALUATOR)
    world.jx.evaluators.add(both, other)
    response = login(both).get(OVERVIEW)
    assert response.context["counts"].total == 2
    assert response.context["page"].paginator.count == 2


def test_overview_filters_keep_the_picked_choices_selected_and_escape_names(world, login):
    """The region and unit choices are rendered in Python: each once, the picked one
    selected, names escaped."""
    world.department.name = '<b>"嘉兴"</b>'
    world.department.save()
    client = login(world.reviewer)
    html = client.get(
        OVERVIEW, {"region": world.jiaxing.pk, "department": world.department.pk}
    ).content.decode()
    assert f'<option value="{world.jiaxing.pk}" selected>嘉兴市</option>' in html
    escaped = "&lt;b&gt;&quot;嘉兴&quot;&lt;/b&gt;"
    assert f'<option value="{world.department.pk}" selected>{escaped}</option>' in html
    filters = html[html.index('<form class="filters"') :]
    assert filters[: filters.index("</form>")].count(" selected>") == 2
    assert '<b>"嘉兴"</b>' not in html
    assert f"<li>{escaped}：" in html  # its 汇总表 links


def test_department_rows_link_the_project_and_flag_findings(world, table, login):
    html = login(world.reviewer).get(summary_url(world.department)).content.decode()
    rows = re.findall(r'<tr id="row-\d+"[^>]*>.*?</tr>', html, re.S)
    assert rows, html[:500]
    for row in rows:
        assert re.search(r'<a href="/funds/projects/\d+/">', row)
        assert ('class="flagged"' in row) == ('class="finding sev-' in row)
