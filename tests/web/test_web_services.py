"""The service layer: importing case documents, storing them as JSON, the demo data."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from web_world import (
    INDUSTRY_SEED,
    PLATFORM_SEED,
    SEEDS,
    ZHUZHOU_SEED,
    Kind,
    make_org,
    make_region,
    seed,
)

from jixiao.io.cases import CaseError, read_document
from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import import_case_file, import_document, report_for
from jixiao.web.orgs.models import Membership, Organisation, Region
from jixiao.web.orgs.permissions import visible_evaluations

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db) -> Organisation:
    jiaxing = make_region("嘉兴市", Region.Level.CITY, make_region("浙江省", Region.Level.PROVINCE))
    return make_org("嘉兴市经济和信息化局", Kind.DEPARTMENT, jiaxing)


def industry_document():
    return read_document(seed(INDUSTRY_SEED))


# --- import_document -----------------------------------------------------------------------------


def test_import_document_stores_the_computed_and_published_figures(owner):
    evaluation = import_document(industry_document(), owner, name=INDUSTRY_SEED)
    evaluation.refresh_from_db()
    assert evaluation.owner == owner
    assert evaluation.title == "产业发展及结构调整经费 项目支出绩效自评表"
    assert evaluation.project == "产业发展及结构调整经费"
    assert evaluation.year == 2021
    assert evaluation.kind == Evaluation.Kind.SELF
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.rules == "zhejiang@2021.1"
    assert evaluation.computed_total == Decimal("100")
    assert evaluation.computed_grade == "优"
    assert evaluation.published_total == Decimal("98.57")
    assert evaluation.published_grade == "优"
    assert evaluation.error_count >= 1
    assert (evaluation.error_count, evaluation.warning_count) == (2, 1)


def test_import_figures_for_a_clean_table(owner):
    evaluation = import_case_file(seed(ZHUZHOU_SEED), owner)
    evaluation.refresh_from_db()
    assert evaluation.computed_total == evaluation.published_total == Decimal("95.99")
    assert evaluation.computed_grade == "优"
    assert (evaluation.error_count, evaluation.warning_count) == (0, 0)
    assert evaluation.year == 2020
    assert evaluation.rules == "national@2020.1"


def test_import_without_a_published_grade_stores_blank(db):
    county = make_region(
        "湘潭县", Region.Level.COUNTY, make_region("湖南省", Region.Level.PROVINCE)
    )
    org = make_org("湘潭县科技和工业信息化局", Kind.DEPARTMENT, county)
    evaluation = import_case_file(seed("001-xiangtan-service-system.yaml"), org)
    evaluation.refresh_from_db()
    assert evaluation.published_grade == ""
    assert evaluation.published_total == Decimal("100")


def break_format(doc):
    doc["format"] = "jixiao-case/99"


def drop_indicators(doc):
    del doc["indicators"]


def bad_weight(doc):
    doc["indicators"][0]["weight"] = "十分"


def bad_kind(doc):
    doc["meta"]["kind"] = "随便评"


def unknown_rules(doc):
    doc["rules"] = "no-such-ruleset"


def bad_method(doc):
    doc["indicators"][0]["method"] = "no_such_method"


def bad_facts(doc):
    doc["indicators"][0].update(method="yes_no", facts={"yes": "也许"})


def missing_params(doc):
    doc["indicators"][0]["method"] = "checklist"


@pytest.mark.parametrize(
    "spoil",
    [
        break_format,
        drop_indicators,
        bad_weight,
        bad_kind,
        bad_method,
        # valid by the schema, refused when scored (the CLI's exit code 2):
        unknown_rules,
        bad_facts,
        missing_params,
    ],
)
def test_a_bad_document_raises_case_error_and_creates_nothing(owner, spoil):
    """Callers (load_demo, an upload form) catch CaseError: every unusable document raises it."""
    document = industry_document()
    spoil(document)
    before = Evaluation.objects.count()
    with pytest.raises(CaseError):
        import_document(document, owner, name="坏的.yaml")
    assert Evaluation.objects.count() == before


@pytest.mark.parametrize("document", [None, [], "text", {"format": "jixiao-case/1"}])
def test_not_a_document_at_all(owner, document):
    with pytest.raises(CaseError):
        import_document(document, owner)
    assert not Evaluation.objects.exists()


def test_a_department_summary_is_refused(owner):
    with pytest.raises(CaseError) as error:
        import_case_file(seed("000-jiaxing-summary.yaml"), owner)
    assert "评价表" in str(error.value)
    assert not Evaluation.objects.exists()


def test_a_missing_file_is_a_case_error(owner, tmp_path):
    with pytest.raises(CaseError):
        import_case_file(tmp_path / "不存在.yaml", owner)
    assert not Evaluation.objects.exists()


def test_a_failure_after_scoring_rolls_back(owner, monkeypatch):
    """All or nothing: if saving fails, nothing is left behind (the import is atomic)."""
    import jixiao.web.evaluations.services as services

    original = services._store_figures

    def store_then_fail(evaluation, report):
        original(evaluation, report)
        Evaluation.objects.create(owner=owner, title="半途", document={})
        raise CaseError("x", "中途失败")

    monkeypatch.setattr(services, "_store_figures", store_then_fail)
    with pytest.raises(CaseError):
        import_document(industry_document(), owner)
    assert not Evaluation.objects.exists()


# --- storage as plain JSON -----------------------------------------------------------------------


def walk(value):
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def test_documents_are_stored_as_plain_json(owner):
    source = industry_document()
    assert any(isinstance(v, Decimal) for v in walk(source)), "the reader gives exact decimals"
    evaluation = import_document(copy.deepcopy(source), owner)

    stored = Evaluation.objects.get(pk=evaluation.pk).document
    assert json.loads(json.dumps(stored)) == stored
    for value in walk(stored):
        assert isinstance(value, str | int | bool | dict | list | None), value
        assert not isinstance(value, float), value
    assert stored["budget"]["full_year"] == "75.2"
    assert stored["published"]["total"] == "98.57"
    assert stored["meta"]["project"] == source["meta"]["project"]


def test_rescoring_the_stored_document_gives_the_same_figures(owner):
    for name in (INDUSTRY_SEED, ZHUZHOU_SEED, PLATFORM_SEED):
        evaluation = Evaluation.objects.get(pk=import_case_file(seed(name), owner).pk)
        report = report_for(evaluation)
        assert report.computed_total == evaluation.computed_total
        assert report.published_total == evaluation.published_total
        assert (report.computed_grade or "") == evaluation.computed_grade
        assert (report.published_grade or "") == evaluation.published_grade
        assert report.rules == evaluation.rules
        errors = sum(f.severity == "error" for f in report.findings)
        warnings = sum(f.severity == "warning" for f in report.findings)
        assert (errors, warnings) == (evaluation.error_count, evaluation.warning_count)


def test_stored_totals_are_exact_decimals(owner):
    evaluation = Evaluation.objects.get(pk=import_case_file(seed(ZHUZHOU_SEED), owner).pk)
    assert isinstance(evaluation.computed_total, Decimal)
    assert evaluation.computed_total == Decimal("95.99")
    assert evaluation.computed_total + Decimal("0.01") == Decimal("96.00")


# --- demo data -----------------------------------------------------------------------------------


def test_demo_load_creates_the_tree_evaluations_and_users(db):
    assert not demo.is_loaded()
    users = demo.load(SEEDS)
    assert demo.is_loaded()

    assert users == demo.all_users()
    assert users[: len(demo.USERS)] == demo.USERS  # the seed evaluations' 9, then the apps'
    assert len(demo.USERS) == 9
    assert len({user.username for user in users}) == len(users)
    assert get_user_model().objects.count() == len(users)
    assert Membership.objects.count() == len(users)
    assert Evaluation.objects.count() == 7
    # the base tree, and whatever organisations the apps' demos add (企业, 园区…) besides it
    assert {name for _, name, _, _ in demo.ORGANISATIONS} <= set(
        Organisation.objects.values_list("name", flat=True)
    )

    county = Region.objects.get(name="湘潭县")
    assert county.full_name == "湖南省湘潭市湘潭县"
    assert county.level == Region.Level.COUNTY
    assert Region.objects.filter(name="浙江省").count() == 1  # regions are shared, not repeated
    department = Organisation.objects.get(name="嘉兴市经济和信息化局")
    unit = Organisation.objects.get(name="嘉兴市新型墙体材料推广中心")
    assert unit.parent == department
    assert unit.path == f"{department.path}{unit.pk}/"

    jiangyou = Evaluation.objects.get(project="江油市中小微企业纾困资金")
    assert list(jiangyou.evaluators.values_list("username", flat=True)) == ["cuit_evaluator"]
    assert Evaluation.objects.filter(owner=department).count() == 4


DEMO_VISIBLE = {
    "jx_admin": 4,
    "jx_editor": 4,
    "jx_viewer": 4,
    "jx_reviewer": 4,
    "xt_editor": 1,
    "jy_editor": 1,
    "jy_reviewer": 1,
    "cuit_evaluator": 1,
    "zz_editor": 1,
}


def test_demo_users_log_in_and_see_their_evaluations(db):
    demo.load(SEEDS)
    assert {user.username for user in demo.USERS} == set(DEMO_VISIBLE)
    for username, count in DEMO_VISIBLE.items():
        client = Client()
        assert client.login(username=username, password=demo.DEMO_PASSWORD), username
        response = client.get("/evaluations/")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == count, username
        user = get_user_model().objects.get(username=username)
        assert visible_evaluations(user).count() == count, username


def test_load_demo_command_is_idempotent(db):
    out = StringIO()
    call_command("load_demo", seeds=str(SEEDS), stdout=out)
    assert "已载入演示数据" in out.getvalue()
    assert "jx_editor" in out.getvalue()
    counts = (
        Evaluation.objects.count(),
        get_user_model().objects.count(),
        Organisation.objects.count(),
        Region.objects.count(),
        Membership.objects.count(),
    )
    assert counts[:2] == (7, len(demo.all_users()))

    again = StringIO()
    call_command("load_demo", seeds=str(SEEDS), stdout=again)
    assert "跳过" in again.getvalue()
    assert "已载入演示数据" not in again.getvalue()
    assert (
        Evaluation.objects.count(),
        get_user_model().objects.count(),
        Organisation.objects.count(),
        Region.objects.count(),
        Membership.objects.count(),
    ) == counts


def test_load_demo_with_missing_seeds_fails_cleanly_and_loads_nothing(db, tmp_path: Path):
    with pytest.raises(CommandError) as error:
        call_command("load_demo", seeds=str(tmp_path / "nowhere"), stdout=StringIO())
    assert "无法载入演示数据" in str(error.value)
    assert not demo.is_loaded()
    assert not Organisation.objects.exists()
    assert not Evaluation.objects.exists()
    assert not get_user_model().objects.exists()


def test_load_demo_with_an_unusable_seed_fails_cleanly_and_loads_nothing(db, tmp_path: Path):
    """A seed naming an unknown rule set is a CommandError, not a traceback."""
    for path in SEEDS.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    zhuzhou = tmp_path / ZHUZHOU_SEED
    zhuzhou.write_text(
        zhuzhou.read_text(encoding="utf-8").replace("rules: national", "rules: hunan"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("load_demo", seeds=str(tmp_path), stdout=StringIO())
    assert not demo.is_loaded()
    assert not Evaluation.objects.exists()
