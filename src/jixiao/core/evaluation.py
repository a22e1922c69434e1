"""Recompute a table: every leaf through its method, parents as sums, total, rescaling,
deductions and grade — each score carrying its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from jixiao.core.indicators import Indicator, IndicatorTree, path_text
from jixiao.core.money import HUNDRED, ZERO, clamp
from jixiao.core.rules import worse_grade
from jixiao.core.scoring import MethodInputError, Outcome, ScoringContext, get
from jixiao.core.scoring.base import show


class Source(StrEnum):
    METHOD = "method"  # computed by the indicator's method
    MANUAL = "manual"  # set by hand, with a reason
    PUBLISHED = "published"  # the method could not compute: the printed score is accepted
    CHILDREN = "children"  # a parent: the sum of its children
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"  # nothing to go on: counts as 0


FACT_LABELS = {
    "missed": "未达成项",
    "findings": "发现问题数",
    "level": "档次",
    "yes": "是否",
    "band": "定性档次",
    "rate": "比率(%)",
    "count": "次数",
    "plan_time": "计划完成时间",
    "actual_time": "实际完成时间",
    "balance_rate": "结余率(%)",
    "all_met": "全部达成",
}


def _fact_text(value: object) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list | tuple):
        return "、".join(map(str, value)) or "无"
    return str(value)


class Score(NamedTuple):
    """One indicator's score with everything needed to explain it (an immutable record)."""

    path: tuple[str, ...]
    path_text: str
    indicator: Indicator
    weight: Decimal
    value: Decimal | None  # the score of record, rounded by the rule set
    computed: Decimal | None  # what the method gives, rounded (None for judgement methods)
    source: Source
    method: str
    rules: str
    outcome: Outcome | None = None

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def explanation(self) -> str:
        """Why this score, in Chinese: method, rule-set version, formula with numbers."""
        inputs = self.inputs
        return (
            f"[{self.method or '—'} · {self.rules}] {inputs + '：' if inputs else ''}{self.detail}"
        )

    @property
    def inputs(self) -> str:
        """The inputs the method read: target, actual and facts, as written."""
        indicator = self.indicator
        parts = []
        if indicator.target:
            parts.append(f"年度指标值“{indicator.target}”")
        if indicator.actual:
            parts.append(f"实际完成值“{indicator.actual}”")
        parts.extend(
            f"{FACT_LABELS.get(key, key)} {_fact_text(value)}"
            for key, value in indicator.facts.items()
        )
        return "，".join(parts)

    @property
    def detail(self) -> str:
        """The explanation without its method/rule-set head."""
        value = show(self.value or ZERO)
        if self.source is Source.CHILDREN:
            return f"下级得分合计 = {value}"
        if self.source is Source.NOT_APPLICABLE:
            return "不适用，不计分，总分按适用分值折算为100分"
        formula = self.outcome.formula if self.outcome else "未指定评分方法"
        if self.source is Source.MANUAL:
            reason = self.indicator.manual_reason
            return f"人工评分 {value}/{show(self.weight)}（理由：{reason}）；方法：{formula}"
        if self.source is Source.PUBLISHED:
            return f"{formula}；采用填报得分 {value}/{show(self.weight)}"
        if self.source is Source.MISSING:
            return f"{formula}；无得分"
        return formula


@dataclass(frozen=True)
class EvaluationResult:
    scores: tuple[Score, ...]  # depth-first, parents before their children
    raw_total: Decimal  # sum of the roots' scores
    rescaled: bool  # not-applicable indicators were left out and the total scaled to 100
    deductions: Decimal
    total: Decimal
    grade: str  # from the bands, capped by the rule set (浙江: < 91 % executed is not 优)
    execution_percent: Decimal | None  # exact, by the rule set's denominator
    best_grade_allowed: str
    rules: str

    def by_path(self) -> dict[str, Score]:
        return {score.path_text: score for score in self.scores}


def _method_title(indicator: Indicator) -> str:
    if indicator.method is None:
        return ""
    return f"{get(indicator.method.code).title}"


def _outcome(
    indicator: Indicator, path: tuple[str, ...], weight: Decimal, ctx: ScoringContext
) -> Outcome | None:
    """Run the indicator's method; malformed parameters or facts become one clear error."""
    if indicator.method is None:
        return None
    where = f"第 {indicator.line} 行，" if indicator.line else ""
    try:
        return get(indicator.method.code).outcome(indicator, weight, ctx)
    except MethodInputError as error:
        raise MethodInputError(f"{where}指标 {path_text(path)}：{error}") from None
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        detail = f"缺少 {error.args[0]}" if isinstance(error, KeyError) else str(error)
        raise MethodInputError(
            f"{where}指标 {path_text(path)}：评分方法 {indicator.method.code} 的参数或事实有误（{detail}）"
        ) from None


def score_leaf(indicator: Indicator, path: tuple[str, ...], ctx: ScoringContext) -> Score:
    weight = indicator.effective_weight
    rules = ctx.rules
    title = _method_title(indicator)
    if indicator.not_applicable:
        return Score(
            path,
            path_text(path),
            indicator,
            weight,
            None,
            None,
            Source.NOT_APPLICABLE,
            title,
            rules.label,
        )
    outcome = _outcome(indicator, path, weight, ctx)
    computed = (
        rules.round(clamp(outcome.value, ZERO, weight))
        if outcome is not None and outcome.value is not None
        else None
    )
    if indicator.manual_score is not None:
        value, source = indicator.manual_score, Source.MANUAL
    elif computed is not None:
        value, source = computed, Source.METHOD
    elif indicator.published_score is not None:
        value, source = indicator.published_score, Source.PUBLISHED
    else:
        value, source = None, Source.MISSING
    return Score(
        path,
        path_text(path),
        indicator,
        weight,
        value,
        computed,
        source,
        title,
        rules.label,
        outcome,
    )


def _not_applicable(
    indicator: Indicator, prefix: tuple[str, ...], ctx: ScoringContext
) -> list[Score]:
    """A not-applicable indicator and everything under it: no points, weight left out."""
    path = (*prefix, indicator.label)
    title = _method_title(indicator)
    own = Score(
        path,
        path_text(path),
        indicator,
        indicator.effective_weight,
        None,
        None,
        Source.NOT_APPLICABLE,
        title,
        ctx.rules.label,
    )
    below = [s for child in indicator.children for s in _not_applicable(child, path, ctx)]
    return [own, *below]


def _score_tree(indicator: Indicator, prefix: tuple[str, ...], ctx: ScoringContext) -> list[Score]:
    """Scores of ``indicator`` and its subtree, the indicator's own first."""
    path = (*prefix, indicator.label)
    if indicator.not_applicable:
        return _not_applicable(indicator, prefix, ctx)
    if indicator.is_leaf:
        return [score_leaf(indicator, path, ctx)]
    below: list[Score] = []
    total = ZERO
    all_not_applicable = True
    for child in indicator.children:
        subtree = _score_tree(child, path, ctx)
        head = subtree[0]
        total += head.value or ZERO
        all_not_applicable = all_not_applicable and head.source is Source.NOT_APPLICABLE
        below.extend(subtree)
    summed: Outcome | None = None
    if indicator.manual_score is not None:
        value, source = indicator.manual_score, Source.MANUAL
        summed = Outcome(total, f"下级得分合计 = {show(total)}")
    else:
        value = total
        source = Source.NOT_APPLICABLE if all_not_applicable else Source.CHILDREN
    own = Score(
        path,
        path_text(path),
        indicator,
        indicator.effective_weight,
        value,
        total,
        source,
        "",
        ctx.rules.label,
        summed,
    )
    return [own, *below]


def evaluate(tree: IndicatorTree, ctx: ScoringContext) -> EvaluationResult:
    rules = ctx.rules
    scores: list[Score] = []
    for root in tree.roots:
        scores.extend(_score_tree(root, (), ctx))
    raw = sum((s.value for s in scores if s.depth == 1 and s.value is not None), ZERO)
    applicable = tree.applicable_weight if tree.has_not_applicable else tree.total_weight
    rescaled = ZERO < applicable < tree.total_weight
    total = rules.round(raw * HUNDRED / applicable) if rescaled else raw
    deductions = sum((d.amount for d in tree.deductions), ZERO)
    total = max(ZERO, total - deductions)
    execution = ctx.budget.execution_percent(rules.execution_denominator) if ctx.budget else None
    best = rules.best_grade_allowed(execution)
    return EvaluationResult(
        scores=tuple(scores),
        raw_total=raw,
        rescaled=rescaled,
        deductions=deductions,
        total=total,
        grade=worse_grade(rules.grade_for(total), best),
        execution_percent=execution,
        best_grade_allowed=best,
        rules=rules.label,
    )
