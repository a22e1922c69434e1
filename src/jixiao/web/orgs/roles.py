"""Roles are named permission flags (pretix style): a view asks for a flag, never a role."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Flag(StrEnum):
    VIEW_EVALUATION = "can_view_evaluation"
    EDIT_EVALUATION = "can_edit_evaluation"
    REVIEW_EVALUATION = "can_review_evaluation"
    EXPORT_EVALUATION = "can_export_evaluation"
    MANAGE_ORGANISATION = "can_manage_organisation"


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    EDITOR = "editor", _("填报人")
    REVIEWER = "reviewer", _("审核人")
    EVALUATOR = "evaluator", _("评价人")
    VIEWER = "viewer", _("只读")


ROLE_FLAGS: dict[str, frozenset[Flag]] = {
    Role.ADMIN: frozenset(Flag),
    Role.EDITOR: frozenset({Flag.VIEW_EVALUATION, Flag.EDIT_EVALUATION, Flag.EXPORT_EVALUATION}),
    Role.REVIEWER: frozenset(
        {Flag.VIEW_EVALUATION, Flag.REVIEW_EVALUATION, Flag.EXPORT_EVALUATION}
    ),
    Role.EVALUATOR: frozenset({Flag.VIEW_EVALUATION, Flag.EDIT_EVALUATION, Flag.EXPORT_EVALUATION}),
    Role.VIEWER: frozenset({Flag.VIEW_EVALUATION, Flag.EXPORT_EVALUATION}),
}
