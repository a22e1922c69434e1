"""Thin views: the department 汇总表 (``get_department``) and the overview
(``visible_evaluations``); the figures come from summaries.services."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from jixiao.core.audit import Severity
from jixiao.core.rules import GRADES
from jixiao.web.core_text.localize import localize
from jixiao.web.evaluations.listing import escape_html, grouped_page, html_join, rows_html
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.filters import chosen, unit_choices, unit_options
from jixiao.web.funds.templatetags.money import rate, wan
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
    figure_groups,
    grade_filter,
    overview_of,
    severity_count,
)

PAGE_SIZE = 50


FLAGGED = mark_safe(' class="flagged"')


@require_GET
@login_required
def department_summary(request: HttpRequest, org_pk: int, year: int) -> HttpResponse:
    department = get_department(request.user, org_pk)
    table = department_table(request.user, department, year)
    project_link = reverse("funds:project_detail", args=[0]).rsplit("0", 1)
    evaluation_link = reverse("evaluations:detail", args=[0]).rsplit("0", 1)
    rows = [  # the cells made once, in Python, rather than by filters and {% url %} per cell
        (
            line,
            f"{project_link[0]}{line.project.pk}{project_link[1]}",
            f"{evaluation_link[0]}{line.evaluation.pk}{evaluation_link[1]}"
            if line.evaluation
            else "",
            wan(line.full_year_budget),
            wan(line.executed),
            rate(line.rate),
        )
        for line in table.lines
    ]
    return render(
        request,
        "summaries/department.html",
        {
            "table": table,
            "rows": rows,
            "rows_html": html_join(
                "\n",
                '<tr id="row-{}"{}><td class="num">{}</td><td>{}</td><td><a href="{}">{}</a></td>'
                '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
                '<td class="conclusion">{}{}</td></tr>',
                (
                    (
                        line.no,
                        FLAGGED if line.findings else "",
                        line.no,
                        line.unit,
                        project_link,
                        line.project.name,
                        budget,
                        executed,
                        rate_,
                        html_join("", '<a href="{}">{}</a>', [(evaluation_link, line.conclusion)])
                        if evaluation_link
                        else line.conclusion,
                        html_join(
                            "",
                            '<span class="finding sev-{}" title="{}"><span class="code">{}</span>'
                            "{}</span>",
                            (
                                (f.severity, localize(f.title), f.code, localize(f.message))
                                for f in line.findings
                            ),
                        ),
                    )
                    for line, project_link, evaluation_link, budget, executed, rate_ in rows
                ),
            ),
            "errors": severity_count(table.findings, Severity.ERROR),
            "warnings": severity_count(table.findings, Severity.WARNING),
        },
    )


@dataclass(frozen=True, slots=True)
class Owner:
    name: str
    path: str
    region_path: str


def _owners(ids: set[int]) -> dict[int, Owner]:
    """Name, path and region path of the owners of the visible evaluations (one query)."""
    rows = Organisation.objects.filter(pk__in=sorted(ids)).values_list(
        "pk", "name", "path", "region__path"
    )
    return {pk: Owner(name, path, region_path) for pk, name, path, region_path in rows}


def _region_choices(owners: dict[int, Owner]) -> list[Region]:
    """The regions of the visible evaluations' owners and the regions above them (1 query)."""
    ids = {
        int(part)
        for owner in owners.values()
        for part in owner.region_path.strip("/").split("/")
        if part
    }
    return list(Region.objects.filter(pk__in=sorted(ids)).order_by("path"))


def _department_links(request: HttpRequest) -> list[tuple[str, list[tuple[int, str]]]]:
    """Each 主管部门 the user may open a 汇总表 of, with the years its projects have (and the
    links to them, reversed once: a province has dozens of departments × years)."""
    departments = list(
        visible_departments(request.user).order_by("path").values_list("pk", "name", "path")
    )
    if not departments:
        return []
    years_of: dict[str, set[int]] = {}
    pairs = visible_projects(request.user).values_list("owner__path", "year").order_by().distinct()
    for path, year in pairs:
        years_of.setdefault(path, set()).add(year)
    link = reverse("summaries:department", args=[0, 0])
    head, middle, tail = link.rsplit("0", 2)
    links = []
    for pk, name, department_path in departments:
        years: set[int] = set()
        for path, owned in years_of.items():
            if path.startswith(department_path):
                years |= owned
        links.append(
            (
                name,
                [(year, f"{head}{pk}{middle}{year}{tail}") for year in sorted(years, reverse=True)],
            )
        )
    return links


def _department_links_html(links: list[tuple[str, list[tuple[int, str]]]]) -> SafeString:
    """The 汇总表 links as list items (name：year · year …, or 尚无项目), escaped."""
    none = mark_safe(f'<span class="muted">{escape_html(_("尚无项目"))}</span>')
    return html_join(
        "\n",
        "<li>{}：{}</li>",
        (
            (
                name,
                html_join(" · ", '<a href="{}">{}</a>', ((link, year) for year, link in years))
                if years
                else none,
            )
            for name, years in links
        ),
    )


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Counts, filters and pages all come from one aggregate over the visible evaluations
    (:func:`figure_groups`); only the page's rows are read from the table."""
    visible = visible_evaluations(request.user)
    params = request.GET
    rows = visible
    kind = params.get("kind", "").strip()
    if kind in Evaluation.Kind.values:
        rows = rows.filter(kind=kind)
    grade = params.get("grade", "").strip()
    condition = grade_filter(grade)
    if condition is not None:
        rows = rows.filter(condition)
    groups = figure_groups(rows)
    if rows is visible:
        owner_ids = {g.owner_id for g in groups}
    else:  # the choices offer every owner of a visible evaluation, whatever the filters
        owner_ids = set(visible.order_by().values_list("owner_id", flat=True).distinct())
    owners = _owners(owner_ids)
    regions = _region_choices(owners)
    units = unit_choices(request.user, Q(pk__in=sorted(owners)))

    year = params.get("year", "").strip()
    if year.isdigit():
        groups = [g for g in groups if g.year == int(year)]
        rows = rows.filter(year=int(year))
    region = next((r for r in regions if str(r.pk) == params.get("region", "").strip()), None)
    if region is not None:
        groups = [g for g in groups if owners[g.owner_id].region_path.startswith(region.path)]
    unit = chosen(units, params.get("department", ""))
    if unit is not None:
        groups = [g for g in groups if owners[g.owner_id].path.startswith(unit.path)]
    page = grouped_page(
        rows,
        PAGE_SIZE,
        params.get("page"),
        counted=[(g.year, g.owner_id, g.count) for g in groups],
        names={pk: owner.name for pk, owner in owners.items()},
    )
    kept = params.copy()
    kept.pop("page", None)
    departments = _department_links(request)
    return render(
        request,
        "summaries/overview.html",
        {
            "counts": overview_of(groups),
            "page": page,
            "rows_html": rows_html(page.object_list, published=False),
            "regions": regions,
            "region": region,
            "units": units,
            "unit": unit,
            "unit_options": unit_options(units, unit),
            "year": year,
            "kind": kind,
            "grade": grade,
            "kinds": Evaluation.Kind.choices,
            "grades": [*((g, g) for g in GRADES), (UNGRADED, _("未评级"))],
            "region_options": html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (r.pk, " selected" if region is not None and region.pk == r.pk else "", r.name)
                    for r in regions
                ),
            ),
            "departments": departments,
            "department_links": _department_links_html(departments),
            "filters_query": kept.urlencode(),
        },
    )
