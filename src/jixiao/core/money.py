"""Exact numbers: every amount, rate and score is a ``Decimal`` built from text, never a float.

One rounding function with an explicit mode, as publishers round differently (domain guide §5).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from jixiao.core.text import Text

THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class Rounding(StrEnum):
    """How a publisher turns an exact quotient into the printed figure."""

    HALF_UP = "half_up"  # 四舍五入 — the national default
    DOWN = "down"  # 截断 — truncate toward zero
    WHOLE_DOWN = "whole_down"  # 取整 — whole points rounded down (8.62 → 8)

    @property
    def label(self) -> str:
        return _ROUNDING_LABELS[self.value]


_ROUNDING_LABELS = {
    "half_up": Text("四舍五入"),
    "down": Text("截断"),
    "whole_down": Text("向下取整"),
}


def to_decimal(value: object) -> Decimal:
    """Build a Decimal from text, int or Decimal; refuse floats and garbage loudly.

    A float has already lost the exact value a user typed, so it is a programming error here.
    """
    if type(value) is int:  # the common cases first, without the isinstance chain (not bool)
        return Decimal(value)
    if type(value) is Decimal and value.is_finite():
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            text = value.strip()
            if THOUSANDS.fullmatch(text):
                text = text.replace(",", "")
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not result.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return result
    raise TypeError(f"cannot make an exact number from {type(value).__name__}")


def quantize(value: Decimal, places: int = 2, mode: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round ``value`` to ``places`` decimals with the publisher's ``mode``."""
    try:
        exponent, rounding = _QUANTA[places, mode]
    except KeyError:
        exponent, rounding = _QUANTA.setdefault((places, mode), _quantum(places, mode))
    return value.quantize(exponent, rounding)  # positional: no keyword dict per call


def quantum(places: int, mode: Rounding) -> tuple[Decimal, str]:
    """What :func:`quantize` hands ``Decimal.quantize``: ``value.quantize(q, rounding=r)`` with
    ``q, r = quantum(places, mode)`` is ``quantize(value, places, mode)``."""
    return _quantum(places, mode)


def _quantum(places: int, mode: Rounding) -> tuple[Decimal, str]:
    if mode is Rounding.WHOLE_DOWN:
        return ONE, ROUND_FLOOR
    return Decimal(1).scaleb(-places), ROUND_HALF_UP if mode is Rounding.HALF_UP else ROUND_DOWN


_QUANTA: dict[tuple[int, Rounding], tuple[Decimal, str]] = {}
_PLACES = tuple((places, Decimal(1).scaleb(-places)) for places in range(5))  # 1, 0.1 … 0.0001


def places_of(value: Decimal) -> int:
    """How many decimals a printed figure shows (``77.86`` → 2, ``100`` → 0)."""
    for places, quantum in _PLACES:  # the usual exponents first: no digit tuple built
        if value.same_quantum(quantum):
            return places
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def fmt(value: Decimal) -> str:
    """Print a Decimal the way a table would: no exponent, no trailing zeros beyond 2 places."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
