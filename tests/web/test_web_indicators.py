"""Templates and the library: built-ins valid and in step with the seeds, broken ones refused,
and a draft evaluation started from each built-in — for exactly the right people.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from web_world import SEEDS

from jixiao.core.case import Case
from jixiao.io.cases import from_document, read_document
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import report_for
from jixiao.web.history.models import ActionLog
from jixiao.web.indicators.builtin import (
    SEED_TEMPLATES,
    SELF_EVALUATION,
    ensure_builtin_templates,
)
from jixiao.web.indicators.models import Indicator, Template
from jixiao.web.indicators.trees import TEMPLATE_FIELDS, case_document, strip_tree
from jixiao.web.orgs.permissions import get_evaluation
from jixiao.web.orgs.roles import Flag

pytestmark = pytest.mark.django_db

FRAMEWORKS = {
    "自评表",
    "经济性/效率性/有效性",
    "决策/过程/产出/效益",
    "通用/共性/特性/个性",
    "项目决策/项目管理/项目绩效",
}
TREE_ERRORS = {"WEIGHTS_NOT_100", "CHILD_WEIGHTS_MISMATCH", "LEAF_WITHOUT_WEIGHT"}


@pytest.fixture(scope="module")
def module_templates(module_world, django_db_blocker) -> dict[str, int]:
    """The built-ins, created once inside the module's world transaction (rolled back after)."""
    with django_db_blocker.unblock():
        return {t.framework: t.pk for t in ensure_builtin_templates(SEEDS)}


@pytest.fixture
def templates(module_templates, world) -> dict[str, Template]:
    return {framework: Template.objects.get(pk=pk) for framework, pk in module_templates.items()}


def rows(tree: list[dict[str, Any]]):
    for row in tree:
        yield row
        yield from rows(row.get("children", []))


def total_weight(tree: list[dict[str, Any]]) -> Decimal:
    case = from_document(case_document(tree), "t")
    assert isinstance(case, Case)
    return case.tree.total_weight


# --- built-in templates ------------------------------------------------------------------------


def test_there_is_a_builtin_template_for_every_framework(templates):
    assert set(templates) == FRAMEWORKS
    assert all(t.is_builtin for t in templates.values())


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_each_builtin_adds_up_to_100_and_holds_no_figures(templates, framework):
    template = templates[framework]
    template.full_clean()
    assert total_weight(template.tree) == 100
    for row in rows(template.tree):
        assert set(row) <= set(TEMPLATE_FIELDS), row
    case = from_document(case_document(template.tree, template.deductions), "t")
    assert isinstance(case, Case) and not case.tree.problems


@pytest.mark.parametrize("spec", SEED_TEMPLATES, ids=lambda s: s.seed)
def test_seed_templates_are_the_seed_trees_without_figures(templates, spec):
    template = templates[spec.framework]
    seed = read_document(SEEDS / spec.seed)
    assert template.tree == strip_tree(seed["indicators"])
    names = [row["name"] for row in rows(template.tree)]
    assert names == [row["name"] for row in rows(seed["indicators"])]
    dropped = {"published_score", "facts", "rationale", "actual", "target", "manual_score"}
    assert not any(dropped & set(row) for row in rows(template.tree))


def test_seed_templates_keep_the_indicator_texts(templates):
    """指标解释 and 评分标准 describe the indicator, so a template built from a seed keeps them."""
    for spec in SEED_TEMPLATES:
        seed = read_document(SEEDS / spec.seed)
        texts = [
            (row["name"], row.get("explanation"), row.get("criteria"))
            for row in rows(seed["indicators"])
        ]
        kept = [
            (row["name"], row.get("explanation"), row.get("criteria"))
            for row in rows(templates[spec.framework].tree)
        ]
        assert kept == texts, spec.seed
    assert any(row.get("explanation") for row in rows(templates["通用/共性/特性/个性"].tree))


def test_the_standard_self_evaluation_has_the_national_split(templates):
    template = templates["自评表"]
    assert template.name == SELF_EVALUATION
    roots = {row["name"]: row for row in template.tree}
    assert [(name, row["weight"]) for name, row in roots.items()] == [
        ("执行率", "10"),
        ("产出指标", "50"),
        ("效益指标", "30"),
        ("满意度指标", "10"),
    ]
    assert roots["执行率"]["method"] == "execution"
    assert template.budget_weight == Decimal(10)
    assert [c["name"] for c in roots["产出指标"]["children"]] == [
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
    ]
    assert [c["name"] for c in roots["效益指标"]["children"]] == [
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
    ]
    assert templates["经济性/效率性/有效性"].budget_weight is None
    assert templates["决策/过程/产出/效益"].budget_weight == Decimal(5)  # nested 预算执行率


def test_ensure_builtin_templates_is_idempotent_and_restores_the_definition(templates):
    counts = Template.objects.count(), Indicator.objects.count()
    broken = templates["自评表"]
    Template.objects.filter(pk=broken.pk).update(tree=[{"name": "x", "weight": "100"}])
    ensure_builtin_templates(SEEDS)
    assert (Template.objects.count(), Indicator.objects.count()) == counts
    assert Template.objects.get(pk=broken.pk).tree == broken.tree


def test_load_templates_command(templates, capsys):
    call_command("load_templates", seeds=str(SEEDS))
    out = capsys.readouterr().out
    assert "已载入 5 个内置模板" in out
    assert Template.objects.filter(is_builtin=True).count() == 5


def test_the_library_holds_the_self_evaluation_leaves(templates):
    entry = Indicator.objects.get(name="培训人数(人)")
    assert entry.level_path == "产出指标/数量指标"
    assert entry.unit == "人"
    assert entry.method == "ratio_positive"
    assert entry.row_name == "培训人数(人)"
    assert not Indicator.objects.filter(method="execution").exists()


# --- broken templates are refused ---------------------------------------------------------------


def refused(tree: Any, deductions: Any = None) -> list[ValidationError]:
    template = Template(name="坏模板", framework="测试", tree=tree, deductions=deductions or [])
    with pytest.raises(ValidationError) as caught:
        template.save()
    assert not Template.objects.filter(name="坏模板").exists()
    errors: list[ValidationError] = caught.value.error_dict["tree"]
    return errors


def test_weights_not_adding_up_to_100_are_refused_in_chinese(db):
    errors = refused(
        [
            {"name": "产出指标", "weight": "50", "method": "ratio_positive"},
            {"name": "效益指标", "weight": "40", "method": "ratio_positive"},
        ]
    )
    assert [e.code for e in errors] == ["WEIGHTS_NOT_100"]
    assert errors[0].messages == ["各一级指标（含执行率）分值合计 90，应为 100"]


def test_children_not_matching_their_parent_are_refused(db):
    errors = refused(
        [
            {
                "name": "产出指标",
                "weight": "100",
                "children": [{"name": "数量指标", "weight": "60", "method": "ratio_positive"}],
            }
        ]
    )
    assert [e.code for e in errors] == ["CHILD_WEIGHTS_MISMATCH"]
    assert any("下级指标分值合计 60，与本级分值 100 不符" in m for e in errors for m in e.messages)


@pytest.mark.parametrize(
    ("tree", "code", "words"),
    [
        ([{"name": "甲", "weight": "100", "method": "magic"}], "TEMPLATE_INVALID", "未知评分方法"),
        ([{"name": "甲", "weight": "abc"}], "TEMPLATE_INVALID", "indicators[0].weight"),
        ([{"name": "甲", "method": "ratio_positive"}], "LEAF_WITHOUT_WEIGHT", "未设分值"),
        ([], "TEMPLATE_EMPTY", "至少包含一个一级指标"),
        (
            [{"name": "甲", "weight": "100", "method": "ratio_positive", "target": "≥10"}],
            "TEMPLATE_HAS_FIGURES",
            "模板只保存指标结构",
        ),
        (
            [{"name": "甲", "weight": "100", "method": "checklist"}],
            "TEMPLATE_METHOD_PARAMS",
            "要点扣分法须给出参数",
        ),
    ],
)
def test_other_broken_templates_are_refused_with_a_chinese_reason(db, tree, code, words):
    errors = refused(tree)
    assert code in [e.code for e in errors]
    assert any(words in m for e in errors for m in e.messages)


def test_full_clean_reports_on_the_tree_field(db):
    template = Template(
        name="坏模板", framework="测试", tree=[{"name": "甲", "weight": "1", "method": "judgement"}]
    )
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "tree" in caught.value.message_dict


def test_library_entries_are_checked(db):
    with pytest.raises(ValidationError) as caught:
        Indicator(name="要点", method="checklist").save()
    assert "要点扣分法须给出参数" in str(caught.value)
    entry = Indicator(name="要点", method="checklist", params={"points": 4})
    entry.save()
    entry.full_clean()
    with pytest.raises(ValidationError):
        Indicator(name="坏", method="magic").full_clean()


# --- who may browse and create -------------------------------------------------------------------


def new_url(template: Template) -> str:
    return reverse("indicators:template_new", args=[template.pk])


def test_template_list_for_members(world, login, templates):
    page = login(world.viewer).get(reverse("indicators:template_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert all(t.name in html for t in templates.values())
    assert "按此模板新建" not in html  # a viewer may not create
    owner_page = login(world.owner).get(reverse("indicators:template_list")).content.decode()
    assert owner_page.count("按此模板新建") == 5


@pytest.mark.parametrize(("who", "status"), [("nobody", 403), ("inactive", 302), (None, 302)])
def test_template_list_refuses_non_members(world, login, templates, who, status):
    user = getattr(world, who) if who else None
    response = login(user).get(reverse("indicators:template_list"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["viewer", "reviewer", "evaluator", "nobody"])
def test_the_new_form_is_refused_to_those_who_may_not_edit(world, login, templates, who):
    url = new_url(templates["自评表"])
    client = login(getattr(world, who))
    assert client.get(url).status_code == 403
    data = {"owner": world.department.pk, "title": "x", "kind": "自评"}
    assert client.post(url, data).status_code == 403
    assert not Evaluation.objects.filter(title="x").exists()


def test_the_new_form_for_anonymous_goes_to_login(world, login, templates):
    response = login(None).get(new_url(templates["自评表"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_form_offers_only_the_users_own_organisations(world, login, templates):
    page = login(world.unit_editor).get(new_url(templates["自评表"]))
    owners = list(page.context["form"].fields["owner"].queryset)
    assert owners == [world.unit]
    owner_page = login(world.owner).get(new_url(templates["自评表"]))
    assert list(owner_page.context["form"].fields["owner"].queryset) == [world.department]


def test_an_organisation_the_user_does_not_edit_for_is_refused(world, login, templates):
    response = login(world.owner).post(
        new_url(templates["自评表"]),
        {"owner": world.xiangtan.pk, "title": "越权", "kind": "自评"},
    )
    assert response.status_code == 200
    assert "您不能为该单位创建评价" in response.content.decode()
    assert not Evaluation.objects.filter(title="越权").exists()


def test_an_unknown_template_is_404(world, login, templates):
    assert login(world.owner).get("/indicators/templates/999999/new/").status_code == 404


# --- creating from each built-in ----------------------------------------------------------------


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_creating_from_each_builtin_gives_a_draft_that_scores(world, login, templates, framework):
    template = templates[framework]
    client = login(world.owner)
    response = client.post(
        new_url(template),
        {
            "owner": world.department.pk,
            "title": f"2024 {framework}",
            "project": "中小企业服务",
            "year": "2024",
            "kind": template.kind,
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(title=f"2024 {framework}")
    assert response["Location"] == reverse("evaluations:detail", args=[evaluation.pk])
    assert evaluation.owner == world.department
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.version == 1
    assert evaluation.kind == template.kind
    assert evaluation.document["indicators"] == template.tree
    meta = evaluation.document["meta"]
    assert meta["region"] == "浙江省嘉兴市"  # from the organisation: chooses the rule set
    assert meta["framework"] == framework
    assert meta["year"] == 2024 and meta["project"] == "中小企业服务"
    assert evaluation.rules.startswith("zhejiang")
    # nothing entered yet: every leaf scores nothing, and the tree itself is sound
    assert evaluation.computed_total == 0
    report = report_for(evaluation)
    assert not TREE_ERRORS & {f.code.value for f in report.findings}
    assert evaluation.error_count == 0
    assert get_evaluation(world.owner, evaluation.pk, Flag.EDIT_EVALUATION) == evaluation
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "添加指标" in detail.content.decode()
    log = ActionLog.objects.get(evaluation=evaluation)
    assert log.action == "jixiao.evaluation.created"
    assert log.data["template"] == template.name


def test_the_budget_makes_the_execution_row_score(world, login, templates):
    template = templates["自评表"]
    response = login(world.unit_editor).post(
        new_url(template),
        {
            "owner": world.unit.pk,
            "title": "带预算",
            "kind": "自评",
            "full_year": "239.4",
            "executed": "215.2",
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(title="带预算")
    assert evaluation.document["budget"] == {"full_year": "239.4", "executed": "215.2"}
    assert evaluation.computed_total == Decimal("8.99")  # seed 004: 89.89 % of 10
    meta = evaluation.document["meta"]
    assert meta["department"] == world.department.name and meta["unit"] == world.unit.name


def test_budget_fields_only_for_templates_with_an_execution_row(world, login, templates):
    with_budget = login(world.owner).get(new_url(templates["自评表"])).content.decode()
    without = login(world.owner).get(new_url(templates["经济性/效率性/有效性"])).content.decode()
    assert 'name="full_year"' in with_budget
    assert 'name="full_year"' not in without


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", "", "这个字段是必填项"),
        ("year", "1800", "1990"),
        ("kind", "随便", "选择一个有效的选项"),
    ],
)
def test_invalid_form_input_creates_nothing(world, login, templates, field, value, words):
    before = Evaluation.objects.count()
    data = {"owner": world.department.pk, "title": "坏输入", "kind": "自评", field: value}
    response = login(world.owner).post(new_url(templates["自评表"]), data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert Evaluation.objects.count() == before
