"""Marks on the evaluation grid: rows whose figures come from a co-funding plan's payments.

``{% funding_rows evaluation as funded %}`` once per page, then ``{{ funded|funding_mark:key }}``
beside each row.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jixiao.core.money import HUNDRED, Rounding, quantize
from jixiao.web.cofunding.services import funding_rows as rows_of
from jixiao.web.evaluations.models import Evaluation

register = template.Library()


@register.simple_tag
def funding_rows(evaluation: Evaluation) -> dict[str, str]:
    return rows_of(evaluation)


@register.filter
def funding_mark(rows: dict[str, str] | None, key: str) -> SafeString | str:
    if not rows or key not in rows:
        return ""
    return format_html(
        ' <span class="from-payments muted" title="{}">{}</span>',
        _("资金分担计划：%(name)s") % {"name": rows[key]},
        _("来自拨付记录"),
    )


@register.filter
def percent(value: Decimal | Fraction | None) -> str:
    """A fraction as a percent to 2 places, half up: 0.6999906 → ``70.00``; None → 「—」."""
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{quantize(value * HUNDRED, 2, Rounding.HALF_UP):f}"
