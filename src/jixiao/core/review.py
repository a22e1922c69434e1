"""One table, recomputed and audited: what the CLI prints and the web platform will store."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.audit import Finding, audit_case, audit_summary, row_execution_percent
from jixiao.core.case import Case, DepartmentSummary
from jixiao.core.evaluation import EvaluationResult, evaluate
from jixiao.core.money import ZERO
from jixiao.core.rules import RuleSet, normalize_grade
from jixiao.core.scoring import ScoringContext


@dataclass(frozen=True)
class TableReport:
    file: str
    project: str
    rules: str
    computed_total: Decimal | None
    published_total: Decimal | None
    computed_grade: str | None
    published_grade: str | None
    findings: tuple[Finding, ...]
    result: EvaluationResult | None = None  # the scored tree, for evaluations
    row_rates: tuple[tuple[int, Decimal | None], ...] = ()  # summaries: (序号, exact 执行率 %)


def review_case(case: Case, rules: RuleSet) -> TableReport:
    result = evaluate(case.tree, ScoringContext(rules, case.budget))
    findings = audit_case(case, result, rules)
    printed_grade = case.published.grade
    return TableReport(
        file=case.file,
        project=case.meta.project or case.meta.title,
        rules=rules.label,
        computed_total=result.total,
        published_total=case.published.total,
        computed_grade=result.grade,
        published_grade=normalize_grade(printed_grade) or printed_grade if printed_grade else None,
        findings=tuple(findings),
        result=result,
    )


def review_summary(summary: DepartmentSummary, rules: RuleSet) -> TableReport:
    """For a summary the totals are the 全年预算数 column: recomputed sum vs the printed one."""
    findings = audit_summary(summary, rules)
    return TableReport(
        file=summary.file,
        project=summary.meta.title or summary.meta.department,
        rules=rules.label,
        computed_total=sum((row.full_year_budget for row in summary.rows), ZERO),
        published_total=summary.published.total_budget,
        computed_grade=None,
        published_grade=None,
        findings=tuple(findings),
        row_rates=tuple((row.no, row_execution_percent(row)) for row in summary.rows),
    )


def review(document: Case | DepartmentSummary, rules: RuleSet) -> TableReport:
    if isinstance(document, DepartmentSummary):
        return review_summary(document, rules)
    return review_case(document, rules)
