"""Verbs on subsidy applications: submit, decide, import the blacklist, total, the 公示 list.

Each runs in one transaction and records itself with ``log_action(subject=…)``; a refusal
changes nothing but is logged against the policy (who tried, and why it was refused). The
rules are :mod:`jixiao.core.subsidies`; permissions are checked by the views before calling.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import credit_code
from jixiao.core import subsidies as core
from jixiao.core.money import ZERO, fmt, quantize
from jixiao.io.blacklist import BlacklistRow
from jixiao.web.core_text.localize import localize
from jixiao.web.history.services import log_action
from jixiao.web.orgs.models import Organisation
from jixiao.web.subsidies.models import (
    Application,
    Attachment,
    BlacklistEntry,
    SubsidyCategory,
    SubsidyPolicy,
)
from jixiao.web.subsidies.reasons import FIELDS, refusal_message

Status = Application.Status


class SubsidyActionError(Exception):
    """A verb that cannot be done as asked; the message is for the user (translated)."""


class ApplicationRefusedError(SubsidyActionError):
    """The application fails eligibility; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass(frozen=True)
class ApplicationInput:
    applicant: Organisation
    category: SubsidyCategory
    enterprise_name: str
    credit_code: str
    cost: Decimal
    period_start: date
    period_end: date


def blacklist_of(policy: SubsidyPolicy) -> dict[str, str]:
    """Credit code → where the refusal comes from (来源, else 原因), for the policy."""
    return {
        entry.credit_code: entry.source or entry.reason or _("失信名单")
        for entry in policy.blacklist.all()
    }


def _live_pairs(policy: SubsidyPolicy) -> list[tuple[str, str]]:
    """(credit code, category) of the policy's applications not rejected: duplicates of these
    are refused where the category allows one application per enterprise."""
    live = policy.applications.exclude(status=Status.REJECTED)
    return [(code, name) for code, name in live.values_list("credit_code", "category__name")]


def eligibility(policy: SubsidyPolicy, data: ApplicationInput) -> dict[str, list[str]]:
    """Form field → the reasons ``data`` cannot be accepted; empty when it can."""
    claim = core.Claim(
        data.enterprise_name,
        data.credit_code,
        data.category.name,
        data.cost,
        data.period_start,
        data.period_end,
    )
    reasons = core.check(
        policy.as_core(), claim, blacklist=blacklist_of(policy), earlier=_live_pairs(policy)
    )
    code_check = credit_code.check(data.credit_code)
    errors: dict[str, list[str]] = {}
    for reason in reasons:
        errors.setdefault(FIELDS[reason.refusal], []).append(refusal_message(reason, code_check))
    return errors


def submit_application(
    policy: SubsidyPolicy,
    data: ApplicationInput,
    files: Sequence[UploadedFile],
    user: Any,
    today: date | None = None,
) -> Application:
    """Create the application with its attachments, or raise :class:`ApplicationRefusedError`
    (window closed, invalid or blacklisted code, duplicate, costs outside the basis period…)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        SubsidyPolicy.objects.select_for_update().filter(pk=policy.pk).first()  # serialise
        errors = _window_errors(policy, today) or eligibility(policy, data)
        if not errors:
            application = _create(policy, data, files, user)
            return application
    log_action(
        "jixiao.subsidy.application.refused",
        user=user,
        subject=policy,
        enterprise=data.enterprise_name,
        credit_code=credit_code.normalise(data.credit_code),
        category=data.category.name,
        reasons=[m for messages in errors.values() for m in messages],
    )
    raise ApplicationRefusedError(errors)


def _window_errors(policy: SubsidyPolicy, today: date) -> dict[str, list[str]]:
    if policy.is_open(today):
        return {}
    closes = policy.closes_on.isoformat() if policy.closes_on else _("另行通知")
    message = _("不在申报期内（%(opens)s 至 %(closes)s）") % {
        "opens": policy.opens_on.isoformat(),
        "closes": closes,
    }
    return {"__all__": [message]}


def _create(
    policy: SubsidyPolicy, data: ApplicationInput, files: Sequence[UploadedFile], user: Any
) -> Application:
    application = Application.objects.create(
        policy=policy,
        category=data.category,
        applicant=data.applicant,
        enterprise_name=data.enterprise_name.strip(),
        credit_code=credit_code.normalise(data.credit_code),
        cost=data.cost,
        period_start=data.period_start,
        period_end=data.period_end,
        submitted_by=user if getattr(user, "is_authenticated", False) else None,
    )
    for upload in files:
        _attach(application, upload)
    log_action(
        "jixiao.subsidy.application.submitted",
        user=user,
        subject=application,
        after=_snapshot(application),
        attachments=[a.name for a in application.attachments.all()],
    )
    return application


ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _attach(application: Application, upload: UploadedFile) -> Attachment:
    """Store one checked upload under MEDIA_ROOT with a random name (the user's is kept)."""
    name = Path((upload.name or "").replace("\\", "/")).name[-200:] or "attachment"
    suffix = Path(name).suffix.lower()
    attachment = Attachment(
        application=application,
        name=name,
        size=upload.size or 0,
        content_type=ATTACHMENT_TYPES.get(suffix, "application/octet-stream"),
    )
    attachment.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    attachment.save()
    return attachment


def _snapshot(application: Application) -> dict[str, Any]:
    return {
        "enterprise_name": application.enterprise_name,
        "credit_code": application.credit_code,
        "category": application.category.name,
        "cost": fmt(application.cost),
        "period": f"{application.period_start.isoformat()}—{application.period_end.isoformat()}",
        "status": application.status,
        "reason": application.reason,
        "grant": None if application.grant is None else fmt(application.grant),
    }


# Policies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInput:
    name: str
    period_start: date
    period_end: date
    rate: Decimal  # a fraction: 0.1 is 10 %
    cap: Decimal
    one_per_enterprise: bool = True


def create_policy(
    owner: Organisation,
    *,
    name: str,
    year: int,
    opens_on: date,
    closes_on: date | None,
    categories: Sequence[CategoryInput],
    user: Any,
) -> SubsidyPolicy:
    """Create a policy with its categories, checked by the core (rates, caps, periods, names);
    a :class:`SubsidyActionError` changes nothing."""
    try:
        core.Policy(
            name,
            tuple(
                core.Category(c.name, c.period_start, c.period_end, c.rate, c.cap)
                for c in categories
            ),
        )
    except core.SubsidyError as error:
        raise SubsidyActionError(localize(str(error))) from None
    with transaction.atomic():
        if SubsidyPolicy.objects.filter(owner=owner, year=year, name=name).exists():
            raise SubsidyActionError(
                _("%(owner)s %(year)s 年已有名为“%(name)s”的补贴政策")
                % {"owner": owner.name, "year": year, "name": name}
            )
        policy = SubsidyPolicy.objects.create(
            owner=owner, name=name, year=year, opens_on=opens_on, closes_on=closes_on
        )
        SubsidyCategory.objects.bulk_create(
            SubsidyCategory(
                policy=policy,
                name=c.name,
                period_start=c.period_start,
                period_end=c.period_end,
                rate=c.rate,
                cap=c.cap,
                one_per_enterprise=c.one_per_enterprise,
                sequence=index,
            )
            for index, c in enumerate(categories, 1)
        )
        log_action(
            "jixiao.subsidy.policy.created",
            user=user,
            subject=policy,
            after={
                "name": name,
                "year": year,
                "owner": owner.name,
                "window": f"{opens_on.isoformat()}—{closes_on.isoformat() if closes_on else ''}",
                "categories": [
                    {
                        "name": c.name,
                        "period": f"{c.period_start.isoformat()}—{c.period_end.isoformat()}",
                        "rate": fmt(c.rate),
                        "cap": fmt(c.cap),
                        "one_per_enterprise": c.one_per_enterprise,
                    }
                    for c in categories
                ],
            },
        )
    return policy


# Review ---------------------------------------------------------------------------------------


def decide(application: Application, user: Any, *, approve: bool, reason: str = "") -> Application:
    """Approve (grant computed: cost × rate within what is left of the cap) or reject with a
    reason. Only a submitted application can be decided; a code blacklisted since it was
    submitted cannot be approved."""
    reason = reason.strip()
    if not approve and not reason:
        raise SubsidyActionError(_("驳回时必须填写理由"))
    with transaction.atomic():
        # the policy row first: grants sharing a cap are decided one at a time
        SubsidyPolicy.objects.select_for_update().filter(pk=application.policy_id).first()
        locked = (
            Application.objects.select_for_update()
            .select_related("category", "policy")
            .get(pk=application.pk)
        )
        if locked.status != Status.SUBMITTED:
            raise SubsidyActionError(
                _("该申报已审核（%(status)s），不能再次审核")
                % {"status": locked.get_status_display()}
            )
        before = _snapshot(locked)
        if approve:
            _approve(locked)
        else:
            locked.status, locked.grant = Status.REJECTED, None
        locked.reason = reason
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save()
        log_action(
            "jixiao.subsidy.application.approved"
            if approve
            else "jixiao.subsidy.application.rejected",
            user=user,
            subject=locked,
            before=before,
            after=_snapshot(locked),
        )
    return locked


def _approve(application: Application) -> None:
    blacklist = blacklist_of(application.policy)
    if application.credit_code in blacklist:
        raise SubsidyActionError(
            _("该企业已列入失信名单（%(source)s），不能通过，请驳回")
            % {"source": blacklist[application.credit_code]}
        )
    already = (
        Application.objects.filter(
            policy=application.policy,
            category=application.category,
            credit_code=application.credit_code,
            status=Status.APPROVED,
        ).aggregate(total=Sum("grant"))["total"]
        or ZERO
    )
    application.grant = core.grant(
        application.category.as_core(), application.cost, core.WAN_PLACES, already
    )
    application.status = Status.APPROVED


# Blacklist ------------------------------------------------------------------------------------


def replace_blacklist(
    policy: SubsidyPolicy, rows: Sequence[BlacklistRow], user: Any, filename: str
) -> int:
    """Make ``rows`` (already read and checked, all of them) the policy's blacklist."""
    with transaction.atomic():
        before = policy.blacklist.count()
        policy.blacklist.all().delete()
        BlacklistEntry.objects.bulk_create(
            BlacklistEntry(
                policy=policy,
                credit_code=row.credit_code,
                name=row.name[:128],
                source=row.source[:128],
                reason=row.reason[:255],
                row=row.row,
            )
            for row in rows
        )
        log_action(
            "jixiao.subsidy.blacklist.imported",
            user=user,
            subject=policy,
            file=filename,
            before={"entries": before},
            after={"entries": len(rows)},
        )
    return len(rows)


# Figures --------------------------------------------------------------------------------------


def approved_total(policy: SubsidyPolicy) -> Decimal:
    """The sum of the approved grants of ``policy`` in 万元 (0.01), exactly their 合计."""
    total = policy.applications.filter(status=Status.APPROVED).aggregate(total=Sum("grant"))
    return quantize(total["total"] or ZERO, core.WAN_PLACES)


def approved_applications(policy: SubsidyPolicy) -> list[Application]:
    return list(
        policy.applications.filter(status=Status.APPROVED)
        .select_related("category")
        .order_by("category__sequence", "submitted_at", "pk")
    )


def public_notice(policy: SubsidyPolicy) -> core.Notice:
    """The 公示 list: every approved application, numbered, with the 合计."""
    title = _("%(policy)s补贴资金公示名单") % {"policy": policy.name}
    return core.notice(
        title,
        (
            (a.enterprise_name, a.credit_code, a.category.name, quantize(a.grant or ZERO, 2))
            for a in approved_applications(policy)
        ),
    )
