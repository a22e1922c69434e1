"""Every registered scoring method, each built from the seed example the domain guide cites (§4).

A test asserts the exact points after the rule set's rounding and that the formula shown to the
user carries the filled-in numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import budget, ctx, leaf, national
from jixiao.core.budget import Budget
from jixiao.core.indicators import Indicator
from jixiao.core.rules import RuleSet, ruleset_from_mapping
from jixiao.core.scoring import REGISTRY, MethodInputError, Outcome, get

D = Decimal
JUDGEMENT_METHODS = {"qualitative", "judgement"}
QUANTITATIVE_METHODS = set(REGISTRY) - JUDGEMENT_METHODS


def outcome(
    indicator: Indicator, rules: RuleSet | None = None, money: Budget | None = None
) -> Outcome:
    assert indicator.method is not None
    method = get(indicator.method.code)
    return method.outcome(indicator, indicator.effective_weight, ctx(rules, money))


def scored(
    indicator: Indicator, rules: RuleSet | None = None, money: Budget | None = None
) -> tuple[Decimal, str]:
    """The points as the rule set rounds them, and the formula text."""
    result = outcome(indicator, rules, money)
    assert result.value is not None, result.formula
    return (rules or national()).round(result.value), result.formula


def test_every_method_has_a_code_a_chinese_title_and_a_formula_docstring() -> None:
    for code, method in REGISTRY.items():
        assert method.code == code
        assert method.title and not method.title.isascii()
        assert type(method).__doc__


def test_an_unknown_method_code_names_the_known_ones() -> None:
    with pytest.raises(MethodInputError, match=r"未知评分方法 'ratio'.*ratio_positive"):
        get("ratio")


class TestExecution:
    """`004`: 215.2 / 239.4 = 89.89 % → 8.99 of 10."""

    def row(self, **params: Any) -> Indicator:
        return leaf("执行率", weight="10", method="execution", params=params)

    def test_004_warm_enterprise_fund(self) -> None:
        points, formula = scored(self.row(), money=budget("239.4", "215.2"))
        assert points == D("8.99")
        assert formula == "215.2 / 239.4 = 89.89% → 89.89% × 10 = 8.99"

    def test_the_exact_value_is_kept_until_the_rule_set_rounds_it(self) -> None:
        result = outcome(self.row(), money=budget("239.4", "215.2"))
        assert result.value == D("215.2") / D("239.4") * 10
        assert result.met is False

    def test_rounding_down_to_whole_points(self) -> None:
        points, formula = scored(
            self.row(), national(rounding="whole_down"), budget("239.4", "215.2")
        )
        assert points == D("8")
        assert "89% × 10 = 8" in formula

    def test_denominator_from_the_rule_set_arrived(self) -> None:
        rules = national(execution_denominator="arrived")
        points, formula = scored(self.row(), rules, budget("239.4", "215.2", arrived="215.2"))
        assert points == D("10")
        assert formula.startswith("215.2 / 215.2 = 100%")

    def test_arrived_falls_back_to_full_year_budget_when_not_given(self) -> None:
        rules = national(execution_denominator="arrived")
        points, _ = scored(self.row(), rules, budget("239.4", "215.2"))
        assert points == D("8.99")

    def test_denominator_parameter_overrides_the_rule_set(self) -> None:
        row = self.row(denominator="arrived")
        points, formula = scored(row, money=budget("200", "150", arrived="160"))
        assert points == D("9.38")  # 150 / 160 × 10 = 9.375
        assert "150 / 160 = 93.75%" in formula

    def test_full_year_budget_denominator_ignores_arrived(self) -> None:
        points, formula = scored(self.row(), money=budget("200", "150", arrived="160"))
        assert points == D("7.5")
        assert "150 / 200 = 75%" in formula

    def test_capped_execution_above_100_percent_scores_as_100_percent(self) -> None:
        result = outcome(self.row(), money=budget("100", "110"))
        assert result.value == D("10")
        assert result.met is True
        assert result.formula == "110 / 100 = 110% → 超过100%，按100%计 × 10 = 10"

    def test_uncapped_rule_set_still_never_exceeds_the_weight(self) -> None:
        # execution_capped governs the printed rate (checked by the audit), not the score.
        result = outcome(self.row(), national(execution_capped=False), budget("100", "110"))
        assert result.value == D("10")

    def test_no_budget_is_missing_not_an_error(self) -> None:
        result = outcome(self.row())
        assert result.value is None
        assert result.missing == "预算执行数据"

    def test_zero_budget_is_missing(self) -> None:
        result = outcome(self.row(), money=budget("0", "0"))
        assert result.value is None
        assert result.missing


class TestRatioPositive:
    def row(self, target: str, actual: str, weight: str = "25") -> Indicator:
        return leaf(
            "培训合格率", weight=weight, target=target, actual=actual, method="ratio_positive"
        )

    def test_000_training_pass_rate_95_vs_70_earns_the_full_25(self) -> None:
        points, formula = scored(self.row("70", "95"))
        assert points == D("25")
        assert formula == "95 ≥ 70 → 25/25"

    def test_80_of_100_earns_four_fifths(self) -> None:
        points, formula = scored(self.row("100", "80"))
        assert points == D("20")
        assert formula == "80 / 100 × 25 = 20"

    def test_a_short_fall_is_rounded_by_the_rule_set(self) -> None:
        points, formula = scored(self.row("》1000", "999", weight="5"))
        assert points == D("5.00")  # 4.995 half-up
        assert "999 / 1000 × 5 = 5" in formula
        down, _ = scored(self.row("》1000", "999", weight="5"), national(rounding="down"))
        assert down == D("4.99")

    def test_004_a_bare_number_with_words_after_it_meets_its_target(self) -> None:
        points, _ = scored(self.row("》10", "10个县市区，80余家单位部门", weight="5"))
        assert points == D("5")

    def test_004_magnitudes_are_compared_as_numbers(self) -> None:
        points, formula = scored(self.row("》3万", "4.5万", weight="5"))
        assert points == D("5")
        assert formula == "45000 ≥ 30000 → 5/5"

    def test_qualitative_target_met_earns_the_weight(self) -> None:
        points, formula = scored(self.row("健全", "健全", weight="5"))
        assert points == D("5")
        assert "“健全”达到“健全”" in formula

    def test_qualitative_target_not_met_is_missing(self) -> None:
        result = outcome(self.row("健全", "不健全", weight="5"))
        assert result.value is None
        assert result.missing

    def test_percent_target(self) -> None:
        points, _ = scored(self.row("满意度99%以上", "满意度99.49%", weight="10"))
        assert points == D("10")


class TestRatioNegative:
    """`≤` targets: full at or below target; above it R1 or R2 from the rule set."""

    def row(self, target: str, actual: str, **extra: Any) -> Indicator:
        return leaf(
            "投诉率", weight="10", target=target, actual=actual, method="ratio_negative", **extra
        )

    LINEAR: ClassVar[dict[str, str]] = {"reverse_formula": "linear"}

    def test_r1_ratio_target_over_actual(self) -> None:
        points, formula = scored(self.row("≤5%", "7.5%"))
        assert points == D("6.67")
        assert formula == "5 / 7.5 × 10 = 6.67"

    def test_r2_linear_loses_the_overshoot_share(self) -> None:
        points, formula = scored(self.row("≤5%", "7.5%"), national(**self.LINEAR))
        assert points == D("5")
        assert formula == "(1 − (7.5 − 5) / 5) × 10 = 5"

    def test_r2_is_zero_at_twice_the_target_while_r1_gives_half(self) -> None:
        assert scored(self.row("≤5%", "10%"), national(**self.LINEAR))[0] == D("0")
        assert scored(self.row("≤5%", "10%"))[0] == D("5")

    def test_r2_is_zero_beyond_twice_the_target(self) -> None:
        assert scored(self.row("≤5%", "30%"), national(**self.LINEAR))[0] == D("0")

    def test_formula_parameter_overrides_the_rule_set(self) -> None:
        row = leaf(
            "投诉率",
            weight="10",
            target="≤5%",
            actual="7.5%",
            method="ratio_negative",
            params={"formula": "linear"},
        )
        assert scored(row)[0] == D("5")

    @pytest.mark.parametrize("actual", ["5%", "3%", "0%"])
    def test_at_or_below_target_is_full(self, actual: str) -> None:
        for rules in (national(), national(**self.LINEAR)):
            points, formula = scored(self.row("≤5%", actual), rules)
            assert points == D("10")
            assert "≤ 5 → 10/10" in formula

    def test_response_within_one_hour_on_both_sides_is_full(self) -> None:
        points, _ = scored(self.row("1小时以内响应", "1小时以内响应"))
        assert points == D("10")

    def test_units_are_converted_before_comparing(self) -> None:
        points, formula = scored(self.row("≤1天", "36小时"))
        assert points == D("6.67")  # 24 / 36 hours… in days: 1 / 1.5
        assert "1 / 1.5 × 10" in formula

    def test_target_zero_actual_zero_is_full(self) -> None:
        points, _ = scored(self.row("0", "0", lower_is_better=True))
        assert points == D("10")

    def test_target_zero_any_actual_above_is_zero(self) -> None:
        points, formula = scored(self.row("0", "2", lower_is_better=True))
        assert points == D("0")
        assert "2 > 0" in formula


class TestTimeliness:
    """`002` 完成及时: (1 − (actual − plan) / plan) × w."""

    def row(self, plan: str, actual: str) -> Indicator:
        facts = {"plan_time": plan, "actual_time": actual}
        return leaf("完成及时", weight="2", method="timeliness", facts=facts)

    def test_nine_months_on_a_six_month_plan_earns_half(self) -> None:
        points, formula = scored(self.row("6", "9"))
        assert points == D("1")
        assert formula == "(1 − (9 − 6) / 6) × 2 = 1"

    @pytest.mark.parametrize("actual", ["12", "13", "100"])
    def test_twice_the_plan_or_more_is_zero(self, actual: str) -> None:
        assert scored(self.row("6", actual))[0] == D("0")

    @pytest.mark.parametrize("actual", ["6", "5"])
    def test_on_time_or_early_is_full(self, actual: str) -> None:
        points, formula = scored(self.row("6", actual))
        assert points == D("2")
        assert f"{actual} ≤ 6 → 2/2" == formula

    def test_without_a_plan_it_is_missing(self) -> None:
        result = outcome(
            leaf("完成及时", weight="2", method="timeliness", facts={"actual_time": 9})
        )
        assert result.value is None
        assert "计划完成时间" in result.missing

    def test_a_malformed_fact_is_an_input_error_naming_it(self) -> None:
        with pytest.raises(MethodInputError, match="plan_time"):
            outcome(self.row("半年", "9"))


class TestBalanceRate:
    """`002` 资金结余: (1 − 结余率 / 20 %) × w, 0 at 20 % or more."""

    def row(self, rate: str, **params: Any) -> Indicator:
        return leaf(
            "资金结余",
            weight="3",
            method="balance_rate",
            facts={"balance_rate": rate},
            params=params,
        )

    def test_no_balance_is_full(self) -> None:
        points, formula = scored(self.row("0"))
        assert points == D("3")
        assert formula == "(1 − 0% / 20%) × 3 = 3"

    def test_ten_percent_left_is_half(self) -> None:
        points, formula = scored(self.row("10"))
        assert points == D("1.5")
        assert "10% / 20%" in formula

    @pytest.mark.parametrize("rate", ["20", "25"])
    def test_twenty_percent_or_more_is_zero(self, rate: str) -> None:
        assert scored(self.row(rate))[0] == D("0")

    def test_the_limit_is_a_parameter(self) -> None:
        points, formula = scored(self.row("10", limit="40"))
        assert points == D("2.25")
        assert "10% / 40%" in formula


class TestGradedLevels:
    """`002` 程序严密: 不严密/较严密/基本严密/严密 → 0/0.3/0.6/1 of the weight."""

    LEVELS: ClassVar[dict[str, str]] = {
        "不严密": "0",
        "较严密": "0.3",
        "基本严密": "0.6",
        "严密": "1",
    }

    def row(self, level: str | None, weight: str = "3") -> Indicator:
        facts = {} if level is None else {"level": level}
        return leaf(
            "程序严密",
            weight=weight,
            method="graded_levels",
            params={"levels": self.LEVELS},
            facts=facts,
        )

    @pytest.mark.parametrize(
        ("level", "expected"),
        [("不严密", "0"), ("较严密", "0.9"), ("基本严密", "1.8"), ("严密", "3")],
    )
    def test_002_procedure_levels(self, level: str, expected: str) -> None:
        points, formula = scored(self.row(level))
        assert points == D(expected)
        assert formula.startswith(f"{level} → {self.LEVELS[level]} × 3")

    def test_fairly_strict_shows_its_formula(self) -> None:
        assert scored(self.row("较严密"))[1] == "较严密 → 0.3 × 3 = 0.9"

    def test_an_unknown_level_is_an_input_error_listing_the_levels(self) -> None:
        with pytest.raises(MethodInputError, match="'很严密' 不在 不严密、较严密"):
            outcome(self.row("很严密"))

    def test_levels_parameter_is_required(self) -> None:
        with pytest.raises(MethodInputError, match="levels"):
            outcome(leaf("程序严密", weight="3", method="graded_levels", facts={"level": "严密"}))

    def test_no_level_chosen_is_missing(self) -> None:
        result = outcome(self.row(None))
        assert result.value is None
        assert result.missing == "评价档次 level"


class TestKnowledgeLevels:
    """`000` B201 政策知晓度: 十分清楚/比较清楚/有所了解/不清楚 → 4/3/2/1."""

    def row(self, level: str, weight: str = "4") -> Indicator:
        return leaf(
            "政策知晓度",
            code="B201",
            weight=weight,
            method="knowledge_levels",
            facts={"level": level},
        )

    def test_000_b201_fairly_clear_gives_3_of_4(self) -> None:
        points, formula = scored(self.row("比较清楚"))
        assert points == D("3")
        assert formula == "比较清楚 → 3/4 × 4 = 3"

    @pytest.mark.parametrize(
        ("level", "expected"), [("十分清楚", "4"), ("有所了解", "2"), ("不清楚", "1")]
    )
    def test_the_other_levels(self, level: str, expected: str) -> None:
        assert scored(self.row(level))[0] == D(expected)

    def test_scaled_to_a_weight_of_8(self) -> None:
        points, formula = scored(self.row("比较清楚", weight="8"))
        assert points == D("6")
        assert formula == "比较清楚 → 3/4 × 8 = 6"


class TestSatisfactionLevels:
    """`000` C301–C303: 满意/基本满意/一般/不满意 → the rule set's shares."""

    def row(self, level: str, **params: Any) -> Indicator:
        return leaf(
            "管理者满意度",
            code="C302",
            weight="6",
            method="satisfaction_levels",
            facts={"level": level},
            params=params,
        )

    def test_satisfied_is_full(self) -> None:
        points, formula = scored(self.row("满意"))
        assert points == D("6")
        assert formula == "满意 → 1 × 6 = 6"

    def test_basically_satisfied_is_80_percent(self) -> None:
        points, formula = scored(self.row("基本满意"))
        assert points == D("4.8")
        assert formula == "基本满意 → 0.8 × 6 = 4.8"

    def test_average_and_dissatisfied(self) -> None:
        assert scored(self.row("一般"))[0] == D("3.6")
        assert scored(self.row("不满意"))[0] == D("0")

    def test_a_levels_parameter_overrides_the_rule_set(self) -> None:
        points, _ = scored(self.row("基本满意", levels={"满意": "1", "基本满意": "0.5"}))
        assert points == D("3")


class TestChecklist:
    """`000` A101: 6 要点, −1 each; B105: 4 要点, 2 missed → 2."""

    def row(self, weight: str, count: int, missed: int, **params: Any) -> Indicator:
        return leaf(
            "要点",
            weight=weight,
            method="checklist",
            params={"points": count, **params},
            facts={"missed": missed},
        )

    def test_000_a101_every_point_done_is_6(self) -> None:
        points, formula = scored(self.row("6", 6, 0))
        assert points == D("6")
        assert formula == "6 − 0 × 1 = 6"

    def test_000_b105_two_of_four_missed_is_2(self) -> None:
        points, formula = scored(self.row("4", 4, 2))
        assert points == D("2")
        assert formula == "4 − 2 × 1 = 2"

    def test_floor_at_zero(self) -> None:
        points, _ = scored(self.row("4", 4, 2, per_missed="3"))
        assert points == D("0")

    def test_per_missed_parameter(self) -> None:
        points, formula = scored(self.row("6", 6, 1, per_missed="0.5"))
        assert points == D("5.5")
        assert "6 − 1 × 0.5" in formula

    def test_without_points_or_per_missed_it_is_an_input_error(self) -> None:
        with pytest.raises(MethodInputError, match="points"):
            outcome(leaf("要点", weight="6", method="checklist", facts={"missed": 0}))

    def test_a_negative_count_is_an_input_error(self) -> None:
        with pytest.raises(MethodInputError, match="missed 不能为负数"):
            outcome(self.row("6", 6, -1))


class TestFindingsDeduction:
    """`002` 制度完备/使用合规: −0.5 per finding, 扣完为止."""

    def row(self, findings: int, weight: str = "3", **params: Any) -> Indicator:
        return leaf(
            "使用合规",
            weight=weight,
            method="findings_deduction",
            facts={"findings": findings},
            params=params,
        )

    def test_two_findings_of_three_points_leave_2(self) -> None:
        points, formula = scored(self.row(2))
        assert points == D("2")
        assert formula == "3 − 2 × 0.5 = 2"

    def test_no_findings_is_full(self) -> None:
        assert scored(self.row(0))[0] == D("3")

    def test_ten_findings_is_zero_not_negative(self) -> None:
        points, _ = scored(self.row(10))
        assert points == D("0")

    def test_per_finding_parameter(self) -> None:
        assert scored(self.row(2, per_finding="1"))[0] == D("1")


class TestYesNo:
    """`001` 项目申报 (1/0), 专项专账核算 (5/0)."""

    def row(self, answer: object, weight: str = "1") -> Indicator:
        return leaf("项目申报", weight=weight, method="yes_no", facts={"yes": answer})

    def test_001_project_application_yes_is_1(self) -> None:
        points, formula = scored(self.row("是"))
        assert points == D("1")
        assert formula == "是 → 1"

    def test_001_separate_accounting_yes_is_5(self) -> None:
        points, formula = scored(self.row("是", weight="5"))
        assert points == D("5")
        assert formula == "是 → 5"

    @pytest.mark.parametrize("answer", ["是", "有", "yes", "true", "TRUE", " 是 ", True, 1])
    def test_yes_words(self, answer: object) -> None:
        assert scored(self.row(answer, weight="5"))[0] == D("5")

    @pytest.mark.parametrize("answer", ["否", "无", "no", "false", False, 0])
    def test_no_words(self, answer: object) -> None:
        points, formula = scored(self.row(answer, weight="5"))
        assert points == D("0")
        assert formula == "否 → 0"

    @pytest.mark.parametrize("answer", ["也许", "部分", ""])
    def test_another_answer_is_an_input_error(self, answer: str) -> None:
        with pytest.raises(MethodInputError, match="事实 yes 须为 是/否"):
            outcome(self.row(answer))


class TestSubPoints:
    """`001` 目标内容: 5+3+3+3+3+3 = 20."""

    ITEMS: ClassVar[list[dict[str, Any]]] = [
        {"name": "设有目标", "points": 5},
        {"name": "目标明确具体", "points": 3},
        {"name": "目标细化、量化", "points": 3},
        {"name": "符合客观实际", "points": 3},
        {"name": "与项目中长期规划相关联", "points": 3},
        {"name": "有明确的开始及完成时间", "points": 3},
    ]

    def row(self, **facts: Any) -> Indicator:
        return leaf(
            "目标内容", weight="20", method="sub_points", params={"items": self.ITEMS}, facts=facts
        )

    def test_001_all_met_is_20(self) -> None:
        points, formula = scored(self.row(all_met=True))
        assert points == D("20")
        assert formula == "5 + 3 + 3 + 3 + 3 + 3 = 20"

    def test_one_three_point_item_missed_is_17(self) -> None:
        points, formula = scored(self.row(missed=["符合客观实际"]))
        assert points == D("17")
        assert formula == "5 + 3 + 3 + 3 + 3 = 17"

    def test_an_empty_missed_list_is_full(self) -> None:
        assert scored(self.row(missed=[]))[0] == D("20")

    def test_an_unknown_item_name_is_an_input_error(self) -> None:
        with pytest.raises(MethodInputError, match="分项 目标宏大 不在评分标准中"):
            outcome(self.row(missed=["目标宏大"]))

    def test_neither_missed_nor_all_met_is_missing(self) -> None:
        result = outcome(self.row())
        assert result.value is None
        assert result.missing


class TestTierBands:
    """`001` 预算完成率: ≥90 % → 5, 80–90 → 3, 70–80 → 2, 60–70 → 1, < 60 → 0."""

    TIERS: ClassVar[list[dict[str, Any]]] = [
        {"min": 90, "points": 5},
        {"min": 80, "points": 3},
        {"min": 70, "points": 2},
        {"min": 60, "points": 1},
    ]

    def row(self, rate: str | None = None, actual: str | None = None) -> Indicator:
        facts = {} if rate is None else {"rate": rate}
        return leaf(
            "预算完成率",
            weight="5",
            method="tier_bands",
            params={"tiers": self.TIERS},
            facts=facts,
            actual=actual,
        )

    @pytest.mark.parametrize(
        ("rate", "expected"),
        [
            ("95", "5"),
            ("90", "5"),
            ("89.99", "3"),
            ("85", "3"),
            ("75", "2"),
            ("65", "1"),
            ("60", "1"),
        ],
    )
    def test_001_budget_completion_tiers(self, rate: str, expected: str) -> None:
        points, formula = scored(self.row(rate))
        assert points == D(expected)
        assert formula.startswith(f"{rate}% ≥ ")
        assert formula.endswith(f"→ {expected}")

    def test_below_the_lowest_tier_is_zero(self) -> None:
        points, formula = scored(self.row("50"))
        assert points == D("0")
        assert formula == "50% < 60% → 0"

    def test_the_rate_may_come_from_the_actual(self) -> None:
        assert scored(self.row(actual="86.2%"))[0] == D("3")

    def test_tiers_parameter_is_required(self) -> None:
        with pytest.raises(MethodInputError, match="tiers"):
            outcome(leaf("预算完成率", weight="5", method="tier_bands", facts={"rate": 95}))


class TestOverrunPenalty:
    """`001` 工作经费开支率: ≤ 5 % → 2; −0.25 per extra 1 %; 扣完为止."""

    def row(self, rate: str) -> Indicator:
        return leaf(
            "工作经费开支率",
            weight="2",
            method="overrun_penalty",
            params={"limit": 5, "per_point": "0.25"},
            facts={"rate": rate},
        )

    @pytest.mark.parametrize("rate", ["5", "3", "0"])
    def test_at_or_under_the_limit_is_full(self, rate: str) -> None:
        points, formula = scored(self.row(rate))
        assert points == D("2")
        assert formula == f"{rate}% ≤ 5% → 2"

    def test_seven_percent_loses_half_a_point(self) -> None:
        points, formula = scored(self.row("7"))
        assert points == D("1.5")
        assert formula == "2 − (7 − 5) × 0.25 = 1.5"

    def test_twenty_percent_is_zero(self) -> None:
        assert scored(self.row("20"))[0] == D("0")

    def test_limit_and_per_point_are_required(self) -> None:
        with pytest.raises(MethodInputError, match="limit 与 per_point"):
            outcome(leaf("开支率", weight="2", method="overrun_penalty", facts={"rate": 3}))


class TestCountShortfall:
    """`001` 公益服务活动: ≥ 12 次 → 15, −1 per missing occurrence."""

    def row(self, count: int | None = None, actual: str | None = None) -> Indicator:
        facts = {} if count is None else {"count": count}
        return leaf(
            "公益服务活动",
            weight="15",
            target="≥12次",
            actual=actual,
            method="count_shortfall",
            params={"required": 12},
            facts=facts,
        )

    @pytest.mark.parametrize(("count", "expected"), [(12, "15"), (16, "15"), (10, "13"), (0, "3")])
    def test_001_service_activities(self, count: int, expected: str) -> None:
        assert scored(self.row(count))[0] == D(expected)

    def test_formula_shows_the_shortfall(self) -> None:
        assert scored(self.row(10))[1] == "15 − (12 − 10) × 1 = 13"

    def test_the_count_may_come_from_the_actual_and_the_requirement_from_the_target(self) -> None:
        row = leaf(
            "公益服务活动", weight="15", target="≥12次", actual="16场次", method="count_shortfall"
        )
        points, formula = scored(row)
        assert points == D("15")
        assert formula == "16 ≥ 12 → 15"

    def test_floor_at_zero(self) -> None:
        row = leaf(
            "活动",
            weight="3",
            method="count_shortfall",
            params={"required": 12},
            facts={"count": 0},
        )
        assert scored(row)[0] == D("0")


class TestThreshold:
    """`001` 满意度: ≥ 95 % → 10, else 0."""

    def row(self, **facts: Any) -> Indicator:
        return leaf(
            "服务对象满意度", weight="10", method="threshold", params={"min": 95}, facts=facts
        )

    def test_at_the_threshold_is_full(self) -> None:
        points, formula = scored(self.row(rate="95"))
        assert points == D("10")
        assert formula == "95 ≥ 95 → 10"

    def test_just_below_is_zero(self) -> None:
        points, formula = scored(self.row(rate="94"))
        assert points == D("0")
        assert formula == "94 < 95 → 0"

    def test_reads_the_actual_96_percent_against_the_target(self) -> None:
        row = leaf("满意度", weight="10", target="≥95%", actual="96%", method="threshold")
        points, formula = scored(row)
        assert points == D("10")
        assert formula == "96 ≥ 95 → 10"

    def test_a_count_fact(self) -> None:
        assert scored(self.row(count="120"))[0] == D("10")


class TestQualitative:
    """达成 / 部分达成 / 未达成: the evaluator picks inside the band; no computed value."""

    def row(self, target: str = "健全", actual: str = "健全", **facts: Any) -> Indicator:
        return leaf(
            "管理制度", weight="10", target=target, actual=actual, method="qualitative", facts=facts
        )

    ALT = ruleset_from_mapping(
        {
            "qualitative_bands": [
                {"label": "达成", "high": 100, "low": 80},
                {"label": "部分达成", "high": 80, "low": 60},
                {"label": "未达成", "high": 60, "low": 0},
            ]
        },
        national(),
    )

    def test_met_gives_the_achieved_band(self) -> None:
        result = outcome(self.row())
        assert result.value is None
        assert result.band == (D(8), D(10))
        assert result.met is True
        assert result.formula == "达成：得分应在 8–10 之间"

    def test_band_fact_partly_achieved_national_80_to_50(self) -> None:
        result = outcome(self.row(band="部分达成"))
        assert result.band == (D(5), D(8))
        assert result.formula == "部分达成：得分应在 5–8 之间"

    def test_band_fact_partly_achieved_alternative_80_to_60(self) -> None:
        result = outcome(self.row(band="部分达成"), self.ALT)
        assert result.band == (D(6), D(8))
        assert result.formula == "部分达成：得分应在 6–8 之间"

    def test_not_achieved_band_differs_between_the_variants(self) -> None:
        assert outcome(self.row(band="未达成")).band == (D(0), D(5))
        assert outcome(self.row(band="未达成"), self.ALT).band == (D(0), D(6))

    def test_not_met_allows_anything_below_achieved(self) -> None:
        result = outcome(self.row(actual="未完成"))
        assert result.band == (D(0), D(8))
        assert "未完全达成" in result.formula

    def test_not_comparable_allows_the_whole_weight(self) -> None:
        result = outcome(self.row(actual=""))
        assert result.band == (D(0), D(10))
        assert "未判定" in result.formula

    def test_an_unknown_band_is_an_input_error(self) -> None:
        with pytest.raises(MethodInputError, match="定性档次 '优' 不在 达成、部分达成、未达成"):
            outcome(self.row(band="优"))


class TestJudgement:
    def test_band_is_the_whole_weight_and_nothing_is_computed(self) -> None:
        result = outcome(leaf("工作配合", weight="6", method="judgement"))
        assert result.value is None
        assert result.band == (D(0), D(6))
        assert result.formula == "评价人依据佐证酌情评分（0–6）"


# Missing inputs and the [0, weight] property ------------------------------------------------

MISSING_INPUTS: dict[str, Indicator] = {
    "execution": leaf("执行率", weight="10", method="execution"),
    "ratio_positive": leaf("x", weight="5", method="ratio_positive"),
    "ratio_negative": leaf("x", weight="5", method="ratio_negative"),
    "timeliness": leaf("x", weight="5", method="timeliness"),
    "balance_rate": leaf("x", weight="5", method="balance_rate"),
    "graded_levels": leaf("x", weight="5", method="graded_levels", params={"levels": {"好": 1}}),
    "knowledge_levels": leaf("x", weight="5", method="knowledge_levels"),
    "satisfaction_levels": leaf("x", weight="5", method="satisfaction_levels"),
    "checklist": leaf("x", weight="5", method="checklist", params={"points": 5}),
    "findings_deduction": leaf("x", weight="5", method="findings_deduction"),
    "yes_no": leaf("x", weight="5", method="yes_no"),
    "sub_points": leaf(
        "x", weight="5", method="sub_points", params={"items": [{"name": "a", "points": 5}]}
    ),
    "tier_bands": leaf(
        "x", weight="5", method="tier_bands", params={"tiers": [{"min": 90, "points": 5}]}
    ),
    "overrun_penalty": leaf(
        "x", weight="5", method="overrun_penalty", params={"limit": 5, "per_point": 1}
    ),
    "count_shortfall": leaf("x", weight="5", method="count_shortfall"),
    "threshold": leaf("x", weight="5", method="threshold"),
}


def test_every_quantitative_method_has_a_missing_input_case() -> None:
    assert set(MISSING_INPUTS) == QUANTITATIVE_METHODS


@pytest.mark.parametrize("code", sorted(MISSING_INPUTS))
def test_a_missing_input_gives_no_value_and_names_what_is_missing(code: str) -> None:
    result = outcome(MISSING_INPUTS[code])
    assert result.value is None
    assert result.missing
    assert not result.computable
    assert "缺少" in result.formula


def _text(number: Decimal, prefix: str, unit: str) -> str:
    return f"{prefix}{number}{unit}"


numbers = st.decimals(
    min_value=-50, max_value=2000, places=2, allow_nan=False, allow_infinity=False
)
positive = st.decimals(
    min_value="0.01", max_value=2000, places=2, allow_nan=False, allow_infinity=False
)
cells = st.one_of(
    st.builds(
        _text,
        numbers,
        st.sampled_from(["", "≥", "》", "≤", ">", "<"]),
        st.sampled_from(["", "%", "家", "小时", "天"]),
    ),
    st.sampled_from(["健全", "完成", "未完成", "是", "", "10个县市区，80余家单位部门"]),
)
counts = st.integers(min_value=0, max_value=200)


@st.composite
def inputs(draw: st.DrawFn, code: str) -> tuple[Indicator, RuleSet, Budget | None]:
    """A leaf of ``code`` with random but well-formed parameters and facts."""
    weight = str(draw(st.decimals(min_value=0, max_value=100, places=2)))
    rules = national(
        rounding=draw(st.sampled_from(["half_up", "down", "whole_down"])),
        reverse_formula=draw(st.sampled_from(["ratio", "linear"])),
        execution_denominator=draw(st.sampled_from(["full_year_budget", "arrived"])),
        execution_capped=draw(st.booleans()),
    )
    amount = str(draw(positive))
    params: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    money = None
    target = actual = None
    level = st.sampled_from
    if code == "execution":
        money = budget(amount, str(draw(numbers.map(abs))), arrived=str(draw(positive)))
    elif code in {
        "ratio_positive",
        "ratio_negative",
        "threshold",
        "count_shortfall",
        "tier_bands",
        "overrun_penalty",
    }:
        target, actual = draw(cells), draw(cells)
    if code == "timeliness":
        facts = {"plan_time": draw(counts), "actual_time": draw(counts)}
    elif code == "balance_rate":
        facts = {"balance_rate": str(draw(numbers))}
    elif code == "graded_levels":
        params = {"levels": TestGradedLevels.LEVELS}
        facts = {"level": draw(level(list(TestGradedLevels.LEVELS)))}
    elif code == "knowledge_levels":
        facts = {"level": draw(level(["十分清楚", "比较清楚", "有所了解", "不清楚"]))}
    elif code == "satisfaction_levels":
        facts = {"level": draw(level(["满意", "基本满意", "一般", "不满意"]))}
    elif code == "checklist":
        params = {"points": draw(st.integers(1, 10))}
        facts = {"missed": draw(counts)}
    elif code == "findings_deduction":
        facts = {"findings": draw(counts)}
    elif code == "yes_no":
        facts = {"yes": draw(level(["是", "否", True, False]))}
    elif code == "sub_points":
        params = {"items": TestSubPoints.ITEMS}
        names = [item["name"] for item in TestSubPoints.ITEMS]
        facts = {"missed": draw(st.lists(level(names), unique=True))}
    elif code == "tier_bands":
        params = {"tiers": TestTierBands.TIERS}
        facts = draw(st.sampled_from([{}, {"rate": str(draw(numbers))}]))
    elif code == "overrun_penalty":
        params = {"limit": str(draw(positive)), "per_point": str(draw(positive))}
        facts = draw(st.sampled_from([{}, {"rate": str(draw(numbers))}]))
    elif code == "count_shortfall":
        params = draw(
            st.sampled_from([{}, {"required": draw(counts), "per_missing": str(draw(positive))}])
        )
        facts = draw(st.sampled_from([{}, {"count": draw(counts)}]))
    elif code == "threshold":
        params = draw(st.sampled_from([{}, {"min": str(draw(numbers))}]))
        facts = draw(st.sampled_from([{}, {"rate": str(draw(numbers))}]))
    row = leaf(
        "x",
        weight=weight,
        method=code,
        target=target,
        actual=actual,
        params=params,
        facts=facts,
        lower_is_better=draw(st.sampled_from([None, True, False])),
    )
    return row, rules, money


@pytest.mark.parametrize("code", sorted(QUANTITATIVE_METHODS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_points_always_lie_between_zero_and_the_weight(code: str, data: st.DataObject) -> None:
    row, rules, money = data.draw(inputs(code))
    result = outcome(row, rules, money)
    if result.value is None:
        assert result.missing
    else:
        assert Decimal(0) <= result.value <= row.effective_weight
        assert Decimal(0) <= rules.round(result.value) <= row.effective_weight


class TestOutcomeFormula:
    """Methods hand their formula over as a callable: the text is written only when read."""

    def test_the_formula_is_not_written_until_it_is_read(self) -> None:
        calls: list[int] = []

        def formula() -> str:
            calls.append(1)
            return "9 / 10 × 10 = 9"

        result = Outcome(D(9), formula, met=False)
        assert calls == []
        assert result.value == D(9) and result.computable and result.met is False
        assert result.formula == "9 / 10 × 10 = 9"
        assert result.formula == "9 / 10 × 10 = 9"  # written again: the same text
        assert len(calls) == 2

    def test_a_written_formula_and_a_lazy_one_are_the_same_outcome(self) -> None:
        lazy = Outcome(D(9), lambda: "9 ≥ 8 → 9", band=None, met=True)
        written = Outcome(D(9), "9 ≥ 8 → 9", met=True)
        assert lazy == written and hash(lazy) == hash(written)
        assert lazy != Outcome(D(9), "9 ≥ 8 → 10", met=True)
        assert repr(lazy) == repr(written)
        assert "formula='9 ≥ 8 → 9'" in repr(lazy)

    def test_an_outcome_pickles_with_its_text(self) -> None:
        import pickle

        row = leaf(
            "资金拨付及时率", weight="10", target="≥95%", actual="90%", method="ratio_positive"
        )
        result = outcome(row)
        copied = pickle.loads(pickle.dumps(result))
        assert copied == result
        assert copied.formula == result.formula == "90 / 95 × 10 = 9.47"

    @pytest.mark.parametrize("code", sorted(REGISTRY))
    @settings(max_examples=20, deadline=None)
    @given(data=st.data())
    def test_every_method_gives_a_formula_text(self, code: str, data: st.DataObject) -> None:
        if code in JUDGEMENT_METHODS:
            row: Indicator = leaf("x", weight="10", method=code, target="健全", actual="健全")
            rules, money = national(), None
        else:
            row, rules, money = data.draw(inputs(code))
        result = outcome(row, rules, money)
        assert isinstance(result.formula, str) and result.formula
