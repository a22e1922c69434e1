"""Reading 年度指标值 / 实际完成值 cells and deciding whether a target is met."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.core import targets
from jixiao.core.targets import (
    Comparator,
    Expression,
    convert,
    is_met,
    parse,
    units_compatible,
)

GE, GT, LE, LT, EQ, RANGE = (
    Comparator.GE,
    Comparator.GT,
    Comparator.LE,
    Comparator.LT,
    Comparator.EQ,
    Comparator.RANGE,
)
QUAL = None  # marker: qualitative, no comparator
COMPOUND = "对企业问题12小时联系，7天内办结"  # two commitments in one cell: not one quantity

# text, comparator, value, upper, unit, leftover text, explicit, approximate
CASES: list[tuple[str, Comparator | None, str | None, str | None, str, str, bool, bool]] = [
    # from the seed documents
    (">150000", GT, "150000", None, "", "", True, False),
    ("191898", EQ, "191898", None, "", "", False, False),
    ("24小时/天", EQ, "24", None, "小时/天", "", False, False),
    ("24小时升级完毕", EQ, "24", None, "小时", "升级完毕", False, False),
    ("1小时以内响应", LE, "1", None, "小时", "响应", True, False),
    ("健全", QUAL, None, None, "", "健全", False, False),
    ("100%", EQ, "100", None, "%", "", False, False),
    ("≥85", GE, "85", None, "", "", True, False),
    (">120家", GT, "120", None, "家", "", True, False),
    ("1374家", EQ, "1374", None, "家", "", False, False),
    ("》10", GE, "10", None, "", "", True, False),
    ("》1000家", GE, "1000", None, "家", "", True, False),
    ("》5000家", GE, "5000", None, "家", "", True, False),
    ("》10亿", GE, "1000000000", None, "", "", True, False),
    ("》40亿", GE, "4000000000", None, "", "", True, False),
    ("》500万", GE, "5000000", None, "", "", True, False),
    ("》3000万", GE, "30000000", None, "", "", True, False),
    ("4.5万", EQ, "45000", None, "", "", False, False),
    ("》3万", GE, "30000", None, "", "", True, False),
    ("10个县市区，80余家单位部门", EQ, "10", None, "个", "县市区，80余家单位部门", False, False),
    (COMPOUND + "。", QUAL, None, None, "", COMPOUND, False, False),
    ("完成", QUAL, None, None, "", "完成", False, False),
    ("满意度99%以上", GE, "99", None, "%", "满意度", True, False),
    ("满意度99.49%", EQ, "99.49", None, "%", "满意度", False, False),
    ("≥12次", GE, "12", None, "次", "", True, False),
    ("≥95%", GE, "95", None, "%", "", True, False),
    ("≤5%", LE, "5", None, "%", "", True, False),
    ("70", EQ, "70", None, "", "", False, False),
    ("95", EQ, "95", None, "", "", False, False),
    ("0", EQ, "0", None, "", "", False, False),
    (">500", GT, "500", None, "", "", True, False),
    ("630", EQ, "630", None, "", "", False, False),
    (">1200家", GT, "1200", None, "家", "", True, False),
    (">10000", GT, "10000", None, "", "", True, False),
    ("12197", EQ, "12197", None, "", "", False, False),
    ("90", EQ, "90", None, "", "", False, False),
    ("5028", EQ, "5028", None, "", "", False, False),
    ("30", EQ, "30", None, "", "", False, False),
    ("≥120家", GE, "120", None, "家", "", True, False),
    ("16场次", EQ, "16", None, "场次", "", False, False),
    # symbols and their variants
    ("＞85", GT, "85", None, "", "", True, False),
    ("＜85", LT, "85", None, "", "", True, False),
    (">=85", GE, "85", None, "", "", True, False),
    ("<=85", LE, "85", None, "", "", True, False),
    ("≤85", LE, "85", None, "", "", True, False),
    ("≧85", GE, "85", None, "", "", True, False),
    ("≦85", LE, "85", None, "", "", True, False),
    ("═85", EQ, "85", None, "", "", True, False),
    ("＝85", EQ, "85", None, "", "", True, False),
    ("=85", EQ, "85", None, "", "", True, False),
    ("《5%", LE, "5", None, "%", "", True, False),
    ("＞＝85", GE, "85", None, "", "", True, False),
    ("≥ 85 %", GE, "85", None, "%", "", True, False),
    # full-width digits, ％, ．, thousands separators
    ("９５％", EQ, "95", None, "%", "", False, False),
    ("９９．５％", EQ, "99.5", None, "%", "", False, False),
    ("150,000", EQ, "150000", None, "", "", False, False),
    ("＞1,200,000元", GT, "1200000", None, "元", "", True, False),
    # comparator words before the number
    ("不低于90%", GE, "90", None, "%", "", True, False),
    ("不少于10家", GE, "10", None, "家", "", True, False),
    ("大于等于5", GE, "5", None, "", "", True, False),
    ("达到95%", GE, "95", None, "%", "", True, False),
    ("大于5", GT, "5", None, "", "", True, False),
    ("超过100家", GT, "100", None, "家", "", True, False),
    ("高于3%", GT, "3", None, "%", "", True, False),
    ("不超过5%", LE, "5", None, "%", "", True, False),
    ("不高于5%", LE, "5", None, "%", "", True, False),
    ("不多于3次", LE, "3", None, "次", "", True, False),
    ("小于等于2", LE, "2", None, "", "", True, False),
    ("小于2", LT, "2", None, "", "", True, False),
    ("低于2%", LT, "2", None, "%", "", True, False),
    ("满意度不低于90%", GE, "90", None, "%", "满意度", True, False),
    ("满意度：≥95%", GE, "95", None, "%", "满意度", True, False),
    # words after the number or unit
    ("12小时以内", LE, "12", None, "小时", "", True, False),
    ("99%以上", GE, "99", None, "%", "", True, False),
    ("5%以下", LE, "5", None, "%", "", True, False),
    ("3天之内", LE, "3", None, "天", "", True, False),
    ("7天内办结", LE, "7", None, "天", "办结", True, False),
    ("7日内", LE, "7", None, "天", "", True, False),
    # magnitudes
    ("4千", EQ, "4000", None, "", "", False, False),
    ("2百万", EQ, "2000000", None, "", "", False, False),
    ("3千万", EQ, "30000000", None, "", "", False, False),
    ("500万元", EQ, "5000000", None, "元", "", False, False),
    ("≥1.5亿元", GE, "150000000", None, "元", "", True, False),
    ("0.25万", EQ, "2500", None, "", "", False, False),
    ("5千米", EQ, "5", None, "千米", "", False, False),
    # ranges
    ("80%-90%", RANGE, "80", "90", "%", "", True, False),
    ("80%～90%", RANGE, "80", "90", "%", "", True, False),
    ("80%~90%", RANGE, "80", "90", "%", "", True, False),
    ("80-90%", RANGE, "80", "90", "%", "", True, False),
    ("80%至90%", RANGE, "80", "90", "%", "", True, False),
    ("80%—90%", RANGE, "80", "90", "%", "", True, False),
    ("90%-80%", RANGE, "80", "90", "%", "", True, False),
    ("1-2万", RANGE, "10000", "20000", "", "", True, False),
    ("12小时-2天", RANGE, "0.5", "2", "天", "", True, False),
    ("80%-90家", QUAL, None, None, "", "80%-90家", False, False),
    # units, punctuation, whitespace, signs, approximations
    ("85百分比", EQ, "85", None, "%", "", False, False),
    ("85%。", EQ, "85", None, "%", "", False, False),
    ("85.", EQ, "85", None, "", "", False, False),
    ("  ≥85%  ", GE, "85", None, "%", "", True, False),
    ("-5%", EQ, "-5", None, "%", "", False, False),
    ("≥-5%", GE, "-5", None, "%", "", True, False),
    ("80余家", EQ, "80", None, "家", "", False, True),
    ("约1000人", EQ, "1000", None, "人", "", False, True),
    ("100多次", EQ, "100", None, "次", "", False, True),
    ("3小时左右", EQ, "3", None, "小时", "", False, True),
    ("10万余元", EQ, "100000", None, "元", "", False, True),
    # things that are not one quantity
    ("2024年12月底前完成", QUAL, None, None, "", "2024年12月底前完成", False, False),
    ("7×24小时", QUAL, None, None, "", "7×24小时", False, False),
    ("—", QUAL, None, None, "", "—", False, False),
    ("≥", QUAL, None, None, "", "≥", False, False),
    ("  按时完成。 ", QUAL, None, None, "", "按时完成", False, False),
]


@pytest.mark.parametrize(
    ("text", "comparator", "value", "upper", "unit", "words", "explicit", "approximate"), CASES
)
def test_parse_table(
    text: str,
    comparator: Comparator | None,
    value: str | None,
    upper: str | None,
    unit: str,
    words: str,
    explicit: bool,
    approximate: bool,
) -> None:
    e = parse(text)
    assert e.raw == text
    assert e.comparator is comparator
    assert e.value == (None if value is None else Decimal(value))
    assert e.upper == (None if upper is None else Decimal(upper))
    assert (e.unit, e.text, e.explicit, e.approximate) == (unit, words, explicit, approximate)
    assert e.is_quantitative is (value is not None)
    assert e.is_qualitative is (value is None)


def test_magnitude_values_are_plain_integers() -> None:
    assert str(parse("4.5万").value) == "45000"
    assert str(parse("》10亿").value) == "1000000000"
    assert str(parse("99.49%").value) == "99.49"


@pytest.mark.parametrize("text", [None, ""])
def test_empty_is_qualitative(text: str | None) -> None:
    assert parse(text) == Expression("", None, None, None, "", "", False, False)


MET: list[tuple[str, str, bool | None, bool | None]] = [
    ("70", "95", None, True),
    (">150000", "191898", None, True),
    ("≤5%", "7%", None, False),
    ("1小时以内响应", "1小时以内响应", None, True),
    ("》1000家", "》5000家", None, True),
    ("健全", "100%", None, True),
    ("24小时/天", "24小时/天", None, True),
    ("》10", "10个县市区，80余家单位部门", None, True),
    ("满意度99%以上", "满意度99.49%", None, True),
    ("0", "0", True, True),
    ("≥85", "80", None, False),
    ("≥95%", "3家", None, None),
    ("12小时以内", "1天", None, False),
    ("2天以内", "36小时", None, True),
    ("80%-90%", "85%", None, True),
    ("80%-90%", "80%", None, True),
    ("80%-90%", "90%", None, True),
    ("80%-90%", "79.9%", None, False),
    ("80%～90%", "95%", None, False),
    ("1-2万", "15000", None, True),
    # bare numbers: higher is better unless told otherwise
    ("70", "60", None, False),
    ("70", "60", True, True),
    ("70", "95", True, False),
    ("=70", "71", None, False),
    ("=70", "70.0", None, True),
    ("≥85", "85", None, True),
    (">120家", "120家", None, False),
    (">120家", ">120户", None, True),
    ("<3%", "3%", None, False),
    ("<3%", "2.9%", None, True),
    ("≥12次", "16场次", None, True),
    ("≥95%", "96", None, True),
    # qualitative targets
    ("健全", "健全。", None, True),
    ("健全", "已健全", None, True),
    ("健全", "不健全", None, False),
    ("完成", "未完成", None, False),
    ("建立长效机制", "建立长效机制", None, True),
    ("建立长效机制", "是", None, True),
    ("建立长效机制", "否", None, False),
    ("建立长效机制", "正在推进", None, None),
    (COMPOUND + "。", COMPOUND, None, True),
    # quantitative target, qualitative actual
    ("≥95%", "完成", None, True),
    ("≥95%", "已达到", None, True),
    ("≥95%", "未达标", None, False),
    ("≥95%", "良好", None, None),
    ("≥95%", "", None, None),
]


@pytest.mark.parametrize(("target", "actual", "lower", "expected"), MET)
def test_is_met(target: str, actual: str, lower: bool | None, expected: bool | None) -> None:
    assert is_met(parse(target), parse(actual), lower_is_better=lower) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "家", True),
        ("%", "", True),
        ("%", "百分比", True),
        ("次", "场次", True),
        ("场", "回", True),
        ("家", "户", True),
        ("分钟", "周", True),
        ("小时", "天", True),
        ("小时", "日", True),
        ("小时/天", "小时/天", True),
        ("小时/天", "小时", False),
        ("%", "家", False),
        ("元", "人", False),
        ("家", "次", False),
    ],
)
def test_units_compatible(a: str, b: str, expected: bool) -> None:
    assert units_compatible(a, b) is expected
    assert units_compatible(b, a) is expected


def test_convert() -> None:
    assert convert(Decimal(1), "天", "小时") == 24
    assert convert(Decimal(36), "小时", "天") == Decimal("1.5")
    assert convert(Decimal(2), "周", "天") == 14
    assert convert(Decimal(90), "分钟", "小时") == Decimal("1.5")
    assert convert(Decimal(5), "次", "场次") == 5
    assert convert(Decimal(5), "", "家") == 5
    with pytest.raises(ValueError, match="cannot convert"):
        convert(Decimal(5), "%", "家")


# --- properties -------------------------------------------------------------------------------

SYMBOLS = {
    ">": GT, "＞": GT, "<": LT, "＜": LT, ">=": GE, "<=": LE, "≥": GE, "≤": LE, "≧": GE,
    "≦": LE, "═": EQ, "＝": EQ, "=": EQ, "》": GE, "《": LE, "＞＝": GE,
}  # fmt: skip
UNITS = ["", "%", "家", "户", "次", "场次", "小时", "小时/天", "天", "个", "元", "人", "项"]
PIECES = [
    *SYMBOLS, "不低于", "不超过", "大于", "小于", "达到", "约", "余", "多", "左右",
    "以上", "以下", "以内", "内", "万", "亿", "千", "百万", "千万", "%", "％", "百分比",
    "-", "～", "至", "—", ",", ".", "．", "。", "，", " ", "满意度", "完成", "县市区",
    "0", "5", "12", "99.49", "１２", "150,000",
    *UNITS,
]  # fmt: skip


@st.composite
def cell_texts(draw: st.DrawFn) -> str:
    """Text assembled from the grammar's own pieces, so the fuzzing reaches the parser's paths."""
    pieces = draw(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=2)), max_size=8))
    return "".join(pieces)


def _check(text: str) -> None:
    e = parse(text)
    assert e.raw == text
    assert parse(text) == e
    if e.is_quantitative:
        assert isinstance(e.value, Decimal)
        assert e.comparator is not None
    else:
        assert (e.comparator, e.value, e.upper, e.unit) == (None, None, None, "")
    if e.comparator is Comparator.RANGE:
        assert e.value is not None and e.upper is not None and e.value <= e.upper
    else:
        assert e.upper is None


@settings(max_examples=300)
@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=300)
@given(cell_texts())
def test_parse_never_raises_on_grammar_text(text: str) -> None:
    _check(text)


@settings(max_examples=300)
@given(cell_texts(), cell_texts())
def test_is_met_never_raises(target: str, actual: str) -> None:
    assert is_met(parse(target), parse(actual)) in (True, False, None)


@settings(max_examples=300)
@given(
    st.sampled_from(sorted(SYMBOLS)),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    st.sampled_from(UNITS),
)
def test_round_trip(symbol: str, number: Decimal, unit: str) -> None:
    e = parse(f"{symbol}{number:f}{unit}")
    assert (e.comparator, e.value, e.unit, e.text) == (SYMBOLS[symbol], number, unit, "")
    assert e.explicit


# --- the plain-cell shortcut reads what the full grammar reads ----------------------------------

PLAIN_PIECES = [
    "", ">", "<", ">=", "<=", "≥", "≤", "＞", "》", "《", "=", "=>", "0", "7", "12", "150000",
    "99.5", ".5", "5.", "1,000", "%", "％", "家", "户", "次", "人次", "个", "项", "件", "天", "小时",
    "分钟", "元", "人", "万", "千", "亿", "以上", "及以上", "以下", "以内", "内", "不少于", "不超过",
    "不低于", "少于", " ", "。",
]  # fmt: skip


@st.composite
def plain_cells(draw: st.DrawFn) -> str:
    """Cells made of the shortcut's pieces and a few that must send a cell to the grammar."""
    return "".join(draw(st.lists(st.sampled_from(PLAIN_PIECES), max_size=5)))


def _by_grammar(text: str) -> object:
    return targets._read_grammar(text, targets._compact(targets._clean(text)))


@settings(max_examples=500)
@given(plain_cells())
def test_the_plain_shortcut_reads_as_the_grammar_does(text: str) -> None:
    assert targets._read(text) == _by_grammar(text)


@pytest.mark.parametrize(
    "text",
    [
        "95", "≥90%", ">150000", "1374家", "≤5%", "0.5", "12人次", "30分钟", "007", "＞＝85％",
        "不少于9500家", "230000次以上", "61.1亿元", "》10亿", "≥12亿元", "4.5万", "80%以内",
        "不超过5%", "10亿元以上", "5家及以上",
    ],
)  # fmt: skip
def test_the_plain_shortcut_on_the_seed_forms(text: str) -> None:
    assert targets._read(text) == _by_grammar(text)


# --- quantity: parse's number and unit, without the Expression ----------------------------------


def _exactly(value: Decimal | None) -> object:
    return None if value is None else value.as_tuple()  # the written places count too


def _as_parsed(text: str | None) -> tuple[object, str]:
    expression = targets.parse(text)
    return _exactly(expression.value), expression.unit


@settings(max_examples=500)
@given(plain_cells())
def test_quantity_is_what_parse_reads(text: str) -> None:
    value, unit = targets.quantity(text)
    assert (_exactly(value), unit) == _as_parsed(text)


@pytest.mark.parametrize(
    "text",
    [
        None, "", "95", "≥90%", ">150000", "1374家", "61.1亿元", "》10亿", "4.5万", "80%-90%",
        "1小时以内响应", "健全", "＞＝85％", " 95 ", "95。", "满意度99%以上", "10个县市区，80余家单位部门",
    ],
)  # fmt: skip
def test_quantity_on_the_seed_forms(text: str | None) -> None:
    value, unit = targets.quantity(text)
    assert (_exactly(value), unit) == _as_parsed(text)
