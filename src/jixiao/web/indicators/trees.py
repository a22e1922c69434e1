"""Template trees: the ``indicators`` list of a case document without any of its figures.

A template keeps what makes a framework — names, codes, weights, scoring methods and their
parameters, children — and none of what one evaluation fills in (targets, actuals, facts,
printed scores, notes). It is checked by building it through the case loader, the same way an
evaluation is, so a template that would give a broken table is refused before anyone uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jixiao.core.case import Case
from jixiao.core.indicators import ProblemCode, TreeProblem
from jixiao.core.money import ZERO, fmt
from jixiao.core.review import review
from jixiao.core.rules import RuleSetError
from jixiao.core.scoring import MethodInputError
from jixiao.io import rulesets
from jixiao.io.cases import CaseError, from_document, plain
from jixiao.web.core_text.localize import localize, localize_error

TEMPLATE_FIELDS = (
    "name",
    "code",
    "weight",
    "method",
    "params",
    "children",
    "lower_is_better",
    "explanation",
    "criteria",
)
"""What a template row may hold (the indicator and how it is scored, with its 指标解释 and
评分标准); everything else belongs to one evaluation."""

DEDUCTION_FIELDS = ("name", "per_occurrence", "cap", "reason")
"""What a template's 扣分项 keep: the rule, not the amount one evaluation found."""

FORMAT = "jixiao-case/1"


@dataclass(frozen=True)
class TreeIssue:
    """One reason a template tree is refused: a stable code and the message (in the active
    language)."""

    code: str
    message: str


def strip_indicator(raw: Any) -> dict[str, Any]:
    """A case-document indicator reduced to its template fields (recursively)."""
    row = {key: plain(raw[key]) for key in TEMPLATE_FIELDS if key in raw and key != "children"}
    children = raw.get("children") or []
    if children:
        row["children"] = [strip_indicator(child) for child in children]
    return row


def strip_tree(indicators: Any) -> list[dict[str, Any]]:
    return [strip_indicator(raw) for raw in indicators or []]


def strip_deductions(deductions: Any) -> list[dict[str, Any]]:
    return [
        {key: plain(raw[key]) for key in DEDUCTION_FIELDS if key in raw} for raw in deductions or []
    ]


def case_document(
    tree: Any, deductions: Any = (), meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The smallest case document holding ``tree``: what validation and new evaluations use."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "type": "evaluation",
        "meta": dict(meta or {}),
        "indicators": tree,
    }
    if deductions:
        document["deductions"] = list(deductions)
    return document


def _extra_fields(rows: Any, prefix: str, found: list[TreeIssue]) -> None:
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            continue  # the schema names it
        name = raw.get("name") or _("第 %(number)s 项") % {"number": index + 1}
        where = f"{prefix}{name}"
        extra = [key for key in raw if key not in TEMPLATE_FIELDS]
        if extra:
            found.append(
                TreeIssue(
                    "TEMPLATE_HAS_FIGURES",
                    _(
                        "指标“%(where)s”含有 %(fields)s：模板只保存指标结构"
                        "（名称、分值、评分方法及参数、指标解释、评分标准、下级指标），不保存指标值和得分"
                    )
                    % {"where": where, "fields": "、".join(extra)},
                )
            )
        children = raw.get("children")
        if isinstance(children, list):
            _extra_fields(children, f"{where} / ", found)


def _problem_message(problem: TreeProblem) -> str:
    found = fmt(problem.found or ZERO)
    expected = fmt(problem.expected or ZERO)
    if problem.code is ProblemCode.WEIGHTS_NOT_100:
        return _("各一级指标（含执行率）分值合计 %(found)s，应为 %(expected)s") % {
            "found": found,
            "expected": expected,
        }
    if problem.code is ProblemCode.CHILD_WEIGHTS_MISMATCH:
        return _("指标“%(path)s”的下级指标分值合计 %(found)s，与本级分值 %(expected)s 不符") % {
            "path": problem.path,
            "found": found,
            "expected": expected,
        }
    if problem.code is ProblemCode.LEAF_WITHOUT_WEIGHT:
        return _("末级指标“%(path)s”未设分值") % {"path": problem.path}
    return _("指标“%(path)s”：人工评分须填写理由") % {"path": problem.path}


def tree_issues(tree: Any, deductions: Any = ()) -> list[TreeIssue]:
    """Everything wrong with a template tree; empty when it makes a valid table of 100 points."""
    if not isinstance(tree, list) or not tree:
        return [TreeIssue("TEMPLATE_EMPTY", _("模板须至少包含一个一级指标"))]
    if not isinstance(deductions, list | tuple):
        return [TreeIssue("TEMPLATE_DEDUCTIONS", _("扣分项须为列表"))]
    issues: list[TreeIssue] = []
    _extra_fields(tree, "", issues)
    for index, raw in enumerate(deductions):
        extra = [key for key in raw if key not in DEDUCTION_FIELDS] if isinstance(raw, dict) else []
        if extra:
            issues.append(
                TreeIssue(
                    "TEMPLATE_HAS_FIGURES",
                    _("第 %(number)s 个扣分项含有 %(fields)s：模板只保存扣分规则")
                    % {"number": index + 1, "fields": "、".join(extra)},
                )
            )
    if issues:
        return issues
    try:
        case = from_document(case_document(tree, deductions), "模板")
    except CaseError as error:
        return [TreeIssue("TEMPLATE_INVALID", localize(error.with_field()))]
    assert isinstance(case, Case)
    issues.extend(TreeIssue(p.code.value, _problem_message(p)) for p in case.tree.problems)
    if not issues:
        try:  # the methods' parameters are read only when scoring
            review(case, rulesets.load())
        except (RuleSetError, MethodInputError) as error:
            issues.append(TreeIssue("TEMPLATE_METHOD_PARAMS", localize_error(error)))
    return issues


def rows_with_method(tree: Any, method: str) -> list[dict[str, Any]]:
    """Every row of ``tree`` scored by ``method``, depth-first."""
    found: list[dict[str, Any]] = []
    for raw in tree or []:
        if isinstance(raw, dict):
            if raw.get("method") == method:
                found.append(raw)
            found.extend(rows_with_method(raw.get("children"), method))
    return found


def count_leaves(tree: Any) -> int:
    return sum(
        count_leaves(raw["children"]) if raw.get("children") else 1
        for raw in tree or []
        if isinstance(raw, dict)
    )
