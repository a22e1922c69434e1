"""Thin views of 补贴申报: authorise through orgs.permissions, validate, call services, render.

Enterprises see the policies of their region and their own applications; the policy's owner
(主管部门) and those above it see every application; reviewers decide and upload the blacklist;
anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.io.blacklist import BlacklistError
from jixiao.io.blacklist import read as read_blacklist
from jixiao.io.subsidy_export import RENDERERS
from jixiao.web.core_text.localize import localize
from jixiao.web.history.services import history_of
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import (
    get_application,
    get_subsidy_policy,
    may_review_subsidies,
    may_see_all_applications,
    policy_applicants,
    policy_owners,
    require_policy_side,
    require_subsidy_review,
    visible_applications,
    visible_subsidy_policies,
)
from jixiao.web.subsidies import services
from jixiao.web.subsidies.forms import (
    MAX_ATTACHMENTS,
    MAX_BLACKLIST_BYTES,
    ApplicationForm,
    BlacklistForm,
    CategoryFormSet,
    DecisionForm,
    PolicyForm,
)
from jixiao.web.subsidies.models import Application, SubsidyPolicy
from jixiao.web.uploads import MAX_ATTACHMENT_BYTES, MB, View, size_guard, stored_file_response

Status = Application.Status
PAGE_SIZE = 100


def _size_guard(limit: int) -> Callable[[View], View]:
    return size_guard(limit, gettext_lazy("上传的文件过大：合计不超过 %(limit)d MB"))


# Policies -------------------------------------------------------------------------------------


@require_GET
@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = (
        visible_subsidy_policies(request.user)
        .select_related("owner__region")
        .annotate(
            submitted=Count("applications", filter=Q(applications__status=Status.SUBMITTED)),
            approved=Count("applications", filter=Q(applications__status=Status.APPROVED)),
        )
        .order_by("-year", "name", "pk")
    )
    rows = [(p, may_see_all_applications(request.user, p)) for p in policies]
    can_create = policy_owners(request.user).exists()
    return render(request, "subsidies/policy_list.html", {"rows": rows, "can_create": can_create})


@require_http_methods(["GET", "POST"])
@login_required
def policy_new(request: HttpRequest) -> HttpResponse:
    """A 主管部门's new policy with its categories (rates in percent, caps in 万元)."""
    owners = policy_owners(request.user)
    if not owners.exists():
        raise PermissionDenied
    form = PolicyForm(request.POST or None, owners=owners)
    categories = CategoryFormSet(request.POST or None, prefix="categories")
    if request.method != "POST":
        return _policy_page(request, form, categories)
    if not (form.is_valid() and categories.is_valid()):
        return _policy_page(request, form, categories, status=400)
    rows = [
        services.CategoryInput(
            name=row["name"].strip(),
            period_start=row["period_start"],
            period_end=row["period_end"],
            rate=row["rate_percent"] / 100,
            cap=row["cap"],
            one_per_enterprise=row["one_per_enterprise"],
        )
        for row in categories.cleaned_data
        if row and not row.get("empty")
    ]
    data = form.cleaned_data
    try:
        policy = services.create_policy(
            data["owner"],
            name=data["name"].strip(),
            year=data["year"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            categories=rows,
            user=request.user,
        )
    except services.SubsidyActionError as problem:
        form.add_error(None, str(problem))
        return _policy_page(request, form, categories, status=400)
    messages.success(request, _("已创建补贴政策“%(name)s”。") % {"name": policy.name})
    return redirect("subsidies:policy_detail", pk=policy.pk)


def _policy_page(
    request: HttpRequest, form: PolicyForm, categories: Any, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "subsidies/policy_new.html",
        {"form": form, "categories": categories},
        status=status,
    )


@require_GET
@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_subsidy_policy(request.user, pk)
    owner_side = may_see_all_applications(request.user, policy)
    applications = visible_applications(request.user).filter(policy=policy)
    status = request.GET.get("status", "")
    if status in Status.values:
        applications = applications.filter(status=status)
    applicants = policy_applicants(request.user, policy)
    ordered = applications.select_related("category").order_by(
        "category__sequence", "submitted_at", "pk"
    )
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "policy": policy,
        "categories": policy.categories.all(),
        "applications": page.object_list,
        "page": page,
        "filters_query": kept.urlencode(),
        "owner_side": owner_side,
        "can_review": may_review_subsidies(request.user, policy),
        "can_apply": applicants.exists() and policy.is_open(timezone.localdate()),
        "status": status,
        "statuses": Status.choices,
        "total": services.approved_total(policy),
        "blacklist_count": policy.blacklist.count() if owner_side else None,
    }
    return render(request, "subsidies/policy_detail.html", context)


# Applying -------------------------------------------------------------------------------------


def _applicants(request: HttpRequest, policy: SubsidyPolicy) -> QuerySet[Organisation]:
    """The user's enterprises that may apply to ``policy`` (seen by them); 403 when none."""
    applicants = policy_applicants(request.user, policy)
    if not applicants.exists():
        raise PermissionDenied
    return applicants


@require_http_methods(["GET", "POST"])
@login_required
@_size_guard(MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES)
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_subsidy_policy(request.user, pk)
    applicants = _applicants(request, policy)
    categories = policy.categories.all()
    if request.method != "POST":
        first = applicants.first()
        form = ApplicationForm(
            applicants=applicants,
            categories=categories,
            initial={"enterprise_name": first.name if first else ""},
        )
        return _apply_page(request, policy, form)
    form = ApplicationForm(
        request.POST, request.FILES, applicants=applicants, categories=categories
    )
    if not form.is_valid():
        return _apply_page(request, policy, form, status=400)
    data = services.ApplicationInput(
        applicant=form.cleaned_data["applicant"],
        category=form.cleaned_data["category"],
        enterprise_name=form.cleaned_data["enterprise_name"],
        credit_code=form.cleaned_data["credit_code"],
        cost=form.cleaned_data["cost"],
        period_start=form.cleaned_data["period_start"],
        period_end=form.cleaned_data["period_end"],
    )
    try:
        application = services.submit_application(
            policy, data, form.cleaned_data["attachments"], request.user
        )
    except services.ApplicationRefusedError as refused:
        for field, problems in refused.errors.items():
            for problem in problems:
                form.add_error(None if field == "__all__" else field, problem)
        return _apply_page(request, policy, form, status=400, refused=True)
    messages.success(request, _("申报已提交，等待审核。"))
    return redirect("subsidies:application_detail", pk=application.pk)


def _apply_page(
    request: HttpRequest,
    policy: SubsidyPolicy,
    form: ApplicationForm,
    *,
    status: int = 200,
    refused: bool = False,
) -> HttpResponse:
    context = {
        "policy": policy,
        "form": form,
        "categories": policy.categories.all(),
        "refused": refused,
        "max_mb": MAX_ATTACHMENT_BYTES // MB,
        "max_files": MAX_ATTACHMENTS,
    }
    return render(request, "subsidies/apply.html", context, status=status)


# One application ------------------------------------------------------------------------------


@require_GET
@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request.user, pk)
    can_review = may_review_subsidies(request.user, application.policy)
    context = {
        "application": application,
        "policy": application.policy,
        "attachments": application.attachments.all(),
        "can_review": can_review and application.status == Status.SUBMITTED,
        "blacklisted": application.credit_code in services.blacklist_of(application.policy)
        if can_review
        else False,
        "history": [(entry, _changes(entry.data)) for entry in history_of(application)],
        "form": DecisionForm(),
    }
    return render(request, "subsidies/application_detail.html", context)


FIELD_LABELS = {
    "enterprise_name": gettext_lazy("企业名称"),
    "credit_code": gettext_lazy("统一社会信用代码"),
    "category": gettext_lazy("补贴类别"),
    "cost": gettext_lazy("费用金额（万元）"),
    "period": gettext_lazy("费用发生期间"),
    "status": gettext_lazy("状态"),
    "reason": gettext_lazy("审核意见"),
    "grant": gettext_lazy("补贴金额（万元）"),
}


def _changes(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, before, after) of each field an entry changed; statuses in words."""
    before, after = data.get("before") or {}, data.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    statuses = dict(Status.choices)

    def shown(field: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        return str(statuses.get(value, value)) if field == "status" else str(value)

    return [
        (str(label), shown(field, before.get(field)), shown(field, after.get(field)))
        for field, label in FIELD_LABELS.items()
        if field in before or field in after
        if before.get(field) != after.get(field)
    ]


@require_POST
@login_required
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request.user, pk)
    require_subsidy_review(request.user, application.policy)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect("subsidies:application_detail", pk=application.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = services.decide(
            application, request.user, approve=approve, reason=form.cleaned_data["reason"]
        )
    except services.SubsidyActionError as problem:
        messages.error(request, str(problem))
        return redirect("subsidies:application_detail", pk=application.pk)
    if approve:
        messages.success(
            request,
            _("已通过：%(name)s，补贴 %(grant)s 万元。")
            % {"name": decided.enterprise_name, "grant": f"{decided.grant:.2f}"},
        )
    else:
        messages.success(request, _("已驳回：%(name)s。") % {"name": decided.enterprise_name})
    if request.POST.get("next") == "policy":
        return redirect("subsidies:policy_detail", pk=application.policy_id)
    return redirect("subsidies:application_detail", pk=application.pk)


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    application = get_application(request.user, pk)
    found = application.attachments.filter(pk=attachment).first()
    if found is None:
        raise Http404
    return stored_file_response(found.file, found.name, found.content_type)


# Blacklist ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@_size_guard(MAX_BLACKLIST_BYTES)
def blacklist(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_subsidy_policy(request.user, pk)
    require_policy_side(request.user, policy)
    can_review = may_review_subsidies(request.user, policy)
    form = BlacklistForm()
    error = ""
    status = 200
    if request.method == "POST":
        require_subsidy_review(request.user, policy)
        form = BlacklistForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["upload"]
            try:
                rows = read_blacklist(upload.read(), upload.name or "")
            except BlacklistError as problem:
                error, status = localize(str(problem)), 400
            else:
                count = services.replace_blacklist(policy, rows, request.user, upload.name or "")
                messages.success(
                    request, _("已导入失信名单：%(count)d 家企业。") % {"count": count}
                )
                return redirect("subsidies:blacklist", pk=policy.pk)
        else:
            status = 400
    context = {
        "policy": policy,
        "entries": policy.blacklist.all(),
        "form": form,
        "error": error,
        "can_review": can_review,
    }
    return render(request, "subsidies/blacklist.html", context, status=status)


# 公示 list --------------------------------------------------------------------------------------


@require_GET
@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_subsidy_policy(request.user, pk)
    require_policy_side(request.user, policy)
    return render(
        request,
        "subsidies/notice.html",
        {"policy": policy, "notice": services.public_notice(policy)},
    )


@require_GET
@login_required
def notice_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    policy = get_subsidy_policy(request.user, pk)
    require_policy_side(request.user, policy)
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise Http404
    filename, mimetype, content = renderer(services.public_notice(policy))
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@require_GET
@login_required
def policy_history(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_subsidy_policy(request.user, pk)
    require_policy_side(request.user, policy)
    return render(
        request, "subsidies/history.html", {"policy": policy, "history": history_of(policy)}
    )
