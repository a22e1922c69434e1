"""因素法 (factor method): split a pot among candidates by weighted factors.

The steps, each a rule of the seeds (``000`` 附件一):

1. **Eligibility.** Every rule (attribute, comparator, value — 年化担保费率 ≤ 1.5) must hold; a
   candidate failing one is excluded and listed with the rules it failed.
2. **Shares.** With factors ``f`` of weight ``w_f`` (the weights sum to 1), an eligible
   candidate's share is ``Σ_f w_f × value_f / Σ value_f`` over the eligible candidates.
3. **Caps.** A candidate whose share of the pot exceeds its cap gets the cap; the excess goes to
   the uncapped in proportion to their shares, again and again until no cap is exceeded.
4. **Rounding** to the unit (0.01 万元), by one of two named methods; with either, the amounts
   sum exactly to the pot and never exceed a cap:

   - ``largest_remainder`` (最大余额法, the default): every amount is rounded down, then the
     cents still missing from the pot go, one each, to the largest remainders. Ties go to the
     larger exact amount, then to the candidate listed first. An amount never decreases when
     its factor value grows.
   - ``balance_to_largest`` (四舍五入，尾差计入最大额): every amount is rounded half up and the
     difference to the pot (尾差) is put on the largest amount (the first listed among equals;
     the next largest when a cap or zero stops it). This is what ``000`` 附件一 did:
     175362.53 / 180000.42 × 904.03 = 880.7368 is printed 880.73 because 18.3964 → 18.40 and
     4.8968 → 4.90 were rounded up; largest remainder would give 880.74 + 18.39 + 4.90.

Shares are computed with exact fractions (``Fraction``), so nothing is lost before rounding.
Every bad input raises :class:`AllocationError` with a Chinese message naming the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from jixiao.core.money import HUNDRED, ONE, ZERO, fmt
from jixiao.core.text import Text, joined

CENT = Decimal("0.01")
SHARE_PLACES = Decimal("1E-12")  # shares kept to 12 places: enough for any printed percent
COEFFICIENT_PLACES = Decimal("1E-7")  # the seed prints 904.03 / 180000.42 = 0.00502237… cut
# to 0.0050223 (truncated, not rounded)

Value = Decimal | str


class AllocationError(ValueError):
    """An allocation that cannot be computed. ``str()`` is the Chinese message for the user;
    ``field`` locates the input (``pot``, ``factors[0].weight``, ``candidates[2].cap``…)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message  # the Text itself, so that a user interface can translate it


class RoundingMethod(StrEnum):
    LARGEST_REMAINDER = "largest_remainder"
    BALANCE_TO_LARGEST = "balance_to_largest"

    @property
    def label(self) -> str:
        return _ROUNDING_LABELS[self]


_ROUNDING_LABELS = {
    RoundingMethod.LARGEST_REMAINDER: "最大余额法",
    RoundingMethod.BALANCE_TO_LARGEST: "四舍五入，尾差计入最大额",
}


class Comparator(StrEnum):
    LE = "<="
    LT = "<"
    GE = ">="
    GT = ">"
    EQ = "=="
    NE = "!="

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def numeric(self) -> bool:
        return self not in (Comparator.EQ, Comparator.NE)

    @classmethod
    def parse(cls, text: str) -> Comparator:
        """``≤``, ``<=``, ``＜＝``, ``=``, ``≠``… → a comparator; AllocationError otherwise."""
        key = unicodedata.normalize("NFKC", text).strip()
        found = _ALIASES.get(key)
        if found is None:
            known = "、".join(sorted({c.symbol for c in cls}))
            raise AllocationError(
                Text("比较符 {given} 无法识别（可用：{known}）", given=repr(text), known=known),
                "comparator",
            )
        return found


_SYMBOLS = {
    Comparator.LE: "≤",
    Comparator.LT: "<",
    Comparator.GE: "≥",
    Comparator.GT: ">",
    Comparator.EQ: "=",
    Comparator.NE: "≠",
}
_ALIASES = {c.value: c for c in Comparator} | {
    "≤": Comparator.LE,
    "=<": Comparator.LE,
    "≥": Comparator.GE,
    "=>": Comparator.GE,
    "=": Comparator.EQ,
    "≠": Comparator.NE,
    "<>": Comparator.NE,
}


def _compare(left: Value, comparator: Comparator, right: Value) -> bool:
    if comparator is Comparator.EQ:
        return left == right
    if comparator is Comparator.NE:
        return left != right
    assert isinstance(left, Decimal) and isinstance(right, Decimal)
    if comparator is Comparator.LE:
        return left <= right
    if comparator is Comparator.LT:
        return left < right
    if comparator is Comparator.GE:
        return left >= right
    return left > right


@dataclass(frozen=True)
class Rule:
    """An eligibility condition: ``attribute comparator value``, shown to users as ``label``."""

    attribute: str
    comparator: Comparator
    value: Value
    label: str = ""

    def __post_init__(self) -> None:
        if not self.attribute.strip():
            raise AllocationError(Text("条件须指明属性名称"), "attribute")
        if self.comparator.numeric and not isinstance(self.value, Decimal):
            raise AllocationError(
                Text(
                    "条件「{condition}」的比较值须为数字，实为 {given}",
                    condition=f"{self.attribute}{self.comparator.symbol}",
                    given=repr(self.value),
                ),
                "value",
            )
        if not self.label:
            shown = fmt(self.value) if isinstance(self.value, Decimal) else self.value
            object.__setattr__(self, "label", f"{self.attribute}{self.comparator.symbol}{shown}")

    def admits(self, value: Value) -> bool:
        if self.comparator.numeric and not isinstance(value, Decimal):
            return False
        return _compare(value, self.comparator, self.value)


@dataclass(frozen=True)
class Factor:
    """An allocation factor: the attribute whose values share the pot, and its weight (0–1)."""

    attribute: str
    weight: Decimal = ONE


@dataclass(frozen=True)
class Candidate:
    """Who may receive money: a name, attributes by name (numbers or text), an optional cap."""

    name: str
    attributes: Mapping[str, Value] = field(default_factory=dict)
    cap: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))


@dataclass(frozen=True)
class Allocation:
    """One allocation run: the pot (万元), the candidates in their listed order, the rules and
    the factors. ``unit`` is the rounding step of the amounts."""

    pot: Decimal
    candidates: tuple[Candidate, ...]
    factors: tuple[Factor, ...]
    rules: tuple[Rule, ...] = ()
    rounding: RoundingMethod = RoundingMethod.LARGEST_REMAINDER
    unit: Decimal = CENT

    @property
    def criterion(self) -> str:
        """The 分配标准 text of 附件一: the rules every allocated candidate met."""
        if self.rules:
            return joined(rule.label for rule in self.rules)
        names = "、".join(f.attribute for f in self.factors)
        return Text("按{names}分配", names=names)


@dataclass(frozen=True)
class ResultRow:
    """One allocated candidate: 序号, the factor values (分配标准), share and amount."""

    no: int
    candidate: Candidate
    factor_values: tuple[Decimal, ...]
    share: Decimal  # of the pot, as a fraction (0.974226…); shown as a percent
    amount: Decimal  # 补贴金额, rounded to the unit
    exact: Fraction  # the amount before rounding
    capped: bool = False

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def percent(self) -> Decimal:
        return self.share * HUNDRED


@dataclass(frozen=True)
class Exclusion:
    """A candidate left out, with the rules it failed (never empty)."""

    candidate: Candidate
    rules: tuple[Rule, ...]

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def reason(self) -> str:
        return joined(Text("不符合“{rule}”", rule=rule.label) for rule in self.rules)


@dataclass(frozen=True)
class AllocationResult:
    allocation: Allocation
    rows: tuple[ResultRow, ...]
    excluded: tuple[Exclusion, ...]

    @property
    def total(self) -> Decimal:
        """合计 of the amounts: always the pot."""
        return sum((row.amount for row in self.rows), ZERO)

    @property
    def factor_totals(self) -> tuple[Decimal, ...]:
        """Σ of each factor over the allocated candidates (附件一's 合计 of 月均余额)."""
        count = len(self.allocation.factors)
        return tuple(sum((row.factor_values[i] for row in self.rows), ZERO) for i in range(count))

    @property
    def coefficient(self) -> Decimal | None:
        """With one factor and no cap reached: pot ÷ Σ factor, the amount per unit of the
        factor (the seed's 0.0050223 = 904.03 ÷ 180000.42); None otherwise."""
        if len(self.allocation.factors) != 1 or any(row.capped for row in self.rows):
            return None
        total = self.factor_totals[0]
        if total == 0:
            return None
        return (self.allocation.pot / total).quantize(COEFFICIENT_PLACES, ROUND_DOWN)

    def amount_of(self, name: str) -> Decimal | None:
        return next((row.amount for row in self.rows if row.name == name), None)


# Validation ------------------------------------------------------------------------------------


def _check_grid(value: Decimal, unit: Decimal, label: str, path: str) -> None:
    if value % unit != 0:
        raise AllocationError(
            Text(
                "{label}须精确到 {unit} 万元，实为 {given}",
                label=label,
                unit=fmt(unit),
                given=fmt(value),
            ),
            path,
        )


def validate_settings(allocation: Allocation) -> None:
    """The run's own settings (pot, unit, factors), whatever its candidates."""
    unit = allocation.unit
    if unit <= 0:
        raise AllocationError(Text("舍入单位须为正数"), "unit")
    if allocation.pot < 0:
        raise AllocationError(Text("分配总额不能为负数（{pot}）", pot=fmt(allocation.pot)), "pot")
    _check_grid(allocation.pot, unit, Text("分配总额"), "pot")
    _check_factors(allocation.factors)


def validate(allocation: Allocation) -> None:
    """Refuse a run that cannot be computed; the message names the field."""
    validate_settings(allocation)
    unit = allocation.unit
    if not allocation.candidates:
        raise AllocationError(Text("没有分配对象"), "candidates")
    seen: set[str] = set()
    for index, candidate in enumerate(allocation.candidates):
        path = f"candidates[{index}]"
        if not candidate.name.strip():
            raise AllocationError(
                Text("第 {number} 个分配对象缺少名称", number=str(index + 1)), f"{path}.name"
            )
        if candidate.name in seen:
            raise AllocationError(
                Text("分配对象「{name}」重复出现", name=candidate.name), f"{path}.name"
            )
        seen.add(candidate.name)
        if candidate.cap is not None:
            if candidate.cap < 0:
                raise AllocationError(
                    Text(
                        "「{name}」的补贴上限不能为负数（{cap}）",
                        name=candidate.name,
                        cap=fmt(candidate.cap),
                    ),
                    f"{path}.cap",
                )
            _check_grid(
                candidate.cap,
                unit,
                Text("「{name}」的补贴上限", name=candidate.name),
                f"{path}.cap",
            )
        for factor in allocation.factors:
            value = candidate.attributes.get(factor.attribute)
            if value is None:
                continue  # required only if eligible: checked in allocate
            if not isinstance(value, Decimal):
                raise AllocationError(
                    Text(
                        "「{name}」的分配因素「{factor}」须为数字，实为 {given}",
                        name=candidate.name,
                        factor=factor.attribute,
                        given=repr(value),
                    ),
                    f"{path}.attributes.{factor.attribute}",
                )
            if value < 0:
                raise AllocationError(
                    Text(
                        "「{name}」的「{attribute}」不能为负数（{given}）",
                        name=candidate.name,
                        attribute=factor.attribute,
                        given=fmt(value),
                    ),
                    f"{path}.attributes.{factor.attribute}",
                )
        for rule in allocation.rules:
            if rule.attribute not in candidate.attributes:
                raise AllocationError(
                    Text(
                        "「{name}」缺少条件所需的「{attribute}」",
                        name=candidate.name,
                        attribute=rule.attribute,
                    ),
                    f"{path}.attributes.{rule.attribute}",
                )
            if rule.comparator.numeric and not isinstance(
                candidate.attributes[rule.attribute], Decimal
            ):
                raise AllocationError(
                    Text(
                        "「{name}」的「{attribute}」须为数字，实为 {given}",
                        name=candidate.name,
                        attribute=rule.attribute,
                        given=repr(candidate.attributes[rule.attribute]),
                    ),
                    f"{path}.attributes.{rule.attribute}",
                )


def _check_factors(factors: Sequence[Factor]) -> None:
    if not factors:
        raise AllocationError(Text("至少需要一个分配因素"), "factors")
    names: set[str] = set()
    for index, factor in enumerate(factors):
        if not factor.attribute.strip():
            raise AllocationError(Text("分配因素须指明属性名称"), f"factors[{index}].attribute")
        if factor.attribute in names:
            raise AllocationError(
                Text("分配因素「{factor}」重复出现", factor=factor.attribute),
                f"factors[{index}].attribute",
            )
        names.add(factor.attribute)
        if factor.weight < 0:
            raise AllocationError(
                Text(
                    "分配因素「{factor}」的权重不能为负数（{weight}）",
                    factor=factor.attribute,
                    weight=fmt(factor.weight),
                ),
                f"factors[{index}].weight",
            )
    total = sum((f.weight for f in factors), ZERO)
    if total != ONE:
        raise AllocationError(
            Text("分配因素的权重合计须为 1，实为 {total}", total=fmt(total)), "factors"
        )


# Computing -------------------------------------------------------------------------------------


def eligibility(allocation: Allocation) -> tuple[list[Candidate], list[Exclusion]]:
    eligible: list[Candidate] = []
    excluded: list[Exclusion] = []
    for candidate in allocation.candidates:
        failed = tuple(
            rule
            for rule in allocation.rules
            if not rule.admits(candidate.attributes[rule.attribute])
        )
        if failed:
            excluded.append(Exclusion(candidate, failed))
        else:
            eligible.append(candidate)
    return eligible, excluded


def _shares(allocation: Allocation, eligible: list[Candidate]) -> list[Fraction]:
    shares = [Fraction(0)] * len(eligible)
    for factor in allocation.factors:
        values: list[Fraction] = []
        for candidate in eligible:
            value = candidate.attributes.get(factor.attribute)
            if not isinstance(value, Decimal):
                index = allocation.candidates.index(candidate)
                raise AllocationError(
                    Text(
                        "「{name}」缺少分配因素「{factor}」",
                        name=candidate.name,
                        factor=factor.attribute,
                    ),
                    f"candidates[{index}].attributes.{factor.attribute}",
                )
            values.append(Fraction(value))
        total = sum(values, Fraction(0))
        if total == 0:
            if factor.weight == 0:
                continue
            raise AllocationError(
                Text(
                    "分配因素「{factor}」在符合条件的对象中合计为零，无法按其分配",
                    factor=factor.attribute,
                ),
                "factors",
            )
        weight = Fraction(factor.weight)
        shares = [s + weight * v / total for s, v in zip(shares, values, strict=True)]
    return shares


def _fill(
    pot: Fraction, shares: list[Fraction], caps: list[Fraction | None]
) -> tuple[list[Fraction], list[bool]]:
    """Water-filling: amount_i = min(cap_i, λ·share_i) with λ such that the amounts sum to pot."""
    amounts = [Fraction(0)] * len(shares)
    capped = [False] * len(shares)
    active = set(range(len(shares)))
    remaining = pot
    while active:
        weight = sum((shares[i] for i in active), Fraction(0))
        if weight == 0:
            if remaining == 0:
                break
            raise AllocationError(
                Text(
                    "未达上限的对象分配因素均为零，剩余 {remaining} 万元无法分配，请提高补贴上限",
                    remaining=fmt(_decimal(remaining)),
                ),
                "candidates",
            )
        level = remaining / weight
        over = [i for i in active if (cap := caps[i]) is not None and level * shares[i] > cap]
        if not over:
            for i in active:
                amounts[i] = level * shares[i]
            return amounts, capped
        for i in over:
            cap = caps[i]
            assert cap is not None
            amounts[i], capped[i] = cap, True
            remaining -= cap
            active.discard(i)
    if remaining != 0:
        raise AllocationError(Text("补贴上限合计低于分配总额，余额无法分配"), "candidates")
    return amounts, capped


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        SHARE_PLACES, ROUND_HALF_UP
    )


def largest_remainder(exact: Sequence[Fraction], total: Decimal, unit: Decimal) -> list[Decimal]:
    """Round ``exact`` (summing to ``total``) to multiples of ``unit`` that sum to ``total``.

    Each is rounded down; the missing units go to the largest remainders, ties to the larger
    exact amount, then to the earlier position.
    """
    step = Fraction(unit)
    floors = [int(value // step) for value in exact]
    missing = int(Fraction(total) / step) - sum(floors)
    order = sorted(
        range(len(exact)),
        key=lambda i: (-(exact[i] - floors[i] * step), -exact[i], i),
    )
    for i in order[:missing]:
        floors[i] += 1
    return [Decimal(n) * unit for n in floors]


def balance_to_largest(
    exact: Sequence[Fraction],
    total: Decimal,
    unit: Decimal,
    caps: Sequence[Fraction | None],
) -> list[Decimal]:
    """Round ``exact`` half up to ``unit``; put the difference to ``total`` on the largest
    amount, unit by unit, skipping one a cap (going up) or zero (going down) stops."""
    step = Fraction(unit)
    units = [int((value / step) + Fraction(1, 2)) for value in exact]  # half up (value ≥ 0)
    missing = int(Fraction(total) / step) - sum(units)
    direction = 1 if missing > 0 else -1
    order = sorted(range(len(exact)), key=lambda i: (-exact[i], i))
    while missing:
        for i in order:
            cap = caps[i]
            after = units[i] + direction
            if after >= 0 and (cap is None or after * step <= cap):
                units[i] = after
                missing -= direction
                break
        else:  # unreachable: the caps were checked to hold the pot
            raise AllocationError(Text("补贴上限合计低于分配总额，尾差无法分配"), "candidates")
    return [Decimal(n) * unit for n in units]


def allocate(allocation: Allocation) -> AllocationResult:
    """Compute the run: eligibility, shares, caps, rounding. AllocationError on bad input."""
    validate(allocation)
    eligible, excluded = eligibility(allocation)
    if not eligible:
        raise AllocationError(Text("没有符合条件的分配对象（全部被条件排除）"), "rules")
    caps = [None if c.cap is None else Fraction(c.cap) for c in eligible]
    if all(cap is not None for cap in caps):
        cap_total = sum((c.cap for c in eligible if c.cap is not None), ZERO)
        if cap_total < allocation.pot:
            raise AllocationError(
                Text(
                    "符合条件对象的补贴上限合计 {caps} 万元低于分配总额 {pot} 万元",
                    caps=fmt(cap_total),
                    pot=fmt(allocation.pot),
                ),
                "candidates",
            )

    pot = Fraction(allocation.pot)
    shares = _shares(allocation, eligible)
    exact, capped = _fill(pot, shares, caps)
    if allocation.rounding is RoundingMethod.BALANCE_TO_LARGEST:
        amounts = balance_to_largest(exact, allocation.pot, allocation.unit, caps)
    else:
        amounts = largest_remainder(exact, allocation.pot, allocation.unit)
    rows = []
    for index, candidate in enumerate(eligible):
        share = exact[index] / pot if pot else shares[index]
        values = tuple(_factor_value(candidate, f) for f in allocation.factors)
        rows.append(
            ResultRow(
                no=index + 1,
                candidate=candidate,
                factor_values=values,
                share=_decimal(share),
                amount=amounts[index],
                exact=exact[index],
                capped=capped[index],
            )
        )
    return AllocationResult(allocation, tuple(rows), tuple(excluded))


def _factor_value(candidate: Candidate, factor: Factor) -> Decimal:
    value = candidate.attributes.get(factor.attribute)
    return value if isinstance(value, Decimal) else ZERO
