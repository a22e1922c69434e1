"""Thin views: the department 汇总表 (``get_department``) and the overview
(``visible_evaluations``); the figures come from summaries.services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from jixiao.core.audit import Severity
from jixiao.core.rules import GRADES
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.filters import chosen, unit_choices
from jixiao.web.orgs.models import Organisation, Region
from jixiao.web.orgs.permissions import (
    get_department,
    visible_departments,
    visible_evaluations,
    visible_projects,
)
from jixiao.web.summaries.services import (
    UNGRADED,
    department_table,
    grade_filter,
    overview_counts,
    severity_count,
)

PAGE_SIZE = 50


@require_GET
@login_required
def department_summary(request: HttpRequest, org_pk: int, year: int) -> HttpResponse:
    department = get_department(request.user, org_pk)
    table = department_table(request.user, department, year)
    return render(
        request,
        "summaries/department.html",
        {
            "table": table,
            "errors": severity_count(table.findings, Severity.ERROR),
            "warnings": severity_count(table.findings, Severity.WARNING),
        },
    )


def _region_choices(visible: QuerySet[Evaluation]) -> list[Region]:
    """The regions of the visible evaluations' owners and the regions above them (2 queries)."""
    paths = visible.values_list("owner__region__path", flat=True).order_by().distinct()
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    return list(Region.objects.filter(pk__in=ids).order_by("path"))


def _department_links(request: HttpRequest) -> list[tuple[Organisation, list[int]]]:
    """Each 主管部门 the user may open a 汇总表 of, with the years its projects have."""
    departments = list(visible_departments(request.user).order_by("path"))
    if not departments:
        return []
    pairs = set(
        visible_projects(request.user).values_list("owner__path", "year").order_by().distinct()
    )
    return [
        (
            department,
            sorted(
                {year for path, year in pairs if path.startswith(department.path)}, reverse=True
            ),
        )
        for department in departments
    ]


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    visible = visible_evaluations(request.user)
    regions = _region_choices(visible)
    units = unit_choices(request.user, Q(pk__in=visible.values("owner")))
    evaluations = Evaluation.objects.filter(pk__in=visible.values("pk"))

    params = request.GET
    year = params.get("year", "").strip()
    if year.isdigit():
        evaluations = evaluations.filter(year=int(year))
    region = next((r for r in regions if str(r.pk) == params.get("region", "").strip()), None)
    if region is not None:
        evaluations = evaluations.filter(owner__region__path__startswith=region.path)
    unit = chosen(units, params.get("department", ""))
    if unit is not None:
        evaluations = evaluations.filter(owner__path__startswith=unit.path)
    kind = params.get("kind", "").strip()
    if kind in Evaluation.Kind.values:
        evaluations = evaluations.filter(kind=kind)
    grade = params.get("grade", "").strip()
    condition = grade_filter(grade)
    if condition is not None:
        evaluations = evaluations.filter(condition)

    page = Paginator(
        evaluations.select_related("owner").order_by("-year", "owner__name", "title", "pk"),
        PAGE_SIZE,
    ).get_page(params.get("page"))
    kept = params.copy()
    kept.pop("page", None)
    return render(
        request,
        "summaries/overview.html",
        {
            "counts": overview_counts(evaluations),
            "page": page,
            "regions": regions,
            "region": region,
            "units": units,
            "unit": unit,
            "year": year,
            "kind": kind,
            "grade": grade,
            "kinds": Evaluation.Kind.choices,
            "grades": [*((g, g) for g in GRADES), (UNGRADED, _("未评级"))],
            "departments": _department_links(request),
            "filters_query": kept.urlencode(),
        },
    )
