"""Special funds, projects and budget lines: exact figures, rule-set warnings, who sees what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from web_world import make_org, make_region, make_user

from jixiao.io import rulesets
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.models import BudgetLine, Project, SpecialFund, execution_warnings
from jixiao.web.orgs.models import Organisation, Region
from jixiao.web.orgs.permissions import (
    get_project,
    visible_departments,
    visible_evaluations,
    visible_projects,
)
from jixiao.web.orgs.roles import Role

pytestmark = pytest.mark.django_db

D = Decimal
Source, Level = BudgetLine.Source, BudgetLine.Level
LIST = reverse("funds:project_list")


def make_project(owner, name, year=2021, *lines, fund=None, kind=Project.Kind.PROJECT, sequence=0):
    """``lines``: (source, level, full_year, executed[, initial]) with amounts as text."""
    project = Project.objects.create(
        owner=owner, name=name, year=year, fund=fund, kind=kind, sequence=sequence
    )
    for source, level, full_year, executed, *initial in lines:
        BudgetLine.objects.create(
            project=project,
            source=source,
            level=level,
            full_year_budget=D(full_year),
            executed=None if executed is None else D(executed),
            initial_budget=D(initial[0]) if initial else None,
        )
    return Project.objects.get(pk=project.pk)  # fresh: amounts as the database returns them


@dataclass
class Projects:
    jx: Project  # 嘉兴 department, linked to world.jx
    unit: Project  # the project unit below it, linked to world.unit_eval
    xt: Project  # 湘潭, linked to world.xt

    @property
    def all(self) -> dict[str, Project]:
        return {"jx": self.jx, "unit": self.unit, "xt": self.xt}


@pytest.fixture
def projects(world) -> Projects:
    fund = SpecialFund.objects.create(name="国家中小企业发展专项资金", owner=world.department)
    jx = make_project(
        world.department,
        "人才工作经费",
        2021,
        (Source.CURRENT, Level.CITY, "82.5", "64.24", "82.5"),
        fund=fund,
    )
    unit = make_project(
        world.unit, "新墙材推广工作经费", 2021, (Source.CURRENT, Level.CITY, "4", "1.69")
    )
    xt = make_project(
        world.xiangtan,
        "湘潭县中小企业服务体系经费",
        2021,
        (Source.CURRENT, Level.COUNTY, "50", None),
    )
    for evaluation, project in ((world.jx, jx), (world.unit_eval, unit), (world.xt, xt)):
        evaluation.fund_project = project
        evaluation.save(update_fields=["fund_project"])
    return Projects(jx, unit, xt)


# persona → the projects it may see (world personas of web_world.py)
VISIBLE = {
    "owner": {"jx", "unit"},
    "viewer": {"jx", "unit"},
    "reviewer": {"jx", "unit"},
    "outsider": {"xt"},
    "evaluator": set(),  # an evaluator sees assigned evaluations, never projects
    "unit_editor": {"unit"},
    "nobody": set(),
}
LOGGED_OUT = ["anonymous", "inactive"]


def persona(world, name):
    return None if name == "anonymous" else getattr(world, name)


def detail(project: Project) -> str:
    return reverse("funds:project_detail", args=[project.pk])


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {project.pk for project in response.context["page"].object_list}


# --- figures -------------------------------------------------------------------------------------


def test_execution_rate_is_the_exact_quotient(projects):
    project = projects.jx
    assert project.full_year_budget == D("82.5")
    assert project.executed == D("64.24")
    assert project.initial_budget == D("82.5")
    assert project.execution_rate == D("64.24") / D("82.5")
    assert isinstance(project.execution_rate, Decimal)
    assert project.execution_percent == D("64.24") / D("82.5") * 100
    assert str(project.execution_percent).startswith("77.8666666666")  # published as 77.86


def test_totals_sum_the_lines_by_source_and_level(world):
    project = make_project(
        world.xiangtan,
        "分担项目",
        2023,
        (Source.CURRENT, Level.PROVINCE, "192.174", "134.52"),
        (Source.CURRENT, Level.CITY, "192.174", "192.174"),
        (Source.CURRENT, Level.COUNTY, "256.232", "256.232"),
        (Source.CARRYOVER, "", "0.1", "0.1"),
    )
    assert project.full_year_budget == D("640.68")
    assert project.executed == D("583.026")
    assert project.execution_rate == D("583.026") / D("640.68")
    assert project.budget.sources == {"当年财政拨款": D("640.58"), "上年结转": D("0.1")}
    assert project.initial_budget is None  # not stated on any line


@pytest.mark.parametrize(
    "lines",
    [
        (),  # no lines at all
        ((Source.CURRENT, Level.CITY, "0", "0"),),  # nothing budgeted
        ((Source.CURRENT, Level.CITY, "50", None),),  # executed not stated
        ((Source.CURRENT, Level.CITY, "50", "10"), (Source.OTHER, "", "5", None)),
    ],
)
def test_no_rate_and_no_warning_when_it_cannot_be_computed(world, lines):
    project = make_project(world.department, "未知项目", 2021, *lines)
    assert project.execution_rate is None
    assert project.execution_percent is None
    assert project.warnings == []


@pytest.mark.parametrize(
    ("full_year", "executed", "best", "warnings"),
    [
        ("100", "100", "优", []),
        ("100", "91", "优", []),  # exactly 91 % is not below 91 %
        ("82.5", "64.24", "良", ["执行率低于91%，自评结论不得为优"]),
        ("100", "90.99", "良", ["执行率低于91%，自评结论不得为优"]),
        ("100", "50", "良", ["执行率低于91%，自评结论不得为优"]),
        ("4", "1.69", "中", ["执行率低于50%，自评结论为中及以下"]),
        ("84.65", "0", "中", ["执行率低于50%，自评结论为中及以下"]),
    ],
)
def test_warnings_follow_the_zhejiang_caps(world, full_year, executed, best, warnings):
    project = make_project(
        world.department, "浙江项目", 2021, (Source.CURRENT, Level.CITY, full_year, executed)
    )
    assert project.rules.name == "zhejiang"
    assert project.best_grade_allowed == best
    assert project.warnings == warnings


@pytest.mark.parametrize(("full_year", "executed"), [("239.4", "215.2"), ("4", "1.69")])
def test_national_rules_have_no_caps(world, full_year, executed):
    project = make_project(
        world.xiangtan, "湖南项目", 2020, (Source.CURRENT, Level.CITY, full_year, executed)
    )
    assert project.rules.name == "national"
    assert project.best_grade_allowed == "优"
    assert project.warnings == []


def test_execution_warnings_is_the_rule_sets_cap():
    zhejiang = rulesets.load("zhejiang")
    assert execution_warnings(zhejiang, None) == []
    assert execution_warnings(zhejiang, D("49.99")) == ["执行率低于50%，自评结论为中及以下"]
    assert execution_warnings(rulesets.load("national"), D("10")) == []


# --- integrity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["full_year_budget", "executed", "initial_budget"])
def test_negative_amounts_are_refused_by_the_database(projects, field):
    line = projects.jx.lines.get()
    setattr(line, field, D("-0.01"))
    with pytest.raises(ValidationError):
        line.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        line.save()


def test_level_only_for_the_current_years_appropriation(projects):
    line = BudgetLine(project=projects.jx, source=Source.CARRYOVER, level=Level.CITY)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "level" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        line.save()
    BudgetLine(project=projects.jx, source=Source.CARRYOVER, level="").full_clean()


def test_amounts_keep_four_decimals_exactly(world):
    project = make_project(
        world.department, "精度", 2021, (Source.CURRENT, Level.CITY, "0.0001", "0.0001")
    )
    line = project.lines.get()
    assert line.full_year_budget == D("0.0001")
    assert project.execution_rate == 1


def test_deleting_a_project_unlinks_its_evaluations(world, projects):
    projects.jx.delete()
    world.jx.refresh_from_db()
    assert world.jx.fund_project is None
    assert not BudgetLine.objects.filter(project_id=projects.jx.pk).exists()


def test_a_project_name_is_unique_per_owner_and_year(world, projects):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Project.objects.create(owner=world.department, name="人才工作经费", year=2021)
    Project.objects.create(owner=world.department, name="人才工作经费", year=2022)
    Project.objects.create(owner=world.unit, name="人才工作经费", year=2021)


# --- permissions: visible_projects / get_project / visible_departments ---------------------------


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_visible_projects_by_persona(world, projects, who):
    user = persona(world, who)
    assert set(visible_projects(user)) == {projects.all[key] for key in VISIBLE[who]}


@pytest.mark.parametrize("who", LOGGED_OUT)
def test_logged_out_users_see_no_projects(world, projects, who):
    assert not visible_projects(persona(world, who) or _anonymous()).exists()


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize(
    ("who", "departments"),
    [
        ("owner", {"department"}),
        ("viewer", {"department"}),
        ("reviewer", {"department"}),  # the 嘉兴 财政局: its region's departments, not 湘潭's
        ("outsider", {"xiangtan"}),
        ("unit_editor", set()),  # a project unit does not see its department's evaluations
        ("evaluator", set()),
        ("nobody", set()),
        ("inactive", set()),
    ],
)
def test_visible_departments_by_persona(world, who, departments):
    assert set(visible_departments(getattr(world, who))) == {
        getattr(world, name) for name in departments
    }


def test_get_project_is_404_outside_the_scope(world, projects):
    from django.http import Http404

    assert get_project(world.reviewer, projects.unit.pk) == projects.unit
    with pytest.raises(Http404):
        get_project(world.reviewer, projects.xt.pk)
    with pytest.raises(Http404):
        get_project(world.evaluator, projects.xt.pk)


def test_finance_bureau_sees_projects_in_its_whole_region_subtree(world, login):
    nanhu = make_region("南湖区", Region.Level.COUNTY, world.jiaxing)
    county = make_org("南湖区经济信息商务局", Organisation.Kind.DEPARTMENT, nanhu)
    project = make_project(county, "区级项目", 2021, (Source.CURRENT, Level.COUNTY, "10", "10"))
    assert login(world.reviewer).get(detail(project)).status_code == 200
    assert login(world.owner).get(detail(project)).status_code == 404  # another department


def test_path_prefixes_do_not_leak_to_an_id_with_the_same_leading_digits(world, login):
    org = Organisation.objects.create(
        pk=int(f"{world.department.pk}0"),
        name="相邻部门",
        kind=Organisation.Kind.DEPARTMENT,
        region=world.hunan,
    )
    project = make_project(org, "相邻项目", 2021)
    assert login(world.owner).get(detail(project)).status_code == 404


# --- views ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(VISIBLE))
@pytest.mark.parametrize("key", ["jx", "unit", "xt"])
def test_detail_by_persona(world, projects, login, who, key):
    response = login(persona(world, who)).get(detail(projects.all[key]))
    assert response.status_code == (200 if key in VISIBLE[who] else 404)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_list_shows_exactly_the_visible_projects(world, projects, login, who):
    response = login(persona(world, who)).get(LIST)
    assert listed(response) == {projects.all[key].pk for key in VISIBLE[who]}
    html = response.content.decode()
    for key in {"jx", "unit", "xt"} - VISIBLE[who]:
        assert projects.all[key].name not in html


@pytest.mark.parametrize("who", LOGGED_OUT)
def test_logged_out_is_sent_to_login(world, projects, login, who):
    for url in (LIST, detail(projects.jx)):
        response = login(persona(world, who)).get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_unknown_project_is_404(world, projects, login):
    assert (
        login(world.reviewer).get(reverse("funds:project_detail", args=[10**9])).status_code == 404
    )


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_pages_are_read_only(world, projects, login, method):
    client = login(world.owner)
    for url in (LIST, detail(projects.jx)):
        assert getattr(client, method)(url).status_code == 405


def test_detail_shows_lines_totals_rate_and_warning(world, login):
    project = make_project(
        world.department,
        "分级项目",
        2021,
        (Source.CURRENT, Level.PROVINCE, "30", "10", "30"),
        (Source.CURRENT, Level.CITY, "52.5", "54.24", "50"),
        (Source.CARRYOVER, "", "0", "0", "0"),
    )
    html = login(world.owner).get(detail(project)).content.decode()
    for text in ("当年财政拨款", "省", "市", "上年结转", "年初预算数", "全年预算数", "全年执行数"):
        assert text in html
    assert '<strong id="rate">77.87</strong>' in html  # 64.24 / 82.5, half up
    assert "82.5</td>" in html and "64.24</td>" in html and "80</td>" in html
    assert "执行率低于91%，自评结论不得为优" in html
    assert "单位：万元" in html


def test_detail_lists_only_the_visible_evaluations_of_the_project(world, projects, login):
    """The department's evaluation of the unit's project stays hidden from the unit."""
    Evaluation.objects.filter(pk=world.jx.pk).update(fund_project=projects.unit)
    owner = login(world.owner).get(detail(projects.unit))
    assert set(owner.context["evaluations"]) == {world.unit_eval, world.jx}
    unit = login(world.unit_editor).get(detail(projects.unit))
    assert list(unit.context["evaluations"]) == [world.unit_eval]
    assert world.jx.title not in unit.content.decode()
    assert set(visible_evaluations(world.unit_editor).filter(fund_project=projects.unit)) == {
        world.unit_eval
    }


def test_list_filters_by_year_and_department(world, projects, login):
    later = make_project(
        world.department, "人才工作经费", 2022, (Source.CURRENT, Level.CITY, "1", "1")
    )
    client = login(world.reviewer)
    assert listed(client.get(LIST, {"year": "2022"})) == {later.pk}
    assert listed(client.get(LIST, {"year": "2021"})) == {projects.jx.pk, projects.unit.pk}
    # a department filter covers the units below it; a unit filter only the unit
    assert listed(client.get(LIST, {"department": world.department.pk})) == {
        projects.jx.pk,
        projects.unit.pk,
        later.pk,
    }
    assert listed(client.get(LIST, {"department": world.unit.pk})) == {projects.unit.pk}
    # an organisation outside the user's scope is not offered and filters nothing
    response = client.get(LIST, {"department": world.xiangtan.pk})
    offered = {unit.pk for unit in response.context["units"]}
    assert world.department.pk in offered
    assert world.xiangtan.pk not in offered
    assert listed(response) == {projects.jx.pk, projects.unit.pk, later.pk}
    assert listed(client.get(LIST, {"year": "abc"})) == {projects.jx.pk, projects.unit.pk, later.pk}


def test_list_shows_amounts_rate_and_warning(world, projects, login):
    html = login(world.owner).get(LIST).content.decode()
    assert "77.87" in html and "42.25" in html
    assert "执行率低于50%，自评结论为中及以下" in html
    assert "国家中小企业发展专项资金" in html


def _many(world, count: int) -> None:
    for index in range(count):
        make_project(
            world.unit if index % 2 else world.department,
            f"批量项目{index}",
            2021,
            (Source.CURRENT, Level.CITY, "10", str(index % 11)),
            (Source.CARRYOVER, "", "1", "1"),
        )


def test_list_queries_do_not_grow_with_rows(world, projects, login, django_assert_max_num_queries):
    client = login(world.reviewer)
    client.get(LIST)  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(LIST).status_code == 200
        return len(context)

    _many(world, 3)
    few = queries()
    _many_more = 30
    for index in range(_many_more):
        make_project(
            world.department, f"更多项目{index}", 2021, (Source.CURRENT, Level.CITY, "5", "1")
        )
    assert queries() == few
    with django_assert_max_num_queries(7):
        client.get(LIST)


def test_nobody_and_evaluator_get_the_empty_list(world, projects, login):
    for user in (world.nobody, world.evaluator):
        response = login(user).get(LIST)
        assert listed(response) == set()
        assert "没有可查看的项目。" in response.content.decode()


def test_two_memberships_see_the_union(world, projects, login):
    from jixiao.web.orgs.models import Membership

    Membership.objects.create(user=world.unit_editor, organisation=world.xiangtan, role=Role.VIEWER)
    assert listed(login(world.unit_editor).get(LIST)) == {projects.unit.pk, projects.xt.pk}
    other = make_user("xt_evaluator_and_viewer", world.evaluator_org, Role.EVALUATOR)
    Membership.objects.create(user=other, organisation=world.xiangtan, role=Role.VIEWER)
    assert listed(login(other).get(LIST)) == {projects.xt.pk}


def test_a_page_of_budgets_in_one_query_is_each_projects_budget(world) -> None:
    """The list sums a page's lines from one query of their figures; the result is what each
    project computes from its own lines (totals, unknown parts, sources by label)."""
    from jixiao.web.funds.models import budgets_of

    made = [
        make_project(
            world.department,
            "两种来源",
            2021,
            (Source.CURRENT, Level.CITY, "10.5", "4", "9"),
            (Source.CARRYOVER, "", "2.25", None),
            (Source.CURRENT, Level.PROVINCE, "3", "3", "3"),
        ),
        make_project(world.department, "一条", 2022, (Source.OTHER, "", "1", "1", "1")),
        make_project(world.department, "没有明细", 2023),
    ]
    with CaptureQueriesContext(connection) as queries:
        budgets = budgets_of(p.pk for p in made)
    assert len(queries) == 1
    for project in made:
        assert budgets[project.pk] == Project.objects.get(pk=project.pk).budget
    assert budgets[made[0].pk].executed is None  # one line's 执行数 not stated
    assert budgets[made[0].pk].full_year == D("15.75")
    assert dict(budgets[made[0].pk].sources) == {"当年财政拨款": D("13.5"), "上年结转": D("2.25")}
    assert budgets[made[2].pk].full_year is None
    assert budgets_of([]) == {}


def test_a_rule_set_changed_while_running_applies_to_the_next_request(world, login):
    """The project pages keep no rule sets of their own: a table written to the rule-set
    directory (as the admin does) is used from the next request on, and gone when removed."""
    from django.conf import settings

    project = make_project(
        world.department, "规则项目", 2021, (Source.CURRENT, Level.CITY, "100", "60", "100")
    )
    client = login(world.owner)
    before_page, before_list = client.get(detail(project)), client.get(LIST)
    assert "执行率低于91%，自评结论不得为优" in before_page.content.decode()
    table = (
        'extends = "national"\nname = "a_strict"\nversion = "1"\ntitle = "浙江严格规则"\n'
        'regions = ["浙江"]\ngrade_caps = [{ below = 70, best = "中" }]\n'
    )
    folder = settings.JIXIAO_RULESETS_DIR
    rulesets.write_table(folder, "a_strict", table)
    try:
        page = client.get(detail(project)).content.decode()
        assert "浙江严格规则" in page
        assert "执行率低于70%，自评结论为中及以下" in page
        assert "执行率低于70%，自评结论为中及以下" in client.get(LIST).content.decode()
    finally:
        rulesets.remove_table(folder, "a_strict")
    page = client.get(detail(project)).content.decode()
    assert "浙江严格规则" not in page
    assert "执行率低于91%，自评结论不得为优" in page
    assert before_list.status_code == 200
