"""Thin views: projects through orgs.permissions (``visible_projects``/``get_project``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from jixiao.core.rules import RuleSet
from jixiao.io import rulesets
from jixiao.web.evaluations.listing import DASH, html_join, two_places
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.filters import chosen, unit_choices, unit_options
from jixiao.web.funds.models import BudgetLine, Project, budgets_of
from jixiao.web.funds.templatetags.money import rate, wan
from jixiao.web.orgs.models import Region
from jixiao.web.orgs.permissions import get_project, visible_evaluations, visible_projects

PAGE_SIZE = 50
# What a row of the project list prints (and the region path its rule set is chosen by).
PROJECT_LIST_FIELDS = (
    "pk",
    "year",
    "name",
    "kind",
    "sequence",
    "owner__name",
    "owner__path",
    "owner__region__path",
    "owner__region__name",
    "fund__name",
)


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """A project of the list as it prints: every cell made once, in Python (a template spends
    more on 50 rows × 9 cells of lookups and filters than the page's queries take)."""

    project: Project
    link: str
    kind: str
    fund: str
    budget: str
    executed: str
    rate: str
    warnings: list[str]

    @property
    def pk(self) -> int:
        return self.project.pk


def project_rows(projects: list[Project]) -> list[ProjectRow]:
    link = reverse("funds:project_detail", args=[0])
    head, tail = link.rsplit("0", 1)
    kinds = {value: str(label) for value, label in Project.Kind.choices}
    return [
        ProjectRow(
            project=project,
            link=f"{head}{project.pk}{tail}",
            kind=kinds.get(project.kind, project.kind),
            fund=(project.fund.name if project.fund else "") or "—",
            budget=wan(project.full_year_budget),
            executed=wan(project.executed),
            rate=rate(project.execution_percent),
            warnings=project.warnings,
        )
        for project in with_rules(projects)
    ]


def rules_of(region: str, year: int) -> RuleSet:
    """The rule set of a region and year. ``rulesets.select`` keeps its answers until a rule
    set is added or changed (e.g. in the admin), so no cache of its own here: one kept per
    process would go on using a table after it was changed."""
    return rulesets.select(region, year)


def region_full_names(regions: Iterable[Region]) -> dict[int, str]:
    """Region id → full name (province, city, county), from the regions' paths: one query for
    the names, instead of selecting every row's region chain."""
    chains = {
        region.pk: [int(part) for part in region.path.strip("/").split("/") if part]
        for region in regions
    }
    ids = sorted({pk for chain in chains.values() for pk in chain})
    names = dict(Region.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {pk: "".join(names.get(part, "") for part in chain) for pk, chain in chains.items()}


def with_rules(projects: list[Project]) -> list[Project]:
    """Give each project its rule set (``Project.rules`` is a cached property) from
    :func:`rules_of`, so a page of projects does not list the rule-set files per row."""
    full_names = region_full_names(project.owner.region for project in projects)
    chosen: dict[tuple[str, int], RuleSet] = {}  # once per (region, year) on the page
    for project in projects:
        key = (full_names[project.owner.region_id], project.year)
        if key not in chosen:
            chosen[key] = rules_of(*key)
        project.__dict__["rules"] = chosen[key]
    return projects


@require_GET
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    visible = visible_projects(request.user)
    units = unit_choices(request.user, Q(pk__in=visible.values("owner")))
    projects = visible.select_related("owner__region", "fund").only(*PROJECT_LIST_FIELDS)
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        projects = projects.filter(year=int(year))
    unit = chosen(units, request.GET.get("department", ""))
    if unit is not None:
        projects = projects.filter(owner__path__startswith=unit.path)
    page = Paginator(
        projects.order_by("-year", "owner__path", "sequence", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    budgets = budgets_of(project.pk for project in listed)
    for project in listed:  # Project.budget is a cached property: one query for the page
        project.__dict__["budget"] = budgets[project.pk]
    page.object_list = project_rows(listed)  # type: ignore[assignment]
    rows_html = html_join(
        "\n",
        '<tr><td>{}</td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>',
        (
            (
                row.project.year,
                row.project.owner.name,
                row.link,
                row.project.name,
                row.kind,
                row.fund,
                row.budget,
                row.executed,
                row.rate,
                html_join("", '<span class="sev-warning">{}</span>', ((w,) for w in row.warnings)),
            )
            for row in page.object_list
        ),
    )
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "funds/project_list.html",
        {
            "page": page,
            "rows_html": rows_html,
            "units": units,
            "unit": unit,
            "unit_options": unit_options(units, unit),
            "year": year,
            "filters_query": kept.urlencode(),
        },
    )


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project(request.user, pk)  # selects the region chain
    project.__dict__["rules"] = rules_of(project.owner.region.full_name, project.year)
    prefetch_related_objects([project], "lines")
    lines = list(project.lines.all())
    by_source = [
        (label, [line for line in lines if line.source == value])
        for value, label in BudgetLine.Source.choices
    ]
    evaluations = list(
        visible_evaluations(request.user)
        .filter(fund_project=project)
        .only("pk", "year", "kind", "title", "computed_total", "computed_grade", "status")
        .order_by("-year", "kind", "-created_at", "-pk")
    )
    head, tail = reverse("evaluations:detail", args=[0]).rsplit("0", 1)
    kinds = dict(Evaluation.Kind.choices)
    statuses = dict(Evaluation.Status.choices)
    evaluation_rows = html_join(  # the cells made once, in Python, not by tags per cell
        "\n",
        '<tr><td>{}</td><td>{}</td><td><a href="{}">{}</a></td><td class="num">{}</td>'
        "<td>{}</td><td>{}</td></tr>",
        (
            (
                DASH if e.year is None else e.year,
                kinds.get(e.kind, e.kind),
                f"{head}{e.pk}{tail}",
                e.title,
                two_places(e.computed_total) or DASH,
                e.computed_grade or DASH,
                statuses.get(e.status, e.status),
            )
            for e in evaluations
        ),
    )
    return render(
        request,
        "funds/project_detail.html",
        {
            "project": project,
            "sources": [(label, rows) for label, rows in by_source if rows],
            "evaluations": evaluations,
            "evaluation_rows": evaluation_rows,
        },
    )
