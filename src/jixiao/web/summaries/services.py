"""The 部门绩效自评结果汇总表 and the overview counts, computed through ``jixiao.core``.

Everything here starts from a permission-scoped queryset (``orgs.permissions``); the money is
summed as exact Decimals in Python from prefetched budget lines, never in SQL floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from jixiao.core.audit import Code, Finding, Severity, row_path
from jixiao.core.budget import Budget
from jixiao.core.case import CaseMeta, DepartmentSummary, EvaluationKind, SummaryRow
from jixiao.core.money import ZERO
from jixiao.core.review import TableReport, review_summary
from jixiao.core.rules import GRADES, ExecutionDenominator, RuleSet
from jixiao.io import rulesets
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.funds.models import Project
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import visible_evaluations, visible_projects

NO_CONCLUSION = "—"


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
        return f"{self.year}年度{self.department.name}部门绩效自评结果汇总表"


def _latest_self_evaluations(user: Any, projects: list[Project]) -> dict[int, Evaluation]:
    """project pk → its latest 自评 among the evaluations ``user`` may see. One query."""
    latest: dict[int, Evaluation] = {}
    evaluations = (
        visible_evaluations(user)
        .filter(fund_project__in=[p.pk for p in projects], kind=Evaluation.Kind.SELF)
        .only("pk", "title", "fund_project", "computed_grade", "computed_total", "created_at")
        .order_by("-created_at", "-pk")
    )
    for evaluation in evaluations:
        assert evaluation.fund_project_id is not None
        latest.setdefault(evaluation.fund_project_id, evaluation)
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
        .prefetch_related("lines")
        .order_by("sequence", "owner__path", "pk")
    )
    latest = _latest_self_evaluations(user, projects)
    rules = rulesets.select(department.region.full_name, year)
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


def overview_counts(evaluations: QuerySet[Evaluation]) -> Overview:
    """Counts by grade and kind and the finding totals, in one aggregate query."""
    grades = [(g, g, Q(computed_grade=g)) for g in GRADES]
    grades.append((UNGRADED, str(_("未评级")), ~Q(computed_grade__in=GRADES)))
    kinds = [(value, str(label), Q(kind=value)) for value, label in Evaluation.Kind.choices]
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "errors": Sum("error_count"),
        "warnings": Sum("warning_count"),
        "with_errors": Count("pk", filter=Q(error_count__gt=0)),
    }
    for index, (_value, _label, condition) in enumerate(grades):
        aggregates[f"grade_{index}"] = Count("pk", filter=condition)
    for index, (_value, _label, condition) in enumerate(kinds):
        aggregates[f"kind_{index}"] = Count("pk", filter=condition)
    counts = evaluations.order_by().aggregate(**aggregates)
    return Overview(
        total=counts["total"],
        by_grade=[(v, label, counts[f"grade_{i}"]) for i, (v, label, _c) in enumerate(grades)],
        by_kind=[(v, label, counts[f"kind_{i}"]) for i, (v, label, _c) in enumerate(kinds)],
        errors=counts["errors"] or 0,
        warnings=counts["warnings"] or 0,
        with_errors=counts["with_errors"],
    )


def grade_filter(value: str) -> Q | None:
    if value in GRADES:
        return Q(computed_grade=value)
    if value == UNGRADED:
        return ~Q(computed_grade__in=GRADES)
    return None


def severity_count(findings: tuple[Finding, ...], severity: Severity) -> int:
    return sum(f.severity is severity for f in findings)
