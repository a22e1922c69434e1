"""Exact numbers: building Decimals from what users type, and the publishers' rounding modes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.core.money import Rounding, clamp, fmt, places_of, quantize, to_decimal


class TestToDecimal:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("23.57", "23.57"),
            ("1,234.5", "1234.5"),
            (" 215.2 ", "215.2"),
            ("-3", "-3"),
            (100, "100"),
            (Decimal("89.89"), "89.89"),
        ],
    )
    def test_accepts_text_int_and_decimal_exactly(self, raw: object, expected: str) -> None:
        assert to_decimal(raw) == Decimal(expected)

    def test_keeps_the_digits_as_typed(self) -> None:
        assert str(to_decimal("239.40")) == "239.40"

    @pytest.mark.parametrize("raw", [0.1, 89.89, 1.0])
    def test_refuses_floats_which_already_lost_the_typed_value(self, raw: float) -> None:
        with pytest.raises(TypeError):
            to_decimal(raw)

    @pytest.mark.parametrize("raw", [True, False])
    def test_refuses_booleans_although_they_are_ints(self, raw: bool) -> None:
        with pytest.raises(TypeError, match="boolean"):
            to_decimal(raw)

    @pytest.mark.parametrize("raw", [None, [1], object()])
    def test_refuses_other_types(self, raw: object) -> None:
        with pytest.raises(TypeError):
            to_decimal(raw)

    @pytest.mark.parametrize("raw", ["abc", "", "12万", "1.2.3", "％"])
    def test_refuses_garbage_text(self, raw: str) -> None:
        with pytest.raises(ValueError, match="not a number"):
            to_decimal(raw)

    @pytest.mark.parametrize("raw", ["NaN", "nan", "sNaN", "inf", "-Infinity"])
    def test_refuses_nan_and_infinity_text(self, raw: str) -> None:
        with pytest.raises(ValueError, match="finite"):
            to_decimal(raw)

    @pytest.mark.parametrize("raw", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
    def test_refuses_nan_and_infinity_decimals(self, raw: Decimal) -> None:
        with pytest.raises(ValueError, match="finite"):
            to_decimal(raw)


class TestQuantize:
    def test_half_up_is_the_default(self) -> None:
        assert quantize(Decimal("77.8667")) == Decimal("77.87")

    def test_half_up_rounds_a_tie_away_from_zero_never_to_even(self) -> None:
        assert quantize(Decimal("2.675"), 2, Rounding.HALF_UP) == Decimal("2.68")
        assert quantize(Decimal("2.665"), 2, Rounding.HALF_UP) == Decimal("2.67")
        assert quantize(Decimal("0.125"), 2, Rounding.HALF_UP) == Decimal("0.13")
        assert quantize(Decimal("8.5"), 0, Rounding.HALF_UP) == Decimal("9")

    def test_down_truncates_like_the_000_summary_prints_77_86(self) -> None:
        # 64.24 / 82.5 = 77.8666…% is printed 77.86 in the 000 汇总表.
        rate = Decimal("64.24") / Decimal("82.5") * 100
        assert quantize(rate, 2, Rounding.DOWN) == Decimal("77.86")
        assert quantize(rate, 2, Rounding.HALF_UP) == Decimal("77.87")

    def test_down_truncates_toward_zero_for_negatives(self) -> None:
        assert quantize(Decimal("-1.239"), 2, Rounding.DOWN) == Decimal("-1.23")

    def test_whole_down_gives_whole_points(self) -> None:
        assert quantize(Decimal("8.62"), 2, Rounding.WHOLE_DOWN) == Decimal("8")
        assert quantize(Decimal("8.99"), 2, Rounding.WHOLE_DOWN) == Decimal("8")
        assert quantize(Decimal("10"), 2, Rounding.WHOLE_DOWN) == Decimal("10")

    def test_whole_down_ignores_places(self) -> None:
        assert quantize(Decimal("8.62"), 4, Rounding.WHOLE_DOWN) == Decimal("8")

    def test_places_sets_the_exponent(self) -> None:
        assert str(quantize(Decimal("8.989139"), 2)) == "8.99"
        assert str(quantize(Decimal("10"), 2)) == "10.00"
        assert str(quantize(Decimal("7.99") / Decimal("8") * 100, 1)) == "99.9"

    @pytest.mark.parametrize(
        ("mode", "label"),
        [
            (Rounding.HALF_UP, "四舍五入"),
            (Rounding.DOWN, "截断"),
            (Rounding.WHOLE_DOWN, "向下取整"),
        ],
    )
    def test_modes_have_chinese_labels(self, mode: Rounding, label: str) -> None:
        assert mode.label == label


class TestPlacesOf:
    @pytest.mark.parametrize(
        ("text", "places"),
        [("77.86", 2), ("99.9", 1), ("100", 0), ("8.990", 3), ("1E+2", 0), ("0.5", 1)],
    )
    def test_counts_the_printed_decimals(self, text: str, places: int) -> None:
        assert places_of(Decimal(text)) == places


class TestFmt:
    @pytest.mark.parametrize(
        ("value", "text"),
        [
            ("8.990", "8.99"),
            ("10.00", "10"),
            ("100", "100"),
            ("1E+2", "100"),
            ("0.50", "0.5"),
            ("0.00", "0"),
            ("77.8667", "77.8667"),
            ("1234567.10", "1234567.1"),
            ("0.0000001", "0.0000001"),
        ],
    )
    def test_prints_like_a_table_without_exponent_or_trailing_zeros(
        self, value: str, text: str
    ) -> None:
        assert fmt(Decimal(value)) == text


def test_clamp_keeps_a_value_inside_its_bounds() -> None:
    low, high = Decimal(0), Decimal(10)
    assert clamp(Decimal("-1"), low, high) == low
    assert clamp(Decimal("11"), low, high) == high
    assert clamp(Decimal("8.99"), low, high) == Decimal("8.99")
