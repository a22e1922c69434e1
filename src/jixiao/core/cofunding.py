"""Co-funding (分担比例) and payments: who owes what share of an approved total, what was paid
when, and the reconciliation that the evaluation's funding indicators read (domain guide §6).

Amounts are 万元 and exact. Shares are exact fractions (``3:3:4`` → 3/10, 3/10, 2/5), so a
level's expected amount is ``total × share``, kept at full precision (``640.58 × 3/10 = 192.174``)
and rounded only when it does not fit in 4 decimals (0.0001 万元 = 1 元): then by largest
remainder, so that the expected amounts always add up to the approved total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from math import floor, gcd, lcm

from jixiao.core.money import HUNDRED, ZERO, Rounding, fmt, places_of, quantize, to_decimal
from jixiao.core.text import Text

AMOUNT_PLACES = 4  # 0.0001 万元 = 1 元: the finest amount stored or typed
_SCALE = 10**AMOUNT_PLACES


class Level(StrEnum):
    """A level of government sharing the cost, in the order of 省:市:县."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self.value]


_LEVEL_LABELS = {"province": Text("省"), "city": Text("市"), "county": Text("县")}


LEVELS = tuple(Level)
_LEVEL_NAMES = {
    **{level.value: level for level in Level},
    **{level.label: level for level in Level},
    "省级": Level.PROVINCE,
    "市级": Level.CITY,
    "县级": Level.COUNTY,
}


# The fields a message names.
SHARE = Text("分担比例")
APPROVED_TOTAL = Text("批复总额")
PAYMENT_AMOUNT = Text("拨付金额")


class CofundingError(ValueError):
    """Bad co-funding input; ``str()`` is the Chinese message, naming the field (a
    :class:`Text` a user interface can translate)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(Text("{field}：{message}", field=field, message=message))
        self.field = field
        self.message = message

    def __str__(self) -> str:
        text: str = self.args[0]
        return text


def level_of(value: object) -> Level:
    """``"省"``, ``"省级"``, ``"province"`` or a :class:`Level`; anything else is refused."""
    if isinstance(value, Level):
        return value
    level = _LEVEL_NAMES.get(str(value).strip())
    if level is None:
        raise CofundingError(
            Text("级次"), Text("未知级次“{value}”，须为 省、市 或 县", value=str(value))
        )
    return level


def amount(value: object, field: str, *, positive: bool = False) -> Decimal:
    """An amount in 万元 from text or Decimal: a number, not negative, at most 4 decimals."""
    try:
        number = to_decimal(value)
    except (TypeError, ValueError):
        raise CofundingError(field, Text("须为数字，实为“{given}”", given=str(value))) from None
    if number < ZERO:
        raise CofundingError(field, Text("不能为负数，实为 {given}", given=str(number)))
    if positive and number == ZERO:
        raise CofundingError(field, Text("须大于 0"))
    if places_of(number) > AMOUNT_PLACES:
        raise CofundingError(
            field,
            Text(
                "最多保留 {places} 位小数（万元，即精确到元），实为 {given}",
                places=str(AMOUNT_PLACES),
                given=str(number),
            ),
        )
    return number


# Shares -----------------------------------------------------------------------------------------


def _part(text: str) -> tuple[Fraction, bool]:
    """One part of a ratio: (value, is a plain whole number)."""
    raw = text.strip()
    try:
        if raw.endswith("%"):
            return Fraction(raw[:-1].strip()) / 100, False
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise CofundingError(SHARE, Text("“{given}”不是数字", given=raw)) from None
    return value, raw.isdigit()


@dataclass(frozen=True)
class CostShare:
    """分担比例: each level's share of the total, exact fractions that sum to 1."""

    shares: Mapping[Level, Fraction]

    def __post_init__(self) -> None:
        if set(self.shares) != set(LEVELS):
            raise CofundingError(SHARE, Text("须依次给出省、市、县三级的比例"))
        if any(share < 0 for share in self.shares.values()):
            raise CofundingError(SHARE, Text("各级比例不能为负数"))
        total = sum(self.shares.values(), Fraction(0))
        if total != 1:
            raise CofundingError(
                SHARE, Text("各级比例合计须为 1，实为 {total}", total=_fraction_text(total))
            )

    @classmethod
    def parse(cls, text: str) -> CostShare:
        """``"3:3:4"`` (parts, any whole numbers), or fractions that sum to 1:
        ``"0.3:0.3:0.4"``, ``"30%:30%:40%"``, ``"1/3:1/3:1/3"``. Order 省:市:县."""
        pieces = str(text).replace("：", ":").split(":")
        if len(pieces) != len(LEVELS):
            raise CofundingError(
                SHARE,
                Text("须为 省:市:县 三个数，如 3:3:4，实为“{given}”", given=str(text).strip()),
            )
        parts = [_part(piece) for piece in pieces]
        values = [value for value, _ in parts]
        if any(value < 0 for value in values):
            raise CofundingError(SHARE, Text("各级比例不能为负数"))
        if all(whole for _, whole in parts):  # 3:3:4 — parts of the whole
            total = sum(values, Fraction(0))
            if total == 0:
                raise CofundingError(SHARE, Text("各级份数不能全为 0"))
            values = [value / total for value in values]
        return cls(dict(zip(LEVELS, values, strict=True)))

    @property
    def label(self) -> str:
        """The smallest whole-number ratio: 3/10, 3/10, 2/5 → ``"3:3:4"``."""
        values = [self.shares[level] for level in LEVELS]
        common = lcm(*(value.denominator for value in values))
        whole = [int(value * common) for value in values]
        divisor = gcd(*whole) or 1
        return ":".join(str(part // divisor) for part in whole)

    def percent(self, level: Level) -> Decimal:
        share = self.shares[level]
        return Decimal(share.numerator) * HUNDRED / Decimal(share.denominator)


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return format(decimal.normalize(), "f") if len(str(decimal)) < 12 else str(value)


def split(total: Decimal, share: CostShare) -> dict[Level, Decimal]:
    """Each level's expected amount: exact where it fits in 4 decimals, else largest remainder
    at 0.0001 万元 (ties go to the level first in 省:市:县 order); always sums to ``total``."""
    units = Fraction(total) * _SCALE
    if units.denominator != 1:
        raise CofundingError(
            APPROVED_TOTAL,
            Text(
                "最多保留 {places} 位小数，实为 {given}",
                places=str(AMOUNT_PLACES),
                given=str(total),
            ),
        )
    exact = {level: units * share.shares[level] for level in LEVELS}
    floors = {level: floor(value) for level, value in exact.items()}
    left = int(units) - sum(floors.values())
    by_remainder = sorted(
        LEVELS, key=lambda level: (-(exact[level] - floors[level]), LEVELS.index(level))
    )
    for level in by_remainder[:left]:
        floors[level] += 1
    return {level: Decimal(floors[level]) / _SCALE for level in LEVELS}


# Plan and payments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The approved total shared by level, the policy date and the deadline for paying it all."""

    approved_total: Decimal
    share: CostShare
    policy_date: date
    deadline: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "approved_total", amount(self.approved_total, APPROVED_TOTAL))
        if self.deadline < self.policy_date:
            raise CofundingError(
                Text("拨付期限"),
                Text(
                    "{deadline} 早于政策日期 {policy_date}",
                    deadline=str(self.deadline),
                    policy_date=str(self.policy_date),
                ),
            )

    @property
    def expected(self) -> dict[Level, Decimal]:
        return split(self.approved_total, self.share)

    @property
    def plan_days(self) -> int:
        """计划完成时间: days from the policy date to the deadline."""
        return (self.deadline - self.policy_date).days


@dataclass(frozen=True)
class Payment:
    """One transfer by one level (拨付记录)."""

    level: Level
    amount: Decimal
    paid_on: date
    reference: str = ""

    def __post_init__(self) -> None:  # "省" and "134.52" are accepted and kept as Level/Decimal
        object.__setattr__(self, "level", level_of(self.level))
        object.__setattr__(self, "amount", amount(self.amount, PAYMENT_AMOUNT, positive=True))


def payment(level: object, value: object, paid_on: date, reference: str = "") -> Payment:
    """A payment from loose input (level name, amount as text); bad input is a CofundingError."""
    return Payment(
        level_of(level), amount(value, PAYMENT_AMOUNT, positive=True), paid_on, reference
    )


# Reconciliation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelLine:
    level: Level
    share: Fraction
    expected: Decimal
    paid: Decimal
    payments: int
    last_paid_on: date | None
    days_late: int | None  # None: nothing paid yet
    total: Decimal  # the plan's approved total, for the actual share

    @property
    def arrival_rate(self) -> Decimal | None:
        """paid / expected (may exceed 1); None when nothing was due."""
        return None if self.expected == ZERO else self.paid / self.expected

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.expected - self.paid)

    @property
    def excess(self) -> Decimal:
        return max(ZERO, self.paid - self.expected)

    @property
    def actual_share(self) -> Decimal | None:
        """What this level paid as a share of the total (省 134.52 / 640.58 = 21 %, not 30 %)."""
        return None if self.total == ZERO else self.paid / self.total


@dataclass(frozen=True)
class Reconciliation:
    """Expected against paid, per level and in total. Totals are sums of the level lines."""

    plan: Plan
    lines: tuple[LevelLine, ...]

    @property
    def expected(self) -> Decimal:
        return sum((line.expected for line in self.lines), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def shortfall(self) -> Decimal:
        """The sum of the levels' shortfalls (one level's excess does not cover another's)."""
        return sum((line.shortfall for line in self.lines), ZERO)

    @property
    def arrival_rate(self) -> Decimal | None:
        """资金到位率 = total paid / total due; None when nothing was due."""
        return None if self.expected == ZERO else self.paid / self.expected

    @property
    def last_paid_on(self) -> date | None:
        dates = [line.last_paid_on for line in self.lines if line.last_paid_on is not None]
        return max(dates) if dates else None

    @property
    def days_late(self) -> int | None:
        lates = [line.days_late for line in self.lines if line.days_late is not None]
        return max(lates) if lates else None

    @property
    def short_levels(self) -> tuple[Level, ...]:
        return tuple(line.level for line in self.lines if line.shortfall > ZERO)

    @property
    def unpaid_levels(self) -> tuple[Level, ...]:
        """Levels that owe something and have paid nothing yet."""
        return tuple(
            line.level for line in self.lines if line.expected > ZERO and line.payments == 0
        )

    def line(self, level: Level) -> LevelLine:
        return next(line for line in self.lines if line.level is level)


def reconcile(plan: Plan, payments: Iterable[Payment]) -> Reconciliation:
    """Expected vs paid per level; a payment dated before the policy date is refused."""
    by_level: dict[Level, list[Payment]] = {level: [] for level in LEVELS}
    for number, item in enumerate(payments, 1):
        if item.paid_on < plan.policy_date:
            raise CofundingError(
                Text(
                    "第 {number} 笔拨付（{level}，{paid_on}）的拨付日期",
                    number=str(number),
                    level=item.level.label,
                    paid_on=str(item.paid_on),
                ),
                Text("早于政策日期 {policy_date}", policy_date=str(plan.policy_date)),
            )
        by_level[item.level].append(item)
    expected = plan.expected
    lines = []
    for level in LEVELS:
        paid = by_level[level]
        last = max((item.paid_on for item in paid), default=None)
        lines.append(
            LevelLine(
                level=level,
                share=plan.share.shares[level],
                expected=expected[level],
                paid=sum((item.amount for item in paid), ZERO),
                payments=len(paid),
                last_paid_on=last,
                days_late=None if last is None else max(0, (last - plan.deadline).days),
                total=plan.approved_total,
            )
        )
    return Reconciliation(plan, tuple(lines))


# Indicator actuals ------------------------------------------------------------------------------


def arrival_percent(reconciliation: Reconciliation) -> Decimal | None:
    """资金到位率 in percent, rounded half-up to 2 places as tables print it (582.926 / 640.58
    → 91.00)."""
    rate = reconciliation.arrival_rate
    return None if rate is None else quantize(rate * HUNDRED, 2, Rounding.HALF_UP)


def execution_findings(reconciliation: Reconciliation) -> int:
    """执行有效 (缺(错)项扣分法): one finding per level that did not pay its share in full
    (`002`: 省 paid 21 % against 30 % → 1)."""
    return len(reconciliation.short_levels)


@dataclass(frozen=True)
class Timeliness:
    """完成及时's inputs for the timeliness method, in days from the policy date."""

    plan_time: int  # to the deadline
    actual_time: int  # to the last payment


def timeliness(reconciliation: Reconciliation) -> Timeliness | None:
    """Plan vs actual days; None while a level that owes money has paid nothing (not done yet)."""
    last = reconciliation.last_paid_on
    if last is None or reconciliation.unpaid_levels:
        return None
    plan = reconciliation.plan
    return Timeliness(plan.plan_days, (last - plan.policy_date).days)


# Printed figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedNote:
    """How a printed figure relates to the exact one (`002`: 582.926 printed as 582.92)."""

    exact: Decimal
    printed: Decimal
    rounding: Rounding | None  # the rounding that turns exact into printed; None: neither

    @property
    def text(self) -> str:
        exact, printed = fmt(self.exact), fmt(self.printed)
        if self.rounding is None:
            return Text("报告所列 {printed} 与拨付合计 {exact} 不符", printed=printed, exact=exact)
        places = places_of(self.printed)
        return Text(
            "报告所列 {printed} 为拨付合计 {exact} {rounding}至 {places} 位小数",
            printed=printed,
            exact=exact,
            rounding=self.rounding.label,
            places=str(places),
        )


def printed_note(exact: Decimal, printed: Decimal | None) -> PrintedNote | None:
    """None when nothing was printed or the print equals the exact figure."""
    if printed is None or printed == exact:
        return None
    places = places_of(printed)
    for mode in (Rounding.HALF_UP, Rounding.DOWN):
        if quantize(exact, places, mode) == printed:
            return PrintedNote(exact, printed, mode)
    return PrintedNote(exact, printed, None)
