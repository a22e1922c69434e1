"""Subsidy policies (`002` 纾困资金): categories, eligibility, grants and the 公示 list.

A policy pays a share (``rate``) of what an enterprise spent in a category during the
category's basis period (基期, `002`: 2022年1—6月), at most ``cap`` per enterprise and category,
rounded half-up to ``places`` decimals of 万元 (2 = 0.01 万元, as `002` prints 640.58; 4 = 元).
Amounts are 万元 and exact. Eligibility answers with named :class:`Refusal` codes; the Chinese
sentences are in :data:`MESSAGES` (the web layer translates the same codes).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from jixiao.core import credit_code
from jixiao.core.money import ONE, ZERO, quantize
from jixiao.core.text import Text

WAN_PLACES = 2  # 0.01 万元, the precision `002` publishes
YUAN_PLACES = 4  # 1 元 = 0.0001 万元
REVERSED_PERIOD = Text(
    "起始日晚于截止日"
)  # the detail of OUTSIDE_PERIOD when the dates are swapped


class SubsidyError(ValueError):
    """A policy or category that cannot exist (rate outside 0–1, negative cap, period reversed).
    ``str()`` is the message, a :class:`Text` a user interface can translate."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Refusal(StrEnum):
    INVALID_CREDIT_CODE = "invalid_credit_code"
    BLACKLISTED = "blacklisted"
    DUPLICATE = "duplicate"
    OUTSIDE_PERIOD = "outside_period"
    NEGATIVE_AMOUNT = "negative_amount"
    NO_COST = "no_cost"
    UNKNOWN_CATEGORY = "unknown_category"


MESSAGES: dict[Refusal, Text] = {
    Refusal.INVALID_CREDIT_CODE: Text("统一社会信用代码无效：{detail}"),
    Refusal.BLACKLISTED: Text("未通过信用审查：该企业列入失信名单（{detail}）"),
    Refusal.DUPLICATE: Text("重复申报：该企业已申报过“{detail}”，每家企业每类补贴只能申报一次"),
    Refusal.OUTSIDE_PERIOD: Text("费用发生期间不在补贴基期内（{detail}）"),
    Refusal.NEGATIVE_AMOUNT: Text("费用金额不能为负数"),
    Refusal.NO_COST: Text("费用金额须大于零"),
    Refusal.UNKNOWN_CATEGORY: Text("本政策没有补贴类别“{detail}”"),
}


@dataclass(frozen=True, slots=True)
class Category:
    """补贴类别: e.g. 物流费, with its basis period, rate (a fraction) and cap (万元)."""

    name: str
    period_start: date
    period_end: date
    rate: Decimal
    cap: Decimal
    one_per_enterprise: bool = True

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise SubsidyError(Text("补贴类别名称不能为空"))
        if self.period_start > self.period_end:
            raise SubsidyError(Text("补贴类别“{name}”的基期起始日晚于截止日", name=self.name))
        if not ZERO < self.rate <= ONE:
            raise SubsidyError(
                Text("补贴类别“{name}”的补贴比例须大于0且不超过100%", name=self.name)
            )
        if self.cap < ZERO:
            raise SubsidyError(Text("补贴类别“{name}”的补贴上限不能为负数", name=self.name))

    @property
    def period_text(self) -> str:
        return f"{self.period_start.isoformat()}—{self.period_end.isoformat()}"


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    categories: tuple[Category, ...]
    places: int = WAN_PLACES

    def __post_init__(self) -> None:
        names = [category.name for category in self.categories]
        if len(set(names)) != len(names):
            raise SubsidyError(Text("政策“{name}”的补贴类别重名", name=self.name))
        if self.places not in (WAN_PLACES, YUAN_PLACES):
            raise SubsidyError(Text("补贴金额只能精确到0.01万元或元"))

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)


@dataclass(frozen=True, slots=True)
class Claim:
    """One application: who, which category, what was spent (万元) and when."""

    enterprise: str
    credit_code: str
    category: str
    cost: Decimal
    period_start: date
    period_end: date


@dataclass(frozen=True, slots=True)
class Reason:
    refusal: Refusal
    detail: str = ""

    @property
    def message(self) -> str:
        return Text(MESSAGES[self.refusal].template, detail=self.detail)


def grant(
    category: Category, cost: Decimal, places: int = WAN_PLACES, already: Decimal = ZERO
) -> Decimal:
    """cost × rate, at most what is left of the cap after ``already`` granted to the same
    enterprise in this category, rounded half-up to ``places``. Never negative."""
    if cost < ZERO:
        raise SubsidyError(Text("费用金额不能为负数"))
    room = max(category.cap - already, ZERO)
    return quantize(min(cost * category.rate, room), places)


def check(
    policy: Policy,
    claim: Claim,
    *,
    blacklist: Mapping[str, str] | Collection[str] = (),
    earlier: Iterable[tuple[str, str]] = (),
) -> list[Reason]:
    """Every reason ``claim`` cannot be granted (empty when eligible).

    ``blacklist`` holds credit codes (a mapping gives each its source, e.g. 信用中国);
    ``earlier`` the (credit code, category) pairs of the policy's other live applications.
    """
    reasons: list[Reason] = []
    code = credit_code.check(claim.credit_code)
    if not code.ok:
        reasons.append(Reason(Refusal.INVALID_CREDIT_CODE, code.reason))
    elif code.code in blacklist:
        source = blacklist[code.code] if isinstance(blacklist, Mapping) else ""
        reasons.append(Reason(Refusal.BLACKLISTED, source or Text("失信名单")))

    category = policy.category(claim.category)
    if category is None:
        reasons.append(Reason(Refusal.UNKNOWN_CATEGORY, claim.category))
    else:
        if category.one_per_enterprise and (code.code, category.name) in set(earlier):
            reasons.append(Reason(Refusal.DUPLICATE, category.name))
        if claim.period_start < category.period_start or claim.period_end > category.period_end:
            reasons.append(Reason(Refusal.OUTSIDE_PERIOD, category.period_text))
    if claim.period_start > claim.period_end:
        reasons.append(Reason(Refusal.OUTSIDE_PERIOD, REVERSED_PERIOD))
    if claim.cost < ZERO:
        reasons.append(Reason(Refusal.NEGATIVE_AMOUNT))
    elif claim.cost == ZERO:
        reasons.append(Reason(Refusal.NO_COST))
    return reasons


@dataclass(frozen=True, slots=True)
class Decision:
    claim: Claim
    grant: Decimal | None  # None when refused
    reasons: tuple[Reason, ...] = ()

    @property
    def approved(self) -> bool:
        return self.grant is not None


def decide(
    policy: Policy, claims: Iterable[Claim], blacklist: Mapping[str, str] | Collection[str] = ()
) -> list[Decision]:
    """Decide claims in order (first come, first served): later duplicates are refused and an
    enterprise's grants in one category never exceed its cap together."""
    decisions: list[Decision] = []
    seen: list[tuple[str, str]] = []
    granted: dict[tuple[str, str], Decimal] = {}
    for claim in claims:
        reasons = check(policy, claim, blacklist=blacklist, earlier=seen)
        category = policy.category(claim.category)
        if reasons or category is None:
            decisions.append(Decision(claim, None, tuple(reasons)))
            continue
        key = (credit_code.normalise(claim.credit_code), category.name)
        amount = grant(category, claim.cost, policy.places, granted.get(key, ZERO))
        granted[key] = granted.get(key, ZERO) + amount
        seen.append(key)
        decisions.append(Decision(claim, amount))
    return decisions


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The 合计 of grants: their exact sum (each is already rounded, so nothing is lost)."""
    return sum(amounts, ZERO)


# The 公示 list (public notice): the report model the .xlsx/.docx renderers paint ----------------


@dataclass(frozen=True, slots=True)
class NoticeRow:
    no: int
    enterprise: str
    credit_code: str
    category: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Notice:
    """序号 | 企业名称 | 统一社会信用代码 | 补贴类别 | 补贴金额（万元）, then 合计."""

    title: str
    rows: tuple[NoticeRow, ...] = field(default_factory=tuple)

    @property
    def total(self) -> Decimal:
        return total(row.amount for row in self.rows)


def notice(title: str, grants: Iterable[tuple[str, str, str, Decimal]]) -> Notice:
    """The 公示 list from (enterprise, credit code, category, amount), numbered from 1."""
    rows = tuple(
        NoticeRow(no, enterprise, code, category, amount)
        for no, (enterprise, code, category, amount) in enumerate(grants, 1)
    )
    return Notice(title, rows)
