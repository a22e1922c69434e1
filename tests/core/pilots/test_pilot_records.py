"""Service records: the rules that refuse one, and the quarterly 绩效目标完成情况."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pilot_builders import CATALOGUE, A, B, C, briefing, diagnosis, park, programme

from jixiao.core.pilots.evidence import EvidenceKind
from jixiao.core.pilots.programme import ServiceType
from jixiao.core.pilots.records import (
    RecordRefusedError,
    ServiceRecord,
    Use,
    accept,
    check_record,
    evidence_of,
    percent,
    progress,
    quarters,
    tally,
)

S = ServiceType
WORLD = programme()
PARK = WORLD.parks[0]


def codes(record: ServiceRecord) -> list[str]:
    return [p.code for p in check_record(record, WORLD, PARK, CATALOGUE)]


def test_a_good_record_is_accepted() -> None:
    record = diagnosis()
    assert accept(record, WORLD, PARK, CATALOGUE) is record
    assert codes(briefing()) == []


@pytest.mark.parametrize("day", [date(2023, 1, 1), date(2024, 12, 31)])
def test_the_period_s_first_and_last_days_are_inside(day: date) -> None:
    assert codes(diagnosis(on=day)) == []


@pytest.mark.parametrize("day", [date(2022, 12, 31), date(2025, 1, 1)])
def test_a_date_outside_the_period_is_refused(day: date) -> None:
    with pytest.raises(RecordRefusedError) as caught:
        accept(diagnosis(on=day), WORLD, PARK)
    assert caught.value.code == "date_outside_period"
    assert str(caught.value) == (
        f"服务记录 R1 不能保存：服务日期 {day} 不在试点实施周期（2023-01-01至2024-12-31）内"
        "（工作指南三（二））"
    )
    assert caught.value.problems[0].field == "on"


def test_a_negative_cost_is_refused() -> None:
    assert codes(diagnosis(cost=Decimal("-0.1"))) == ["negative_cost"]
    assert codes(diagnosis(cost=Decimal(0))) == []


@pytest.mark.parametrize(
    ("use", "words"),
    [
        (Use.PARK_CONSTRUCTION, "园区自身建设改造"),
        (Use.RUNNING_COSTS, "工作经费"),
        (Use.WAGES, "人员工资"),
        (Use.UNRELATED, "与试点工作目标任务无关的事项"),
    ],
)
def test_forbidden_uses_are_refused_with_the_rule_named(use: Use, words: str) -> None:
    problems = check_record(diagnosis(use=use), WORLD, PARK)
    assert [p.code for p in problems] == ["forbidden_use"]
    message = problems[0].message
    assert message.startswith(f"资金不得用于{words}（工作指南四（四）：省级财政激励资金专款专用")
    assert "不得用于园区自身建设改造、工作经费、人员工资等与试点工作目标任务无关的事项" in message


def test_a_service_outside_the_target_list_is_refused() -> None:
    record = replace(diagnosis(), service=S.LEGAL)
    assert "not_in_targets" in codes(record)


def test_precise_services_are_for_pilot_enterprises_through_an_institution() -> None:
    assert codes(diagnosis(enterprises=("路人甲公司",))) == ["not_pilot_enterprise"]
    assert codes(diagnosis(enterprises=())) == ["no_enterprise"]
    assert codes(diagnosis(institution="")) == ["no_institution"]
    assert codes(briefing()) == []  # public services need neither


def test_the_institution_must_offer_the_service_in_the_catalogue() -> None:
    assert codes(diagnosis(institution="丙培训学校")) == ["institution_not_listed"]
    assert codes(diagnosis(institution="戊公司")) == ["institution_not_listed"]
    assert check_record(diagnosis(institution="戊公司"), WORLD, PARK) == ()  # no catalogue given


def test_every_problem_is_listed_at_once() -> None:
    record = diagnosis(on=date(2025, 3, 1), cost=Decimal(-1), use=Use.WAGES, sessions=0)
    with pytest.raises(RecordRefusedError) as caught:
        accept(record, WORLD, PARK)
    assert [p.code for p in caught.value.problems] == [
        "date_outside_period",
        "negative_cost",
        "forbidden_use",
        "bad_sessions",
    ]


def test_counts_default_to_the_enterprises_named() -> None:
    record = diagnosis(enterprises=(A, B))
    assert (record.visits, record.result) == (2, Decimal(2))
    assert briefing(visits=40).visits == 40
    assert diagnosis(quantity=Decimal(5)).result == Decimal(5)


def test_evidence_of_a_record() -> None:
    held = tuple(e for e in diagnosis().evidence if e.kind is not EvidenceKind.INVOICE)
    assert evidence_of(diagnosis(evidence=held), WORLD).missing == (EvidenceKind.INVOICE,)


# Quarterly progress ------------------------------------------------------------------------

RECORDS = (
    briefing("P1", date(2023, 3, 15), 40),
    briefing("P2", date(2023, 5, 20), 35),
    diagnosis("R1", date(2023, 5, 10), enterprises=(A,)),
    diagnosis("R2", date(2023, 6, 2), enterprises=(B, C)),
    replace(
        diagnosis("R3", date(2023, 8, 1), enterprises=(C,)),
        service=S.INTELLECTUAL_PROPERTY,
        quantity=Decimal(2),
        evidence=(),
    ),
)


def test_the_quarter_and_the_total_so_far() -> None:
    q1, q2, *_ = quarters(WORLD)
    report = progress(WORLD, PARK, RECORDS, *q2)
    assert report.label == "2023年第2季度"
    lines = {line.service: line for line in report.lines}
    brief = lines[S.POLICY_BRIEFING]
    assert (brief.quarter.sessions, brief.quarter.visits) == (1, 35)
    assert (brief.cumulative.sessions, brief.cumulative.visits) == (2, 75)
    assert (brief.target_sessions, brief.target_visits) == (8, 200)
    assert brief.sessions_percent == Decimal("25.00")
    assert brief.visits_percent == Decimal("37.50")
    diag = lines[S.DIAGNOSIS]
    assert (diag.quarter.quantity, diag.cumulative.quantity, diag.target_quantity) == (3, 3, 3)
    assert diag.quantity_percent == Decimal("100.00")
    assert diag.quarter.cost == Decimal("3.0")
    ip = lines[S.INTELLECTUAL_PROPERTY]
    assert ip.cumulative.quantity == 0 and ip.unit == "件"
    assert lines[S.TRAINING].cumulative.sessions == 0
    assert report.complete  # the quarter's records have their evidence
    assert progress(WORLD, PARK, RECORDS, *q1).lines[0].cumulative.visits == 40


def test_a_quarter_with_missing_evidence_is_not_complete() -> None:
    q3 = quarters(WORLD)[2]
    report = progress(WORLD, PARK, RECORDS, *q3)
    assert not report.complete
    ((ref, messages),) = report.gaps
    assert ref == "R3"
    assert messages[0] == "缺少服务协议（附件1）"
    assert "缺少专利证书（附件1）" in messages
    ip = next(line for line in report.lines if line.service is S.INTELLECTUAL_PROPERTY)
    assert ip.quantity_percent == Decimal("50.00")


def test_percent() -> None:
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(5, 0) is None


def test_a_park_has_eight_quarters() -> None:
    assert len(quarters(WORLD)) == 8


@given(
    st.lists(
        st.tuples(
            st.dates(date(2023, 1, 1), date(2024, 12, 31)),
            st.integers(0, 60),
            st.decimals(0, 10, places=2),
        ),
        max_size=30,
    )
)
def test_the_quarters_add_up_to_the_total(rows: list[tuple[date, int, Decimal]]) -> None:
    records = [
        replace(briefing(f"P{i}", day, visits), cost=cost)
        for i, (day, visits, cost) in enumerate(rows)
    ]
    reports = [progress(WORLD, PARK, records, *q) for q in quarters(WORLD)]
    line = [r.lines[0] for r in reports]  # 政策宣贯
    assert (
        sum(x.quarter.visits for x in line)
        == line[-1].cumulative.visits
        == sum(v for _, v, _ in rows)
    )
    assert sum((x.quarter.cost for x in line), Decimal(0)) == tally(records).cost
    assert line[-1].cumulative.sessions == len(rows)
    assert [x.cumulative.visits for x in line] == sorted(x.cumulative.visits for x in line)


def test_other_park_records_are_the_caller_s_business() -> None:
    other = park(name="二号园")
    assert progress(WORLD, other, (), *quarters(WORLD)[0]).lines[0].cumulative.sessions == 0
