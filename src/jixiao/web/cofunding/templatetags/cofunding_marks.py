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
from django.utils.translation import gettext_lazy

from jixiao.core.cofunding import PrintedNote
from jixiao.core.money import HUNDRED, Rounding, fmt, places_of, quantize
from jixiao.web.cofunding.models import Level
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


@register.filter
def level_name(level: object) -> str:
    """省/市/县 in the user's language (the core's labels are the Chinese names)."""
    return str(Level(str(level)).label)


ROUNDING_NAMES = {Rounding.HALF_UP: gettext_lazy("四舍五入"), Rounding.DOWN: gettext_lazy("截断")}


@register.filter
def printed_text(note: PrintedNote) -> str:
    """How the printed total relates to the exact sum, in the user's language."""
    values = {"printed": fmt(note.printed), "exact": fmt(note.exact)}
    if note.rounding is None:
        return _("报告所列 %(printed)s 与拨付合计 %(exact)s 不符") % values
    return _("报告所列 %(printed)s 为拨付合计 %(exact)s %(rounding)s至 %(places)s 位小数") % {
        **values,
        "rounding": ROUNDING_NAMES.get(note.rounding, note.rounding.label),
        "places": places_of(note.printed),
    }
