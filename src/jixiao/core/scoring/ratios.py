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
    met,
    missing,
    number,
    number_or,
    params_of,
    points,
    register,
    show,
)
from jixiao.core.targets import convert, parse, units_compatible
from jixiao.core.text import Text

# What a method lacks when it cannot compute (``missing``), made once.
COMPARABLE_VALUES = Text("可比较的目标值与实际值")
BUDGET_DATA = Text("预算执行数据")
EXECUTED_OR_BUDGET = Text("全年执行数或预算数")
PLAN_AND_ACTUAL_TIME = Text("计划完成时间与实际完成时间")
BALANCE_RATE = Text("结余率")


def _values(indicator: Indicator) -> tuple[Decimal, Decimal] | None:
    """Target and actual as numbers in the target's unit, or None when either is not a number."""
    target, actual = parse(indicator.target), parse(indicator.actual)
    t, a = target.value, actual.value
    if t is None or a is None:
        return None
    t_unit, a_unit = target.unit, actual.unit
    if t_unit == a_unit or not t_unit or not a_unit:
        return t, a
    if not units_compatible(t_unit, a_unit):
        return None
    return t, convert(a, a_unit, t_unit)


def _full_if_met(indicator: Indicator, weight: Decimal) -> Outcome:
    """When no ratio can be formed, a target plainly met still earns the weight."""
    achieved = met(indicator)
    if achieved:
        return Outcome(
            weight,
            lambda: Text(
                "“{actual}”达到“{target}” → {weight}",
                actual=indicator.actual,
                target=indicator.target,
                weight=show(weight),
            ),
            met=True,
        )
    return missing(COMPARABLE_VALUES)


def _reached(actual: Decimal, limit: Decimal, weight: Decimal, sign: str) -> Outcome:
    """Full points: ``actual`` is on the right side of ``limit``."""
    return Outcome(
        weight,
        lambda: f"{show(actual)} {sign} {show(limit)} → {show(weight)}/{show(weight)}",
        met=True,
    )


@register
class Execution(Method):
    """score = min(执行率, 1) × weight; 执行率 = 全年执行数 / 全年预算数 (or 实际到位资金).

    The denominator is a rule-set option; a ``denominator`` parameter on the indicator overrides
    it (the 000 guarantee table divides by 实际到位资金). A score never exceeds its weight, so an
    execution above 100 % earns the weight; whether the *printed rate* is capped at 100 % is the
    rule set's ``execution_capped`` (checked by the audit).
    """

    code = "execution"
    title = Text("执行率×分值")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        budget = ctx.budget
        if budget is None:
            return missing(BUDGET_DATA)
        rules = ctx.rules
        params = params_of(indicator)
        kind = (
            ExecutionDenominator(params["denominator"])
            if "denominator" in params
            else rules.execution_denominator
        )
        rate = budget.execution_rate(kind)
        denominator = budget.denominator(kind)
        executed = budget.executed
        if rate is None or denominator is None or executed is None:
            return missing(EXECUTED_OR_BUDGET)
        score = points(min(rate, ONE) * weight, weight)

        def formula() -> str:
            percent = show(quantize(rate * HUNDRED, 2, Rounding.HALF_UP))
            given, total, points_ = show(executed), show(denominator), show(rules.round(score))
            if rate <= ONE:
                return f"{given} / {total} = {percent}% → {percent}% × {show(weight)} = {points_}"
            return Text(
                "{executed} / {denominator} = {percent}% → 超过100%，按100%计 × {weight} = {score}",
                executed=given,
                denominator=total,
                percent=percent,
                weight=show(weight),
                score=points_,
            )

        return Outcome(score, formula, met=rate >= ONE)


@register
class RatioPositive(Method):
    """正向指标: score = min(actual / target, 1) × weight."""

    code = "ratio_positive"
    title = Text("正向比率")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        values = _values(indicator)
        if values is None or values[0] <= ZERO:
            return _full_if_met(indicator, weight)
        target, actual = values
        if actual >= target:
            return _reached(actual, target, weight, "≥")
        score = points(actual / target * weight, weight)
        rules = ctx.rules
        return Outcome(
            score,
            lambda: (
                f"{show(actual)} / {show(target)} × {show(weight)} = {show(rules.round(score))}"
            ),
            met=False,
        )


@register
class RatioNegative(Method):
    """反向指标 (≤ targets). Full at or below target; above it the rule set picks
    R1 ``min(target / actual, 1) × w`` or R2 ``(1 − (actual − target) / target) × w`` (0 at 2×).
    """

    code = "ratio_negative"
    title = Text("反向比率")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        values = _values(indicator)
        if values is None:
            return _full_if_met(indicator, weight)
        target, actual = values
        if actual <= target:
            return _reached(actual, target, weight, "≤")
        rules = ctx.rules
        params = params_of(indicator)
        formula_kind = (
            ReverseFormula(params["formula"]) if "formula" in params else rules.reverse_formula
        )
        if target <= ZERO:
            return Outcome(ZERO, lambda: f"{show(actual)} > {show(target)} = 0 → 0", met=False)
        if formula_kind is ReverseFormula.RATIO:
            score = points(target / actual * weight, weight)

            def formula() -> str:
                text = f"{show(target)} / {show(actual)} × {show(weight)}"
                return f"{text} = {show(rules.round(score))}"
        else:
            score = points((ONE - (actual - target) / target) * weight, weight)

            def formula() -> str:
                text = f"(1 − ({show(actual)} − {show(target)}) / {show(target)}) × {show(weight)}"
                return f"{text} = {show(rules.round(score))}"

        return Outcome(score, formula, met=False)


@register
class Timeliness(Method):
    """完成及时: score = (1 − (actual_time − plan_time) / plan_time) × weight; full when on time,
    0 at double the plan. Facts ``plan_time`` and ``actual_time`` in one unit (days, months…).
    """

    code = "timeliness"
    title = Text("完成及时性")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        plan = number(indicator.facts, "plan_time", "事实")
        actual = number(indicator.facts, "actual_time", "事实")
        if plan is None or actual is None or plan <= ZERO:
            return missing(PLAN_AND_ACTUAL_TIME)
        if actual <= plan:
            return _reached(actual, plan, weight, "≤")
        score = points((ONE - (actual - plan) / plan) * weight, weight)
        rules = ctx.rules

        def formula() -> str:
            text = f"(1 − ({show(actual)} − {show(plan)}) / {show(plan)}) × {show(weight)}"
            return f"{text} = {show(rules.round(score))}"

        return Outcome(score, formula, met=False)


@register
class BalanceRate(Method):
    """资金结余: score = (1 − 结余率 / 20 %) × weight; 0 when 结余率 ≥ 20 %. Fact ``balance_rate`` (%)."""

    code = "balance_rate"
    title = Text("资金结余率")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        rate = number(indicator.facts, "balance_rate", "事实")
        if rate is None:
            return missing(BALANCE_RATE)
        limit = number_or(params_of(indicator), "limit", "参数", Decimal(20))
        score = points((ONE - rate / limit) * weight, weight)
        rules = ctx.rules
        return Outcome(
            score,
            lambda: (
                f"(1 − {show(rate)}% / {show(limit)}%) × {show(weight)}"
                f" = {show(rules.round(score))}"
            ),
            met=rate <= ZERO,
        )
