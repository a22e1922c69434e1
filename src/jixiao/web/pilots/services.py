"""Verbs on the pilot programme. Each builds the core objects from the stored rows
(:func:`core_programme`, :func:`ledger_of` …), lets :mod:`jixiao.core.pilots` decide, writes
only when the core agrees (``transaction.atomic``: a :class:`PilotError` changes nothing) and
is logged with ``log_action(subject=...)``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jixiao.core.money import fmt
from jixiao.core.pilots import programme as core
from jixiao.core.pilots.deadlines import Deadline, DeadlineStatus, agenda, deadlines, home_page
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evaluation import (
    FinalDecision,
    Measure,
    MidTermTable,
    Narrative,
    final_decision,
    mid_term_table,
)
from jixiao.core.pilots.evidence import Evidence, EvidenceCheck, EvidenceKind
from jixiao.core.pilots.flows import FlowKind, MoneyFlow
from jixiao.core.pilots.institutions import Breach, Catalogue, Institution, ServiceOffer
from jixiao.core.pilots.institutions import check_catalogue as core_check_catalogue
from jixiao.core.pilots.records import (
    ProgressReport,
    RecordRefusedError,
    Use,
    check_record,
    evidence_of,
    progress,
    quarters,
)
from jixiao.core.pilots.records import ServiceRecord as CoreRecord
from jixiao.core.pilots.reviews import (
    Action,
    Review,
    ReviewState,
    Step,
    plan_blockers,
    report_blockers,
)
from jixiao.core.pilots.reviews import ServicePlan as CorePlan
from jixiao.core.pilots.schedule import SEED_003_SCHEDULE, DeadlineRule, Party
from jixiao.core.pilots.tranches import CountyDecision, MidTermResult, Tranche, TrancheLedger
from jixiao.core.text import Text
from jixiao.io.pilot_export import FinalReport
from jixiao.web.history.services import log_action
from jixiao.web.ledger.models import FlowKind as LedgerKind
from jixiao.web.ledger.services import record_flow
from jixiao.web.pilots.models import (
    CatalogueEntry,
    ChangeRequest,
    EvidenceFile,
    HalfYearSummary,
    Park,
    PilotEnterprise,
    Programme,
    ProgrammeCounty,
    QuarterlyReport,
    ServicePlan,
    ServiceRecord,
    Submission,
    TranchePayment,
)

# Stored rows → core objects ---------------------------------------------------------------


def target_list(doc: Mapping[str, Any]) -> core.TargetList:
    """The 绩效目标清单 stored as JSON (service codes, counts as text)."""
    return core.TargetList(
        tuple(
            core.PublicTarget(
                core.ServiceType(p["service"]), int(p["sessions"]), int(p["enterprise_visits"])
            )
            for p in doc.get("public", [])
        ),
        tuple(
            core.PreciseTarget(
                core.ServiceType(q["service"]),
                Decimal(str(q["quantity"])),
                q.get("unit") or "家",
                q.get("description", ""),
            )
            for q in doc.get("precise", [])
        ),
    )


def targets_doc(targets: core.TargetList) -> dict[str, Any]:
    return {
        "public": [
            {
                "service": p.service.value,
                "sessions": p.sessions,
                "enterprise_visits": p.enterprise_visits,
            }
            for p in targets.public
        ],
        "precise": [
            {
                "service": q.service.value,
                "quantity": fmt(q.quantity),
                "unit": q.unit,
                "description": q.description,
            }
            for q in targets.precise
        ],
    }


def enterprise_doc(enterprise: core.PilotEnterprise) -> dict[str, str]:
    return {
        "name": enterprise.name,
        "class": enterprise.enterprise_class.value,
        "diagnosis": enterprise.diagnosis,
    }


def _enterprise(doc: Mapping[str, Any]) -> core.PilotEnterprise:
    return core.PilotEnterprise(
        doc["name"], core.EnterpriseClass(doc["class"]), doc.get("diagnosis", "")
    )


def _liaison(doc: Mapping[str, Any], unit: str) -> core.Liaison | None:
    if not doc:
        return None
    fields = ("name", "title", "office_phone", "mobile")
    return core.Liaison(doc.get("unit") or unit, **{f: str(doc.get(f, "")) for f in fields})


def _change(row: ChangeRequest) -> core.ChangeRequest:
    return core.ChangeRequest(
        row.number,
        target_list(row.targets),
        tuple(_enterprise(e) for e in row.enterprises),
        row.reason,
        row.requested_on,
        core.ChangeState(row.state),
        row.decided_on,
        row.decision_note,
        row.reported_on,
    )


def book_of(park: Park) -> core.TargetBook:
    return core.TargetBook(
        target_list(park.targets),
        tuple(
            core.PilotEnterprise(e.name, core.EnterpriseClass(e.enterprise_class), e.diagnosis)
            for e in park.enterprises.all()
        ),
        core.TargetState.APPROVED if park.locked else core.TargetState.DRAFT,
        park.approved_on,
        tuple(_change(c) for c in park.changes.all()),
    )


def core_park(park: Park) -> core.Park:
    return core.Park(
        park.owner.name,
        park.county.name,
        park.money,
        book_of(park),
        _liaison(park.liaison, park.owner.name),
    )


def schedule_of(programme: Programme) -> tuple[DeadlineRule, ...]:
    if not programme.schedule:
        return SEED_003_SCHEDULE
    return tuple(
        DeadlineRule(
            **{**rule, "submitter": Party(rule["submitter"]), "recipient": Party(rule["recipient"])}
        )
        for rule in programme.schedule
    )


def schedule_doc(rules: Iterable[DeadlineRule]) -> list[dict[str, Any]]:
    return [
        {k: (v.value if isinstance(v, Party) else v) for k, v in dataclasses.asdict(r).items()}
        for r in rules
    ]


def core_programme(programme: Programme) -> core.Programme:
    parks = list(
        programme.parks.select_related("owner", "county").prefetch_related("enterprises", "changes")
    )
    counties = tuple(
        core.County(
            county.name,
            tuple(core_park(p) for p in parks if p.county_id == county.pk),
            _liaison(county.economy_liaison, county.economy.name),
            _liaison(county.finance_liaison, county.finance.name),
        )
        for county in programme.counties.select_related("economy", "finance")
    )
    return core.Programme(
        programme.name,
        programme.start,
        programme.end,
        counties,
        programme.province,
        schedule_of(programme),
    )


def catalogue_of(park: Park) -> Catalogue:
    offers: dict[str, list[ServiceOffer]] = {}
    for entry in park.catalogue.all():
        offers.setdefault(entry.institution, []).append(
            ServiceOffer(
                core.ServiceType(entry.service),
                entry.product,
                entry.price,
                entry.market_price,
                entry.unit,
            )
        )
    return Catalogue(tuple(Institution(name, tuple(items)) for name, items in offers.items()))


def core_record(row: ServiceRecord) -> CoreRecord:
    return CoreRecord(
        row.ref,
        core.ServiceType(row.service),
        row.on,
        row.cost,
        row.institution,
        tuple(row.enterprises),
        row.sessions,
        row.enterprise_visits,
        row.quantity,
        tuple(Evidence(EvidenceKind(e.kind), e.dated, e.name) for e in row.evidence.all()),
        Use(row.use),
        row.note,
    )


def records_of(park: Park) -> tuple[CoreRecord, ...]:
    return tuple(core_record(r) for r in park.records.prefetch_related("evidence"))


def review_of(state: str, steps: list[dict[str, str]]) -> Review:
    return Review(
        ReviewState(state),
        tuple(Step(Action(s["action"]), date.fromisoformat(s["on"]), s["note"]) for s in steps),
    )


def _steps_doc(review: Review) -> list[dict[str, str]]:
    return [
        {"action": s.action.value, "on": s.on.isoformat(), "note": s.note} for s in review.steps
    ]


def plan_of(park: Park) -> ServicePlan:
    """The park's plan to read: an unsaved draft when it has none yet (a GET writes nothing)."""
    return ServicePlan.objects.filter(park=park).first() or ServicePlan(park=park)


def _locked_plan(park: Park) -> ServicePlan:
    """The park's plan to change, created on first use and locked for the transaction."""
    plan, _ = ServicePlan.objects.get_or_create(park=park)
    return ServicePlan.objects.select_for_update().get(pk=plan.pk)


def _require_open_catalogue(park: Park) -> None:
    if plan_of(park).state in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        raise PilotError("plan_locked", Text("服务计划已提交或已审核通过，不能修改服务机构清单"))


def core_plan(plan: ServicePlan) -> CorePlan:
    return CorePlan(
        plan.schedule,
        catalogue_of(plan.park),
        plan.fund_use,
        plan.internal_rules,
        dict(plan.justifications),
    )


def ledger_of(park: Park, programme: core.Programme | None = None) -> TrancheLedger:
    prog = programme or core_programme(park.programme)
    ledger = TrancheLedger.for_park(prog, prog.park(park.owner.name))
    plan = ServicePlan.objects.filter(park=park).first()
    approved = review_of(plan.state, plan.steps).approved_on if plan else None
    decision = None
    if park.decision_on is not None and park.decision_share is not None:
        decision = CountyDecision(park.decision_on, park.decision_grounds, park.decision_share)
    mid_term = None
    if park.mid_term_on is not None and park.mid_term_ratio is not None:
        mid_term = MidTermResult(park.mid_term_on, park.mid_term_ratio, park.mid_term_grounds)
    flows = tuple(
        MoneyFlow(FlowKind.TRANCHE, p.payer, p.payee, p.amount, p.paid_on, p.grounds, p.tranche)
        for p in park.payments.all()
    )
    return dataclasses.replace(
        ledger, plan_approved_on=approved, decision=decision, mid_term=mid_term, payments=flows
    )


# Targets and change requests --------------------------------------------------------------


def _today(on: date | None) -> date:
    return on or timezone.localdate()


@transaction.atomic
def save_targets(
    park: Park,
    targets: core.TargetList,
    enterprises: Iterable[core.PilotEnterprise],
    user: Any,
) -> None:
    """Edit the targets and pilot enterprises directly: refused once locked (五（五）)."""
    park = Park.objects.select_for_update().get(pk=park.pk)
    before = {
        "targets": park.targets,
        "enterprises": [enterprise_doc(e) for e in book_of(park).enterprises],
    }
    book = book_of(park).edit(targets, enterprises)
    _write_book(park, book)
    after = {"targets": park.targets, "enterprises": [enterprise_doc(e) for e in book.enterprises]}
    log_action("jixiao.pilots.targets.saved", user=user, subject=park, before=before, after=after)


def _write_book(park: Park, book: core.TargetBook) -> None:
    park.targets = targets_doc(book.targets)
    park.save(update_fields=["targets"])
    park.enterprises.all().delete()
    PilotEnterprise.objects.bulk_create(
        PilotEnterprise(
            park=park, name=e.name, enterprise_class=e.enterprise_class.value, diagnosis=e.diagnosis
        )
        for e in book.enterprises
    )


@transaction.atomic
def request_change(
    park: Park,
    targets: core.TargetList,
    enterprises: Iterable[core.PilotEnterprise],
    reason: str,
    user: Any,
    on: date | None = None,
) -> ChangeRequest:
    park = Park.objects.select_for_update().get(pk=park.pk)
    book = book_of(park).request_change(targets, tuple(enterprises), reason, _today(on))
    request = book.changes[-1]
    row = ChangeRequest.objects.create(
        park=park,
        number=request.number,
        targets=targets_doc(request.targets),
        enterprises=[enterprise_doc(e) for e in request.enterprises],
        reason=request.reason,
        requested_on=request.requested_on,
    )
    log_action(
        "jixiao.pilots.change.requested",
        user=user,
        subject=park,
        after={"number": row.number, "reason": row.reason, "targets": row.targets},
    )
    return row


@transaction.atomic
def decide_change(
    park: Park, number: int, action: str, note: str, user: Any, on: date | None = None
) -> ChangeRequest:
    """The county approves (the change takes effect), rejects, or reports it to the province."""
    park = Park.objects.select_for_update().get(pk=park.pk)
    before = book_of(park)
    book = before.decide(number, action, _today(on), note)
    request = book.change(number)
    row = ChangeRequest.objects.get(park=park, number=number)
    old_state = row.state
    if old_state == core.ChangeState.PENDING.value:  # approve or reject: keep what it would change
        with translation.override(settings.LANGUAGE_CODE):  # stored, so in the default language
            row.decided_lines = [dataclasses.asdict(line) for line in change_lines(park, row)]
    row.state = request.state.value
    row.decided_on = request.decided_on
    row.decision_note = request.decision_note
    row.reported_on = request.reported_on
    row.save()
    if action == "approve":
        _write_book(park, book)
    log_action(
        f"jixiao.pilots.change.{action}",
        user=user,
        subject=park,
        before={"number": number, "state": old_state, "targets": targets_doc(before.targets)},
        after={"number": number, "state": row.state, "targets": park.targets, "note": note},
    )
    return row


@dataclass(frozen=True)
class ChangeLine:
    """One difference a change request makes: part (目标类别/试点企业), item, what, before → after."""

    part: str
    item: str
    field: str
    before: str
    after: str


def _public_fields(target: core.PublicTarget | None) -> dict[str, str]:
    if target is None:
        return {}
    return {_("场次"): str(target.sessions), _("家次"): str(target.enterprise_visits)}


def _precise_fields(target: core.PreciseTarget | None) -> dict[str, str]:
    if target is None:
        return {}
    return {
        _("量化目标"): f"{fmt(target.quantity)}{target.unit}",
        _("目标描述"): target.description,
    }


def _enterprise_fields(enterprise: core.PilotEnterprise | None) -> dict[str, str]:
    if enterprise is None:
        return {}
    return {_("企业类型"): enterprise.enterprise_class.label, _("诊断结论"): enterprise.diagnosis}


def _compare(
    part: str, before: Mapping[str, dict[str, str]], after: Mapping[str, dict[str, str]]
) -> list[ChangeLine]:
    lines = []
    for item in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(item, {}), after.get(item, {})
        if not old or not new:  # added or removed: one line saying so, with what it holds
            shown = new or old
            summary = "，".join(f"{k} {v}" for k, v in shown.items() if v)
            lines.append(
                ChangeLine(
                    part,
                    item,
                    _("新增") if new else _("删除"),
                    "—" if new else summary,
                    summary if new else "—",
                )
            )
            continue
        for field in old:
            if old[field] != new.get(field, ""):
                lines.append(ChangeLine(part, item, field, old[field] or "—", new[field] or "—"))
    return lines


def change_lines(park: Park, row: ChangeRequest) -> list[ChangeLine]:
    """What a change request would change against the targets and enterprises now in effect:
    target by target and enterprise by enterprise, before → after; unchanged ones left out."""
    now, asked = book_of(park), _change(row)
    public = _("普惠性公共服务")
    precise = _("精准化个性服务")
    enterprises = _("试点企业")
    return [
        *_compare(
            public,
            {t.service.label: _public_fields(t) for t in now.targets.public},
            {t.service.label: _public_fields(t) for t in asked.targets.public},
        ),
        *_compare(
            precise,
            {t.service.label: _precise_fields(t) for t in now.targets.precise},
            {t.service.label: _precise_fields(t) for t in asked.targets.precise},
        ),
        *_compare(
            enterprises,
            {e.name: _enterprise_fields(e) for e in now.enterprises},
            {e.name: _enterprise_fields(e) for e in asked.enterprises},
        ),
    ]


# Service plan and catalogue -----------------------------------------------------------------


def services_of(park: Park) -> tuple[core.ServiceType, ...]:
    return target_list(park.targets).services


def breaches(park: Park) -> tuple[Breach, ...]:
    return core_check_catalogue(catalogue_of(park), services_of(park))


@transaction.atomic
def add_catalogue_entry(park: Park, entry: CatalogueEntry, user: Any) -> CatalogueEntry:
    entry.park = park
    _require_open_catalogue(park)
    ServiceOffer(
        core.ServiceType(entry.service), entry.product, entry.price, entry.market_price, entry.unit
    )  # the core refuses a negative price
    Catalogue(catalogue_of(park).institutions)  # still well formed
    entry.save()
    log_action(
        "jixiao.pilots.catalogue.added",
        user=user,
        subject=park,
        after={
            "institution": entry.institution,
            "service": entry.service,
            "product": entry.product,
            "price": fmt(entry.price),
            "market_price": fmt(entry.market_price),
        },
    )
    return entry


@transaction.atomic
def remove_catalogue_entry(park: Park, entry: CatalogueEntry, user: Any) -> None:
    _require_open_catalogue(park)
    before = {"institution": entry.institution, "product": entry.product}
    entry.delete()
    log_action("jixiao.pilots.catalogue.removed", user=user, subject=park, before=before)


PLAN_FIELDS = ("schedule", "fund_use", "internal_rules", "justifications")


@transaction.atomic
def save_plan(park: Park, values: Mapping[str, Any], user: Any) -> ServicePlan:
    plan = _locked_plan(park)
    if plan.state in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        raise PilotError("plan_locked", Text("服务计划已提交或已审核通过，不能修改"))
    before = {f: getattr(plan, f) for f in PLAN_FIELDS}
    for field in PLAN_FIELDS:
        if field in values:
            setattr(plan, field, values[field])
    plan.save()
    after = {f: getattr(plan, f) for f in PLAN_FIELDS}
    log_action("jixiao.pilots.plan.saved", user=user, subject=park, before=before, after=after)
    return plan


def plan_problems(park: Park) -> tuple[str, ...]:
    return plan_blockers(core_plan(plan_of(park)), services_of(park))


@transaction.atomic
def plan_action(
    park: Park, action: Action, note: str, user: Any, on: date | None = None
) -> ServicePlan:
    """Submit, return or approve the plan; an approval locks the targets and opens the first
    tranche (四（二）)."""
    park = Park.objects.select_for_update().get(pk=park.pk)
    plan = _locked_plan(park)
    blockers = plan_blockers(core_plan(plan), services_of(park)) if action is Action.APPROVE else ()
    review = review_of(plan.state, plan.steps).advance(action, _today(on), note, blockers)
    before = plan.state
    plan.state, plan.steps = review.state.value, _steps_doc(review)
    plan.save(update_fields=["state", "steps"])
    if action is Action.APPROVE and not park.locked:
        book = book_of(park).approve(review.steps[-1].on)
        park.locked, park.approved_on = True, book.approved_on
        park.save(update_fields=["locked", "approved_on"])
    log_action(
        f"jixiao.pilots.plan.{action.value}",
        user=user,
        subject=park,
        before={"state": before},
        after={"state": plan.state, "note": note.strip()},
    )
    return plan


# Service records and evidence ---------------------------------------------------------------


@dataclass(frozen=True)
class RecordInput:
    ref: str
    service: core.ServiceType
    on: date
    cost: Decimal
    institution: str = ""
    enterprises: tuple[str, ...] = ()
    sessions: int = 1
    enterprise_visits: int | None = None
    quantity: Decimal | None = None
    use: Use = Use.SERVICE
    note: str = ""


ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@transaction.atomic
def add_record(park: Park, data: RecordInput, user: Any) -> ServiceRecord:
    """Save a record the core accepts (date in the period, cost ≥ 0, an allowed use, a service
    of the list…); :class:`RecordRefusedError` names every problem and nothing is saved."""
    if park.records.filter(ref=data.ref).exists():
        raise PilotError("duplicate_ref", Text("服务记录编号 {ref} 已存在", ref=data.ref))
    record = CoreRecord(
        data.ref,
        data.service,
        data.on,
        data.cost,
        data.institution,
        data.enterprises,
        data.sessions,
        data.enterprise_visits,
        data.quantity,
        (),
        data.use,
        data.note,
    )
    programme = core_programme(park.programme)
    problems = check_record(record, programme, programme.park(park.owner.name), catalogue_of(park))
    if problems:
        raise RecordRefusedError(data.ref, problems)
    row = ServiceRecord.objects.create(
        park=park,
        ref=data.ref,
        service=data.service.value,
        on=data.on,
        cost=data.cost,
        institution=data.institution,
        enterprises=list(data.enterprises),
        sessions=data.sessions,
        enterprise_visits=data.enterprise_visits,
        quantity=data.quantity,
        use=data.use.value,
        note=data.note,
    )
    log_action(
        "jixiao.pilots.record.created",
        user=user,
        subject=row,
        after={
            "ref": row.ref,
            "service": row.service,
            "on": row.on.isoformat(),
            "cost": fmt(row.cost),
            "institution": row.institution,
            "enterprises": row.enterprises,
        },
    )
    return row


@transaction.atomic
def add_evidence(
    record: ServiceRecord,
    kind: EvidenceKind,
    dated: date | None,
    upload: UploadedFile | None,
    user: Any,
) -> EvidenceFile:
    """Attach one checked upload (the form checks type, size and first bytes) under MEDIA_ROOT
    with a generated name; the user's file name is kept for the download only."""
    evidence = EvidenceFile(record=record, kind=kind.value, dated=dated)
    if upload is not None:
        name = Path((upload.name or "").replace("\\", "/")).name[-200:] or "evidence"
        suffix = Path(name).suffix.lower()
        evidence.name = name
        evidence.size = upload.size or 0
        evidence.content_type = ATTACHMENT_TYPES.get(suffix, "application/octet-stream")
        evidence.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    evidence.save()
    log_action(
        "jixiao.pilots.evidence.added",
        user=user,
        subject=record,
        after={
            "kind": kind.value,
            "dated": dated.isoformat() if dated else None,
            "file": evidence.name,
        },
    )
    return evidence


def evidence_check(record: ServiceRecord, programme: core.Programme) -> EvidenceCheck:
    return evidence_of(core_record(record), programme)


# Quarterly reports ----------------------------------------------------------------------------


def quarter_list(programme: core.Programme) -> tuple[tuple[date, date], ...]:
    return quarters(programme)


def progress_of(park: Park, start: date, end: date) -> ProgressReport:
    programme = core_programme(park.programme)
    return progress(programme, programme.park(park.owner.name), records_of(park), start, end)


@transaction.atomic
def report_action(
    park: Park,
    start: date,
    end: date,
    action: Action,
    note: str,
    user: Any,
    on: date | None = None,
) -> QuarterlyReport:
    """Submit, return (with a note: 缺少费用发票…) or approve a quarter's 完成情况表; approval
    is refused while a record of the quarter lacks evidence."""
    report, _ = QuarterlyReport.objects.select_for_update().get_or_create(
        park=park, start=start, defaults={"end": end}
    )
    blockers = report_blockers(progress_of(park, start, end)) if action is Action.APPROVE else ()
    review = review_of(report.state, report.steps).advance(action, _today(on), note, blockers)
    before = report.state
    report.state, report.steps = review.state.value, _steps_doc(review)
    if action is Action.RETURN:
        report.return_note = note.strip()
    report.save()
    log_action(
        f"jixiao.pilots.report.{action.value}",
        user=user,
        subject=report,
        before={"state": before},
        after={"state": report.state, "note": note.strip()},
    )
    return report


# Money --------------------------------------------------------------------------------------


def shares_of(county: ProgrammeCounty) -> dict[str, Decimal]:
    """The second-tranche shares the county has decided, park by park (the plan's 50 % else)."""
    return {
        p.owner.name: p.decision_share
        for p in county.parks.select_related("owner")
        if p.decision_share is not None
    }


@transaction.atomic
def decide_second(park: Park, on: date, grounds: str, share: Decimal, user: Any) -> Park:
    park = Park.objects.select_for_update().select_related("owner", "county").get(pk=park.pk)
    ledger_of(park).decide(CountyDecision(on, grounds, share))
    park.decision_on, park.decision_grounds, park.decision_share = on, grounds.strip(), share
    park.save(update_fields=["decision_on", "decision_grounds", "decision_share"])
    log_action(
        "jixiao.pilots.tranche.decided",
        user=user,
        subject=park,
        after={"on": on.isoformat(), "grounds": grounds.strip(), "share": fmt(share)},
    )
    return park


@transaction.atomic
def record_mid_term(park: Park, on: date, ratio: Decimal, grounds: str, user: Any) -> Park:
    park = Park.objects.select_for_update().select_related("owner", "county").get(pk=park.pk)
    ledger_of(park).evaluate(MidTermResult(on, ratio, grounds))
    before = {
        "on": park.mid_term_on.isoformat() if park.mid_term_on else None,
        "ratio": fmt(park.mid_term_ratio) if park.mid_term_ratio is not None else None,
    }
    park.mid_term_on, park.mid_term_ratio, park.mid_term_grounds = on, ratio, grounds.strip()
    park.save(update_fields=["mid_term_on", "mid_term_ratio", "mid_term_grounds"])
    log_action(
        "jixiao.pilots.mid_term.recorded",
        user=user,
        subject=park,
        before=before,
        after={"on": on.isoformat(), "ratio": fmt(ratio), "grounds": grounds.strip()},
    )
    return park


@transaction.atomic
def pay_tranche(park: Park, tranche: Tranche, on: date, user: Any) -> TranchePayment:
    """Pay a tranche if its gate is open (四（二）); a refusal names the rule, nothing is stored."""
    park = Park.objects.select_for_update().select_related("owner", "county").get(pk=park.pk)
    _, flow = ledger_of(park).pay(tranche, on)
    payment = TranchePayment.objects.create(
        park=park,
        tranche=tranche.value,
        amount=flow.amount,
        paid_on=flow.on,
        payer=flow.payer,
        payee=flow.payee,
        grounds=flow.reason,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    finance = park.county.finance
    record_flow(  # the shared money-flow ledger, in this transaction
        kind=LedgerKind.PAYMENT,
        source=payment,
        source_label=f"{park.owner.name}：{tranche.label}",
        source_url="pilots:tranches",
        source_args=[park.pk],
        owner=park.owner,
        amount=flow.amount,
        on=flow.on,
        payer=finance,
        payer_label=finance.name,
        payee=park.owner,
        payee_label=park.owner.name,
        reason=flow.reason,
        user=user,
    )
    log_action(
        "jixiao.pilots.tranche.paid",
        user=user,
        subject=park,
        after={
            "tranche": tranche.value,
            "amount": fmt(flow.amount),
            "on": on.isoformat(),
            "grounds": flow.reason,
        },
    )
    return payment


@transaction.atomic
def decide_final(
    park: Park,
    on: date,
    measures: Iterable[Measure],
    grounds: str,
    cut: Decimal,
    recovery: Decimal,
    user: Any,
) -> FinalDecision:
    """The province's final decision after two years (通报, 扣减, 收回); a recovery is recorded
    as a money flow from the park back to the province."""
    park = Park.objects.select_for_update().select_related("owner", "county").get(pk=park.pk)
    if park.final_on is not None:
        raise PilotError("already_decided", Text("已作出终期绩效评价决定"))
    programme = core_programme(park.programme)
    decision, flow = final_decision(
        programme, ledger_of(park, programme), on, measures, grounds, cut, recovery
    )
    park.final_on, park.final_grounds = decision.on, decision.grounds
    park.final_measures = [m.value for m in Measure if m in decision.measures]
    park.final_cut, park.final_recovery = decision.cut, decision.recovery
    park.recovery_payee = flow.payee if flow else ""
    park.save()
    if flow is not None:
        record_flow(  # 收回: the park pays back to the province, in this transaction
            kind=LedgerKind.RECOVERY,
            source=park,
            part="recovery",
            source_label=f"{park.owner.name}：终期绩效评价收回",
            source_url="pilots:tranches",
            source_args=[park.pk],
            owner=park.owner,
            amount=flow.amount,
            on=flow.on,
            payer=park.owner,
            payer_label=park.owner.name,
            payee_label=flow.payee,
            reason=flow.reason,
            user=user,
        )
    log_action(
        "jixiao.pilots.final.decided",
        user=user,
        subject=park,
        after={
            "on": on.isoformat(),
            "measures": park.final_measures,
            "grounds": decision.grounds,
            "cut": fmt(decision.cut),
            "recovery": fmt(decision.recovery),
        },
    )
    return decision


def final_report_of(park: Park) -> FinalReport | None:
    """The province's decision with the park's money, for the export; None before it."""
    if park.final_on is None:
        return None
    decision = FinalDecision(
        park.owner.name,
        park.final_on,
        frozenset(Measure(m) for m in park.final_measures),
        park.final_grounds,
        park.final_cut,
        park.final_recovery,
    )
    ledger = ledger_of(park)
    return FinalReport(
        park.owner.name,
        park.county.name,
        park.money,
        ledger.paid_total,
        decision,
        park.recovery_payee,
    )


# Mid-term evaluation (附件2) -----------------------------------------------------------------


@transaction.atomic
def save_narratives(
    park: Park, narratives: Mapping[str, Narrative], mechanism: str, user: Any
) -> None:
    park = Park.objects.select_for_update().get(pk=park.pk)
    told = {core.ServiceType(k): v for k, v in narratives.items()}
    programme = core_programme(park.programme)
    mid_term_table(programme, programme.park(park.owner.name), (), told, mechanism)  # length checks
    before = {"narratives": park.narratives, "mechanism": park.mechanism}
    park.narratives = {
        k: {"measures": v.measures, "results": v.results} for k, v in narratives.items()
    }
    park.mechanism = mechanism
    park.save(update_fields=["narratives", "mechanism"])
    log_action(
        "jixiao.pilots.mid_term.narratives",
        user=user,
        subject=park,
        before=before,
        after={"narratives": park.narratives, "mechanism": park.mechanism},
    )


def narratives_of(park: Park) -> dict[core.ServiceType, Narrative]:
    return {
        core.ServiceType(k): Narrative(v.get("measures", ""), v.get("results", ""))
        for k, v in park.narratives.items()
    }


def mid_term_of(park: Park) -> MidTermTable:
    programme = core_programme(park.programme)
    return mid_term_table(
        programme,
        programme.park(park.owner.name),
        records_of(park),
        narratives_of(park),
        park.mechanism,
    )


# Deadlines ----------------------------------------------------------------------------------


def submitted_of(programme: Programme, prog: core.Programme) -> dict[str, date]:
    """Deadline key → the day it was handed in, from the workflows and the recorded submissions."""
    parks = {p.owner.name: p for p in programme.parks.select_related("owner")}
    plans = {p.park_id: p for p in ServicePlan.objects.filter(park__programme=programme)}
    reports = {
        (r.park_id, r.end): r for r in QuarterlyReport.objects.filter(park__programme=programme)
    }
    found: dict[str, date] = {}
    for deadline in deadlines(prog):
        code, on = deadline.rule.code, None
        if code in ("service_plan", "fund_use_plan") and deadline.party in parks:
            plan = plans.get(parks[deadline.party].pk)
            on = review_of(plan.state, plan.steps).submitted_on if plan else None
        elif code == "quarterly_report" and deadline.party in parks and deadline.period:
            report = reports.get((parks[deadline.party].pk, deadline.period[1]))
            on = review_of(report.state, report.steps).submitted_on if report else None
        elif code == "mid_term_evaluation" and deadline.subject in parks:
            on = parks[deadline.subject].mid_term_on
        if on is not None:
            found[deadline.key] = on
    for summary in HalfYearSummary.objects.filter(county__programme=programme).select_related(
        "county"
    ):
        key = _summary_key(summary.county.name, summary.period_end, prog)
        if key and (key not in found or summary.uploaded_on < found[key]):
            found[key] = summary.uploaded_on
    for submission in programme.submissions.all():
        found.setdefault(submission.key, submission.submitted_on)
    return found


def parties_of(programme: Programme, member_ids: set[int]) -> list[str]:
    """The parties of the programme's deadlines a user acts for (park, county, province)."""
    parties = []
    if programme.owner_id in member_ids:
        parties.append(programme.province)
    for county in programme.counties.all():
        if {county.economy_id, county.finance_id} & member_ids:
            parties.append(county.name)
    for park in programme.parks.select_related("owner"):
        if park.owner_id in member_ids:
            parties.append(park.owner.name)
    return parties


def todo(
    programme: Programme, member_ids: set[int], today: date | None = None
) -> list[tuple[str, DeadlineStatus]]:
    """(party, item) for each due or overdue item a user's parties see (own, or flagged to them)."""
    prog = core_programme(programme)
    items = agenda(prog, _today(today), submitted_of(programme, prog))
    return [
        (party, item)
        for party in parties_of(programme, member_ids)
        for item in home_page(items, party)
    ]


# Documents handed in outside the tracked workflows (the plan, the quarterly reports, the
# mid-term evaluation and the half-year summaries are counted from their own records).
MARKABLE = frozenset({"liaison_list", "payment_plan", "final_evaluation"})


@transaction.atomic
def mark_submitted(
    programme: Programme, key: str, member_ids: set[int], user: Any, on: date | None = None
) -> Submission:
    """Record that a deadline's document was handed in, by the party that owes it."""
    prog = core_programme(programme)
    deadline = next((d for d in deadlines(prog) if d.key == key), None)
    if (
        deadline is None
        or deadline.rule.code not in MARKABLE
        or deadline.party not in parties_of(programme, member_ids)
    ):
        raise PilotError("not_your_deadline", Text("该期限不存在或不由本单位报送"))
    submission, created = Submission.objects.get_or_create(
        programme=programme, key=key, defaults={"submitted_on": _today(on)}
    )
    if created:
        log_action(
            "jixiao.pilots.deadline.submitted",
            user=user,
            subject=programme,
            after={"key": key, "on": submission.submitted_on.isoformat()},
        )
    return submission


# Half-year summaries (总结材料, 五（四）): the county uploads, the deadline panel counts --------


def summary_deadlines(prog: core.Programme, county: str) -> list[Deadline]:
    """The county's half-year summary deadlines, in order."""
    return [d for d in deadlines(prog) if d.rule.code == "half_year_summary" and d.party == county]


def _summary_key(county: str, period_end: date, prog: core.Programme) -> str:
    for deadline in summary_deadlines(prog, county):
        if deadline.period is not None and deadline.period[1] == period_end:
            return deadline.key
    return ""


@transaction.atomic
def upload_summary(
    county: ProgrammeCounty,
    period_end: date,
    upload: UploadedFile,
    member_ids: set[int],
    user: Any,
    on: date | None = None,
) -> HalfYearSummary:
    """Store one checked summary file (the form checks type, size and first bytes) for a
    half-year of the programme, by the county that owes it."""
    prog = core_programme(county.programme)
    if county.name not in parties_of(county.programme, member_ids):
        raise PilotError("not_your_deadline", Text("试点工作总结材料由所在县（市、区）报送"))
    deadline = next(
        (
            d
            for d in summary_deadlines(prog, county.name)
            if d.period is not None and d.period[1] == period_end
        ),
        None,
    )
    if deadline is None or deadline.period is None:
        raise PilotError(
            "no_such_period",
            Text("{day} 不是试点实施周期内的半年期末", day=str(period_end)),
        )

    name = Path((upload.name or "").replace("\\", "/")).name[-200:] or "summary"
    suffix = Path(name).suffix.lower()
    summary = HalfYearSummary(
        county=county,
        period_start=deadline.period[0],
        period_end=period_end,
        name=name,
        size=upload.size or 0,
        content_type=ATTACHMENT_TYPES.get(suffix, "application/octet-stream"),
        uploaded_on=_today(on),
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    summary.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    summary.save()
    log_action(
        "jixiao.pilots.summary.uploaded",
        user=user,
        subject=county,
        after={
            "period": f"{summary.period_start.isoformat()}/{period_end.isoformat()}",
            "file": summary.name,
            "on": summary.uploaded_on.isoformat(),
        },
    )
    return summary
