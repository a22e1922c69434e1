"""Thin views: authorise through orgs.permissions, call services, render. A refusal of the core
(:class:`PilotError`) is shown in Chinese and changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.core.pilots import programme as core
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evaluation import Measure
from jixiao.core.pilots.evidence import EvidenceKind
from jixiao.core.pilots.records import RecordRefusedError, Use
from jixiao.core.pilots.reviews import Action, ReviewState
from jixiao.core.pilots.tranches import Tranche, payment_plan
from jixiao.core.text import joined
from jixiao.io import pilot_export
from jixiao.web.core_text.localize import localize
from jixiao.web.history.services import history_of
from jixiao.web.ledger.models import MoneyFlow
from jixiao.web.ledger.services import source_key
from jixiao.web.orgs.permissions import (
    flags_for_owner,
    get_pilot_park,
    get_pilot_programme,
    may_decide_pilot_final,
    may_review_pilot_park,
    pilot_member_ids,
    require_owner_flag,
    require_pilot_review,
    visible_owned,
    visible_pilot_parks,
    visible_pilot_programmes,
)
from jixiao.web.orgs.roles import Flag
from jixiao.web.pilots import services
from jixiao.web.pilots.forms import (
    ActionForm,
    CatalogueEntryForm,
    DecisionForm,
    EvidenceForm,
    FinalForm,
    MidTermForm,
    NarrativeForm,
    PayForm,
    PlanForm,
    RecordForm,
    SummaryForm,
    TargetsForm,
)
from jixiao.web.pilots.models import HalfYearSummary, Park, ProgrammeCounty, QuarterlyReport
from jixiao.web.uploads import MAX_ATTACHMENT_BYTES, size_guard, stored_file_response

EXPORTS = {"xlsx", "docx"}
MB = 1024 * 1024


_upload_guard = size_guard(
    MAX_ATTACHMENT_BYTES, gettext_lazy("上传的文件过大：每个文件不超过 %(limit)d MB")
)
"""Refuse a POST far above the 10 MB evidence limit with 413 before anything reads it."""


HISTORY_LABELS = {
    "jixiao.pilots.targets.saved": gettext_lazy("修改绩效目标清单和试点企业"),
    "jixiao.pilots.change.requested": gettext_lazy("提交调整申请"),
    "jixiao.pilots.change.approve": gettext_lazy("同意调整申请"),
    "jixiao.pilots.change.reject": gettext_lazy("不同意调整申请"),
    "jixiao.pilots.change.report": gettext_lazy("调整申请已报省"),
    "jixiao.pilots.catalogue.added": gettext_lazy("加入服务机构清单"),
    "jixiao.pilots.catalogue.removed": gettext_lazy("移出服务机构清单"),
    "jixiao.pilots.plan.saved": gettext_lazy("修改服务计划"),
    "jixiao.pilots.plan.submit": gettext_lazy("提交服务计划"),
    "jixiao.pilots.plan.return": gettext_lazy("退回服务计划"),
    "jixiao.pilots.plan.approve": gettext_lazy("服务计划审核通过"),
    "jixiao.pilots.record.created": gettext_lazy("登记服务记录"),
    "jixiao.pilots.evidence.added": gettext_lazy("上传佐证资料"),
    "jixiao.pilots.report.submit": gettext_lazy("提交季度进度报告"),
    "jixiao.pilots.report.return": gettext_lazy("退回季度进度报告"),
    "jixiao.pilots.report.approve": gettext_lazy("季度进度报告审核通过"),
    "jixiao.pilots.tranche.decided": gettext_lazy("确定第二笔资金"),
    "jixiao.pilots.tranche.paid": gettext_lazy("拨付资金"),
    "jixiao.pilots.mid_term.recorded": gettext_lazy("记录中期绩效评价结果"),
    "jixiao.pilots.mid_term.narratives": gettext_lazy("修改工作举措和成效"),
    "jixiao.pilots.final.decided": gettext_lazy("终期绩效评价决定"),
    "jixiao.pilots.summary.uploaded": gettext_lazy("上传试点工作总结材料"),
}


def _history(record: Any) -> list[tuple[Any, str]]:
    """The latest logged changes of ``record`` with their action in words."""
    return [
        (entry, str(HISTORY_LABELS.get(entry.action, entry.action)))
        for entry in history_of(record)[:20]
    ]


def _can_edit(request: HttpRequest, park: Park) -> bool:
    return Flag.EDIT_EVALUATION in flags_for_owner(request.user, park.owner)


def _edit(request: HttpRequest, pk: int) -> Park:
    park: Park = get_pilot_park(request.user, pk, Flag.EDIT_EVALUATION)
    return park


def _review(request: HttpRequest, pk: int) -> Park:
    park: Park = get_pilot_park(request.user, pk)
    require_pilot_review(request.user, park)
    return park


def _refused(request: HttpRequest, error: PilotError) -> None:
    messages.error(request, localize(error.message))


def _download(filename: str, mimetype: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


# Home and programme -------------------------------------------------------------------------


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The programmes a user sees and their 待办: own due and overdue deadlines, and the
    overdue ones flagged to them from below."""
    member_ids = pilot_member_ids(request.user)
    programmes = list(visible_pilot_programmes(request.user).select_related("owner"))
    todo = [(p, services.todo(p, member_ids)) for p in programmes]
    return render(request, "pilots/home.html", {"programmes": programmes, "todo": todo})


@require_GET
@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_pilot_programme(request.user, pk)
    prog = services.core_programme(programme)
    parks = visible_pilot_parks(request.user).filter(programme=programme)
    rows = [
        (park, services.ledger_of(park, prog))
        for park in parks.select_related("owner", "county").prefetch_related("payments")
    ]
    counties = [
        c
        for c in programme.counties.select_related("economy", "finance")
        if Flag.VIEW_EVALUATION in flags_for_owner(request.user, c.economy)
    ]
    plans = [(c, payment_plan(prog, c.name, services.shares_of(c))) for c in counties]
    return render(
        request,
        "pilots/programme.html",
        {
            "programme": programme,
            "rows": rows,
            "counties": counties,
            "plans": plans,
            "todo": services.todo(programme, pilot_member_ids(request.user)),
            "markable": services.MARKABLE,
        },
    )


@require_POST
@login_required
def deadline_submit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_pilot_programme(request.user, pk)
    try:
        services.mark_submitted(
            programme, request.POST.get("key", ""), pilot_member_ids(request.user), request.user
        )
        messages.success(request, _("已记录报送。"))
    except PilotError as error:
        _refused(request, error)
    return redirect("pilots:programme", pk=programme.pk)


@require_GET
@login_required
def liaison_export(request: HttpRequest, pk: int, county: int, fmt: str) -> HttpResponse:
    """附件3 联络员名单 of one county: for its bureaus and the province."""
    programme = get_pilot_programme(request.user, pk)
    found = ProgrammeCounty.objects.filter(programme=programme, pk=county).first()
    if found is None or fmt not in EXPORTS:
        raise Http404
    require_owner_flag(request.user, found.economy, Flag.EXPORT_EVALUATION)
    listing = core.liaison_list(services.core_programme(programme).county(found.name))
    writer = pilot_export.liaison_xlsx if fmt == "xlsx" else pilot_export.liaison_docx
    return _download(*writer(listing))


# Park, targets, change requests -------------------------------------------------------------


@require_GET
@login_required
def park_detail(request: HttpRequest, pk: int) -> HttpResponse:
    park: Park = get_pilot_park(request.user, pk)
    programme = services.core_programme(park.programme)
    plan = services.plan_of(park)
    reports = {r.start: r for r in park.reports.all()}
    quarters = [
        (number, start, end, reports.get(start))
        for number, (start, end) in enumerate(services.quarter_list(programme), 1)
    ]
    return render(
        request,
        "pilots/park.html",
        {
            "park": park,
            "core_park": programme.park(park.owner.name),
            "plan": plan,
            "quarters": quarters,
            "changes": [
                (
                    c,
                    services.change_lines(park, c)
                    if c.state == "pending"
                    else c.decided_lines or None,
                )
                for c in park.changes.all()
            ],
            "ledger": services.ledger_of(park, programme),
            "can_edit": _can_edit(request, park),
            "can_review": may_review_pilot_park(request.user, park),
            "history": _history(park),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft: edit directly. Locked: the same form makes a change request for the county."""
    park = _edit(request, pk)
    book = services.book_of(park)
    form = TargetsForm(
        request.POST if request.method == "POST" else None,
        initial_targets=book.targets,
        initial={
            "enterprises": "\n".join(
                f"{e.name} | {e.enterprise_class.label} | {e.diagnosis}" for e in book.enterprises
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            chosen = form.targets()
            if book.locked:
                services.request_change(
                    park,
                    chosen,
                    form.cleaned_data["enterprises"],
                    form.cleaned_data["reason"],
                    request.user,
                )
                messages.success(request, _("已提交调整申请，待县（市、区）审核。"))
            else:
                services.save_targets(park, chosen, form.cleaned_data["enterprises"], request.user)
                messages.success(request, _("已保存绩效目标清单。"))
            return redirect("pilots:park", pk=park.pk)
        except PilotError as error:
            form.add_error(None, localize(error.message))
    return render(
        request, "pilots/targets.html", {"park": park, "form": form, "locked": book.locked}
    )


@require_POST
@login_required
def change_decide(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    park = _review(request, pk)
    action = request.POST.get("action", "")
    if action not in {"approve", "reject", "report"}:
        raise Http404
    try:
        services.decide_change(park, number, action, request.POST.get("note", ""), request.user)
        messages.success(request, _("已处理调整申请。"))
    except PilotError as error:
        _refused(request, error)
    return redirect("pilots:park", pk=park.pk)


# Service plan and catalogue -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    park: Park = get_pilot_park(request.user, pk)
    can_edit = _can_edit(request, park)
    stored = services.plan_of(park)
    breaches = services.breaches(park)
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        breaches=breaches,
        justifications=stored.justifications,
        initial={f: getattr(stored, f) for f in ("schedule", "fund_use", "internal_rules")},
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_plan(park, form.values(), request.user)
                messages.success(request, _("已保存服务计划。"))
                return redirect("pilots:plan", pk=park.pk)
            except PilotError as error:
                form.add_error(None, localize(error.message))
    editable = can_edit and stored.state in (ReviewState.DRAFT, ReviewState.RETURNED)
    return render(
        request,
        "pilots/plan.html",
        {
            "park": park,
            "plan": stored,
            "form": form,
            "entry_form": CatalogueEntryForm(),
            "catalogue": park.catalogue.all(),
            "breaches": breaches,
            "blockers": services.plan_problems(park),
            "can_edit": can_edit,
            "editable": editable,
            "can_review": may_review_pilot_park(request.user, park),
            "action_form": ActionForm(),
        },
    )


@require_POST
@login_required
def catalogue_add(request: HttpRequest, pk: int) -> HttpResponse:
    park = _edit(request, pk)
    form = CatalogueEntryForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            listed = "；".join(str(e) for e in errors)
            messages.error(request, f"{label}：{listed}" if label else listed)
        return redirect("pilots:plan", pk=park.pk)
    try:
        services.add_catalogue_entry(park, form.save(commit=False), request.user)
        messages.success(request, _("已加入服务机构清单。"))
    except PilotError as error:
        _refused(request, error)
    return redirect("pilots:plan", pk=park.pk)


@require_POST
@login_required
def catalogue_remove(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    park = _edit(request, pk)
    found = park.catalogue.filter(pk=entry).first()
    if found is None:
        raise Http404
    try:
        services.remove_catalogue_entry(park, found, request.user)
    except PilotError as error:
        _refused(request, error)
    return redirect("pilots:plan", pk=park.pk)


def _action(request: HttpRequest) -> Action:
    try:
        return Action(request.POST.get("action", ""))
    except ValueError:
        raise Http404 from None


def _authorise_action(request: HttpRequest, pk: int, action: Action) -> Park:
    """A park submits; its county returns or approves."""
    return _edit(request, pk) if action is Action.SUBMIT else _review(request, pk)


@require_POST
@login_required
def plan_action(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request)
    park = _authorise_action(request, pk, action)
    try:
        services.plan_action(park, action, request.POST.get("note", ""), request.user)
        messages.success(request, _("服务计划：%(action)s。") % {"action": localize(action.label)})
    except PilotError as error:
        _refused(request, error)
    return redirect("pilots:plan", pk=park.pk)


# Service records and evidence ------------------------------------------------------------------


def _record_form(park: Park, data: Any = None) -> RecordForm:
    return RecordForm(
        data,
        services=services.services_of(park),
        institutions=tuple(dict.fromkeys(e.institution for e in park.catalogue.all())),
        enterprises=tuple(e.name for e in park.enterprises.all()),
    )


@require_http_methods(["GET", "POST"])
@login_required
def records(request: HttpRequest, pk: int) -> HttpResponse:
    park: Park = get_pilot_park(request.user, pk)
    can_edit = _can_edit(request, park)
    form = _record_form(park, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.add_record(
                    park,
                    services.RecordInput(
                        data["ref"].strip(),
                        core.ServiceType(data["service"]),
                        data["on"],
                        data["cost"],
                        data["institution"],
                        tuple(data["enterprises"]),
                        data["sessions"],
                        data["enterprise_visits"],
                        data["quantity"],
                        Use(data["use"]),
                        data["note"],
                    ),
                    request.user,
                )
                messages.success(request, _("已保存服务记录，请上传佐证资料。"))
                return redirect("pilots:record", pk=park.pk, record=row.pk)
            except RecordRefusedError as error:
                for problem in error.problems:
                    field = problem.field if problem.field in form.fields else None
                    form.add_error(field, localize(problem.message))
            except PilotError as error:
                form.add_error(None, localize(error.message))
    programme = services.core_programme(park.programme)
    rows = [
        (r, joined(services.evidence_check(r, programme).messages()))
        for r in park.records.prefetch_related("evidence")
    ]
    return render(
        request,
        "pilots/records.html",
        {"park": park, "rows": rows, "form": form, "can_edit": can_edit},
    )


def _record(park: Park, pk: int) -> Any:
    found = park.records.prefetch_related("evidence").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@_upload_guard
@require_http_methods(["GET", "POST"])
@login_required
def record_detail(request: HttpRequest, pk: int, record: int) -> HttpResponse:
    park: Park = get_pilot_park(request.user, pk)
    row = _record(park, record)
    can_edit = _can_edit(request, park)
    form = EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.add_evidence(
                row,
                EvidenceKind(form.cleaned_data["kind"]),
                form.cleaned_data["dated"],
                form.cleaned_data["upload"],
                request.user,
            )
            messages.success(request, _("已上传佐证资料。"))
            return redirect("pilots:record", pk=park.pk, record=row.pk)
    programme = services.core_programme(park.programme)
    return render(
        request,
        "pilots/record.html",
        {
            "park": park,
            "record": row,
            "check": services.evidence_check(row, programme),
            "form": form,
            "can_edit": can_edit,
            "history": _history(row),
        },
    )


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int, record: int, evidence: int) -> FileResponse:
    park: Park = get_pilot_park(request.user, pk)
    found = _record(park, record).evidence.filter(pk=evidence).first()
    if found is None:
        raise Http404
    return stored_file_response(found.file, found.name, found.content_type)


# Quarterly reports ------------------------------------------------------------------------


def _quarter(park: Park, number: int) -> tuple[date, date]:
    found = services.quarter_list(services.core_programme(park.programme))
    if not 1 <= number <= len(found):
        raise Http404
    return found[number - 1]


@require_http_methods(["GET", "POST"])
@login_required
def report(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    if request.method == "POST":
        action = _action(request)
        park = _authorise_action(request, pk, action)
        start, end = _quarter(park, number)
        try:
            services.report_action(
                park, start, end, action, request.POST.get("note", ""), request.user
            )
            messages.success(
                request, _("季度进度报告：%(action)s。") % {"action": localize(action.label)}
            )
        except PilotError as error:
            _refused(request, error)
        return redirect("pilots:report", pk=park.pk, number=number)
    park = get_pilot_park(request.user, pk)
    start, end = _quarter(park, number)
    stored = QuarterlyReport.objects.filter(park=park, start=start).first()
    state = stored.state if stored else ReviewState.DRAFT.value
    return render(
        request,
        "pilots/report.html",
        {
            "park": park,
            "number": number,
            "progress": services.progress_of(park, start, end),
            "report": stored,
            "state": ReviewState(state),
            "records": park.records.filter(on__gte=start, on__lte=end),
            "can_submit": _can_edit(request, park)
            and state in (ReviewState.DRAFT, ReviewState.RETURNED),
            "can_review": may_review_pilot_park(request.user, park)
            and state == ReviewState.SUBMITTED,
            "action_form": ActionForm(),
            "history": _history(stored) if stored else [],
        },
    )


# Money ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def tranches(request: HttpRequest, pk: int) -> HttpResponse:
    park: Park = get_pilot_park(request.user, pk)
    can_review = may_review_pilot_park(request.user, park)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    can_decide_final = may_decide_pilot_final(request.user, park)
    forms = {
        "decision": DecisionForm(request.POST if which == "decision" else None, prefix="decision"),
        "mid_term": MidTermForm(request.POST if which == "mid_term" else None, prefix="mid_term"),
        "pay": PayForm(request.POST if which == "pay" else None, prefix="pay"),
        "final": FinalForm(request.POST if which == "final" else None, prefix="final"),
    }
    if request.method == "POST":
        if which not in forms:
            raise Http404
        if which == "final":
            if not can_decide_final:
                raise PermissionDenied
        else:
            require_pilot_review(request.user, park)
        form = forms[which]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if isinstance(form, FinalForm):
                    services.decide_final(
                        park,
                        data["on"],
                        form.chosen(),
                        data["grounds"],
                        data["cut"],
                        data["recovery"],
                        request.user,
                    )
                elif isinstance(form, DecisionForm):
                    services.decide_second(
                        park, data["on"], data["grounds"], form.fraction(), request.user
                    )
                elif isinstance(form, MidTermForm):
                    services.record_mid_term(
                        park, data["on"], form.fraction(), data["grounds"], request.user
                    )
                else:
                    services.pay_tranche(park, Tranche(data["tranche"]), data["on"], request.user)
                messages.success(request, _("已保存。"))
                return redirect("pilots:tranches", pk=park.pk)
            except PilotError as error:
                form.add_error(None, localize(error.message))
    ledger = services.ledger_of(park)
    first, second, rest = ledger.planned()
    flows = {
        f.source: f for f in visible_owned(request.user, MoneyFlow.objects.filter(owner=park.owner))
    }
    planned = [
        (Tranche.FIRST, first, ledger.paid(Tranche.FIRST)),
        (Tranche.SECOND, second, ledger.paid(Tranche.SECOND)),
        (Tranche.FINAL, ledger.amount(Tranche.FINAL), ledger.paid(Tranche.FINAL)),
    ]
    return render(
        request,
        "pilots/tranches.html",
        {
            "park": park,
            "ledger": ledger,
            "planned": planned,
            "rest": rest,
            "payments": [(p, flows.get(source_key(p))) for p in park.payments.all()],
            "recovery_flow": flows.get(source_key(park, "recovery")),
            "forms": forms,
            "can_review": can_review,
            "can_decide_final": can_decide_final and park.final_on is None,
            "final_labels": [Measure(m).label for m in park.final_measures],
        },
    )


# Mid-term evaluation (附件2) -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def mid_term(request: HttpRequest, pk: int) -> HttpResponse:
    park: Park = get_pilot_park(request.user, pk)
    can_edit = _can_edit(request, park)
    form = NarrativeForm(
        request.POST if request.method == "POST" else None,
        services=services.services_of(park),
        narratives=services.narratives_of(park),
        initial={"mechanism": park.mechanism},
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_narratives(
                    park, form.narratives(), form.cleaned_data["mechanism"], request.user
                )
                messages.success(request, _("已保存。"))
                return redirect("pilots:mid_term", pk=park.pk)
            except PilotError as error:
                form.add_error(None, localize(error.message))
    return render(
        request,
        "pilots/mid_term.html",
        {"park": park, "table": services.mid_term_of(park), "form": form, "can_edit": can_edit},
    )


@require_GET
@login_required
def mid_term_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    park: Park = get_pilot_park(request.user, pk, Flag.EXPORT_EVALUATION)
    if fmt not in EXPORTS:
        raise Http404
    writer = pilot_export.mid_term_xlsx if fmt == "xlsx" else pilot_export.mid_term_docx
    return _download(*writer(services.mid_term_of(park)))


@require_GET
@login_required
def final_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """终期绩效评价结果 (通报/扣减/收回 with amounts) as .xlsx/.docx, once decided."""
    park: Park = get_pilot_park(request.user, pk, Flag.EXPORT_EVALUATION)
    report = services.final_report_of(park)
    if fmt not in EXPORTS or report is None:
        raise Http404
    writer = pilot_export.final_xlsx if fmt == "xlsx" else pilot_export.final_docx
    return _download(*writer(report))


# Half-year summaries (总结材料) ------------------------------------------------------------------


def _county(request: HttpRequest, pk: int, county: int) -> tuple[Any, ProgrammeCounty]:
    """The programme and county if the user sees the county's part (its bureaus, the
    province above); else 404."""
    programme = get_pilot_programme(request.user, pk)
    found = (
        ProgrammeCounty.objects.filter(programme=programme, pk=county)
        .select_related("economy", "finance", "programme")
        .first()
    )
    if found is None or Flag.VIEW_EVALUATION not in (
        flags_for_owner(request.user, found.economy) | flags_for_owner(request.user, found.finance)
    ):
        raise Http404
    return programme, found


@_upload_guard
@require_http_methods(["GET", "POST"])
@login_required
def summaries(request: HttpRequest, pk: int, county: int) -> HttpResponse:
    """The county's 试点工作总结材料 per half-year: uploaded by the county, seen by the province."""
    programme, found = _county(request, pk, county)
    prog = services.core_programme(programme)
    member_ids = pilot_member_ids(request.user)
    can_upload = found.name in services.parties_of(programme, member_ids)
    periods = [d for d in services.summary_deadlines(prog, found.name) if d.period is not None]
    choices = [
        (d.period[1].isoformat(), localize(d.title)) for d in periods if d.period is not None
    ]
    form = SummaryForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        periods=choices,
    )
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.upload_summary(
                    found,
                    date.fromisoformat(form.cleaned_data["period"]),
                    form.cleaned_data["upload"],
                    member_ids,
                    request.user,
                )
                messages.success(request, _("已上传试点工作总结材料。"))
                return redirect("pilots:summaries", pk=programme.pk, county=found.pk)
            except PilotError as error:
                form.add_error(None, localize(error.message))
    files = list(found.summaries.all())
    rows = [
        (d, [f for f in files if d.period is not None and f.period_end == d.period[1]])
        for d in periods
    ]
    return render(
        request,
        "pilots/summaries.html",
        {
            "programme": programme,
            "county": found,
            "rows": rows,
            "form": form,
            "can_upload": can_upload,
            "history": _history(found),
        },
    )


@require_GET
@login_required
def summary_download(request: HttpRequest, pk: int, county: int, summary: int) -> FileResponse:
    _, found = _county(request, pk, county)
    item = HalfYearSummary.objects.filter(county=found, pk=summary).first()
    if item is None:
        raise Http404
    return stored_file_response(item.file, item.name, item.content_type)
