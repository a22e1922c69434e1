"""Methods that map a chosen level, answer or band to points (domain guide §4)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from jixiao.core.indicators import Indicator
from jixiao.core.money import ONE, ZERO, to_decimal
from jixiao.core.scoring.base import (
    Method,
    MethodInputError,
    Outcome,
    ScoringContext,
    expressions,
    met,
    missing,
    number,
    params_of,
    points,
    register,
    show,
)
from jixiao.core.text import Text

# What a method lacks when it cannot compute (``missing``), and the bands it names, made once.
LEVEL = Text("评价档次 level")
YES_OR_NO = Text("是否判断 yes")
THRESHOLD_OR_VALUE = Text("门槛值或实际值")
COMPLETION_RATE = Text("完成率")
PARTLY_MET = Text("未完全达成")
UNDECIDED = Text("未判定")
ANSWERED_NO = Text("否 → 0")

KNOWLEDGE_POINTS = {"十分清楚": 4, "比较清楚": 3, "有所了解": 2, "不清楚": 1}
YES = {"是", "有", "yes", "true", "1"}
NO = {"否", "无", "no", "false", "0"}


def _level_table(raw: Any, what: str) -> dict[str, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        raise MethodInputError(Text("参数 {what} 须为“档次: 系数”的表", what=what))
    try:
        return {str(label): to_decimal(value) for label, value in raw.items()}
    except (TypeError, ValueError):
        raise MethodInputError(Text("参数 {what} 的系数须为数字", what=what)) from None


def _level(indicator: Indicator) -> str | None:
    level = indicator.facts.get("level")
    return None if level is None else str(level).strip()


def _by_level(
    indicator: Indicator,
    weight: Decimal,
    table: Mapping[str, Decimal],
    scale: Decimal,
    rounding: Any,
) -> Outcome:
    level = _level(indicator)
    if level is None:
        return missing(LEVEL)
    if level not in table:
        raise MethodInputError(
            Text("档次 {level} 不在 {levels} 之中", level=repr(level), levels="、".join(table))
        )
    chosen = table[level]
    factor = chosen / scale
    score = points(factor * weight, weight)
    return Outcome(
        score,
        lambda: (
            f"{level} → {show(chosen)}{'' if scale == ONE else '/' + show(scale)}"
            f" × {show(weight)} = {show(rounding(score))}"
        ),
        met=factor >= ONE,
    )


@register
class GradedLevels(Method):
    """分级评分法: score = weight × level factor (factors such as 0 / 0.3 / 0.6 / 1).
    Parameter ``levels`` maps each label to its factor; fact ``level`` is the label chosen.
    """

    code = "graded_levels"
    title = Text("分级评分法")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        table = _level_table(params_of(indicator).get("levels"), "levels")
        return _by_level(indicator, weight, table, ONE, ctx.rules.round)


@register
class KnowledgeLevels(Method):
    """知晓度: 十分清楚/比较清楚/有所了解/不清楚 → 4/3/2/1 of 4, scaled to the weight."""

    code = "knowledge_levels"
    title = Text("知晓度档次")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        raw = params_of(indicator).get("points", KNOWLEDGE_POINTS)
        table = _level_table(raw, "points")
        return _by_level(indicator, weight, table, max(table.values()), ctx.rules.round)


@register
class SatisfactionLevels(Method):
    """满意/基本满意/一般/不满意 → the rule set's share of the weight."""

    code = "satisfaction_levels"
    title = Text("满意度档次")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        raw = params_of(indicator).get("levels")
        table = _level_table(raw, "levels") if raw else dict(ctx.rules.satisfaction_levels)
        return _by_level(indicator, weight, table, ONE, ctx.rules.round)


@register
class YesNo(Method):
    """是否评分法: full points for 是, 0 for 否. Fact ``yes`` (true/false or 是/否)."""

    code = "yes_no"
    title = Text("是否评分法")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        answer = indicator.facts.get("yes")
        if answer is None:
            return missing(YES_OR_NO)
        word = str(answer).strip().lower()
        if answer is True or word in YES:
            return Outcome(weight, lambda: Text("是 → {weight}", weight=show(weight)), met=True)
        if answer is False or word in NO:
            return Outcome(ZERO, ANSWERED_NO, met=False)
        raise MethodInputError(Text("事实 yes 须为 是/否，实为 {answer}", answer=repr(answer)))


def _rate(indicator: Indicator) -> Decimal | None:
    """A rate or count from fact ``rate``/``count``, else the actual value."""
    for key in ("rate", "count"):
        value = number(indicator.facts, key, "事实")
        if value is not None:
            return value
    return expressions(indicator)[1].value


@register
class Threshold(Method):
    """门槛: full points at ``min`` or above (e.g. ≥ 95 % → 10), else 0."""

    code = "threshold"
    title = Text("达标计分")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        minimum = number(params_of(indicator), "min", "参数")
        if minimum is None:
            target = expressions(indicator)[0]
            minimum = target.value
        value = _rate(indicator)
        if minimum is None or value is None:
            return missing(THRESHOLD_OR_VALUE)
        if value >= minimum:
            return Outcome(
                weight, lambda: f"{show(value)} ≥ {show(minimum)} → {show(weight)}", met=True
            )
        return Outcome(ZERO, lambda: f"{show(value)} < {show(minimum)} → 0", met=False)


@register
class TierBands(Method):
    """分档计分: the first tier whose ``min`` the rate reaches gives its points
    (``001`` 预算完成率: ≥90 % → 5, 80–90 → 3, 70–80 → 2, 60–70 → 1, else 0).
    """

    code = "tier_bands"
    title = Text("分档计分")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        tiers = params_of(indicator).get("tiers")
        if not isinstance(tiers, list) or not tiers:
            raise MethodInputError(Text("参数 tiers 须为 {shape} 列表", shape="[{min, points}, …]"))
        rate = _rate(indicator)
        if rate is None:
            return missing(COMPLETION_RATE)
        parsed = sorted(
            ((to_decimal(t["min"]), to_decimal(t["points"])) for t in tiers), reverse=True
        )
        for minimum, earned in parsed:
            if rate >= minimum:
                return _tier(rate, minimum, points(earned, weight), weight)
        lowest = parsed[-1][0]
        return Outcome(ZERO, lambda: f"{show(rate)}% < {show(lowest)}% → 0", met=False)


def _tier(rate: Decimal, minimum: Decimal, score: Decimal, weight: Decimal) -> Outcome:
    return Outcome(
        score, lambda: f"{show(rate)}% ≥ {show(minimum)}% → {show(score)}", met=score >= weight
    )


def _band_for(
    indicator: Indicator, weight: Decimal, ctx: ScoringContext
) -> tuple[str, tuple[Decimal, Decimal]]:
    bands = ctx.rules.qualitative_bands
    chosen = indicator.facts.get("band")
    if chosen is not None:
        band = ctx.rules.qualitative_band(str(chosen))
        if band is None:
            names = "、".join(b.label for b in bands)
            raise MethodInputError(
                Text("定性档次 {band} 不在 {names} 之中", band=repr(chosen), names=names)
            )
        return band.label, (band.low * weight, band.high * weight)
    achieved = met(indicator)
    if achieved and bands:
        return bands[0].label, (bands[0].low * weight, bands[0].high * weight)
    if achieved is False and len(bands) > 1:
        return PARTLY_MET, (ZERO, bands[1].high * weight)
    return UNDECIDED, (ZERO, weight)


def bands_top(ctx: ScoringContext) -> str | None:
    bands = ctx.rules.qualitative_bands
    return bands[0].label if bands else None


@register
class QualitativeBands(Method):
    """定性指标: 达成 / 部分达成 / 未达成 bands (rule set: 100–80/80–50/50–0 % or
    100–80/80–60/60–0 %). The evaluator picks the score inside the band; the band follows
    fact ``band`` or, failing that, whether the actual meets the target.
    """

    code = "qualitative"
    title = Text("定性分档")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        label, (low, high) = _band_for(indicator, weight, ctx)
        rules = ctx.rules
        return Outcome(
            None,
            lambda: Text(
                "{band}：得分应在 {low}–{high} 之间",
                band=label,
                low=show(rules.round(low)),
                high=show(rules.round(high)),
            ),
            band=(low, high),
            met=True if bands_top(ctx) == label else None,
        )


@register
class Judgement(Method):
    """酌情评分: the evaluator scores from the evidence (e.g. “根据工作情况酌情扣分”)."""

    code = "judgement"
    title = Text("酌情评分")

    def outcome(self, indicator: Indicator, weight: Decimal, ctx: ScoringContext) -> Outcome:
        return Outcome(
            None,
            lambda: Text("评价人依据佐证酌情评分（0–{weight}）", weight=show(weight)),
            band=(ZERO, weight),
        )
