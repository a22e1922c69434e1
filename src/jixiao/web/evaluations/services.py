"""Verbs on evaluations: import a case, score it through jixiao.core, keep the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from jixiao.core.audit import Severity
from jixiao.core.case import Case
from jixiao.core.review import TableReport, review
from jixiao.core.rules import RuleSet
from jixiao.io import rulesets
from jixiao.io.cases import CaseError, from_document, plain, read_document
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.orgs.models import Organisation


def rules_for(case: Case) -> RuleSet:
    if case.rules:
        return rulesets.load(case.rules)
    return rulesets.select(case.meta.region, case.meta.year)


def build_case(evaluation: Evaluation) -> Case:
    document = from_document(evaluation.document, f"评价 {evaluation.pk}")
    if not isinstance(document, Case):
        raise CaseError(f"评价 {evaluation.pk}", "不是评价表")
    return document


def report_for(evaluation: Evaluation) -> TableReport:
    """Recompute the evaluation: every score with its explanation, total, grade, findings."""
    case = build_case(evaluation)
    return review(case, rules_for(case))


def _store_figures(evaluation: Evaluation, report: TableReport) -> None:
    evaluation.computed_total = report.computed_total
    evaluation.computed_grade = report.computed_grade or ""
    evaluation.published_total = report.published_total
    evaluation.published_grade = report.published_grade or ""
    evaluation.error_count = sum(f.severity is Severity.ERROR for f in report.findings)
    evaluation.warning_count = sum(f.severity is Severity.WARNING for f in report.findings)
    evaluation.rules = report.rules


@transaction.atomic
def import_document(document: Any, owner: Organisation, *, name: str = "") -> Evaluation:
    """Create an evaluation from a case document; a bad document changes nothing."""
    data = plain(document)
    case = from_document(data, name or "上传的评价表")
    if not isinstance(case, Case):
        raise CaseError(name, "只能导入评价表（type: evaluation）")
    meta = case.meta
    evaluation = Evaluation(
        owner=owner,
        title=meta.title or meta.project,
        project=meta.project,
        year=meta.year,
        kind=meta.kind.value,
        document=data,
    )
    _store_figures(evaluation, review(case, rules_for(case)))
    evaluation.save()
    return evaluation


def import_case_file(path: Path, owner: Organisation) -> Evaluation:
    return import_document(read_document(path), owner, name=str(path))
