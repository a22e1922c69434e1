"""The three tranches of seed 003 四（二） and their gates; amounts always sum to the park's money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pilot_builders import COUNTY, PARK, money, park, programme

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.flows import FlowKind
from jixiao.core.pilots.programme import CENT
from jixiao.core.pilots.tranches import (
    CountyDecision,
    MidTermResult,
    Tranche,
    TrancheLedger,
    payment_plan,
    split,
)

D = Decimal
WORLD = programme(park("200"))
GROUNDS = "园区已设立服务专班，签订服务协议12份，已开展诊断服务"


def ledger(total: str = "200") -> TrancheLedger:
    world = programme(park(total))
    return TrancheLedger.for_park(world, world.parks[0])


def refused(code: str, action: object) -> PilotError:
    with pytest.raises(PilotError) as caught:
        action()  # type: ignore[operator]
    assert caught.value.code == code
    return caught.value


def test_the_plan_is_thirty_fifty_and_the_rest() -> None:
    assert ledger().planned() == (D(60), D(100), D(40))
    assert ledger().earliest_mid_term == date(2024, 1, 1)


def test_split_keeps_the_sum_with_the_largest_remainder() -> None:
    assert split(D("0.000010"), [D(1), D(1), D(1)]) == (D("0.000004"), D("0.000003"), D("0.000003"))
    assert split(D("100"), [D(1), D(2)], D("0.01")) == (D("33.33"), D("66.67"))
    with pytest.raises(ValueError):
        split(D(1), [D(0)])
    with pytest.raises(ValueError):
        split(D("0.0000001"), [D(1)])


def test_the_first_tranche_waits_for_the_approved_plan() -> None:
    book = ledger()
    error = refused("plan_not_approved", lambda: book.pay(Tranche.FIRST, date(2023, 5, 1)))
    assert (
        str(error)
        == "园区服务计划和资金使用方案尚未审核通过，不能拨付首笔资金（30%）（工作指南四（二））"
    )
    book = book.approve_plan(date(2023, 5, 8))
    refused("paid_too_early", lambda: book.pay(Tranche.FIRST, date(2023, 5, 7)))
    book, flow = book.pay(Tranche.FIRST, date(2023, 5, 12))
    assert (flow.kind, flow.payer, flow.payee, flow.amount, flow.on) == (
        FlowKind.TRANCHE, COUNTY, PARK, D(60), date(2023, 5, 12)
    )  # fmt: skip
    assert flow.reason == "服务计划和资金使用方案于 2023-05-08 审核通过"
    assert flow.reference == "first"
    refused("already_paid", lambda: book.pay(Tranche.FIRST, date(2023, 5, 13)))
    assert (book.paid_total, book.unpaid) == (D(60), D(140))


def test_the_second_tranche_waits_for_the_county_decision_with_grounds() -> None:
    book = ledger().approve_plan(date(2023, 5, 8))
    refused("first_not_paid", lambda: book.pay(Tranche.SECOND, date(2023, 9, 1)))
    book, _ = book.pay(Tranche.FIRST, date(2023, 5, 12))
    error = refused("mechanism_not_confirmed", lambda: book.pay(Tranche.SECOND, date(2023, 9, 1)))
    assert "尚未确认园区已建立工作机制并实质性推进服务工作" in str(error)
    refused("no_grounds", lambda: CountyDecision(date(2023, 8, 30), " ", D("0.5")))
    refused("share_too_small", lambda: CountyDecision(date(2023, 8, 30), GROUNDS, D("0.49")))
    refused("share_too_large", lambda: CountyDecision(date(2023, 8, 30), GROUNDS, D("0.71")))
    book = book.decide(CountyDecision(date(2023, 8, 30), GROUNDS, D("0.6")))
    refused(
        "already_decided", lambda: book.decide(CountyDecision(date(2023, 9, 1), GROUNDS, D("0.5")))
    )
    refused("paid_too_early", lambda: book.pay(Tranche.SECOND, date(2023, 8, 29)))
    book, flow = book.pay(Tranche.SECOND, date(2023, 9, 1))
    assert (flow.amount, flow.reason) == (D(120), GROUNDS)
    assert book.planned() == (D(60), D(120), D(20))


def test_the_rest_waits_for_the_mid_term_evaluation_and_follows_its_result() -> None:
    book = ledger().approve_plan(date(2023, 5, 8))
    book, _ = book.pay(Tranche.FIRST, date(2023, 5, 12))
    refused("second_not_paid", lambda: book.pay(Tranche.FINAL, date(2024, 3, 1)))
    book = book.decide(CountyDecision(date(2023, 8, 30), GROUNDS, D("0.5")))
    book, _ = book.pay(Tranche.SECOND, date(2023, 9, 1))
    error = refused("mid_term_missing", lambda: book.pay(Tranche.FINAL, date(2024, 3, 1)))
    assert str(error) == "中期绩效评价（附件2）尚未完成，不能拨付剩余资金（工作指南四（二））"
    early = MidTermResult(date(2023, 12, 20), D("0.8"), "中期评价")
    error = refused("mid_term_too_early", lambda: book.evaluate(early))
    assert "实施期满1年（2024-01-01）后方可进行中期绩效评价" in str(error)
    refused("bad_ratio", lambda: MidTermResult(date(2024, 3, 1), D("1.1"), "x"))
    refused("no_grounds", lambda: MidTermResult(date(2024, 3, 1), D("0.8"), ""))
    book = book.evaluate(MidTermResult(date(2024, 3, 1), D("0.8"), "中期评价完成目标80%"))
    assert book.amount(Tranche.FINAL) == D("32.000000")
    book, flow = book.pay(Tranche.FINAL, date(2024, 3, 15))
    assert flow.amount == D(32)
    assert book.withheld == D(8)
    assert book.paid_total + book.withheld == book.total


def test_paying_everything_at_the_second_stage_leaves_no_rest() -> None:
    book = ledger().approve_plan(date(2023, 5, 8))
    book, _ = book.pay(Tranche.FIRST, date(2023, 5, 12))
    book = book.decide(CountyDecision(date(2023, 8, 30), "全部拨付：" + GROUNDS, D("0.7")))
    book, flow = book.pay(Tranche.SECOND, date(2023, 9, 1))
    assert flow.amount == D(140) and book.unpaid == 0
    book = book.evaluate(MidTermResult(date(2024, 3, 1), D(1), "中期评价良好"))
    refused("nothing_to_pay", lambda: book.pay(Tranche.FINAL, date(2024, 3, 2)))


def test_odd_amounts_are_split_to_the_cent() -> None:
    book = ledger("123.456789")
    first, second, rest = book.planned()
    assert (first, second, rest) == (D("37.037037"), D("61.728394"), D("24.691358"))
    assert first + second + rest == D("123.456789")


shares = st.integers(50, 70).map(lambda n: D(n) / 100)
ratios = st.integers(0, 100).map(lambda n: D(n) / 100)


@given(money, shares, ratios)
def test_tranches_always_sum_to_the_park_s_money(
    total: Decimal, share: Decimal, ratio: Decimal
) -> None:
    world = programme(park(str(total)))
    book = TrancheLedger.for_park(world, world.parks[0]).approve_plan(date(2023, 5, 1))
    planned = book.planned()
    assert sum(planned) == total and all(x >= 0 and x % CENT == 0 for x in planned)
    assert abs(planned[0] - total * D("0.3")) < CENT
    book, _ = book.pay(Tranche.FIRST, date(2023, 5, 2))
    book = book.decide(CountyDecision(date(2023, 8, 1), GROUNDS, share))
    if book.amount(Tranche.SECOND) > 0:
        book, _ = book.pay(Tranche.SECOND, date(2023, 8, 2))
    assert sum(book.planned()) == total
    book = book.evaluate(MidTermResult(date(2024, 2, 1), ratio, "中期评价"))
    if book.amount(Tranche.FINAL) > 0:
        book, _ = book.pay(Tranche.FINAL, date(2024, 2, 2))
    assert book.paid_total + book.withheld == total
    assert book.paid_total <= total and book.withheld >= 0


@given(
    money,
    st.lists(st.integers(0, 1000).map(D), min_size=1, max_size=8).filter(lambda w: sum(w) > 0),
)
def test_split_sums_exactly_and_stays_within_a_cent(total: Decimal, weights: list[Decimal]) -> None:
    parts = split(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    assert all(abs(p - total * w / whole) < CENT for p, w in zip(parts, weights, strict=True))


def test_the_county_payment_plan_lists_each_park() -> None:
    world = programme(park("200"), park("123.456789", name="二号园"))
    rows = payment_plan(world, COUNTY, {"二号园": D("0.7")})
    assert [(r.park, r.first, r.second, r.rest) for r in rows] == [
        (PARK, D(60), D(100), D(40)),
        ("二号园", D("37.037037"), D("86.419752"), D(0)),
    ]
    assert all(r.first + r.second + r.rest == r.total for r in rows)
    with pytest.raises(PilotError, match="第二笔资金不得少于园区资金的50%"):
        payment_plan(world, COUNTY, {PARK: D("0.4")})
