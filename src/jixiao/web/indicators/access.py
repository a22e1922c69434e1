"""Who may use templates, and for which organisations. Fails closed.

Built from the same sources as :mod:`jixiao.web.orgs.permissions` — ``Membership`` and
``ROLE_FLAGS`` — for the one question that module does not answer: for which organisations
may this user *create* an evaluation? Only through a membership of that organisation whose
role carries ``can_edit_evaluation``. An 评价人 is left out: their edit right is per assigned
evaluation, never per organisation, so an evaluation they created would not even be theirs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.web.orgs.models import Membership, Organisation
from jixiao.web.orgs.roles import ROLE_FLAGS, Flag, Role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def has_membership(user: Any) -> bool:
    """May browse the templates: an active account with at least one membership."""
    return _active(user) and Membership.objects.filter(user=user).exists()


def creating_roles() -> list[str]:
    """Roles whose flags let their holder start evaluations for their own organisation."""
    return [
        str(role)
        for role, flags in ROLE_FLAGS.items()
        if Flag.EDIT_EVALUATION in flags and role != Role.EVALUATOR
    ]


def creatable_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations ``user`` may create an evaluation for; empty for anyone else."""
    if not _active(user):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(memberships__user=user, memberships__role__in=creating_roles())
        .select_related("region")
        .distinct()
        .order_by("name")
    )
