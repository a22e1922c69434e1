from __future__ import annotations

from typing import Any

from jixiao.web.history.models import ActionLog


def log_action(action: str, *, user: Any, evaluation: Any = None, **data: Any) -> ActionLog:
    """Record ``action`` (a dotted code); ``data`` holds before/after values as plain JSON."""
    return ActionLog.objects.create(
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        evaluation=evaluation,
        data=data,
    )
