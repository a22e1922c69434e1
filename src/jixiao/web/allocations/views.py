"""Thin views: every run through orgs.permissions (unseen → 404, seen but not allowed → 403),
changes through services (checked by the core, logged, refused once confirmed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.io.allocation_export import (
    DOCX_MIMETYPE,
    XLSX_MIMETYPE,
    docx_bytes,
    filename,
    xlsx_bytes,
)
from jixiao.io.allocation_import import import_bytes
from jixiao.io.cases import CaseError
from jixiao.web.allocations import forms as forms_module
from jixiao.web.allocations import services
from jixiao.web.allocations.forms import MB, CandidateForm, NewRunForm, RunForm, UploadForm
from jixiao.web.allocations.models import AllocationRun, Candidate
from jixiao.web.core_text.localize import localize
from jixiao.web.funds.models import Project
from jixiao.web.history.services import history_of
from jixiao.web.orgs.permissions import (
    flags_for_owner,
    get_owned,
    member_organisations,
    require_owner_flag,
    visible_owned,
)
from jixiao.web.orgs.roles import Flag
from jixiao.web.uploads import declared_over

PAGE_SIZE = 50
ACTIONS = {
    "jixiao.allocation.created": gettext_lazy("新建分配"),
    "jixiao.allocation.settings.changed": gettext_lazy("修改设置"),
    "jixiao.allocation.candidate.added": gettext_lazy("添加分配对象"),
    "jixiao.allocation.candidate.removed": gettext_lazy("删除分配对象"),
    "jixiao.allocation.candidates.imported": gettext_lazy("导入分配对象"),
    "jixiao.allocation.computed": gettext_lazy("计算分配"),
    "jixiao.allocation.confirmed": gettext_lazy("确认分配"),
}
EXPORTS = {"xlsx": (xlsx_bytes, XLSX_MIMETYPE), "docx": (docx_bytes, DOCX_MIMETYPE)}


def _runs() -> Any:
    return AllocationRun.objects.select_related("owner__region", "project")


def _run(request: HttpRequest, pk: int, flag: Flag = Flag.VIEW_EVALUATION) -> AllocationRun:
    run: AllocationRun = get_owned(request.user, _runs(), pk)
    require_owner_flag(request.user, run.owner, flag)
    return run


@require_GET
@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    runs = visible_owned(request.user, _runs()).order_by("-year", "owner__name", "name", "pk")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = member_organisations(request.user, Flag.EDIT_EVALUATION).exists()
    return render(request, "allocations/list.html", {"page": page, "can_create": can_create})


@require_http_methods(["GET", "POST"])
@login_required
def run_new(request: HttpRequest) -> HttpResponse:
    owners = member_organisations(request.user, Flag.EDIT_EVALUATION)
    if not owners.exists():
        raise PermissionDenied
    projects = Project.objects.filter(owner__in=owners).order_by("-year", "name")
    if request.method != "POST":
        form = NewRunForm(owners=owners, projects=projects, initial={"owner": owners.first()})
        return render(request, "allocations/new.html", {"form": form})
    form = NewRunForm(request.POST, owners=owners, projects=projects)
    if not form.is_valid():
        return render(request, "allocations/new.html", {"form": form}, status=400)
    try:
        run = services.create_run(request.user, form.cleaned_data["owner"], form.values())
    except services.RunError as error:
        form.add_error(None, localize(error.message))
        return render(request, "allocations/new.html", {"form": form}, status=400)
    messages.success(request, _("已创建分配，请录入或导入分配对象。"))
    return redirect("allocations:detail", pk=run.pk)


def _page(
    request: HttpRequest, run: AllocationRun, status: int = 200, **forms: Any
) -> HttpResponse:
    flags = flags_for_owner(request.user, run.owner)
    can_edit = Flag.EDIT_EVALUATION in flags and not run.locked
    columns = run.columns()
    candidates = list(run.candidates.all())
    context: dict[str, Any] = {
        "run": run,
        "candidates": [
            {
                "candidate": c,
                "values": [c.attributes.get(col["name"], "") for col in columns],
            }
            for c in candidates
        ],
        "columns": columns,
        "result": _shown_result(run),
        "can_edit": can_edit,
        "can_export": Flag.EXPORT_EVALUATION in flags and run.result is not None,
        "history": [
            (entry, ACTIONS.get(entry.action, entry.action)) for entry in history_of(run)[:50]
        ],
        "settings_form": forms.get("settings_form")
        or RunForm(
            instance=run, projects=Project.objects.filter(owner=run.owner), auto_id="settings_%s"
        ),
        "candidate_form": forms.get("candidate_form")
        or CandidateForm(columns=columns, auto_id="candidate_%s"),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "error": forms.get("error"),
    }
    return render(request, "allocations/detail.html", context, status=status)


def _shown_result(run: AllocationRun) -> dict[str, Any] | None:
    """The stored result; away from Chinese, its 分配标准 and 未纳入原因 (stored in Chinese) are
    taken again from the core, which words them as translatable ``Text``."""
    stored: dict[str, Any] | None = run.result
    if stored is None or (get_language() or "").startswith("zh"):
        return stored
    try:
        _, result = services.current_result(run)
    except services.RunError:
        return stored
    reasons = {e.name: localize(e.reason) for e in result.excluded}
    return {
        **stored,
        "criterion": localize(result.allocation.criterion),
        "excluded": [
            {**row, "reason": reasons.get(row["name"], row["reason"])}
            for row in stored.get("excluded", [])
        ],
    }


@require_GET
@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _run(request, pk))


def _failed(
    request: HttpRequest, run: AllocationRun, message: str, status: int = 400, **forms: Any
) -> HttpResponse:
    fresh = _run(request, run.pk)  # the run as saved: nothing of the refused change
    return _page(request, fresh, status=status, error=message, **forms)


@require_POST
@login_required
def run_settings(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk, Flag.EDIT_EVALUATION)
    form = RunForm(
        request.POST,
        instance=run,
        projects=Project.objects.filter(owner=run.owner),
        auto_id="settings_%s",
    )
    if not form.is_valid():
        return _failed(request, run, _("设置有误，未保存。"), settings_form=form)
    run = _run(request, pk, Flag.EDIT_EVALUATION)  # is_valid() wrote into the instance
    try:
        services.update_settings(run, request.user, form.values())
    except services.RunError as error:
        return _failed(request, run, localize(error.message), settings_form=form)
    messages.success(request, _("已保存设置。"))
    return redirect("allocations:detail", pk=run.pk)


@require_POST
@login_required
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk, Flag.EDIT_EVALUATION)
    form = CandidateForm(request.POST, columns=run.columns(), auto_id="candidate_%s")
    if not form.is_valid():
        return _failed(request, run, _("分配对象有误，未保存。"), candidate_form=form)
    try:
        services.add_candidate(
            run,
            request.user,
            form.cleaned_data["name"].strip(),
            form.attributes(),
            form.cleaned_data["cap"],
        )
    except services.RunError as error:
        return _failed(request, run, localize(error.message), candidate_form=form)
    messages.success(request, _("已添加分配对象。"))
    return redirect("allocations:detail", pk=run.pk)


@require_POST
@login_required
def candidate_remove(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    run = _run(request, pk, Flag.EDIT_EVALUATION)
    candidate = get_object_or_404(Candidate, run=run, pk=candidate_pk)
    try:
        services.remove_candidate(run, request.user, candidate)
    except services.RunError as error:
        return _failed(request, run, localize(error.message))
    messages.success(request, _("已删除分配对象。"))
    return redirect("allocations:detail", pk=run.pk)


def _display_name(upload: UploadedFile) -> str:
    raw = Path((upload.name or "").replace("\\", "/")).name
    name = "".join(ch for ch in raw if ch.isprintable() and ch not in '/\\:*?"<>|')[-120:]
    if not name or name.startswith(".") or Path(name).suffix.lower() != ".xlsx":
        name = "分配对象.xlsx"
    return name


def _too_large(request: HttpRequest) -> bool:
    return declared_over(request, forms_module.MAX_UPLOAD_BYTES)


@csrf_exempt  # CSRF is checked by _candidate_import, after the size check below
@require_POST
@login_required
def candidate_import(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk, Flag.EDIT_EVALUATION)
    if _too_large(request):
        # refused before anything (CSRF included) reads and spools the body to disk
        message = _("文件过大：上限 %(limit)d MB") % {"limit": forms_module.MAX_UPLOAD_BYTES // MB}
        return _failed(request, run, message, status=413)
    return _candidate_import(request, run)


@csrf_protect
def _candidate_import(request: HttpRequest, run: AllocationRun) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, run, _("无法导入，分配对象未改变。"), upload_form=form)
    upload: UploadedFile = form.cleaned_data["upload"]
    name = _display_name(upload)
    document = run.document([])
    numeric = [f.attribute for f in document.allocation.factors] + [
        r.attribute for r in document.allocation.rules if r.comparator.numeric
    ]
    try:
        imported = import_bytes(upload.chunks(), name, document.columns, numeric)
        count = services.replace_candidates(run, request.user, imported, name)
    except CaseError as error:
        message = _located(error)
        return _failed(request, run, _("无法导入，分配对象未改变：%(m)s") % {"m": message})
    except services.RunError as error:
        return _failed(
            request, run, _("无法导入，分配对象未改变：%(m)s") % {"m": localize(error.message)}
        )
    messages.success(
        request, _("已从“%(name)s”导入 %(count)d 个分配对象。") % {"name": name, "count": count}
    )
    return redirect("allocations:detail", pk=run.pk)


def _located(error: CaseError) -> str:
    parts = [error.file]
    if error.line:
        parts.append(_("第 %(line)d 行") % {"line": error.line})
    if error.field:
        parts.append(_("“%(column)s”列") % {"column": error.field})
    return f"{'，'.join(parts)}：{localize(error.message)}"


@require_POST
@login_required
def run_compute(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk, Flag.EDIT_EVALUATION)
    try:
        result = services.compute(run, request.user)
    except services.RunError as error:
        return _failed(request, run, localize(error.message))
    messages.success(
        request,
        _("已计算：%(count)d 个对象分配 %(total)s 万元，%(excluded)d 个未纳入。")
        % {"count": len(result.rows), "total": result.total, "excluded": len(result.excluded)},
    )
    return redirect("allocations:detail", pk=run.pk)


@require_POST
@login_required
def run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk, Flag.EDIT_EVALUATION)
    try:
        services.confirm(run, request.user)
    except services.RunError as error:
        return _failed(request, run, localize(error.message))
    messages.success(request, _("已确认分配，不能再修改。"))
    return redirect("allocations:detail", pk=run.pk)


@require_GET
@login_required
def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = _run(request, pk, Flag.EXPORT_EVALUATION)
    if fmt not in EXPORTS:
        raise Http404
    if run.result is None:
        return _failed(request, run, _("尚未计算分配结果，无法导出。"))
    try:
        document, result = services.current_result(run)
    except services.RunError as error:
        return _failed(request, run, localize(error.message))

    render_file, mimetype = EXPORTS[fmt]
    response = HttpResponse(render_file(document, result), content_type=mimetype)
    name = filename(document, f".{fmt}")
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
