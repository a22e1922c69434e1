"""附件2 from the records, and the final decision (通报, 扣减, 收回) after two years."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pilot_builders import COUNTY, PARK, A, B, C, briefing, diagnosis, park, programme

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evaluation import (
    MAX_TEXT,
    Measure,
    Narrative,
    final_decision,
    mid_term_table,
)
from jixiao.core.pilots.flows import FlowKind
from jixiao.core.pilots.programme import ServiceType
from jixiao.core.pilots.tranches import CountyDecision, Tranche, TrancheLedger

S, D = ServiceType, Decimal
WORLD = programme(park("200"))
THE_PARK = WORLD.parks[0]
RECORDS = (
    briefing("P1", date(2023, 3, 15), 40),
    briefing("P2", date(2023, 11, 20), 35),
    briefing("P3", date(2024, 2, 1), 50),  # after the first year
    diagnosis("R1", date(2023, 5, 10), enterprises=(A, B)),
    replace(
        diagnosis("R2", date(2023, 8, 1), enterprises=(C,)),
        service=S.INTELLECTUAL_PROPERTY,
        quantity=D(3),
    ),
)


def test_the_mid_term_table_counts_the_first_year() -> None:
    narratives = {
        S.POLICY_BRIEFING: Narrative("邀请县经信局解读政策", "40家企业享受研发费用加计扣除")
    }
    table = mid_term_table(WORLD, THE_PARK, RECORDS, narratives, "建立“园区+服务团队”机制")
    assert (table.park, table.county, table.as_of) == (PARK, COUNTY, date(2023, 12, 31))
    brief, training = table.public
    assert (brief.service, brief.target_sessions, brief.done_sessions) == (S.POLICY_BRIEFING, 8, 2)
    assert (brief.target_visits, brief.done_visits) == (200, 75)
    assert brief.narrative.measures == "邀请县经信局解读政策"
    assert (training.done_sessions, training.narrative) == (0, Narrative())
    diag, ip = table.precise
    assert (diag.target.quantity, diag.done) == (D(3), D(2))
    assert diag.done_text == "2家（66.67%）"
    assert ip.done_text == "3件（75%）"
    assert table.mechanism == "建立“园区+服务团队”机制"


def test_the_table_may_be_drawn_at_another_day() -> None:
    table = mid_term_table(WORLD, THE_PARK, RECORDS, as_of=date(2024, 6, 30))
    assert table.public[0].done_sessions == 3 and table.public[0].done_visits == 125


def test_narratives_have_a_length_limit() -> None:
    long = Narrative("举" * (MAX_TEXT + 1))
    with pytest.raises(PilotError, match="“政策宣贯”的工作举措过长"):
        mid_term_table(WORLD, THE_PARK, RECORDS, {S.POLICY_BRIEFING: long})
    with pytest.raises(PilotError, match="长效机制成果过长"):
        mid_term_table(WORLD, THE_PARK, RECORDS, mechanism="机" * (MAX_TEXT + 1))


# Final decision ---------------------------------------------------------------------------


def paid_ledger() -> TrancheLedger:
    """First and second tranches paid: 60 + 100 of 200, 40 not yet paid."""
    book = TrancheLedger.for_park(WORLD, THE_PARK).approve_plan(date(2023, 5, 8))
    book, _ = book.pay(Tranche.FIRST, date(2023, 5, 12))
    book = book.decide(CountyDecision(date(2023, 8, 30), "机制已建立", D("0.5")))
    book, _ = book.pay(Tranche.SECOND, date(2023, 9, 1))
    return book


AFTER = date(2025, 3, 1)


def test_no_measure_is_a_clean_result() -> None:
    decision, flow = final_decision(WORLD, paid_ledger(), AFTER, [], "")
    assert decision.measures == frozenset() and flow is None and decision.labels == "无"


def test_a_recovery_becomes_a_money_flow_back() -> None:
    decision, flow = final_decision(
        WORLD,
        paid_ledger(),
        AFTER,
        [Measure.NOTICE, Measure.CUT, Measure.RECOVER],
        "知识产权目标完成不足50%",
        cut=D(40),
        recovery=D("12.5"),
    )
    assert decision.labels == "通报、扣减、收回"
    assert (decision.cut, decision.recovery) == (D(40), D("12.5"))
    assert flow is not None
    assert (flow.kind, flow.payer, flow.payee, flow.amount, flow.on) == (
        FlowKind.RECOVERY, PARK, "浙江省", D("12.5"), AFTER
    )  # fmt: skip
    assert (flow.reason, flow.reference) == ("知识产权目标完成不足50%", "final_evaluation")


def test_the_final_evaluation_comes_after_two_years() -> None:
    with pytest.raises(
        PilotError, match=r"实施期满2年（2024-12-31）后方可开展终期绩效评价"
    ) as caught:
        final_decision(WORLD, paid_ledger(), date(2024, 12, 31), [Measure.NOTICE], "x")
    assert caught.value.code == "final_too_early"


@pytest.mark.parametrize(
    ("measures", "cut", "recovery", "code"),
    [
        ([Measure.NOTICE], D(0), D(0), "no_grounds"),
        ([Measure.CUT], D(0), D(0), "amount_mismatch"),
        ([], D(5), D(0), "amount_mismatch"),
        ([Measure.RECOVER], D(0), D(0), "amount_mismatch"),
        ([Measure.CUT], D("40.000001"), D(0), "cut_too_large"),
        ([Measure.RECOVER], D(0), D("160.000001"), "recovery_too_large"),
        ([Measure.RECOVER], D(0), D("-1"), "bad_amount"),
        ([Measure.RECOVER], D(0), D("0.0000001"), "bad_amount"),
    ],
)
def test_final_decision_amounts_are_checked(
    measures: list[Measure], cut: Decimal, recovery: Decimal, code: str
) -> None:
    grounds = "" if code == "no_grounds" else "依据"
    with pytest.raises(PilotError) as caught:
        final_decision(WORLD, paid_ledger(), AFTER, measures, grounds, cut, recovery)
    assert caught.value.code == code
    assert caught.value.message  # a Chinese sentence for the user


def test_everything_paid_may_be_recovered() -> None:
    _, flow = final_decision(
        WORLD, paid_ledger(), AFTER, [Measure.RECOVER], "弄虚作假", recovery=D(160)
    )
    assert flow is not None and flow.amount == D(160)
