"""Thin views: authorise through orgs.permissions, call services, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jixiao.core.case import Case
from jixiao.core.review import TableReport
from jixiao.io.audit_json import report_json
from jixiao.io.cases import from_trusted_document
from jixiao.web.cofunding.services import funding_rows
from jixiao.web.core_text.localize import localize
from jixiao.web.evaluations.detail_rows import export_links_html, grid_rows_html
from jixiao.web.evaluations.listing import grouped_page, rows_html
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import (
    EDITABLE_FIELDS,
    EditError,
    add_indicator,
    document_rows,
    indicator_row,
    move_indicator,
    remove_indicator,
    rename_indicator,
    report_for,
    reweight_indicator,
    score_case,
    transition,
    update_row,
)
from jixiao.web.evaluations.workflow import EDITABLE, STEPS, available_steps
from jixiao.web.indicators.services import library_entry, library_parent, library_row
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import flags_for, get_evaluation, visible_evaluations
from jixiao.web.orgs.roles import Flag

PAGE_SIZE = 50
CHART_KINDS = [
    ("scores", gettext_lazy("各一级指标得分与分值")),
    ("budget", gettext_lazy("预算数与执行数")),
    ("completion", gettext_lazy("指标完成程度")),
]


@require_GET
@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    evaluations = visible_evaluations(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        evaluations = evaluations.filter(search(query))
    filters: dict[str, object] = {}
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        filters["year"] = int(year)
    for field in ("kind", "computed_grade"):
        value = request.GET.get(field, "").strip()
        if value:
            filters[field] = value
    page = grouped_page(evaluations.filter(**filters), PAGE_SIZE, request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "evaluations/list.html",
        {
            "page": page,
            "rows_html": rows_html(page.object_list, published=True),
            "query": query,
            "kinds": Evaluation.Kind.choices,
            "filters_query": kept.urlencode(),
        },
    )


def search(query: str) -> Q:
    """Title, project or owner name containing ``query``, ignoring case.

    A term without cased letters (Chinese, digits) is matched as it is: ``UPPER()`` on every
    row would cost more than the search itself and changes nothing for such a term.
    """
    lookup = "contains" if query.lower() == query == query.upper() else "icontains"
    owners = Organisation.objects.filter(**{f"name__{lookup}": query}).values("pk")
    return (
        Q(**{f"title__{lookup}": query})
        | Q(**{f"project__{lookup}": query})
        | Q(owner_id__in=owners)
    )


def _stored_report(evaluation: Evaluation) -> TableReport:
    """The evaluation re-scored from its stored document.

    Every write (import, edits in services) validates the document against the schema before
    it is stored, so it is built here without validating it again: on the evaluation page the
    schema check cost several times the scoring itself. Anything unexpected falls back to
    :func:`report_for`, which validates and names the problem.
    """
    name = f"评价 {evaluation.pk}"
    try:
        case = from_trusted_document(evaluation.document, name)
    except Exception:  # a document that was not stored through the services
        return report_for(evaluation)
    if not isinstance(case, Case):
        return report_for(evaluation)
    return score_case(case, name)


def _body_context(request: HttpRequest, evaluation: Evaluation, error: str = "") -> dict[str, Any]:
    """What the evaluation body (totals, grid, findings) needs; re-rendered after each edit."""
    report = _stored_report(evaluation)
    scores = report.result.scores if report.result else ()
    keys = list(document_rows(evaluation.document))
    first_row: dict[str, str] = {}  # a finding links to the first row with its path
    for index, score in enumerate(scores, 1):
        first_row.setdefault(score.path_text, f"row-{index}")
    flagged = {f.path for f in report.findings}
    flags = flags_for(request.user, evaluation)
    can_edit = Flag.EDIT_EVALUATION in flags and evaluation.status in EDITABLE
    rows = [
        (score, f"row-{index}", key, score.path_text in flagged, score.depth - 1)
        for index, (score, key) in enumerate(zip(scores, keys, strict=True), 1)
    ]
    return {
        "evaluation": evaluation,
        "report": report,
        "rows": rows,  # the tree editor's 上级指标 choices
        "grid_rows": grid_rows_html(
            evaluation, rows, can_edit=can_edit, funded=funding_rows(evaluation)
        ),
        "findings": [(f, first_row.get(f.path)) for f in report.findings],
        "flags": flags,
        "export_links": export_links_html(evaluation.pk) if Flag.EXPORT_EVALUATION in flags else "",
        "can_edit": can_edit,
        "steps": available_steps(evaluation.status, flags),
        "transitions": evaluation.transitions.select_related("user"),
        "chart_kinds": CHART_KINDS,
        "error": error,
    }


@require_GET
@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request.user, pk, Flag.VIEW_EVALUATION)
    return render(request, "evaluations/detail.html", _body_context(request, evaluation))


@require_POST
@login_required
def evaluation_row_update(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """htmx: change one row's inputs, answer with the re-scored body (or why not)."""
    evaluation = get_evaluation(request.user, pk, Flag.EDIT_EVALUATION)
    changes = {f: request.POST[f] for f in EDITABLE_FIELDS if f in request.POST}
    error = ""
    try:
        evaluation = update_row(evaluation.pk, key, changes, _version(request), request.user)
    except EditError as problem:
        error = localize(str(problem))
        evaluation.refresh_from_db()
    return render(request, "evaluations/_body.html", _body_context(request, evaluation, error))


@require_POST
@login_required
def evaluation_transition(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request.user, pk, Flag.VIEW_EVALUATION)
    flags = flags_for(request.user, evaluation)
    action = request.POST.get("action", "")
    try:
        transition(
            evaluation.pk,
            action,
            request.user,
            flags,
            request.POST.get("comment", ""),
            _version(request),
        )
    except PermissionError:
        raise PermissionDenied from None
    except EditError as problem:
        messages.error(request, localize(str(problem)))
    else:
        messages.success(request, _("已%(step)s。") % {"step": STEPS[action].label})
    return redirect("evaluations:detail", pk=evaluation.pk)


@require_GET
@login_required
def evaluation_history(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request.user, pk, Flag.VIEW_EVALUATION)
    entries = [(entry, _changes(entry.data)) for entry in evaluation.log.select_related("user")]
    return render(
        request, "evaluations/history.html", {"evaluation": evaluation, "entries": entries}
    )


def _changes(data: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field an action touched, whichever side it is on."""
    before, after = data.get("before") or {}, data.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    return [(field, before.get(field), after.get(field)) for field in {**before, **after}]


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_GET
@login_required
def evaluation_audit_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit as the CLI's ``--json`` object (docs/audit-json.md), for one evaluation."""
    evaluation = get_evaluation(request.user, pk, Flag.EXPORT_EVALUATION)
    body = report_json(report_for(evaluation))
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="evaluation-{evaluation.pk}-audit.json"'
    )
    return response


# Editing the indicator tree (htmx): each answers with the re-scored body, or why not ----------


def _tree_change(
    request: HttpRequest, pk: int, change: Callable[[Evaluation], Evaluation]
) -> HttpResponse:
    evaluation = get_evaluation(request.user, pk, Flag.EDIT_EVALUATION)
    error = ""
    try:
        evaluation = change(evaluation)
    except EditError as problem:
        error = localize(str(problem))
        evaluation.refresh_from_db()
    return render(request, "evaluations/_body.html", _body_context(request, evaluation, error))


@require_POST
@login_required
def evaluation_indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a leaf (name, 分值, scoring method, optional parameters) under a row or at the root."""

    def change(evaluation: Evaluation) -> Evaluation:
        row = indicator_row(
            request.POST.get("name", ""),
            request.POST.get("weight", ""),
            request.POST.get("method", ""),
            request.POST.get("params", ""),
        )
        parent = request.POST.get("parent", "").strip()
        return add_indicator(evaluation.pk, parent, row, _version(request), request.user)

    return _tree_change(request, pk, change)


@require_POST
@login_required
def evaluation_indicator_add_from_library(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an indicator of the library; ``parent=auto`` places it by the library's 层级."""

    def change(evaluation: Evaluation) -> Evaluation:
        entry = library_entry(request.POST.get("indicator", ""))
        row = library_row(entry, request.POST.get("weight", ""))
        parent = request.POST.get("parent", "auto").strip()
        if parent == "auto":
            parent = library_parent(evaluation.document, entry)
        return add_indicator(evaluation.pk, parent, row, _version(request), request.user)

    return _tree_change(request, pk, change)


@require_POST
@login_required
def evaluation_indicator_remove(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _tree_change(
        request,
        pk,
        lambda evaluation: remove_indicator(evaluation.pk, key, _version(request), request.user),
    )


@require_POST
@login_required
def evaluation_indicator_move(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    direction = request.POST.get("direction", "")
    return _tree_change(
        request,
        pk,
        lambda evaluation: move_indicator(
            evaluation.pk, key, direction, _version(request), request.user
        ),
    )


@require_POST
@login_required
def evaluation_indicator_weight(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    weight = request.POST.get("weight", "")
    return _tree_change(
        request,
        pk,
        lambda evaluation: reweight_indicator(
            evaluation.pk, key, weight, _version(request), request.user
        ),
    )


@require_POST
@login_required
def evaluation_indicator_rename(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    name = request.POST.get("name", "")
    return _tree_change(
        request,
        pk,
        lambda evaluation: rename_indicator(
            evaluation.pk, key, name, _version(request), request.user
        ),
    )
