"""The demo data reproduces seed 000's 部门绩效自评结果汇总表: 17 rows, 1122.34 万元, every
conclusion within the 浙江 caps; and the other seeds' projects carry their budget lines."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from web_world import SEEDS

from jixiao.core.audit import Code
from jixiao.core.case import DepartmentSummary
from jixiao.io.cases import load
from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.models import BudgetLine, Project, SpecialFund
from jixiao.web.orgs.models import Organisation

pytestmark = pytest.mark.django_db

D = Decimal
SEED = load(SEEDS / "000-jiaxing-summary.yaml")
assert isinstance(SEED, DepartmentSummary)


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo.load(SEEDS)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(module_demo, db) -> None:
    return None


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def department() -> Organisation:
    return Organisation.objects.get(name="嘉兴市经济和信息化局")


def summary_url(org: Organisation | None = None, year: int = 2021) -> str:
    return reverse("summaries:department", args=[(org or department()).pk, year])


def test_the_demo_has_the_17_projects_of_the_summary_seed(loaded):
    projects = Project.objects.filter(year=2021, owner__path__startswith=department().path)
    assert projects.count() == 17
    assert BudgetLine.objects.filter(project__in=projects).count() == 17
    assert set(BudgetLine.objects.filter(project__in=projects).values_list("source", "level")) == {
        (BudgetLine.Source.CURRENT, BudgetLine.Level.CITY)
    }
    units = dict(projects.values_list("name", "owner__name"))
    assert units["新墙材推广工作经费"] == "嘉兴市新型墙体材料推广中心"
    assert units["老干部工作专项经费"] == "嘉兴市经贸老干部服务中心"
    veterans = Organisation.objects.get(name="嘉兴市经贸老干部服务中心")
    assert veterans.kind == Organisation.Kind.PROJECT_UNIT and veterans.parent == department()


@pytest.mark.parametrize("username", ["jx_admin", "jx_editor", "jx_viewer", "jx_reviewer"])
def test_the_summary_reproduces_the_seed_rows(loaded, username):
    response = client_for(username).get(summary_url())
    assert response.status_code == 200
    table = response.context["table"]
    assert [
        (line.no, line.unit, line.project.name, line.full_year_budget, line.executed)
        for line in table.lines
    ] == [(row.no, row.unit, row.project, row.full_year_budget, row.executed) for row in SEED.rows]
    assert table.total_budget == D("1122.34") == SEED.published.total_budget
    assert table.total_executed == sum((row.executed for row in SEED.rows), D(0))
    for line, row in zip(table.lines, SEED.rows, strict=True):
        assert line.rate == row.executed / row.full_year_budget * 100
    assert not [f for f in table.findings if f.code is Code.GRADE_RULE_VIOLATION]
    html = response.content.decode()
    assert '<strong id="total-budget">1122.34</strong>' in html
    assert "GRADE_RULE_VIOLATION" not in html
    assert "2021年度嘉兴市经济和信息化局部门绩效自评结果汇总表" in html


def test_the_two_self_evaluations_give_their_rows_conclusions(loaded):
    table = client_for("jx_viewer").get(summary_url()).context["table"]
    conclusions = {line.project.name: line.conclusion for line in table.lines}
    assert conclusions["嘉兴市企业服务平台运营项目"] == "优"
    assert conclusions["产业发展及结构调整经费"] == "优"
    assert sum(value == "—" for value in conclusions.values()) == 15
    seed_conclusions = {row.project: row.conclusion for row in SEED.rows}
    for name, conclusion in conclusions.items():
        if conclusion != "—":
            assert conclusion == seed_conclusions[name]


def test_the_self_evaluations_are_linked_to_their_projects(loaded):
    for title in ("嘉兴市企业服务平台运营项目", "产业发展及结构调整经费"):
        evaluation = Evaluation.objects.get(project=title)
        assert evaluation.fund_project is not None
        assert evaluation.fund_project.name == title
        assert evaluation.fund_project.owner == department()


def test_the_other_seeds_projects_and_budget_lines(loaded):
    xiangtan = Project.objects.get(name="湘潭县中小企业服务体系经费")
    assert (xiangtan.full_year_budget, xiangtan.executed, xiangtan.year) == (D(50), None, 2021)
    assert Evaluation.objects.get(fund_project=xiangtan).project == "湘潭县中小企业服务体系经费"

    jiangyou = Project.objects.get(name="江油市中小微企业纾困资金")
    assert jiangyou.kind == Project.Kind.POLICY
    lines = {line.level: (line.full_year_budget, line.executed) for line in jiangyou.lines.all()}
    assert lines == {
        "province": (D("192.174"), D("134.52")),
        "city": (D("192.174"), D("192.174")),
        "county": (D("256.232"), D("256.232")),
    }
    assert jiangyou.full_year_budget == D("640.58")
    assert jiangyou.executed == D("582.926")
    assert jiangyou.fund.name == "中小微企业纾困资金"
    assert jiangyou.warnings == []  # 四川: national rules, no caps
    assert Evaluation.objects.get(fund_project=jiangyou).kind == Evaluation.Kind.THIRD_PARTY

    zhuzhou = Project.objects.get(name="温暖企业行动")
    assert (zhuzhou.full_year_budget, zhuzhou.executed) == (D("239.4"), D("215.2"))
    assert zhuzhou.execution_rate == D("215.2") / D("239.4")
    assert zhuzhou.warnings == []  # 89.89 % and 优秀 is legitimate in 湖南
    assert Evaluation.objects.get(fund_project=zhuzhou).computed_grade == "优"

    assert SpecialFund.objects.count() == 4


def test_the_demo_users_see_their_projects(loaded):
    expected = {
        "jx_admin": 17,
        "jx_viewer": 17,
        "jx_reviewer": 17,
        "xt_editor": 1,
        "jy_editor": 1,
        "jy_reviewer": 1,
        "zz_editor": 1,
        "cuit_evaluator": 0,
    }
    for username, count in expected.items():
        response = client_for(username).get(reverse("funds:project_list"))
        assert response.context["page"].paginator.count == count, username


def test_the_evaluator_cannot_open_a_summary(loaded):
    assert client_for("cuit_evaluator").get(summary_url()).status_code == 404
    jiangyou = Organisation.objects.get(name="江油市工业和信息化局")
    assert client_for("cuit_evaluator").get(summary_url(jiangyou, 2023)).status_code == 404
    assert client_for("jy_reviewer").get(summary_url(jiangyou, 2023)).status_code == 200
    assert client_for("jy_reviewer").get(summary_url()).status_code == 404


def test_the_overview_of_the_jiaxing_reviewer(loaded):
    response = client_for("jx_reviewer").get(reverse("summaries:overview"))
    counts = response.context["counts"]
    assert counts.total == 4
    assert {v: n for v, _label, n in counts.by_kind if n} == {"自评": 2, "部门评价": 2}
    html = response.content.decode()
    assert summary_url() in html


def test_load_demo_stays_idempotent(loaded):
    before = (Project.objects.count(), BudgetLine.objects.count(), SpecialFund.objects.count())
    out = StringIO()
    call_command("load_demo", seeds=str(SEEDS), stdout=out)
    assert "跳过" in out.getvalue()
    assert (
        (
            Project.objects.count(),
            BudgetLine.objects.count(),
            SpecialFund.objects.count(),
        )
        == before
        == (20, 22, 4)
    )
