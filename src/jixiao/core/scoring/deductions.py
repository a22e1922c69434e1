"""Methods that start from full points and take some off, or add up sub-points (§4)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from jixiao.core.indicators import Indicator
from jixiao.core.money import ZERO, to_decimal
from jixiao.core.scoring.base import (
    Method,
    MethodInputError,
    Outcome,
    ScoringContext,
    expressions,
    missing,
    number,
    number_or,
    params_of,
    points,
    register,
    show,
)
from jixiao.core.text import Text

# What a method lacks when it cannot compute (``missing``), made once.
MISSED_POINTS = Text("未做到的要点数 missed")
FINDINGS = Text("发现问题数 findings")
MISSED_ITEMS = Text("未达成的分项 missed")
SPENDING_RATE = Text("开支率 rate")
REQUIRED_OR_ACTUAL_COUNT = Text("要求次数或实际次数")

HALF_POINT = Decimal("0.5")  # 缺(错)项扣分法: the default deduction per finding


def _count(indicator: Indicator, key: str) -> Decimal | None:
    value = number(indicator.facts, key, "事实")
    if value is not None and value < ZERO:
        raise MethodInputError(Text("事实 {key} 不能为负数", key=key))
    return value


def _less(
    weight: Decimal, count: Decimal, per: Decimal, score: Decimal, ctx: ScoringContext
) -> Callable[[], str]:
    """``w − n × per = score``, written when asked."""
    rules = ctx.rules
    return lambda: f"{show(weight)} − {show(count)} × {show(per)} = {show(rules.round(score))}"


def _less_gap(
    weight: Decimal,
    high: Decimal,
    low: Decimal,
    per: Decimal,
    score: Decimal,
    ctx: ScoringContext,
) -> Callable[[], str]:
    """``w − (high − low) × per = score``, written when asked."""
    rules = ctx.rules
    return lambda: (
        f"{show(weight)} − ({show(high)} − {show(low)}) × {show(per)} = {show(rules.round(score))}"
    )


@register
class Checklist(Method):
    """要点评分: full when every point holds; −``per_missed`` per point missed; floor 0.
    Parameter ``points`` (how many 要点), ``per_missed`` (default weight / points);
    fact ``missed`` (how many failed). ``000`` A101: 6 points, −1 each.
    """

    code = "checklist"
    title = Text("要点扣分法")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        params = params_of(indicator)
        count = number(params, "points", "参数")
        per = number(params, "per_missed", "参数")
        if per is None:
            if not count:
                raise MethodInputError(Text("要点扣分法须给出参数 points（要点数）或 per_missed"))
            per = weight / count
        missed = _count(indicator, "missed")
        if missed is None:
            return missing(MISSED_POINTS)
        score = points(weight - missed * per, weight)
        return Outcome(score, _less(weight, missed, per, score, ctx), met=missed == ZERO)


@register
class FindingsDeduction(Method):
    """缺(错)项扣分法: −``per_finding`` (default 0.5) per finding, floor 0. Fact ``findings``."""

    code = "findings_deduction"
    title = Text("缺(错)项扣分法")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        per = number_or(params_of(indicator), "per_finding", "参数", HALF_POINT)
        findings = _count(indicator, "findings")
        if findings is None:
            return missing(FINDINGS)
        score = points(weight - findings * per, weight)
        return Outcome(score, _less(weight, findings, per, score, ctx), met=findings == ZERO)


@register
class SubPoints(Method):
    """分项计分: points per sub-criterion (``001`` 目标内容: 5+3+3+3+3+3 = 20).
    Parameter ``items``: [{name, points}]; fact ``missed``: names not achieved (default none
    when fact ``all_met`` is true).
    """

    code = "sub_points"
    title = Text("分项计分")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        items = params_of(indicator).get("items")
        if not isinstance(items, list) or not items:
            raise MethodInputError(
                Text("参数 items 须为 {shape} 列表", shape="[{name, points}, …]")
            )
        table = {str(item["name"]): to_decimal(item["points"]) for item in items}
        missed_names = indicator.facts.get("missed")
        if missed_names is None:
            if not indicator.facts.get("all_met"):
                return missing(MISSED_ITEMS)
            missed_names = []
        if not isinstance(missed_names, list):
            raise MethodInputError(Text("事实 missed 须为分项名称的列表"))
        unknown = [name for name in missed_names if name not in table]
        if unknown:
            raise MethodInputError(
                Text("分项 {items} 不在评分标准中", items="、".join(map(str, unknown)))
            )
        earned = [value for name, value in table.items() if name not in missed_names]
        score = points(sum(earned, ZERO), weight)
        return Outcome(
            score,
            lambda: f"{' + '.join(show(v) for v in earned) or '0'} = {show(score)}",
            met=not missed_names,
        )


@register
class OverrunPenalty(Method):
    """超支扣分: full while the rate is ≤ ``limit`` %, −``per_point`` per percentage point above,
    floor 0 (``001`` 工作经费开支率: ≤ 5 %, −0.25 per 1 %). Fact ``rate`` (%) or the actual.
    """

    code = "overrun_penalty"
    title = Text("超标扣分")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        params = params_of(indicator)
        limit = number(params, "limit", "参数")
        per = number(params, "per_point", "参数")
        if limit is None or per is None:
            raise MethodInputError(Text("超标扣分须给出参数 limit 与 per_point"))
        rate = number(indicator.facts, "rate", "事实")
        if rate is None:
            rate = expressions(indicator)[1].value
        if rate is None:
            return missing(SPENDING_RATE)
        if rate <= limit:
            return Outcome(
                weight, lambda: f"{show(rate)}% ≤ {show(limit)}% → {show(weight)}", met=True
            )
        score = points(weight - (rate - limit) * per, weight)
        return Outcome(score, _less_gap(weight, rate, limit, per, score, ctx), met=False)


@register
class CountShortfall(Method):
    """次数不足扣分: full at ≥ ``required``, −``per_missing`` per missing occurrence
    (``001`` 公益服务活动: ≥ 12 次 → 15, −1 each). Fact ``count`` or the actual.
    """

    code = "count_shortfall"
    title = Text("次数不足扣分")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        params = params_of(indicator)
        required = number(params, "required", "参数")
        if required is None:
            required = expressions(indicator)[0].value
        per = number_or(params, "per_missing", "参数", Decimal(1))
        count = _count(indicator, "count")
        if count is None:
            count = expressions(indicator)[1].value
        if required is None or count is None:
            return missing(REQUIRED_OR_ACTUAL_COUNT)
        if count >= required:
            return Outcome(
                weight, lambda: f"{show(count)} ≥ {show(required)} → {show(weight)}", met=True
            )
        score = points(weight - (required - count) * per, weight)
        return Outcome(score, _less_gap(weight, required, count, per, score, ctx), met=False)
