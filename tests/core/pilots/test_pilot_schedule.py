"""The schedule table (seed 003 as data) and the checks on a line of it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pilot_builders import programme

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.schedule import SEED_003_SCHEDULE, DeadlineRule, Party

WORLD = programme()


def test_the_seed_s_lines() -> None:
    fixed = {r.code: (r.month, r.day) for r in SEED_003_SCHEDULE if r.month is not None}
    assert fixed == {
        "liaison_list": (4, 18),
        "service_plan": (4, 25),
        "fund_use_plan": (4, 25),
        "payment_plan": (4, 30),
    }
    periodic = {r.code: r.period_months for r in SEED_003_SCHEDULE if r.period_months}
    assert periodic == {
        "quarterly_report": 3,
        "half_year_summary": 6,
        "mid_term_evaluation": 12,
        "final_evaluation": 24,
    }
    owed = {r.code: (r.submitter, r.recipient) for r in SEED_003_SCHEDULE}
    assert owed["liaison_list"] == (Party.COUNTY, Party.PROVINCE)
    assert owed["service_plan"] == (Party.PARK, Party.COUNTY)
    assert owed["final_evaluation"][0] is Party.PROVINCE
    assert (Party.PARK.above, Party.COUNTY.above, Party.PROVINCE.above) == (
        Party.COUNTY,
        Party.PROVINCE,
        None,
    )


def test_every_schedule_line_names_its_clause() -> None:
    assert all(rule.clause for rule in SEED_003_SCHEDULE)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"month": 4, "day": 1, "period_months": 3},
            "须填写固定月日（month/day）或周期（period_months）之一",
        ),
        ({}, "须填写固定月日"),
        ({"month": 2, "day": 30}, "月日不是有效日期"),
        ({"month": 4}, "月日不是有效日期"),
        ({"period_months": 0}, "不能为负数或0"),
        ({"period_months": 3, "due_months_after": -1}, "不能为负数或0"),
    ],
)
def test_a_bad_schedule_line_is_refused(changes: dict[str, int], words: str) -> None:
    with pytest.raises(PilotError, match=words) as caught:
        DeadlineRule("bad", "坏期限", Party.PARK, Party.COUNTY, "", **changes)  # type: ignore[arg-type]
    assert caught.value.code == "bad_schedule"


def test_a_schedule_code_is_used_once() -> None:
    with pytest.raises(PilotError, match="期限表中“service_plan”重复"):
        replace(WORLD, schedule=(*SEED_003_SCHEDULE, SEED_003_SCHEDULE[1]))
