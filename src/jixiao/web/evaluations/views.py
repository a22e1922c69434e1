"""Thin views: authorise through orgs.permissions, call services, render."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jixiao.io.audit_json import report_json
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import report_for
from jixiao.web.orgs.permissions import flags_for, get_evaluation, visible_evaluations
from jixiao.web.orgs.roles import Flag

PAGE_SIZE = 50


@require_GET
@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    evaluations = visible_evaluations(request.user).select_related("owner__region")
    query = request.GET.get("q", "").strip()
    if query:
        evaluations = evaluations.filter(
            Q(title__icontains=query)
            | Q(project__icontains=query)
            | Q(owner__name__icontains=query)
        )
    for field in ("year", "kind", "computed_grade"):
        value = request.GET.get(field, "").strip()
        if value:
            evaluations = evaluations.filter(**{field: value})
    page = Paginator(evaluations.order_by("-year", "owner__name", "title"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evaluations/list.html",
        {"page": page, "query": query, "kinds": Evaluation.Kind.choices},
    )


@require_GET
@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request.user, pk, Flag.VIEW_EVALUATION)
    report = report_for(evaluation)
    scores = report.result.scores if report.result else ()
    anchors = {score.path_text: f"row-{index}" for index, score in enumerate(scores, 1)}
    flagged = {f.path for f in report.findings}
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "report": report,
            "rows": [
                (score, anchors[score.path_text], score.path_text in flagged, score.depth - 1)
                for score in scores
            ],
            "findings": [(f, anchors.get(f.path)) for f in report.findings],
            "flags": flags_for(request.user, evaluation),
        },
    )


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
