from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.web.history.models import ActionLog


def subject_key(record: Any) -> str:
    """The ``subject`` under which a model instance's history is kept: ``"app.model:pk"``."""
    return f"{record._meta.label_lower}:{record.pk}"


def log_action(
    action: str, *, user: Any, evaluation: Any = None, subject: Any = None, **data: Any
) -> ActionLog:
    """Record ``action`` (a dotted code); ``data`` holds before/after values as plain JSON.

    ``subject`` is any other saved model instance the action concerns (an allocation run, a
    payment…); its history is then ``history_of(subject)``.
    """
    return ActionLog.objects.create(
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        evaluation=evaluation,
        subject=subject_key(subject) if subject is not None else "",
        data=data,
    )


def history_of(record: Any) -> QuerySet[ActionLog]:
    """Everything logged about ``record`` (see ``log_action(subject=…)``), newest first."""
    return ActionLog.objects.filter(subject=subject_key(record)).select_related("user")
