"""Thin views: authorise through orgs.permissions, call services, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.core import cofunding as core
from jixiao.core.money import fmt, to_decimal
from jixiao.io import cofunding_export
from jixiao.web.cofunding import services
from jixiao.web.cofunding.forms import PaymentForm, PlanForm
from jixiao.web.cofunding.link import LinkError
from jixiao.web.cofunding.models import CofundingPlan, Level, Payment
from jixiao.web.core_text.localize import localize_error
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import EditError
from jixiao.web.evaluations.workflow import EDITABLE
from jixiao.web.history.services import history_of
from jixiao.web.orgs.permissions import (
    flags_for,
    flags_for_owner,
    get_evaluation,
    get_owned,
    member_organisations,
    require_owner_flag,
    visible_evaluations,
    visible_owned,
)
from jixiao.web.orgs.roles import Flag

PAGE_SIZE = 50


def _plans() -> Any:
    return CofundingPlan.objects.select_related("owner__region", "project")


def _plan(request: HttpRequest, pk: int, flag: Flag = Flag.VIEW_EVALUATION) -> CofundingPlan:
    """The plan if the user may see it (else 404) and holds ``flag`` on its owner (else 403)."""
    plan: CofundingPlan = get_owned(request.user, _plans(), pk)
    require_owner_flag(request.user, plan.owner, flag)
    return plan


@require_GET
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = visible_owned(request.user, _plans()).prefetch_related("payments")
    page = Paginator(plans.order_by("-policy_date", "name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cofunding/plan_list.html",
        {
            "page": page,
            "rows": [(plan, plan.reconciliation()) for plan in page],
            "can_create": member_organisations(request.user, Flag.EDIT_EVALUATION).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    owners = member_organisations(request.user, Flag.EDIT_EVALUATION)
    if not owners.exists():
        raise PermissionDenied
    form = PlanForm(
        request.POST if request.method == "POST" else None, user=request.user, owners=owners
    )
    if request.method == "POST" and form.is_valid():
        plan = _save(form, request)
        if plan is not None:
            messages.success(request, _("已建立资金分担计划。"))
            return redirect("cofunding:plan_detail", pk=plan.pk)
    return render(request, "cofunding/plan_form.html", {"form": form, "plan": None})


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, Flag.EDIT_EVALUATION)
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        instance=plan,
        user=request.user,
        owners=member_organisations(request.user, Flag.EDIT_EVALUATION),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(form, request)
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("cofunding:plan_detail", pk=saved.pk)
    return render(request, "cofunding/plan_form.html", {"form": form, "plan": plan})


def _save(form: PlanForm, request: HttpRequest) -> CofundingPlan | None:
    try:
        return services.save_plan(form.save(commit=False), request.user)
    except core.CofundingError as error:
        form.add_error(None, localize_error(error))
        return None


def _detail(
    request: HttpRequest, plan: CofundingPlan, payment_form: PaymentForm | None = None
) -> HttpResponse:
    flags = flags_for_owner(request.user, plan.owner)
    can_edit = Flag.EDIT_EVALUATION in flags
    payments = list(plan.payments.select_related("recorded_by"))
    reconciliation = plan.reconciliation()
    context = {
        "plan": plan,
        "reconciliation": reconciliation,
        "share": reconciliation.plan.share,
        "payments": payments,
        "printed": plan.printed_note(reconciliation),
        "can_edit": can_edit,
        "can_export": Flag.EXPORT_EVALUATION in flags,
        "payment_form": payment_form or PaymentForm(),
        "subsidy_total": services.subsidy_total(plan),
        "links": plan.links.select_related("evaluation"),
        "stale": {link.pk for link in services.stale_links(plan)},
        "candidates": _candidates(request) if can_edit else [],
        "history": [(entry, _summary(entry.data)) for entry in history_of(plan)[:50]],
    }
    return render(request, "cofunding/plan_detail.html", context)


def _summary(data: dict[str, Any]) -> str:
    """One line on what a logged action changed: fields before → after, a payment, an evaluation."""
    if "evaluation_title" in data:
        return str(data["evaluation_title"])
    before, after = data.get("before") or {}, data.get("after") or {}
    if "payment" in data:
        item = after or before
        level = Level(item.get("level", "")).label if item.get("level") in Level.values else ""
        return f"{level} {fmt(to_decimal(item.get('amount', '0')))} {item.get('paid_on', '')}"
    if before:
        labels = {
            f.name: f.verbose_name
            for f in CofundingPlan._meta.get_fields()
            if hasattr(f, "verbose_name")
        }
        return "；".join(
            f"{labels.get(k, k)}：{before.get(k) or '—'} → {after.get(k) or '—'}" for k in after
        )
    return ""


def _candidates(request: HttpRequest) -> list[Evaluation]:
    """Evaluations the user may change now: where a plan's figures may be written."""
    editable = (
        visible_evaluations(request.user)
        .filter(status__in=EDITABLE)
        .select_related("owner__region")
        .defer("document")
        .order_by("-year", "title")[:200]
    )
    return [e for e in editable if Flag.EDIT_EVALUATION in flags_for(request.user, e)]


@require_GET
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _plan(request, pk))


@require_POST
@login_required
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, Flag.EDIT_EVALUATION)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_payment(
                plan,
                data["level"],
                data["amount"],
                data["paid_on"],
                data["reference"],
                request.user,
            )
        except core.CofundingError as error:
            form.add_error(None, localize_error(error))
        else:
            messages.success(request, _("已登记拨付。"))
            return redirect("cofunding:plan_detail", pk=plan.pk)
    return _detail(request, plan, form)


@require_POST
@login_required
def payment_remove(request: HttpRequest, pk: int, payment: int) -> HttpResponse:
    plan = _plan(request, pk, Flag.EDIT_EVALUATION)
    record = Payment.objects.filter(plan=plan, pk=payment).first()
    if record is None:
        raise Http404
    services.remove_payment(record, request.user)
    messages.success(request, _("已删除该笔拨付记录。"))
    return redirect("cofunding:plan_detail", pk=plan.pk)


@require_POST
@login_required
def plan_take_subsidy_total(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the 批复总额 to what the linked subsidy policy has approved so far."""
    plan = _plan(request, pk, Flag.EDIT_EVALUATION)
    try:
        services.take_total_from_subsidies(plan, request.user)
    except core.CofundingError as error:
        messages.error(request, localize_error(error))
    else:
        messages.success(request, _("已按补贴审批结果更新批复总额。"))
    return redirect("cofunding:plan_detail", pk=plan.pk)


@require_POST
@login_required
def plan_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the plan's figures into an evaluation the user may edit (404/403 otherwise)."""
    plan = _plan(request, pk, Flag.EDIT_EVALUATION)
    try:
        evaluation_pk = int(request.POST.get("evaluation", ""))
    except ValueError:
        raise Http404 from None
    evaluation = get_evaluation(request.user, evaluation_pk, Flag.EDIT_EVALUATION)
    try:
        applied = services.apply_to_evaluation(plan, evaluation, request.user)
    except (EditError, LinkError, core.CofundingError) as error:
        messages.error(request, localize_error(error))
    else:
        done = "；".join(f"{label}：{values}" for label, values in applied.rows)
        messages.success(
            request, _("已从拨付记录取值：%(rows)s") % {"rows": done or _("没有可取的值")}
        )
        if applied.skipped:
            messages.warning(
                request,
                _("尚有级次未拨付，暂不能取值：%(rows)s") % {"rows": "、".join(applied.skipped)},
            )
    return redirect("cofunding:plan_detail", pk=plan.pk)


@require_GET
@login_required
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = _plan(request, pk, Flag.EXPORT_EVALUATION)
    reconciliation = plan.reconciliation()
    payments = tuple(
        cofunding_export.PaymentLine(
            str(p.get_level_display()), p.amount, p.paid_on.isoformat(), p.reference
        )
        for p in plan.payments.all()
    )
    exported = cofunding_export.export(
        fmt,
        plan.name,
        reconciliation,
        payments,
        plan.printed_note(reconciliation),
    )
    if exported is None:
        raise Http404("no such format")
    response = HttpResponse(exported.content, content_type=exported.mimetype)
    response["Content-Disposition"] = (
        content_disposition_header(True, exported.filename) or "attachment"
    )
    return response
