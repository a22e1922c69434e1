"""Subsidy rules of the `002` relief fund: grants (cost × rate, capped, 0.01 万元), eligibility
with named reasons, first-come decisions and totals that equal their parts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.credit_code import complete
from jixiao.core.subsidies import (
    REVERSED_PERIOD,
    YUAN_PLACES,
    Category,
    Claim,
    Policy,
    Refusal,
    SubsidyError,
    check,
    decide,
    grant,
    notice,
    total,
)

D = Decimal
START, END = date(2022, 1, 1), date(2022, 6, 30)
LIUHE = complete("91510781MA6JY001")
OTHER = complete("91510781MA6JY002")
BAD = complete("91510781MA6JY004")


def category(name: str = "物流费", rate: str = "0.10", cap: str = "50", **kw: object) -> Category:
    return Category(name, START, END, D(rate), D(cap), **kw)  # type: ignore[arg-type]


POLICY = Policy(
    "江油市中小微企业纾困资金",
    (
        category("物流费", "0.10", "50"),
        category("水电费", "0.10", "30"),
        category("担保费", "0.50", "20"),
        category("防疫支出", "0.30", "10", one_per_enterprise=False),
    ),
)


def claim(code: str = LIUHE, cat: str = "物流费", cost: str = "185.60", **kw: object) -> Claim:
    values: dict[str, object] = {"period_start": START, "period_end": END, **kw}
    return Claim("企业", code, cat, D(cost), values["period_start"], values["period_end"])  # type: ignore[arg-type]


class TestGrant:
    def test_cost_times_rate(self) -> None:
        assert grant(category(), D("185.60")) == D("18.56")

    def test_capped(self) -> None:
        assert grant(category(cap="50"), D("900")) == D("50.00")

    def test_rounded_half_up_to_a_hundredth_of_a_wan(self) -> None:
        assert grant(category(rate="0.10"), D("0.125")) == D("0.01")  # 0.0125 → 0.01
        assert grant(category(rate="0.30"), D("0.05")) == D("0.02")  # 0.015 → 0.02 (half up)

    def test_or_to_the_yuan(self) -> None:
        assert grant(category(rate="0.30"), D("1.23456"), YUAN_PLACES) == D("0.3704")

    def test_what_is_left_of_the_cap(self) -> None:
        assert grant(category(cap="10", rate="0.30"), D("20"), already=D("8")) == D("2.00")
        assert grant(category(cap="10"), D("20"), already=D("12")) == D("0.00")

    def test_negative_cost_is_refused(self) -> None:
        with pytest.raises(SubsidyError, match="负数"):
            grant(category(), D("-1"))


class TestCategoryInvariants:
    @pytest.mark.parametrize(
        ("kwargs", "words"),
        [
            ({"rate": "0"}, "补贴比例"),
            ({"rate": "1.2"}, "补贴比例"),
            ({"cap": "-1"}, "上限不能为负数"),
        ],
    )
    def test_bad_numbers_cannot_be_built(self, kwargs: dict[str, str], words: str) -> None:
        with pytest.raises(SubsidyError, match=words):
            category(**kwargs)  # type: ignore[arg-type]

    def test_a_reversed_basis_period_cannot_be_built(self) -> None:
        with pytest.raises(SubsidyError, match="基期"):
            Category("物流费", END, START, D("0.1"), D(1))

    def test_category_names_are_unique_in_a_policy(self) -> None:
        with pytest.raises(SubsidyError, match="重名"):
            Policy("p", (category(), category()))


class TestCheck:
    def test_an_eligible_claim_has_no_reasons(self) -> None:
        assert check(POLICY, claim()) == []

    def test_invalid_credit_code(self) -> None:
        reasons = check(
            POLICY, claim(code=LIUHE[:-1] + "0" if LIUHE[-1] != "0" else LIUHE[:-1] + "1")
        )
        assert [r.refusal for r in reasons] == [Refusal.INVALID_CREDIT_CODE]
        assert "校验位" in reasons[0].message

    def test_blacklisted_names_the_source(self) -> None:
        reasons = check(POLICY, claim(code=BAD), blacklist={BAD: "信用中国"})
        assert [r.refusal for r in reasons] == [Refusal.BLACKLISTED]
        assert reasons[0].message == "未通过信用审查：该企业列入失信名单（信用中国）"

    def test_blacklist_may_be_a_plain_set(self) -> None:
        reasons = check(POLICY, claim(code=BAD), blacklist={BAD})
        assert reasons[0].refusal is Refusal.BLACKLISTED

    def test_duplicate_in_a_one_per_enterprise_category(self) -> None:
        reasons = check(POLICY, claim(), earlier=[(LIUHE, "物流费")])
        assert [r.refusal for r in reasons] == [Refusal.DUPLICATE]
        assert "物流费" in reasons[0].message

    def test_no_duplicate_rule_where_the_policy_allows_several(self) -> None:
        assert check(POLICY, claim(cat="防疫支出"), earlier=[(LIUHE, "防疫支出")]) == []

    def test_another_category_is_not_a_duplicate(self) -> None:
        assert check(POLICY, claim(cat="水电费"), earlier=[(LIUHE, "物流费")]) == []

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (date(2021, 12, 31), END),
            (START, date(2022, 7, 1)),
            (date(2022, 7, 1), date(2022, 9, 30)),
        ],
    )
    def test_costs_outside_the_basis_period(self, start: date, end: date) -> None:
        reasons = check(POLICY, claim(period_start=start, period_end=end))
        assert [r.refusal for r in reasons] == [Refusal.OUTSIDE_PERIOD]
        assert "2022-01-01—2022-06-30" in reasons[0].message

    def test_reversed_dates(self) -> None:
        reasons = check(POLICY, claim(period_start=END, period_end=START))
        assert Refusal.OUTSIDE_PERIOD in [r.refusal for r in reasons]
        assert any(r.detail == REVERSED_PERIOD for r in reasons)

    def test_negative_and_zero_amounts(self) -> None:
        assert [r.refusal for r in check(POLICY, claim(cost="-5"))] == [Refusal.NEGATIVE_AMOUNT]
        assert [r.refusal for r in check(POLICY, claim(cost="0"))] == [Refusal.NO_COST]

    def test_unknown_category(self) -> None:
        reasons = check(POLICY, claim(cat="房租"))
        assert [r.refusal for r in reasons] == [Refusal.UNKNOWN_CATEGORY]

    def test_every_reason_is_listed_together(self) -> None:
        reasons = check(
            POLICY,
            claim(code=BAD, cost="-1", period_start=date(2021, 1, 1)),
            blacklist={BAD: "信用中国"},
        )
        assert {r.refusal for r in reasons} == {
            Refusal.BLACKLISTED,
            Refusal.OUTSIDE_PERIOD,
            Refusal.NEGATIVE_AMOUNT,
        }


class TestDecide:
    def test_first_come_first_served_and_blacklist(self) -> None:
        decisions = decide(
            POLICY,
            [
                claim(LIUHE, "物流费", "185.60"),
                claim(OTHER, "水电费", "96.40"),
                claim(LIUHE, "物流费", "10"),  # duplicate
                claim(BAD, "担保费", "12.5"),  # blacklisted
                claim(OTHER, "担保费", "12.5"),
            ],
            blacklist={BAD: "信用中国"},
        )
        assert [d.grant for d in decisions] == [D("18.56"), D("9.64"), None, None, D("6.25")]
        assert decisions[2].reasons[0].refusal is Refusal.DUPLICATE
        assert decisions[3].reasons[0].refusal is Refusal.BLACKLISTED
        assert total(d.grant for d in decisions if d.grant is not None) == D("34.45")

    def test_several_claims_share_the_cap(self) -> None:
        decisions = decide(
            POLICY, [claim(cat="防疫支出", cost="20"), claim(cat="防疫支出", cost="20")]
        )
        assert [d.grant for d in decisions] == [D("6.00"), D("4.00")]  # cap 10 in all


class TestNotice:
    def test_rows_are_numbered_and_totalled(self) -> None:
        model = notice(
            "公示",
            [("甲", LIUHE, "物流费", D("18.56")), ("乙", OTHER, "水电费", D("9.64"))],
        )
        assert [row.no for row in model.rows] == [1, 2]
        assert model.total == D("28.20")

    def test_an_empty_notice_totals_zero(self) -> None:
        assert notice("公示", []).total == D(0)


amounts = st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False)
rates = st.decimals(min_value=D("0.0001"), max_value=1, places=4, allow_nan=False)
caps = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False)


@given(amounts, rates, caps)
def test_a_grant_never_exceeds_the_cap_or_the_share(cost: D, rate: D, cap: D) -> None:
    value = grant(Category("c", START, END, rate, cap), cost)
    assert D(0) <= value <= cap
    assert value <= cost * rate + D("0.005")
    assert value == value.quantize(D("0.01"))


@given(amounts, amounts, rates, caps)
def test_a_grant_never_decreases_when_the_cost_grows(a: D, b: D, rate: D, cap: D) -> None:
    low, high = sorted((a, b))
    c = Category("c", START, END, rate, cap)
    assert grant(c, low) <= grant(c, high)


@given(st.lists(st.tuples(st.sampled_from([LIUHE, OTHER]), amounts), max_size=12))
def test_the_total_is_the_sum_of_the_grants(items: list[tuple[str, D]]) -> None:
    claims = [claim(code, "防疫支出", str(cost)) for code, cost in items if cost > 0]
    decisions = decide(POLICY, claims)
    granted = [d.grant for d in decisions if d.grant is not None]
    assert total(granted) == sum(granted, D(0))
    for code in (LIUHE, OTHER):  # the cap holds per enterprise across claims
        mine = [d.grant for d in decisions if d.grant is not None and d.claim.credit_code == code]
        assert sum(mine, D(0)) <= D(10)
