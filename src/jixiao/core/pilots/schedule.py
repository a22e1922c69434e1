"""The schedule table: which document is owed by whom, when — as data, not code.

:data:`SEED_003_SCHEDULE` transcribes seed ``003``; a programme carries its own table (by
default this one) and a programme file may change a line of it or add one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from jixiao.core.pilots.errors import PilotError
from jixiao.core.text import Text


class Party(StrEnum):
    PARK = "park"  # 试点园区
    COUNTY = "county"  # 县（市、区）经信部门会同财政部门
    PROVINCE = "province"  # 省经信厅会同省财政厅

    @property
    def label(self) -> str:
        return PARTY_LABELS[self]

    @property
    def above(self) -> Party | None:
        """Who is told when this party is late."""
        return {Party.PARK: Party.COUNTY, Party.COUNTY: Party.PROVINCE}.get(self)


PARTY_LABELS = {
    Party.PARK: Text("试点园区"),
    Party.COUNTY: Text("县（市、区）经信部门、财政部门"),
    Party.PROVINCE: Text("省经信厅、省财政厅"),
}


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """One line of a schedule: either a fixed date in the first year, or one per period.

    ``month``/``day``: due on that day of the programme's first year. ``period_months``: the
    programme is cut into periods of that length from its start; each period's report is due at
    the end of the month ``due_months_after`` months after the period ends (0: on its last day).
    ``once``: only the first period (the mid-term evaluation after one year, the final after
    two). ``per_park``: one occurrence per park, owed by ``submitter`` (a county evaluates each
    of its parks).
    """

    code: str
    title: str
    submitter: Party
    recipient: Party
    clause: str  # where the seed says so
    month: int | None = None
    day: int | None = None
    period_months: int | None = None
    due_months_after: int = 0
    once: bool = False
    per_park: bool = False
    remind_days: int = 15  # shown as 待办 this many days before it is due

    def __post_init__(self) -> None:
        fixed = self.month is not None or self.day is not None
        if fixed == (self.period_months is not None):
            raise PilotError(
                "bad_schedule",
                Text(
                    "期限“{title}”须填写固定月日（month/day）或周期（period_months）之一",
                    title=self.title,
                ),
            )
        if fixed:
            try:
                date(2000, self.month or 0, self.day or 0)  # 2000 is a leap year: 02-29 is fine
            except ValueError:
                raise PilotError(
                    "bad_schedule", Text("期限“{title}”的月日不是有效日期", title=self.title)
                ) from None
        if (self.period_months is not None and self.period_months < 1) or min(
            self.due_months_after, self.remind_days
        ) < 0:
            raise PilotError(
                "bad_schedule", Text("期限“{title}”的周期或月数不能为负数或0", title=self.title)
            )


# Seed 003, transcribed. The seed gives no due date for the evaluations themselves (“实施期满1年
# 后”, “实施期满2年后”); three months after the anniversary is this table's choice, a parameter
# the province may change.
SEED_003_SCHEDULE: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        "liaison_list", Text("联络员名单（附件3）"), Party.COUNTY, Party.PROVINCE, "五（一）", 4, 18
    ),
    DeadlineRule("service_plan", Text("园区服务计划"), Party.PARK, Party.COUNTY, "三（一）", 4, 25),
    DeadlineRule(
        "fund_use_plan", Text("资金使用方案"), Party.PARK, Party.COUNTY, "三（一）", 4, 25
    ),
    DeadlineRule(
        "payment_plan", Text("资金拨付方案"), Party.COUNTY, Party.PROVINCE, "四（一）", 4, 30
    ),
    DeadlineRule(
        "quarterly_report",
        Text("绩效目标完成情况表（季报）"),
        Party.PARK,
        Party.COUNTY,
        "三（五）",
        period_months=3,
    ),
    DeadlineRule(
        "half_year_summary",
        Text("试点工作总结材料"),
        Party.COUNTY,
        Party.PROVINCE,
        "五（四）",
        period_months=6,
        due_months_after=1,
        remind_days=31,
    ),
    DeadlineRule(
        "mid_term_evaluation",
        Text("中期绩效评价（附件2）"),
        Party.COUNTY,
        Party.PROVINCE,
        "五（三）",
        period_months=12,
        due_months_after=3,
        once=True,
        per_park=True,
        remind_days=92,
    ),
    DeadlineRule(
        "final_evaluation",
        Text("终期绩效评价"),
        Party.PROVINCE,
        Party.PROVINCE,
        "五（三）",
        period_months=24,
        due_months_after=3,
        once=True,
        per_park=True,
        remind_days=92,
    ),
)
