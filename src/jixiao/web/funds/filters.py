"""Filter choices shared by list pages: only organisations the user may already see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import visible_departments


def unit_choices(user: Any, owners: Q) -> list[Organisation]:
    """The 主管部门 ``user`` may see, plus the owners of what they see (``owners`` is a
    ``pk__in`` condition built on a permission-scoped queryset). One query."""
    return list(
        Organisation.objects.filter(owners | Q(pk__in=visible_departments(user).values("pk")))
        .order_by("path")
        .only("pk", "name", "path", "kind")
    )


def chosen(choices: list[Organisation], raw: str) -> Organisation | None:
    """The organisation picked in a filter, only from the offered ones (else no filter)."""
    return next((org for org in choices if str(org.pk) == raw.strip()), None)
