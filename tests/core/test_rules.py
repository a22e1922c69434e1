"""Rule sets: the variants public tables disagree on, as named options (domain guide §5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from builders import NATIONAL, national, zhejiang
from jixiao.core.money import Rounding
from jixiao.core.rules import (
    ExecutionDenominator,
    GradeBand,
    ReverseFormula,
    RuleSet,
    RuleSetError,
    grade_rank,
    normalize_grade,
    ruleset_from_mapping,
)


def bands(top: int, inclusive: bool = True) -> list[dict[str, Any]]:
    return [
        {"grade": "优", "threshold": top, "inclusive": inclusive},
        {"grade": "良", "threshold": min(top, 80)},
        {"grade": "中", "threshold": 60},
        {"grade": "差", "threshold": 0},
    ]


class TestGradeBands:
    @pytest.mark.parametrize(
        ("top", "inclusive", "grade_at_90"),
        [(90, True, "优"), (90, False, "良"), (80, True, "优")],
        ids=["优≥90", "优>90", "优≥80"],
    )
    def test_a_total_of_exactly_90(self, top: int, inclusive: bool, grade_at_90: str) -> None:
        rules = ruleset_from_mapping({"name": "t", "grade_bands": bands(top, inclusive)})
        assert rules.grade_for(Decimal(90)) == grade_at_90

    def test_national_bands_at_their_edges(self) -> None:
        rules = national()
        assert rules.grade_for(Decimal("100")) == "优"
        assert rules.grade_for(Decimal("89.99")) == "良"
        assert rules.grade_for(Decimal("80")) == "良"
        assert rules.grade_for(Decimal("79.99")) == "中"
        assert rules.grade_for(Decimal("60")) == "中"
        assert rules.grade_for(Decimal("59.99")) == "差"
        assert rules.grade_for(Decimal("0")) == "差"

    def test_below_every_band_is_the_lowest_grade(self) -> None:
        rules = ruleset_from_mapping(
            {"name": "t", "grade_bands": [{"grade": "优", "threshold": 90}]}
        )
        assert rules.grade_for(Decimal("50")) == "差"

    def test_strict_band_admits_only_above_its_threshold(self) -> None:
        band = GradeBand("优", Decimal(90), inclusive=False)
        assert not band.admits(Decimal(90))
        assert band.admits(Decimal("90.01"))


class TestZhejiangGradeCaps:
    @pytest.mark.parametrize(
        ("execution", "best"),
        [
            ("100", "优"),
            ("91", "优"),
            ("90.99", "良"),
            ("89.89", "良"),
            ("50", "良"),
            ("49.99", "中"),
            ("0", "中"),
        ],
    )
    def test_execution_rate_caps_the_best_grade(self, execution: str, best: str) -> None:
        assert zhejiang().best_grade_allowed(Decimal(execution)) == best

    def test_unknown_execution_rate_caps_nothing(self) -> None:
        assert zhejiang().best_grade_allowed(None) == "优"

    def test_national_has_no_caps(self) -> None:
        assert national().best_grade_allowed(Decimal("10")) == "优"


class TestRounding:
    @pytest.mark.parametrize(
        ("rounding", "places", "expected"),
        [
            ("half_up", 2, "8.99"),
            ("down", 2, "8.98"),
            ("whole_down", 2, "8"),
            ("half_up", 1, "9.0"),
        ],
    )
    def test_the_rounding_option_changes_round(
        self, rounding: str, places: int, expected: str
    ) -> None:
        rules = national(rounding=rounding, places=places)
        assert rules.round(Decimal("8.989139515")) == Decimal(expected)

    def test_national_rounds_half_up_to_two_places(self) -> None:
        rules = national()
        assert (rules.rounding, rules.places) == (Rounding.HALF_UP, 2)
        assert str(rules.round(Decimal("2.675"))) == "2.68"


class TestFromMapping:
    def test_national_options(self) -> None:
        rules = national()
        assert rules.label == "national@2020.1"
        assert rules.reverse_formula is ReverseFormula.RATIO
        assert rules.execution_denominator is ExecutionDenominator.FULL_YEAR_BUDGET
        assert rules.execution_capped is True
        assert rules.tolerance == Decimal("0.01")
        assert rules.satisfaction_levels == {
            "满意": Decimal(1),
            "基本满意": Decimal("0.8"),
            "一般": Decimal("0.6"),
            "不满意": Decimal(0),
        }

    def test_qualitative_bands_are_read_as_fractions_of_the_weight(self) -> None:
        band = national().qualitative_band("部分达成")
        assert band is not None
        assert (band.low, band.high) == (Decimal("0.5"), Decimal("0.8"))
        assert national().qualitative_band("不存在") is None

    def test_defaults_when_a_table_gives_only_name_and_bands(self) -> None:
        rules = ruleset_from_mapping({"name": "min", "grade_bands": bands(90)})
        assert rules.version == "1"
        assert rules.places == 2
        assert rules.rounding is Rounding.HALF_UP
        assert rules.reverse_formula is ReverseFormula.RATIO
        assert rules.qualitative_bands == ()
        assert rules.grade_caps == ()

    def test_extending_keeps_the_base_and_overrides_what_differs(self) -> None:
        rules = zhejiang()
        assert rules.label == "zhejiang@2021.1"
        assert rules.regions == ("浙江",)
        assert rules.grade_bands == national().grade_bands
        assert rules.qualitative_bands == national().qualitative_bands
        assert rules.satisfaction_levels == national().satisfaction_levels
        assert [(cap.below, cap.best) for cap in rules.grade_caps] == [
            (Decimal(91), "良"),
            (Decimal(50), "中"),
        ]

    def test_extending_with_one_option_changes_only_that_option(self) -> None:
        base = national()
        linear = ruleset_from_mapping({"reverse_formula": "linear"}, base)
        assert linear.reverse_formula is ReverseFormula.LINEAR
        assert linear.name == "national"
        assert linear.grade_bands == base.grade_bands

    def test_an_empty_extension_reproduces_the_base(self) -> None:
        base = zhejiang()
        assert ruleset_from_mapping({}, base) == base

    def test_an_extension_may_replace_the_qualitative_bands(self) -> None:
        alt = ruleset_from_mapping(
            {
                "qualitative_bands": [
                    {"label": "达成", "high": 100, "low": 80},
                    {"label": "部分达成", "high": 80, "low": 60},
                    {"label": "未达成", "high": 60, "low": 0},
                ]
            },
            national(),
        )
        band = alt.qualitative_band("部分达成")
        assert band is not None
        assert (band.low, band.high) == (Decimal("0.6"), Decimal("0.8"))


class TestErrors:
    def test_grade_bands_are_required(self) -> None:
        with pytest.raises(RuleSetError, match="grade_bands"):
            ruleset_from_mapping({"name": "t"})

    def test_grade_bands_must_descend(self) -> None:
        ascending = list(reversed(bands(90)))
        with pytest.raises(RuleSetError, match=r"规则集 t.*grade_bands.*从高到低"):
            ruleset_from_mapping({"name": "t", "grade_bands": ascending})

    @pytest.mark.parametrize(("high", "low"), [(120, 80), (80, -10), (50, 80)])
    def test_qualitative_band_fractions_must_lie_in_0_to_100_percent(
        self, high: int, low: int
    ) -> None:
        data = {**NATIONAL, "qualitative_bands": [{"label": "达成", "high": high, "low": low}]}
        with pytest.raises(RuleSetError, match=r"定性档次 达成.*0–1"):
            ruleset_from_mapping(data)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("rounding", "ceil"),
            ("reverse_formula", "R3"),
            ("execution_denominator", "到位资金"),
        ],
    )
    def test_unknown_enum_value_names_the_field_in_chinese(self, field: str, value: str) -> None:
        with pytest.raises(RuleSetError) as error:
            ruleset_from_mapping({**NATIONAL, field: value})
        message = str(error.value)
        assert f"字段 {field} 须为" in message
        assert repr(value) in message
        assert "规则集 national" in message

    def test_unknown_rounding_lists_the_allowed_values(self) -> None:
        with pytest.raises(RuleSetError, match="half_up、down、whole_down"):
            ruleset_from_mapping({**NATIONAL, "rounding": "bankers"})

    def test_a_threshold_that_is_not_a_number_names_the_field(self) -> None:
        data = {**NATIONAL, "grade_bands": [{"grade": "优", "threshold": "九十"}]}
        with pytest.raises(RuleSetError, match="字段 threshold 须为数字"):
            ruleset_from_mapping(data)

    def test_a_missing_number_names_the_field(self) -> None:
        data = {**NATIONAL, "grade_caps": [{"best": "良"}]}
        with pytest.raises(RuleSetError, match="缺少字段 below"):
            ruleset_from_mapping(data)

    def test_a_float_threshold_is_refused(self) -> None:
        data = {**NATIONAL, "grade_bands": [{"grade": "优", "threshold": 90.5}]}
        with pytest.raises(RuleSetError, match="threshold"):
            ruleset_from_mapping(data)

    def test_grade_names_outside_the_four_grades_are_refused(self) -> None:
        # KNOWN BUG (src/jixiao/core/rules.py): a band named 优秀 is accepted, then
        # evaluate() crashes in grade_rank() with "tuple.index(x): x not in tuple".
        data = {**NATIONAL, "grade_bands": [{"grade": "优秀", "threshold": 90}]}
        with pytest.raises(RuleSetError, match="grade"):
            ruleset_from_mapping(data)


class TestGradeNames:
    @pytest.mark.parametrize(
        ("text", "grade"),
        [
            ("优", "优"),
            ("优秀", "优"),
            ("等级：优秀", "优"),
            ("等级:良好", "良"),
            (" 良好 ", "良"),
            ("中等", "中"),
            ("合格", "中"),
            ("较差", "差"),
            ("不合格", "差"),
            ("差", "差"),
        ],
    )
    def test_normalize_grade(self, text: str, grade: str) -> None:
        assert normalize_grade(text) == grade

    @pytest.mark.parametrize("text", ["", "A", "很好", "等级："])
    def test_unknown_words_are_none(self, text: str) -> None:
        assert normalize_grade(text) is None

    def test_rank_orders_best_first(self) -> None:
        assert [grade_rank(g) for g in ("优", "良", "中", "差")] == [0, 1, 2, 3]


class TestAppliesTo:
    def test_region_prefix(self) -> None:
        rules = zhejiang()
        assert rules.applies_to("浙江省嘉兴市", 2021)
        assert rules.applies_to("浙江", None)
        assert not rules.applies_to("湖南省株洲市", 2020)
        assert not rules.applies_to("", 2021)

    def test_no_regions_applies_everywhere(self) -> None:
        assert national().applies_to("湖南省株洲市", 2020)
        assert national().applies_to("", None)

    @pytest.mark.parametrize(
        ("year", "applies"),
        [(2019, False), (2020, True), (2022, True), (2023, False), (None, True)],
    )
    def test_year_range_is_inclusive(self, year: int | None, applies: bool) -> None:
        rules: RuleSet = zhejiang(years=[2020, 2022])
        assert rules.years == (2020, 2022)
        assert rules.applies_to("浙江省嘉兴市", year) is applies
