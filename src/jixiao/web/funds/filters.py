"""Filter choices shared by list pages: only organisations the user may already see."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Q
from django.utils.safestring import SafeString

from jixiao.web.evaluations.listing import html_join
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import visible_departments


class Unit(NamedTuple):
    """An organisation offered in a filter: what the pages read of it, without a model
    instance per choice (a province sees about a hundred)."""

    pk: int
    name: str
    path: str
    kind: str


def unit_choices(user: Any, owners: Q) -> list[Unit]:
    """The 主管部门 ``user`` may see, plus the owners of what they see (``owners`` is a
    ``pk__in`` condition built on a permission-scoped queryset). One query."""
    return [
        Unit(*row)
        for row in Organisation.objects.filter(
            owners | Q(pk__in=visible_departments(user).values("pk"))
        )
        .order_by("path")
        .values_list("pk", "name", "path", "kind")
    ]


def chosen(choices: list[Unit], raw: str) -> Unit | None:
    """The organisation picked in a filter, only from the offered ones (else no filter)."""
    return next((org for org in choices if str(org.pk) == raw.strip()), None)


def unit_options(choices: list[Unit], picked: Unit | None) -> SafeString:
    """The ``<option>`` of every choice, escaped, the picked one selected."""
    return html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (org.pk, " selected" if picked is not None and org.pk == picked.pk else "", org.name)
            for org in choices
        ),
    )
