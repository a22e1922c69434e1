"""Deadlines computed from the programme's dates and its schedule table, and their status.

The functions know no date: the programme's table (:mod:`.schedule`, by default the seed's)
gives fixed month-days in the first year and reports per period counted from its start.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from jixiao.core.pilots.programme import Programme
from jixiao.core.pilots.schedule import DeadlineRule, Party
from jixiao.core.text import Text


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's end (01-31 + 1 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def periods(programme: Programme, months: int) -> tuple[tuple[date, date], ...]:
    """Consecutive periods of ``months`` from the start that end inside the programme."""
    result: list[tuple[date, date]] = []
    start = programme.start
    while True:
        end = add_months(programme.start, months * (len(result) + 1)) - timedelta(days=1)
        if end > programme.end:
            break
        result.append((start, end))
        start = end + timedelta(days=1)
    return tuple(result)


def period_label(start: date, end: date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    year = str(start.year)
    if start.day == 1 and end == month_end(end.year, end.month):
        if months == 3 and start.month % 3 == 1:
            return Text("{year}年第{quarter}季度", year=year, quarter=str(start.month // 3 + 1))
        if months == 6 and start.month in (1, 7):
            return (
                Text("{year}年上半年", year=year)
                if start.month == 1
                else Text("{year}年度", year=year)
            )
        if months == 12 and start.month == 1:
            return Text("{year}年度", year=year)
    return Text("{start}至{end}", start=start.isoformat(), end=end.isoformat())


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str  # unique in a programme: rule, party, subject and period
    rule: DeadlineRule
    party: str  # who owes it: a park, a county, or the province
    county: str  # the county it belongs to ("" for the province's own)
    due: date
    subject: str = ""  # the park a county's or province's evaluation is about
    period: tuple[date, date] | None = None

    @property
    def title(self) -> str:
        title = self.rule.title
        if self.period is not None and not self.rule.once:
            title = Text("{title}（{period}）", title=title, period=period_label(*self.period))
        if self.subject:
            title = Text("{title}：{subject}", title=title, subject=self.subject)
        return title


def _dates(rule: DeadlineRule, programme: Programme) -> list[tuple[date, tuple[date, date] | None]]:
    if rule.month is not None and rule.day is not None:
        return [(date(programme.start.year, rule.month, rule.day), None)]
    assert rule.period_months is not None
    found = periods(programme, rule.period_months)
    chosen = found[:1] if rule.once else found
    result: list[tuple[date, tuple[date, date] | None]] = []
    for start, end in chosen:
        due_month = add_months(date(end.year, end.month, 1), rule.due_months_after)
        result.append((month_end(due_month.year, due_month.month), (start, end)))
    return result


def _owners(rule: DeadlineRule, programme: Programme) -> list[tuple[str, str, str]]:
    """(party, county, subject) for each occurrence of ``rule``."""
    province = programme.province or Party.PROVINCE.label
    if rule.per_park:
        return [
            (park.county if rule.submitter is Party.COUNTY else province, park.county, park.name)
            for park in programme.parks
        ]
    if rule.submitter is Party.PARK:
        return [(park.name, park.county, "") for park in programme.parks]
    if rule.submitter is Party.COUNTY:
        return [(county.name, county.name, "") for county in programme.counties]
    return [(province, "", "")]


def deadlines(
    programme: Programme, schedule: Iterable[DeadlineRule] | None = None
) -> tuple[Deadline, ...]:
    """Every deadline of the programme (by its own schedule unless one is given), by due date."""
    result = []
    for rule in programme.schedule if schedule is None else schedule:
        for due, period in _dates(rule, programme):
            for party, county, subject in _owners(rule, programme):
                stamp = period[1].isoformat() if period else due.isoformat()
                key = f"{rule.code}/{party}/{subject}/{stamp}"
                result.append(Deadline(key, rule, party, county, due, subject, period))
    return tuple(sorted(result, key=lambda d: (d.due, d.key)))


class Status(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self.value]


_STATUS_LABELS = {
    "upcoming": Text("未到期"),
    "due": Text("待办"),
    "overdue": Text("已逾期"),
    "done": Text("已完成"),
}


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    deadline: Deadline
    status: Status
    submitted_on: date | None = None
    days_overdue: int = 0
    flagged_to: Party | None = None  # the level told, when overdue
    flagged_to_name: str = ""

    @property
    def late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.deadline.due


def status_of(
    deadline: Deadline, today: date, submitted: Mapping[str, date], programme: Programme
) -> DeadlineStatus:
    """``submitted`` maps deadline keys to the day each was handed in."""
    on = submitted.get(deadline.key)
    if on is not None and on <= today:
        return DeadlineStatus(deadline, Status.DONE, on)
    if today > deadline.due:
        above = deadline.rule.submitter.above
        name = ""
        if above is Party.COUNTY:
            name = deadline.county
        elif above is Party.PROVINCE:
            name = programme.province or Party.PROVINCE.label
        days = (today - deadline.due).days
        return DeadlineStatus(deadline, Status.OVERDUE, None, days, above, name)
    if today >= deadline.due - timedelta(days=deadline.rule.remind_days):
        return DeadlineStatus(deadline, Status.DUE)
    return DeadlineStatus(deadline, Status.UPCOMING)


def agenda(
    programme: Programme,
    today: date,
    submitted: Mapping[str, date],
    schedule: Iterable[DeadlineRule] | None = None,
) -> tuple[DeadlineStatus, ...]:
    return tuple(status_of(d, today, submitted, programme) for d in deadlines(programme, schedule))


def home_page(items: Iterable[DeadlineStatus], party: str) -> tuple[DeadlineStatus, ...]:
    """What ``party`` sees: its own due and overdue items, and the overdue items flagged to it."""
    items = tuple(items)
    own = [
        i for i in items if i.deadline.party == party and i.status in (Status.DUE, Status.OVERDUE)
    ]
    flagged = [i for i in items if i.flagged_to_name == party and i.deadline.party != party]
    return (*own, *flagged)
