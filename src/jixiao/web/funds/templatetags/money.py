"""Filters for exact figures: ``{{ value|wan }}`` (万元, as a table prints it: 122, 60.42) and
``{{ value|rate }}`` (a percent to 2 places, half up: 77.87). None prints as 「—」."""

from __future__ import annotations

from decimal import Decimal

from django import template

from jixiao.core.money import Rounding, fmt, quantize

register = template.Library()

DASH = "—"


@register.filter
def wan(value: Decimal | None) -> str:
    return DASH if value is None else fmt(value)


@register.filter
def rate(value: Decimal | None) -> str:
    return DASH if value is None else f"{quantize(value, 2, Rounding.HALF_UP):f}"
