"""因素法: seed 000 附件一 to the cent, the rounding methods, caps, errors, and properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jixiao.core.allocation import (
    Allocation,
    AllocationError,
    Candidate,
    Comparator,
    Factor,
    RoundingMethod,
    Rule,
    allocate,
    largest_remainder,
)

D = Decimal
BALANCE, RATE = "月均余额", "年化担保费率"
FEE_RULE = Rule(RATE, Comparator.LE, D("1.5"), "年化担保费率在 1.5% (含) 以下")

# Seed 000, 四、政策实施情况 and 附件一: balances and fee rates of 2020 (万元, %).
SEED_CANDIDATES = (
    Candidate("嘉兴市小微企业信保基金融资担保有限公司", {BALANCE: D("175362.53"), RATE: D("0.78")}),
    Candidate("嘉兴市兴农担保有限责任公司", {BALANCE: D("3662.89"), RATE: D("1.06")}),
    Candidate("嘉兴市农信融资担保有限责任公司", {BALANCE: D("975.00"), RATE: D("0.87")}),
    # The seed names the 4th applicant and says only that its rate was above 1.5 %.
    Candidate("嘉兴鼎信投资担保有限公司", {RATE: D("2.00")}),
)


def seed_run(rounding: RoundingMethod = RoundingMethod.BALANCE_TO_LARGEST) -> Allocation:
    return Allocation(
        pot=D("904.03"),
        candidates=SEED_CANDIDATES,
        factors=(Factor(BALANCE),),
        rules=(FEE_RULE,),
        rounding=rounding,
    )


def test_seed_000_is_reproduced_to_the_cent() -> None:
    result = allocate(seed_run())
    assert [(row.no, row.name, row.amount) for row in result.rows] == [
        (1, "嘉兴市小微企业信保基金融资担保有限公司", D("880.73")),
        (2, "嘉兴市兴农担保有限责任公司", D("18.40")),
        (3, "嘉兴市农信融资担保有限责任公司", D("4.90")),
    ]
    assert result.total == D("904.03")
    assert result.factor_totals == (D("180000.42"),)
    assert result.coefficient == D("0.0050223")  # printed in 附件一's 分配比例 column
    [excluded] = result.excluded
    assert excluded.name == "嘉兴鼎信投资担保有限公司"
    assert excluded.rules == (FEE_RULE,)
    assert excluded.reason == "不符合“年化担保费率在 1.5% (含) 以下”"
    assert result.allocation.criterion == "年化担保费率在 1.5% (含) 以下"


def test_seed_shares_are_the_balances_over_their_total() -> None:
    result = allocate(seed_run())
    total = Fraction(D("180000.42"))
    for row in result.rows:
        expected = Fraction(row.candidate.attributes[BALANCE]) / total  # type: ignore[arg-type]
        assert row.exact == expected * Fraction(D("904.03"))
        assert abs(Fraction(row.share) - expected) < Fraction(1, 10**12)
    assert [f"{row.percent:.2f}" for row in result.rows] == ["97.42", "2.03", "0.54"]


def test_largest_remainder_differs_from_the_seed_by_one_cent() -> None:
    """Documents why the seed file names its rounding: the exact quotients are 880.7368,
    18.3964 and 4.8968; largest remainder gives the cent to 4.8968 and 880.7368."""
    result = allocate(seed_run(RoundingMethod.LARGEST_REMAINDER))
    assert [row.amount for row in result.rows] == [D("880.74"), D("18.39"), D("4.90")]
    assert result.total == D("904.03")


def test_largest_remainder_ties_go_to_the_larger_amount_then_the_first() -> None:
    thirds = [Fraction(1, 3)] * 3
    assert largest_remainder(thirds, D("1.00"), D("0.01")) == [D("0.34"), D("0.33"), D("0.33")]
    exact = [Fraction(1005, 1000), Fraction(2005, 1000), Fraction(99, 100)]  # 1.005+2.005+0.99
    assert largest_remainder(exact, D("4.00"), D("0.01")) == [D("1.00"), D("2.01"), D("0.99")]


def test_weighted_factors() -> None:
    run = Allocation(
        pot=D("100"),
        candidates=(
            Candidate("甲", {"余额": D("300"), "笔数": D("1")}),
            Candidate("乙", {"余额": D("100"), "笔数": D("3")}),
        ),
        factors=(Factor("余额", D("0.6")), Factor("笔数", D("0.4"))),
    )
    result = allocate(run)
    # 甲: 0.6×0.75 + 0.4×0.25 = 0.55; 乙: 0.6×0.25 + 0.4×0.75 = 0.45
    assert [row.amount for row in result.rows] == [D("55.00"), D("45.00")]
    assert result.coefficient is None  # two factors: no single per-unit rate
    assert result.allocation.criterion == "按余额、笔数分配"


def test_caps_redistribute_the_excess_until_stable() -> None:
    run = Allocation(
        pot=D("100"),
        candidates=(
            Candidate("甲", {"v": D("70")}, cap=D("40")),
            Candidate("乙", {"v": D("20")}, cap=D("35")),
            Candidate("丙", {"v": D("10")}),
        ),
        factors=(Factor("v"),),
    )
    result = allocate(run)
    # 甲 capped at 40 → 60 for 乙:丙 = 2:1 → 乙 40 > 35, capped → 丙 25
    assert [(row.amount, row.capped) for row in result.rows] == [
        (D("40.00"), True),
        (D("35.00"), True),
        (D("25.00"), False),
    ]
    assert result.coefficient is None


def test_string_rules_and_several_failed_rules_are_listed() -> None:
    run = Allocation(
        pot=D("10"),
        candidates=(
            Candidate("甲", {"地区": "南湖区", "费率": D("1")}),
            Candidate("乙", {"地区": "秀洲区", "费率": D("3")}),
        ),
        factors=(Factor("费率"),),
        rules=(Rule("地区", Comparator.EQ, "南湖区"), Rule("费率", Comparator.LT, D("2"))),
    )
    result = allocate(run)
    assert [row.name for row in result.rows] == ["甲"]
    assert result.excluded[0].reason == "不符合“地区=南湖区”；不符合“费率<2”"


def test_zero_pot_gives_zero_amounts() -> None:
    run = Allocation(D("0"), (Candidate("甲", {"v": D("1")}),), (Factor("v"),))
    assert allocate(run).rows[0].amount == D("0")


@pytest.mark.parametrize("symbol", ["≤", "<=", "＜＝", "=<"])
def test_comparators_are_parsed_in_every_spelling(symbol: str) -> None:
    assert Comparator.parse(symbol) is Comparator.LE


def test_unknown_comparator_is_refused() -> None:
    with pytest.raises(AllocationError, match="比较符"):
        Comparator.parse("约等于")


def _error(run: Allocation) -> AllocationError:
    with pytest.raises(AllocationError) as caught:
        allocate(run)
    return caught.value


ONE = (Candidate("甲", {"v": D("1")}), Candidate("乙", {"v": D("3")}))


@pytest.mark.parametrize(
    ("run", "field", "words"),
    [
        (Allocation(D("-1"), ONE, (Factor("v"),)), "pot", "分配总额不能为负数"),
        (Allocation(D("1.005"), ONE, (Factor("v"),)), "pot", "分配总额须精确到 0.01"),
        (Allocation(D("1"), ONE, (Factor("v", D("0.9")),)), "factors", "权重合计须为 1，实为 0.9"),
        (Allocation(D("1"), ONE, ()), "factors", "至少需要一个分配因素"),
        (
            Allocation(D("1"), ONE, (Factor("v", D("1.5")), Factor("w", D("-0.5")))),
            "factors[1].weight",
            "权重不能为负数",
        ),
        (
            Allocation(D("1"), (Candidate("甲", {"v": D("-2")}),), (Factor("v"),)),
            "candidates[0].attributes.v",
            "「甲」的「v」不能为负数",
        ),
        (
            Allocation(D("1"), (Candidate("甲", {"v": D("2")}, cap=D("-1")),), (Factor("v"),)),
            "candidates[0].cap",
            "补贴上限不能为负数",
        ),
        (
            Allocation(D("1"), ONE, (Factor("v"),), (Rule("v", Comparator.GT, D("5")),)),
            "rules",
            "没有符合条件的分配对象",
        ),
        (
            Allocation(
                D("10"),
                (Candidate("甲", {"v": D("1")}, D("3")), Candidate("乙", {"v": D("1")}, D("4"))),
                (Factor("v"),),
            ),
            "candidates",
            "补贴上限合计 7 万元低于分配总额 10 万元",
        ),
        (
            Allocation(D("1"), (Candidate("甲", {"v": D("0")}),), (Factor("v"),)),
            "factors",
            "合计为零",
        ),
        (
            Allocation(D("1"), (Candidate("甲", {"w": D("1")}),), (Factor("v"),)),
            "candidates[0].attributes.v",
            "缺少分配因素「v」",
        ),
        (
            Allocation(D("1"), (Candidate("甲", {"v": "很多"}),), (Factor("v"),)),
            "candidates[0].attributes.v",
            "须为数字",
        ),
        (
            Allocation(D("1"), (ONE[0], ONE[0]), (Factor("v"),)),
            "candidates[1].name",
            "重复出现",
        ),
        (Allocation(D("1"), (), (Factor("v"),)), "candidates", "没有分配对象"),
        (
            Allocation(D("1"), ONE, (Factor("v"),), (Rule("费率", Comparator.LE, D("1")),)),
            "candidates[0].attributes.费率",
            "缺少条件所需的「费率」",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(run: Allocation, field: str, words: str) -> None:
    error = _error(run)
    assert isinstance(error, ValueError)
    assert error.field == field
    assert words in str(error)


def test_caps_that_leave_money_with_only_zero_factors_are_refused() -> None:
    run = Allocation(
        D("10"),
        (Candidate("甲", {"v": D("5")}, cap=D("2")), Candidate("乙", {"v": D("0")})),
        (Factor("v"),),
    )
    assert "剩余 8 万元无法分配" in str(_error(run))


def test_a_numeric_rule_needs_a_number() -> None:
    with pytest.raises(AllocationError, match="比较值须为数字"):
        Rule("费率", Comparator.LE, "低")


# Properties ----------------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n).scaleb(-2))
values = st.integers(min_value=0, max_value=10**8).map(lambda n: Decimal(n).scaleb(-2))
methods = st.sampled_from(list(RoundingMethod))


@st.composite
def runs(draw: st.DrawFn, method: RoundingMethod | None = None) -> Allocation:
    n = draw(st.integers(min_value=1, max_value=7))
    two = draw(st.booleans())
    candidates = []
    for i in range(n):
        attributes: dict[str, Decimal | str] = {"a": draw(values), "rate": draw(values)}
        if two:
            attributes["b"] = draw(values)
        cap = draw(st.none() | cents)
        candidates.append(Candidate(f"对象{i}", attributes, cap))
    if two:
        w = Decimal(draw(st.integers(min_value=0, max_value=100))).scaleb(-2)
        factors: tuple[Factor, ...] = (Factor("a", w), Factor("b", 1 - w))
    else:
        factors = (Factor("a"),)
    rules = (Rule("rate", Comparator.LE, draw(values)),) if draw(st.booleans()) else ()
    return Allocation(
        pot=draw(cents),
        candidates=tuple(candidates),
        factors=factors,
        rules=rules,
        rounding=method or draw(methods),
    )


def _computed(run: Allocation):  # type: ignore[no-untyped-def]
    try:
        return allocate(run)
    except AllocationError as error:
        # only the documented impossibilities: nobody eligible, a factor summing to zero,
        # caps that cannot hold the pot
        assert error.field in ("rules", "factors", "candidates"), error
        assume(False)
        raise


@settings(max_examples=300, deadline=None)
@given(runs())
def test_amounts_always_sum_to_the_pot_and_respect_caps(run: Allocation) -> None:
    result = _computed(run)
    assert result.total == run.pot
    for row in result.rows:
        assert row.amount >= 0
        assert row.amount == row.amount.quantize(Decimal("0.01"))
        if row.candidate.cap is not None:
            assert row.amount <= row.candidate.cap
    if run.rounding is RoundingMethod.LARGEST_REMAINDER:
        for row in result.rows:
            assert abs(Fraction(row.amount) - row.exact) < Fraction(1, 100)


@settings(max_examples=300, deadline=None)
@given(runs())
def test_eligibility_is_respected(run: Allocation) -> None:
    result = _computed(run)
    allocated = {row.name for row in result.rows}
    excluded = {e.name for e in result.excluded}
    assert allocated | excluded == {c.name for c in run.candidates}
    assert not allocated & excluded
    for row in result.rows:
        assert all(rule.admits(row.candidate.attributes[rule.attribute]) for rule in run.rules)
    for exclusion in result.excluded:
        assert exclusion.rules
        for rule in exclusion.rules:
            assert not rule.admits(exclusion.candidate.attributes[rule.attribute])


@settings(max_examples=300, deadline=None)
@given(
    runs(RoundingMethod.LARGEST_REMAINDER),
    st.data(),
    st.integers(min_value=1, max_value=10**7).map(lambda n: Decimal(n).scaleb(-2)),
)
def test_an_amount_never_decreases_when_its_factor_grows(
    run: Allocation, data: st.DataObject, growth: Decimal
) -> None:
    before = _computed(run)
    row = data.draw(st.sampled_from(before.rows))
    factor = data.draw(st.sampled_from(run.factors))
    index = run.candidates.index(row.candidate)
    grown = dict(row.candidate.attributes)
    value = grown[factor.attribute]
    assert isinstance(value, Decimal)
    grown[factor.attribute] = value + growth
    candidates = list(run.candidates)
    candidates[index] = Candidate(row.name, grown, row.candidate.cap)
    after = allocate(Allocation(run.pot, tuple(candidates), run.factors, run.rules, run.rounding))
    assert after.amount_of(row.name) is not None
    assert after.amount_of(row.name) >= row.amount  # type: ignore[operator]
