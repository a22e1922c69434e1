"""Recompute a table: every leaf through its method, parents as sums, total, rescaling,
deductions and grade — each score carrying its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from jixiao.core.indicators import PATH_SEPARATOR, Indicator, IndicatorTree, path_text
from jixiao.core.money import HUNDRED, ZERO, quantize
from jixiao.core.rules import worse_grade
from jixiao.core.scoring import REGISTRY, Method, MethodInputError, Outcome, ScoringContext, get
from jixiao.core.scoring.base import show
from jixiao.core.text import Text, message_of


class Source(StrEnum):
    METHOD = "method"  # computed by the indicator's method
    MANUAL = "manual"  # set by hand, with a reason
    PUBLISHED = "published"  # the method could not compute: the printed score is accepted
    CHILDREN = "children"  # a parent: the sum of its children
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"  # nothing to go on: counts as 0


# Enum members read through their class cost a descriptor call each time: the hot paths use these.
_METHOD, _MANUAL, _PUBLISHED = Source.METHOD, Source.MANUAL, Source.PUBLISHED
_CHILDREN, _NOT_APPLICABLE, _MISSING = Source.CHILDREN, Source.NOT_APPLICABLE, Source.MISSING

FACT_LABELS = {
    "missed": Text("未达成项"),
    "findings": Text("发现问题数"),
    "level": Text("档次"),
    "yes": Text("是否"),
    "band": Text("定性档次"),
    "rate": Text("比率(%)"),
    "count": Text("次数"),
    "plan_time": Text("计划完成时间"),
    "actual_time": Text("实际完成时间"),
    "balance_rate": Text("结余率(%)"),
    "all_met": Text("全部达成"),
}
_YES, _NO, _NONE = Text("是"), Text("否"), Text("无")
NO_METHOD = Text("未指定评分方法")
NOT_APPLICABLE = Text("不适用，不计分，总分按适用分值折算为100分")


def _fact_text(value: object) -> str:
    if value is True:
        return _YES
    if value is False:
        return _NO
    if isinstance(value, list | tuple):
        return "、".join(map(str, value)) or _NONE
    return str(value)


def _listed(parts: list[str]) -> str:
    """``a，b，c`` as nested :class:`Text` (each part translated, the commas too)."""
    text = parts[-1]
    for part in reversed(parts[:-1]):
        text = Text("{first}，{rest}", first=part, rest=text)
    return text


def children_total(value: str) -> Text:
    """A parent's score: its children's sum (``value`` already shown)."""
    return Text("下级得分合计 = {value}", value=value)


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
        """Why this score: method, rule-set version, formula with numbers.

        Chinese, as a :class:`Text` a user interface can translate (so are ``inputs`` and
        ``detail``); built only when read.
        """
        inputs, method = self.inputs, self.method or "—"
        if inputs:
            return Text(
                "[{method} · {rules}] {inputs}：{detail}",
                method=method,
                rules=self.rules,
                inputs=inputs,
                detail=self.detail,
            )
        return Text(
            "[{method} · {rules}] {detail}", method=method, rules=self.rules, detail=self.detail
        )

    @property
    def inputs(self) -> str:
        """The inputs the method read: target, actual and facts, as written."""
        indicator = self.indicator
        parts: list[str] = []
        if indicator.target:
            parts.append(Text("年度指标值“{target}”", target=indicator.target))
        if indicator.actual:
            parts.append(Text("实际完成值“{actual}”", actual=indicator.actual))
        parts.extend(
            Text("{fact} {value}", fact=FACT_LABELS.get(key, key), value=_fact_text(value))
            for key, value in indicator.facts.items()
        )
        return _listed(parts) if parts else ""

    @property
    def detail(self) -> str:
        """The explanation without its method/rule-set head."""
        value = show(self.value or ZERO)
        if self.source is Source.CHILDREN:
            return children_total(value)
        if self.source is Source.NOT_APPLICABLE:
            return NOT_APPLICABLE
        formula = self.outcome.formula if self.outcome else NO_METHOD
        if self.source is Source.MANUAL:
            return Text(
                "人工评分 {value}/{weight}（理由：{reason}）；方法：{formula}",
                value=value,
                weight=show(self.weight),
                reason=self.indicator.manual_reason,
                formula=formula,
            )
        if self.source is Source.PUBLISHED:
            return Text(
                "{formula}；采用填报得分 {value}/{weight}",
                formula=formula,
                value=value,
                weight=show(self.weight),
            )
        if self.source is Source.MISSING:
            return Text("{formula}；无得分", formula=formula)
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


_score = tuple.__new__  # builds a Score from a full tuple: NamedTuple's keyword handling skipped
_REGISTERED = REGISTRY.get


def _method(indicator: Indicator) -> Method | None:
    """The indicator's method (an unknown code is a clear error, as in :func:`get`)."""
    spec = indicator.method
    if spec is None:
        return None
    return REGISTRY.get(spec.code) or get(spec.code)


def _method_title(indicator: Indicator) -> str:
    method = _method(indicator)
    return method.title if method is not None else ""


def _input_error(indicator: Indicator, path_text: str, error: Exception) -> MethodInputError:
    """A method's failure on malformed parameters or facts, as one clear error."""
    where = Text("第 {line} 行，", line=indicator.line) if indicator.line else ""
    if isinstance(error, MethodInputError):
        return MethodInputError(
            Text(
                "{where}指标 {path}：{error}", where=where, path=path_text, error=message_of(error)
            )
        )
    detail = (
        Text("缺少 {key}", key=error.args[0]) if isinstance(error, KeyError) else message_of(error)
    )
    code = indicator.method.code if indicator.method else ""
    return MethodInputError(
        Text(
            "{where}指标 {path}：评分方法 {code} 的参数或事实有误（{detail}）",
            where=where,
            path=path_text,
            code=code,
            detail=detail,
        )
    )


def score_leaf(indicator: Indicator, path: tuple[str, ...], ctx: ScoringContext) -> Score:
    return _leaf(indicator, path, path_text(path), ctx)


def _leaf(indicator: Indicator, path: tuple[str, ...], text: str, ctx: ScoringContext) -> Score:
    weight = indicator.weight
    if weight is None:
        weight = indicator.effective_weight
    rules = ctx.rules
    spec = indicator.method
    method = None if spec is None else _REGISTERED(spec.code) or get(spec.code)
    title = method.title if method is not None else ""
    if indicator.not_applicable:
        return _score(
            Score,
            (
                path,
                text,
                indicator,
                weight,
                None,
                None,
                _NOT_APPLICABLE,
                title,
                rules.label,
                None,
            ),
        )
    outcome = exact = computed = None
    if method is not None:
        try:
            outcome = method.outcome(indicator, weight, ctx)
        except (MethodInputError, KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise _input_error(indicator, text, error) from None
        exact = outcome.value
        if exact is not None:  # the method's points within [0, weight], rounded by the rule set
            computed = quantize(max(ZERO, min(weight, exact)), rules.places, rules.rounding)
    if indicator.manual_score is not None:
        value, source = indicator.manual_score, _MANUAL
    elif computed is not None:
        value, source = computed, _METHOD
    elif indicator.published_score is not None:
        value, source = indicator.published_score, _PUBLISHED
    else:
        value, source = None, _MISSING
    return _score(
        Score, (path, text, indicator, weight, value, computed, source, title, rules.label, outcome)
    )


def _not_applicable(
    indicator: Indicator, path: tuple[str, ...], text: str, ctx: ScoringContext, out: list[Score]
) -> Score:
    """A not-applicable indicator and everything under it: no points, weight left out."""
    own = _score(
        Score,
        (
            path,
            text,
            indicator,
            indicator.effective_weight,
            None,
            None,
            _NOT_APPLICABLE,
            _method_title(indicator),
            ctx.rules.label,
            None,
        ),
    )
    out.append(own)
    for child in indicator.children:
        label = child.label
        _not_applicable(child, (*path, label), f"{text}{PATH_SEPARATOR}{label}", ctx, out)
    return own


def _score_tree(
    indicator: Indicator,
    path: tuple[str, ...],
    text: str,
    ctx: ScoringContext,
    out: list[Score],
) -> Score:
    """Append the scores of ``indicator`` (at ``path``) and its subtree to ``out``, the
    indicator's own first; return its own."""
    if indicator.not_applicable:
        return _not_applicable(indicator, path, text, ctx, out)
    children = indicator.children
    if not children:
        leaf = _leaf(indicator, path, text, ctx)
        out.append(leaf)
        return leaf
    at = len(out)
    out.append(None)  # type: ignore[arg-type]  # the parent's place, filled below
    total = ZERO
    all_not_applicable = True
    weight = indicator.weight
    children_weight = ZERO  # the effective weight when none is written: the children's sum
    for child in children:
        label = child.label
        head = _score_tree(child, (*path, label), f"{text}{PATH_SEPARATOR}{label}", ctx, out)
        total += head.value or ZERO
        all_not_applicable = all_not_applicable and head.source is _NOT_APPLICABLE
        if weight is None:
            children_weight += head.weight
    summed: Outcome | None = None
    if indicator.manual_score is not None:
        value, source = indicator.manual_score, _MANUAL
        summed = Outcome(total, lambda: children_total(show(total)))
    else:
        value = total
        source = _NOT_APPLICABLE if all_not_applicable else _CHILDREN
    own: Score = _score(
        Score,
        (
            path,
            text,
            indicator,
            children_weight if weight is None else weight,
            value,
            total,
            source,
            "",
            ctx.rules.label,
            summed,
        ),
    )
    out[at] = own
    return own


def evaluate(tree: IndicatorTree, ctx: ScoringContext) -> EvaluationResult:
    rules = ctx.rules
    scores: list[Score] = []
    raw = ZERO
    for root in tree.roots:
        label = root.label
        head = _score_tree(root, (label,), label, ctx, scores)
        if head.value is not None:
            raw += head.value
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
