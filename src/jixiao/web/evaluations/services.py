"""Verbs on evaluations: import a case, score it through jixiao.core, keep the figures."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from django.db import transaction

from jixiao.core.audit import Severity
from jixiao.core.case import Case
from jixiao.core.review import TableReport, review
from jixiao.core.rules import RuleSet, RuleSetError
from jixiao.core.scoring import MethodInputError
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
    return score_case(case, f"评价 {evaluation.pk}")


def score_case(case: Case, name: str) -> TableReport:
    """Review a case; an unusable rule set or method input becomes a :class:`CaseError`."""
    try:
        return review(case, rules_for(case))
    except (RuleSetError, MethodInputError) as error:
        raise CaseError(name, str(error)) from None


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
    _store_figures(evaluation, score_case(case, name or "上传的评价表"))
    evaluation.save()
    return evaluation


def import_case_file(path: Path, owner: Organisation) -> Evaluation:
    return import_document(read_document(path), owner, name=str(path))


# Editing and workflow -------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "target",
    "actual",
    "deviation_note",
    "rationale",
    "manual_score",
    "manual_reason",
)


class EditError(Exception):
    """A change that cannot be made; ``str()`` is the Chinese message for the user."""


class VersionConflictError(EditError):
    pass


def document_rows(document: Any) -> dict[str, Any]:
    """Every indicator of a stored document by row key (``"1.0.2"``), depth-first."""
    rows: dict[str, Any] = {}

    def visit(indicators: list[Any], prefix: str) -> None:
        for index, raw in enumerate(indicators):
            key = f"{prefix}{index}"
            rows[key] = raw
            visit(raw.get("children", []), f"{key}.")

    visit(document.get("indicators", []), "")
    return rows


def _apply(row: Any, changes: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise EditError(f"字段 {field} 不能在此修改")
        if field in ("target", "actual") and row.get("children"):
            raise EditError("有下级指标的指标没有指标值，请在末级指标填写")
        before[field] = row.get(field)
        text = value.strip()
        if text:
            row[field] = text
        else:
            row.pop(field, None)
        after[field] = row.get(field)
    return before, after


def _check_version(evaluation: Evaluation, version: int) -> None:
    if evaluation.version != version:
        raise VersionConflictError(
            f"该评价已被他人修改（当前版本 {evaluation.version}，您编辑的是版本 {version}），"
            "页面已更新为最新内容，请核对后重新填写。"
        )


@transaction.atomic
def update_row(
    evaluation_id: int, key: str, changes: dict[str, str], version: int, user: Any
) -> Evaluation:
    """Change one row's inputs and rescore; stale versions and invalid values change nothing."""
    from jixiao.web.evaluations.workflow import EDITABLE
    from jixiao.web.history.services import log_action

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _check_version(evaluation, version)
    if evaluation.status not in EDITABLE:
        raise EditError(f"评价{evaluation.get_status_display()}，不能修改")
    document = copy.deepcopy(evaluation.document)
    row = document_rows(document).get(key)
    if row is None:
        raise EditError(f"指标 {key} 不存在")
    before, after = _apply(row, changes)
    if before == after:
        return evaluation
    try:
        case = from_document(document, evaluation.title)
    except CaseError as error:
        raise EditError(
            error.message + (f"（字段 {error.field}）" if error.field else "")
        ) from None
    if not isinstance(case, Case):
        raise EditError("不是评价表")
    _store_figures(evaluation, review(case, rules_for(case)))
    evaluation.document = document
    evaluation.version += 1
    evaluation.save()
    log_action(
        "jixiao.evaluation.row.changed",
        user=user,
        evaluation=evaluation,
        row=key,
        indicator=row.get("name", ""),
        before=before,
        after=after,
    )
    return evaluation


@transaction.atomic
def transition(
    evaluation_id: int, action: str, user: Any, flags: frozenset[Any], comment: str, version: int
) -> Evaluation:
    """Move the evaluation along the workflow table; every step is recorded."""
    from jixiao.web.evaluations.models import Transition
    from jixiao.web.evaluations.workflow import STEPS
    from jixiao.web.history.services import log_action

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _check_version(evaluation, version)
    step = STEPS.get(action)
    if step is None:
        raise EditError(f"未知操作 {action}")
    if step.flag not in flags:
        raise PermissionError(action)
    if evaluation.status not in step.sources:
        raise EditError(f"评价{evaluation.get_status_display()}，不能{step.label}")
    if step.needs_comment and not comment.strip():
        raise EditError(f"{step.label}须填写意见")
    source = evaluation.status
    evaluation.status = step.target
    evaluation.version += 1
    evaluation.save(update_fields=["status", "version", "updated_at"])
    Transition.objects.create(
        evaluation=evaluation,
        user=user,
        from_status=source,
        to_status=step.target,
        comment=comment.strip(),
    )
    log_action(
        f"jixiao.evaluation.{step.action}",
        user=user,
        evaluation=evaluation,
        before={"status": source},
        after={"status": step.target},
        comment=comment.strip(),
    )
    return evaluation
