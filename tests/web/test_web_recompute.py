"""Recomputing the stored figures of many evaluations (after a rule set changed)."""

from __future__ import annotations

import copy
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from web_world import SEEDS, Kind, make_org, make_region

from jixiao.io.cases import read_document
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.recompute import FIGURES, recompute_figures
from jixiao.web.evaluations.services import _store_figures, import_case_file, report_for
from jixiao.web.orgs.models import Organisation, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db) -> Organisation:
    jiaxing = make_region("嘉兴市", Region.Level.CITY, make_region("浙江省", Region.Level.PROVINCE))
    return make_org("嘉兴市经济和信息化局", Kind.DEPARTMENT, jiaxing)


@pytest.fixture
def stored(owner) -> list[Evaluation]:
    """Every seed evaluation table, twice over, with the figures spoiled (the rule set kept)."""
    evaluations = []
    for path in sorted(SEEDS.glob("*.yaml")):
        if read_document(path).get("type", "evaluation") != "evaluation":
            continue
        for _copy in range(2):
            evaluations.append(import_case_file(path, owner))
    Evaluation.objects.update(
        computed_total=Decimal("1"),
        computed_grade="差",
        published_total=None,
        published_grade="",
        error_count=99,
        warning_count=99,
    )
    return evaluations


def figures(evaluation: Evaluation) -> tuple[object, ...]:
    return tuple(getattr(evaluation, name) for name in FIGURES)


def scored_one_by_one(evaluation: Evaluation) -> tuple[object, ...]:
    """The figures the page's own path (``report_for``) gives."""
    fresh = Evaluation.objects.get(pk=evaluation.pk)
    _store_figures(fresh, report_for(fresh))
    return figures(fresh)


def test_every_figure_as_scoring_one_table_gives(stored):
    seen = []
    outcome = recompute_figures(
        Evaluation.objects.all(), lambda done, total: seen.append((done, total)), chunk=5
    )
    assert outcome.updated == len(stored) == outcome.changed
    assert outcome.failed == []
    assert seen[-1] == (len(stored), len(stored))
    for evaluation in stored:
        evaluation.refresh_from_db()
        assert figures(evaluation) == scored_one_by_one(evaluation)
    assert {e.computed_grade for e in stored} >= {"优"}


def test_a_second_run_changes_nothing(stored):
    recompute_figures(Evaluation.objects.all())
    again = recompute_figures(Evaluation.objects.all())
    assert (again.updated, again.changed) == (len(stored), 0)


def test_a_table_that_cannot_be_scored_keeps_its_figures_and_is_named(stored):
    broken = stored[3]
    document = copy.deepcopy(broken.document)
    document["rules"] = "atlantis"
    Evaluation.objects.filter(pk=broken.pk).update(document=document)
    outcome = recompute_figures(Evaluation.objects.all(), chunk=4)
    assert outcome.updated == len(stored) - 1
    assert [pk for pk, _ in outcome.failed] == [broken.pk]
    assert "atlantis" in outcome.failed[0][1]
    broken.refresh_from_db()
    assert broken.error_count == 99  # untouched
    neighbour = stored[2]
    neighbour.refresh_from_db()
    assert figures(neighbour) == scored_one_by_one(neighbour)


def test_the_command_by_rule_set_and_year(stored):
    out, err = StringIO(), StringIO()
    call_command("recompute_figures", "--rules", "national", stdout=out, stderr=err)
    national = Evaluation.objects.filter(rules__startswith="national@")
    assert 0 < national.count() < len(stored)
    assert Evaluation.objects.filter(error_count=99).count() == len(stored) - national.count()
    assert "已重新计算" in out.getvalue()
    assert err.getvalue() == ""
    call_command("recompute_figures", "--year", "2021", stdout=StringIO())
    assert not Evaluation.objects.filter(year=2021, error_count=99).exists()


def test_the_command_refuses_an_unknown_rule_set(stored):
    with pytest.raises(CommandError, match="规则集错误"):
        call_command("recompute_figures", "--rules", "atlantis", stdout=StringIO())
