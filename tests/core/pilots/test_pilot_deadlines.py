"""Deadlines computed from the programme's dates and the schedule table (seed 003)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from pilot_builders import COUNTY, PARK, park, programme

from jixiao.core.pilots.deadlines import (
    Status,
    add_months,
    agenda,
    deadlines,
    home_page,
    period_label,
    periods,
)
from jixiao.core.pilots.schedule import DeadlineRule, Party

WORLD = programme()


def due_dates(code: str, world=WORLD) -> list[date]:  # type: ignore[no-untyped-def]
    return [d.due for d in deadlines(world) if d.rule.code == code]


def test_the_fixed_deadlines_of_the_first_year() -> None:
    assert due_dates("liaison_list") == [date(2023, 4, 18)]
    assert due_dates("service_plan") == [date(2023, 4, 25)]
    assert due_dates("fund_use_plan") == [date(2023, 4, 25)]
    assert due_dates("payment_plan") == [date(2023, 4, 30)]


def test_quarterly_reports_at_each_quarter_end() -> None:
    assert due_dates("quarterly_report") == [
        date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30), date(2023, 12, 31),
        date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31),
    ]  # fmt: skip


def test_half_year_summaries_by_july_and_january_end() -> None:
    assert due_dates("half_year_summary") == [
        date(2023, 7, 31), date(2024, 1, 31), date(2024, 7, 31), date(2025, 1, 31)
    ]  # fmt: skip
    titles = [d.title for d in deadlines(WORLD) if d.rule.code == "half_year_summary"]
    assert titles[:2] == ["试点工作总结材料（2023年上半年）", "试点工作总结材料（2023年度）"]


def test_evaluations_after_one_and_two_years_per_park() -> None:
    mid = [d for d in deadlines(WORLD) if d.rule.code == "mid_term_evaluation"]
    assert [(d.party, d.subject, d.period) for d in mid] == [
        (COUNTY, PARK, (date(2023, 1, 1), date(2023, 12, 31)))
    ]
    assert mid[0].due == date(2024, 3, 31)
    assert mid[0].title == f"中期绩效评价（附件2）：{PARK}"
    final = [d for d in deadlines(WORLD) if d.rule.code == "final_evaluation"]
    assert [(d.party, d.period) for d in final] == [
        ("浙江省", (date(2023, 1, 1), date(2024, 12, 31)))
    ]


def test_the_dates_come_from_the_programme_not_the_code() -> None:
    later = replace(WORLD, start=date(2025, 1, 1), end=date(2026, 12, 31))
    assert due_dates("liaison_list", later) == [date(2025, 4, 18)]
    assert due_dates("quarterly_report", later)[0] == date(2025, 3, 31)
    assert due_dates("mid_term_evaluation", later) == [date(2026, 3, 31)]
    assert due_dates("final_evaluation", later) == [date(2027, 3, 31)]


def test_a_programme_may_bring_its_own_schedule() -> None:
    monthly = DeadlineRule("monthly", "月报", Party.PARK, Party.COUNTY, "自定", period_months=1)
    found = deadlines(WORLD, (monthly,))
    assert len(found) == 24
    assert found[1].due == date(2023, 2, 28)
    assert deadlines(replace(WORLD, schedule=(monthly,))) == found  # carried by the programme


def test_one_deadline_per_owner_and_unique_keys() -> None:
    world = programme(park(), park(name="二号园"))
    found = deadlines(world)
    assert len({d.key for d in found}) == len(found)
    quarterly = [d for d in found if d.rule.code == "quarterly_report"]
    assert {d.party for d in quarterly} == {PARK, "二号园"}
    assert len([d for d in found if d.rule.code == "liaison_list"]) == 1  # one per county
    assert len([d for d in found if d.rule.code == "mid_term_evaluation"]) == 2  # one per park
    assert [d.due for d in found] == sorted(d.due for d in found)


def test_status_due_overdue_done_and_who_is_flagged() -> None:
    q1 = next(d for d in deadlines(WORLD) if d.rule.code == "quarterly_report")
    items = {}
    for s in agenda(WORLD, date(2023, 4, 20), {q1.key: date(2023, 4, 2)}):
        items.setdefault(s.deadline.rule.code, s)  # the first of each kind
    liaison = items["liaison_list"]
    assert liaison.status is Status.OVERDUE and liaison.days_overdue == 2
    assert (liaison.flagged_to, liaison.flagged_to_name) == (Party.PROVINCE, "浙江省")
    assert items["service_plan"].status is Status.DUE
    assert items["payment_plan"].status is Status.DUE
    quarterly = items["quarterly_report"]  # the first of them: Q1, handed in late
    assert quarterly.status is Status.DONE and quarterly.late
    assert items["final_evaluation"].status is Status.UPCOMING


def test_a_park_late_is_flagged_to_its_county_and_shown_there() -> None:
    items = agenda(WORLD, date(2023, 4, 26), {})
    plan = next(i for i in items if i.deadline.rule.code == "service_plan")
    assert (plan.status, plan.flagged_to, plan.flagged_to_name) == (
        Status.OVERDUE,
        Party.COUNTY,
        COUNTY,
    )
    county_page = home_page(items, COUNTY)
    codes = [(i.deadline.party, i.deadline.rule.code) for i in county_page]
    assert (COUNTY, "liaison_list") in codes  # its own, overdue
    assert (COUNTY, "payment_plan") in codes  # its own, due
    assert (PARK, "service_plan") in codes  # the park's, flagged upward
    province_page = home_page(items, "浙江省")
    assert [(i.deadline.party, i.deadline.rule.code) for i in province_page] == [
        (COUNTY, "liaison_list")
    ]
    park_page = home_page(items, PARK)
    assert {i.deadline.party for i in park_page} == {PARK}


def test_a_submission_dated_after_today_does_not_count_yet() -> None:
    plan = next(d for d in deadlines(WORLD) if d.rule.code == "service_plan")
    items = agenda(WORLD, date(2023, 4, 20), {plan.key: date(2023, 4, 22)})
    assert next(i for i in items if i.deadline.key == plan.key).status is Status.DUE


def test_the_province_is_flagged_to_nobody() -> None:
    items = agenda(WORLD, date(2025, 6, 1), {})
    final = next(i for i in items if i.deadline.rule.code == "final_evaluation")
    assert final.status is Status.OVERDUE and final.flagged_to is None


def test_period_labels() -> None:
    assert period_label(date(2023, 4, 1), date(2023, 6, 30)) == "2023年第2季度"
    assert period_label(date(2023, 1, 1), date(2023, 12, 31)) == "2023年度"
    assert period_label(date(2023, 2, 1), date(2023, 4, 30)) == "2023-02-01至2023-04-30"


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 240))
def test_add_months_lands_in_the_right_month(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


@given(
    st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(1, 60), st.sampled_from([1, 3, 6, 12])
)
def test_periods_tile_the_programme_from_its_start(start: date, months: int, length: int) -> None:
    end = add_months(start, months)
    world = replace(WORLD, start=start, end=end)
    found = periods(world, length)
    if found:
        assert found[0][0] == start
        assert all(a[1] < b[0] and (b[0] - a[1]).days == 1 for a, b in itertools.pairwise(found))
        assert found[-1][1] <= end
