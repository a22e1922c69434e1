"""The 部门绩效自评结果汇总表 and the overview counts, computed through ``jixiao.core``.

Everything here starts from a permission-scoped queryset (``orgs.permissions``); the money is
summed as exact Decimals in Python from prefetched budget lines, never in SQL floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jixiao.core.audit import Code, Finding, Severity, row_path
from jixiao.core.budget import Budget
from jixiao.core.case import CaseMeta, DepartmentSummary, EvaluationKind, SummaryRow
from jixiao.core.money import ZERO
from jixiao.core.review import TableReport, review_summary
from jixiao.core.rules import GRADES, ExecutionDenominator, RuleSet
from jixiao.io import rulesets
from jixiao.web.evaluations.listing import fetch_tuples
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.models import Project, budgets_of
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import visible_evaluations, visible_projects

NO_CONCLUSION = "—"


def _rules_of(region: str, year: int) -> RuleSet:
    """The rule set of a region and year (``rulesets.select`` keeps its answers until a rule
    set is added or changed, e.g. in the admin)."""
    return rulesets.select(region, year)


@dataclass(frozen=True)
class SummaryLine:
    """One row: 序号, 单位名称, 项目名称, 全年预算数, 全年执行数, 执行率(%), 自评结论."""

    no: int
    project: Project
    full_year_budget: Decimal
    executed: Decimal | None
    rate: Decimal | None  # exact percent
    evaluation: Evaluation | None  # the latest visible 自评 of the project
    findings: tuple[Finding, ...]

    @property
    def unit(self) -> str:
        return self.project.owner.name

    @property
    def conclusion(self) -> str:
        grade = self.evaluation.computed_grade if self.evaluation else ""
        return grade or NO_CONCLUSION


@dataclass(frozen=True)
class DepartmentTable:
    department: Organisation
    year: int
    rules: RuleSet
    lines: tuple[SummaryLine, ...]
    total_budget: Decimal
    total_executed: Decimal | None
    total_rate: Decimal | None
    report: TableReport
    table_findings: tuple[Finding, ...]  # findings not about one row (合计)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for line in self.lines for f in line.findings) + self.table_findings

    @property
    def title(self) -> str:
        return gettext("%(year)s年度%(department)s部门绩效自评结果汇总表") % {
            "year": self.year,
            "department": self.department.name,
        }


def _latest_self_evaluations(user: Any, projects: list[Project]) -> dict[int, Evaluation]:
    """project pk → its latest 自评 among the evaluations ``user`` may see. One query; only
    the latest of each project becomes a model instance (a project may have many 自评)."""
    fields = ("pk", "title", "fund_project_id", "computed_grade", "computed_total")
    rows = (
        visible_evaluations(user)
        .filter(fund_project__in=[p.pk for p in projects], kind=Evaluation.Kind.SELF)
        .order_by("-created_at", "-pk")
        .values_list(*fields)
    )
    latest: dict[int, Evaluation] = {}
    for row in rows:
        project = row[2]
        if project is not None and project not in latest:
            latest[project] = Evaluation(**dict(zip(fields, row, strict=True)))
    return latest


def department_table(user: Any, department: Organisation, year: int) -> DepartmentTable:
    """The 汇总表 of ``department`` (and the units below it) for ``year``, audited with the
    department's rule set by :func:`jixiao.core.review.review_summary`.

    Only rows that have both a conclusion and a stated 全年执行数 are checked against the grade
    caps; a row without a 自评 is shown with 「—」 and no finding about its missing conclusion.
    """
    projects = list(
        visible_projects(user)
        .filter(owner__path__startswith=department.path, year=year)
        .select_related("owner")
        .order_by("sequence", "owner__path", "pk")
    )
    budgets = budgets_of(project.pk for project in projects)
    for project in projects:  # Project.budget is a cached property: one query for the table
        project.__dict__["budget"] = budgets[project.pk]
    latest = _latest_self_evaluations(user, projects)
    rules = _rules_of(department.region.full_name, year)
    rows: list[SummaryRow] = []
    unjudged: set[str] = set()
    for no, project in enumerate(projects, 1):
        evaluation = latest.get(project.pk)
        conclusion = evaluation.computed_grade if evaluation else ""
        if project.executed is None:
            conclusion = ""
        row = SummaryRow(
            no=no,
            unit=project.owner.name,
            project=project.name,
            full_year_budget=project.full_year_budget,
            executed=project.executed or ZERO,
            published_rate=None,
            conclusion=conclusion,
        )
        if not conclusion:
            unjudged.add(row_path(row))
        rows.append(row)
    summary = DepartmentSummary(
        meta=CaseMeta(
            title=f"{year}年度{department.name}部门绩效自评结果汇总表",
            region=department.region.full_name,
            year=year,
            department=department.name,
            kind=EvaluationKind.SELF,
        ),
        rows=tuple(rows),
        rules=rules.name,
    )
    report = review_summary(summary, rules)
    findings = [
        f for f in report.findings if not (f.code is Code.GRADE_UNKNOWN and f.path in unjudged)
    ]
    lines = tuple(
        SummaryLine(
            no=row.no,
            project=project,
            full_year_budget=row.full_year_budget,
            executed=project.executed,
            rate=project.execution_percent,
            evaluation=latest.get(project.pk),
            findings=tuple(f for f in findings if f.path == row_path(row)),
        )
        for row, project in zip(rows, projects, strict=True)
    )
    row_paths = {row_path(row) for row in rows}
    executed = [line.executed for line in lines]
    total_executed = (
        None
        if any(v is None for v in executed)
        else sum((v for v in executed if v is not None), ZERO)
    )
    total_budget = report.computed_total if report.computed_total is not None else ZERO
    total = Budget(full_year=total_budget, executed=total_executed)
    return DepartmentTable(
        department=department,
        year=year,
        rules=rules,
        lines=lines,
        total_budget=total_budget,
        total_executed=total_executed,
        total_rate=total.execution_percent(ExecutionDenominator.FULL_YEAR_BUDGET),
        report=report,
        table_findings=tuple(f for f in findings if f.path not in row_paths),
    )


# Overview -------------------------------------------------------------------------------------

UNGRADED = "none"


@dataclass(frozen=True)
class Overview:
    total: int
    by_grade: list[tuple[str, str, int]]  # (filter value, label, count)
    by_kind: list[tuple[str, str, int]]
    errors: int
    warnings: int
    with_errors: int


@dataclass(frozen=True, slots=True)
class FigureGroup:
    """The evaluations of one (year, owner): counted in all, by kind and by grade, with their
    finding totals."""

    year: int | None
    owner_id: int
    count: int
    by_kind: tuple[int, ...]  # in the order of Evaluation.Kind.choices
    by_grade: tuple[int, ...]  # GRADES, then ungraded
    errors: int
    warnings: int
    with_errors: int


def figure_groups(evaluations: QuerySet[Evaluation]) -> list[FigureGroup]:
    """Counts and finding sums of ``evaluations`` by year and owner: one aggregate query,
    answered from the ``(owner_id, year, kind, computed_grade)`` index. The overview derives
    its counts, its year/region/unit filters and its pages from these groups in Python."""
    kinds = [Count("kind", filter=Q(kind=value)) for value in Evaluation.Kind.values]
    grades = [Count("computed_grade", filter=Q(computed_grade=g)) for g in GRADES]
    grades.append(Count("computed_grade", filter=~Q(computed_grade__in=GRADES)))
    aggregates: dict[str, Any] = {
        "n": Count("*"),
        "errors": Sum("error_count"),
        "warnings": Sum("warning_count"),
        "with_errors": Count("error_count", filter=Q(error_count__gt=0)),
        **{f"kind_{i}": aggregate for i, aggregate in enumerate(kinds)},
        **{f"grade_{i}": aggregate for i, aggregate in enumerate(grades)},
    }
    rows = fetch_tuples(
        evaluations.order_by()
        .values("year", "owner_id")
        .annotate(**aggregates)
        .values_list("year", "owner_id", *aggregates)
    )
    k, g = len(kinds), len(grades)
    return [
        FigureGroup(
            year=row[0],
            owner_id=row[1],
            count=int(row[2]),
            errors=int(row[3] or 0),
            warnings=int(row[4] or 0),
            with_errors=int(row[5]),
            by_kind=tuple(int(n) for n in row[6 : 6 + k]),
            by_grade=tuple(int(n) for n in row[6 + k : 6 + k + g]),
        )
        for row in rows
    ]


def overview_of(groups: list[FigureGroup]) -> Overview:
    """Counts by grade and kind and the finding totals of the evaluations in ``groups``."""
    kinds = [0] * len(Evaluation.Kind.choices)
    grades = [0] * (len(GRADES) + 1)
    for group in groups:
        for index, n in enumerate(group.by_kind):
            kinds[index] += n
        for index, n in enumerate(group.by_grade):
            grades[index] += n
    labels = [*((g, g) for g in GRADES), (UNGRADED, str(_("未评级")))]
    return Overview(
        total=sum(g.count for g in groups),
        by_grade=[(value, label, n) for (value, label), n in zip(labels, grades, strict=True)],
        by_kind=[
            (value, str(label), n)
            for (value, label), n in zip(Evaluation.Kind.choices, kinds, strict=True)
        ],
        errors=sum(g.errors for g in groups),
        warnings=sum(g.warnings for g in groups),
        with_errors=sum(g.with_errors for g in groups),
    )


def overview_counts(evaluations: QuerySet[Evaluation]) -> Overview:
    """Counts by grade and kind and the finding totals, in one aggregate query."""
    return overview_of(figure_groups(evaluations))


def grade_filter(value: str) -> Q | None:
    if value in GRADES:
        return Q(computed_grade=value)
    if value == UNGRADED:
        return ~Q(computed_grade__in=GRADES)
    return None


def severity_count(findings: tuple[Finding, ...], severity: Severity) -> int:
    return sum(f.severity is severity for f in findings)
