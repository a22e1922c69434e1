"""Thin views: projects through orgs.permissions (``visible_projects``/``get_project``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jixiao.web.funds.filters import chosen, unit_choices
from jixiao.web.funds.models import BudgetLine
from jixiao.web.orgs.permissions import get_project, visible_evaluations, visible_projects

PAGE_SIZE = 50


@require_GET
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    visible = visible_projects(request.user)
    units = unit_choices(request.user, Q(pk__in=visible.values("owner")))
    projects = visible.select_related("owner__region__parent__parent", "fund").prefetch_related(
        "lines"
    )
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        projects = projects.filter(year=int(year))
    unit = chosen(units, request.GET.get("department", ""))
    if unit is not None:
        projects = projects.filter(owner__path__startswith=unit.path)
    page = Paginator(
        projects.order_by("-year", "owner__path", "sequence", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "funds/project_list.html",
        {
            "page": page,
            "units": units,
            "unit": unit,
            "year": year,
            "filters_query": kept.urlencode(),
        },
    )


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project(request.user, pk)
    prefetch_related_objects([project], "lines")
    lines = list(project.lines.all())
    by_source = [
        (label, [line for line in lines if line.source == value])
        for value, label in BudgetLine.Source.choices
    ]
    evaluations = (
        visible_evaluations(request.user)
        .filter(fund_project=project)
        .select_related("owner")
        .order_by("-year", "kind", "-created_at", "-pk")
    )
    return render(
        request,
        "funds/project_detail.html",
        {
            "project": project,
            "sources": [(label, rows) for label, rows in by_source if rows],
            "evaluations": evaluations,
        },
    )
