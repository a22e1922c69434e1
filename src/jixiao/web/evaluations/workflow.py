"""The review workflow as a table in code: draft → submitted → returned | approved → published."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jixiao.web.evaluations.models import Evaluation
from jixiao.web.orgs.roles import Flag

Status = Evaluation.Status


@dataclass(frozen=True)
class Step:
    action: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    flag: Flag
    needs_comment: bool = False


STEPS = {
    step.action: step
    for step in (
        Step(
            "submit",
            _("提交审核"),
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.SUBMITTED,
            Flag.EDIT_EVALUATION,
        ),
        Step(
            "return",
            _("退回修改"),
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            Flag.REVIEW_EVALUATION,
            needs_comment=True,
        ),
        Step(
            "approve",
            _("审核通过"),
            frozenset({Status.SUBMITTED}),
            Status.APPROVED,
            Flag.REVIEW_EVALUATION,
        ),
        Step(
            "publish",
            _("公开"),
            frozenset({Status.APPROVED}),
            Status.PUBLISHED,
            Flag.REVIEW_EVALUATION,
        ),
    )
}

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


def available_steps(status: str, flags: frozenset[Flag]) -> list[Step]:
    return [step for step in STEPS.values() if status in step.sources and step.flag in flags]
