"""Quantitative methods: points follow from a ratio of actual to target (domain guide §4)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.indicators import Indicator
from jixiao.core.money import HUNDRED, ONE, ZERO, Rounding, quantize
from jixiao.core.rules import ExecutionDenominator, ReverseFormula
from jixiao.core.scoring.base import (
    Method,
    Outcome,
    ScoringContext,
    expressions,
    met,
    missing,
    number,
    number_or,
    params_of,
    points,
    register,
    show,
)
from jixiao.core.targets import convert, units_compatible


def _values(indicator: Indicator) -> tuple[Decimal, Decimal] | None:
    """Target and actual as numbers in the target's unit, or None when either is not a number."""
    target, actual = expressions(indicator)
    if target.value is None or actual.value is None:
        return None
    if not units_compatible(target.unit, actual.unit):
        return None
    if target.unit and actual.unit and target.unit != actual.unit:
        return target.value, convert(actual.value, actual.unit, target.unit)
    return target.value, actual.value


def _full_if_met(indicator: Indicator, weight: Decimal) -> Outcome:
    """When no ratio can be formed, a target plainly met still earns the weight."""
    achieved = met(indicator)
    if achieved:
        return Outcome(
            weight, f"“{indicator.actual}”达到“{indicator.target}” → {show(weight)}", met=True
        )
    return missing("可比较的目标值与实际值")


@register
class Execution(Method):
    """score = min(执行率, 1) × weight; 执行率 = 全年执行数 / 全年预算数 (or 实际到位资金).

    The denominator is a rule-set option; a ``denominator`` parameter on the indicator overrides
    it (the 000 guarantee table divides by 实际到位资金). A score never exceeds its weight, so an
    execution above 100 % earns the weight; whether the *printed rate* is capped at 100 % is the
    rule set's ``execution_capped`` (checked by the audit).
    """

    code = "execution"
    title = "执行率×分值"

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        budget = ctx.budget
        if budget is None:
            return missing("预算执行数据")
        kind = ExecutionDenominator(
            params_of(indicator).get("denominator", ctx.rules.execution_denominator.value)
        )
        rate = budget.execution_rate(kind)
        denominator = budget.denominator(kind)
        if rate is None or denominator is None or budget.executed is None:
            return missing("全年执行数或预算数")
        percent = quantize(rate * HUNDRED, 2, Rounding.HALF_UP)
        used = f"{show(percent)}%" if rate <= ONE else "超过100%，按100%计"
        formula = f"{show(budget.executed)} / {show(denominator)} = {show(percent)}% → {used} × {show(weight)}"
        score = points(min(rate, ONE) * weight, weight)
        return Outcome(score, f"{formula} = {show(ctx.rules.round(score))}", met=rate >= ONE)


@register
class RatioPositive(Method):
    """正向指标: score = min(actual / target, 1) × weight."""

    code = "ratio_positive"
    title = "正向比率"

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        values = _values(indicator)
        if values is None or values[0] <= ZERO:
            return _full_if_met(indicator, weight)
        target, actual = values
        ratio = min(actual / target, ONE)
        score = points(ratio * weight, weight)
        if actual >= target:
            formula = f"{show(actual)} ≥ {show(target)} → {show(weight)}/{show(weight)}"
        else:
            formula = (
                f"{show(actual)} / {show(target)} × {show(weight)} = {show(ctx.rules.round(score))}"
            )
        return Outcome(score, formula, met=actual >= target)


@register
class RatioNegative(Method):
    """反向指标 (≤ targets). Full at or below target; above it the rule set picks
    R1 ``min(target / actual, 1) × w`` or R2 ``(1 − (actual − target) / target) × w`` (0 at 2×).
    """

    code = "ratio_negative"
    title = "反向比率"

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        values = _values(indicator)
        if values is None:
            return _full_if_met(indicator, weight)
        target, actual = values
        if actual <= target:
            return Outcome(
                weight, f"{show(actual)} ≤ {show(target)} → {show(weight)}/{show(weight)}", met=True
            )
        formula_kind = ReverseFormula(
            params_of(indicator).get("formula", ctx.rules.reverse_formula.value)
        )
        if target <= ZERO:
            return Outcome(ZERO, f"{show(actual)} > {show(target)} = 0 → 0", met=False)
        if formula_kind is ReverseFormula.RATIO:
            score = points(target / actual * weight, weight)
            text = f"{show(target)} / {show(actual)} × {show(weight)}"
        else:
            score = points((ONE - (actual - target) / target) * weight, weight)
            text = f"(1 − ({show(actual)} − {show(target)}) / {show(target)}) × {show(weight)}"
        return Outcome(score, f"{text} = {show(ctx.rules.round(score))}", met=False)


@register
class Timeliness(Method):
    """完成及时: score = (1 − (actual_time − plan_time) / plan_time) × weight; full when on time,
    0 at double the plan. Facts ``plan_time`` and ``actual_time`` in one unit (days, months…).
    """

    code = "timeliness"
    title = "完成及时性"

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        plan = number(indicator.facts, "plan_time", "事实")
        actual = number(indicator.facts, "actual_time", "事实")
        if plan is None or actual is None or plan <= ZERO:
            return missing("计划完成时间与实际完成时间")
        if actual <= plan:
            return Outcome(
                weight, f"{show(actual)} ≤ {show(plan)} → {show(weight)}/{show(weight)}", met=True
            )
        score = points((ONE - (actual - plan) / plan) * weight, weight)
        formula = f"(1 − ({show(actual)} − {show(plan)}) / {show(plan)}) × {show(weight)}"
        return Outcome(score, f"{formula} = {show(ctx.rules.round(score))}", met=False)


@register
class BalanceRate(Method):
    """资金结余: score = (1 − 结余率 / 20 %) × weight; 0 when 结余率 ≥ 20 %. Fact ``balance_rate`` (%)."""

    code = "balance_rate"
    title = "资金结余率"

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        rate = number(indicator.facts, "balance_rate", "事实")
        if rate is None:
            return missing("结余率")
        limit = number_or(params_of(indicator), "limit", "参数", Decimal(20))
        score = points((ONE - rate / limit) * weight, weight)
        formula = f"(1 − {show(rate)}% / {show(limit)}%) × {show(weight)} = {show(ctx.rules.round(score))}"
        return Outcome(score, formula, met=rate <= ZERO)
