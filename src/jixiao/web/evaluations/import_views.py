"""Import a 项目支出绩效自评表 (.xlsx/.docx) as a new evaluation, in two steps.

1. Upload: the file is checked (extension, size, the zip magic of an Office package) and parsed
   by :mod:`jixiao.io.import_selfeval` — nothing is saved. The preview shows the parsed tree, the
   recomputed total and grade and the audit findings, or the cell that could not be read.
   The parsed document waits in the session under a random token.
2. Confirm: the token's document becomes an evaluation of the chosen organisation (checked
   again), in one transaction with its history entry; cancel throws the document away.
"""

from __future__ import annotations

import dataclasses
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.core.audit import Severity
from jixiao.core.case import Case
from jixiao.core.review import TableReport
from jixiao.core.text import Text
from jixiao.io.cases import CaseError, from_document, plain
from jixiao.io.import_selfeval import Imported, import_file
from jixiao.web.evaluations.services import import_document, score_case
from jixiao.web.history.services import log_action
from jixiao.web.indicators.forms import OrganisationChoice
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import creatable_organisations, has_membership
from jixiao.web.uploads import declared_over

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * MB
SUFFIXES = (".xlsx", ".docx")
ZIP_MAGIC = b"PK\x03\x04"  # an Office package (.xlsx and .docx alike) is a zip
SESSION_KEY = "jixiao_pending_imports"
PENDING_SECONDS = 60 * 60  # a preview left alone for an hour is forgotten
MAX_PENDING = 5  # previews kept per session; the oldest is dropped
LEVEL_NAMES = {1: gettext_lazy("一级"), 2: gettext_lazy("二级"), 3: gettext_lazy("三级")}


class ImportForm(forms.Form):
    owner = OrganisationChoice(
        label=gettext_lazy("所属单位"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy("您不能为该单位创建评价"),
            "required": gettext_lazy("请选择所属单位"),
        },
    )
    upload = forms.FileField(
        label=gettext_lazy("自评表文件（.xlsx 或 .docx）"),
        error_messages={
            "required": gettext_lazy("请选择要上传的自评表文件"),
            "empty": gettext_lazy("上传的文件是空的（0 字节）"),
            "invalid": gettext_lazy("没有收到文件，请重新选择"),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.docx,application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners

    def clean_upload(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["upload"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in SUFFIXES:
            raise forms.ValidationError(
                _("不支持的文件类型 %(suffix)s：只能上传 .xlsx 或 .docx 自评表")
                % {"suffix": suffix or _("（无扩展名）")},
                code="type",
            )
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_size_error(), code="size")
        upload.seek(0)
        head = upload.read(len(ZIP_MAGIC))
        upload.seek(0)
        if head != ZIP_MAGIC:
            raise forms.ValidationError(
                _(
                    "文件已损坏或不是 Excel/Word 文件（只改了扩展名？旧版 .xls/.doc 请先另存为 .xlsx/.docx）"
                ),
                code="magic",
            )
        return upload


def _size_error() -> str:
    return _("文件过大：上限 %(limit)d MB") % {"limit": MAX_UPLOAD_BYTES // MB}


def _owners(request: HttpRequest) -> QuerySet[Organisation]:
    """Who the user may import for; no one → 403 (a member with only a viewer role too)."""
    if not has_membership(request.user):
        raise PermissionDenied
    owners = creatable_organisations(request.user)
    if not owners.exists():
        raise PermissionDenied
    return owners


def _too_large(request: HttpRequest) -> bool:
    return declared_over(request, MAX_UPLOAD_BYTES)


def _upload_page(
    request: HttpRequest,
    form: ImportForm,
    *,
    error: CaseError | str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The upload form, with why the last upload was refused; the template shows a core
    message (a :class:`Text`) in the page's language (``|localize``)."""
    context: dict[str, Any] = {"form": form, "error": error}
    if isinstance(error, CaseError):
        context["case_error"] = error
        context["error"] = error.message
    return render(request, "evaluations/import_upload.html", context, status=status)


@csrf_exempt  # CSRF is checked by _import_upload, after the size check below
@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    owners = _owners(request)
    if request.method == "POST" and _too_large(request):
        # refused before anything (CSRF included) reads and spools the body to disk
        return _upload_page(request, ImportForm(owners=owners), error=_size_error(), status=413)
    return _import_upload(request, owners)


@csrf_protect
def _import_upload(request: HttpRequest, owners: QuerySet[Organisation]) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, ImportForm(owners=owners))
    form = ImportForm(request.POST, request.FILES, owners=owners)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    owner: Organisation = form.cleaned_data["owner"]
    upload: UploadedFile = form.cleaned_data["upload"]
    name = _display_name(upload)
    try:
        imported = _parse(upload, name)
        case = from_document(plain(imported.document), name)
        if not isinstance(case, Case):
            raise CaseError(name, Text("只能导入评价表"))
        report = score_case(case, name)
    except CaseError as error:
        return _upload_page(request, form, error=dataclasses.replace(error, file=name), status=400)
    token = _remember(request, imported, owner, name)
    return render(
        request,
        "evaluations/import_preview.html",
        {
            "token": token,
            "owner": owner,
            "file_name": name,
            "imported": imported,
            "meta": case.meta,
            "report": report,
            "rows": _rows(report),
            "errors": sum(f.severity is Severity.ERROR for f in report.findings),
        },
    )


def _display_name(upload: UploadedFile) -> str:
    """The uploaded file's own name (no folders), for messages and the temporary copy."""
    raw = Path((upload.name or "").replace("\\", "/")).name
    name = "".join(ch for ch in raw if ch.isprintable() and ch not in '/\\:*?"<>|')[-120:]
    suffix = Path(raw).suffix.lower()
    if not name or name.startswith(".") or Path(name).suffix.lower() != suffix:
        name = f"自评表{suffix}"
    return name


def _parse(upload: UploadedFile, name: str) -> Imported:
    """Parse the upload from a private temporary copy named as the user's file."""
    with tempfile.TemporaryDirectory(prefix="jixiao-import-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return import_file(path)


def _rows(report: TableReport) -> list[dict[str, Any]]:
    scores = report.result.scores if report.result else ()
    return [
        {
            "score": score,
            "level": LEVEL_NAMES.get(score.depth, ""),
            "indent": score.depth - 1,
        }
        for score in scores
    ]


# The session's pending imports ---------------------------------------------------------------


def _pending(request: HttpRequest) -> dict[str, Any]:
    """The pending imports still fresh (expired ones dropped)."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return {}
    now = time.time()
    return {
        token: entry
        for token, entry in stored.items()
        if isinstance(entry, dict) and now - float(entry.get("created", 0)) < PENDING_SECONDS
    }


def _remember(request: HttpRequest, imported: Imported, owner: Organisation, name: str) -> str:
    pending = _pending(request)
    while len(pending) >= MAX_PENDING:
        oldest = min(pending, key=lambda t: float(pending[t]["created"]))
        del pending[oldest]
    token = secrets.token_urlsafe(24)
    pending[token] = {
        "document": plain(imported.document),
        "owner": owner.pk,
        "name": name,
        "where": imported.where,
        "created": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return token


def _take(request: HttpRequest, token: str) -> dict[str, Any] | None:
    """The pending import of ``token``, removed from the session (each is used at most once)."""
    pending = _pending(request)
    entry = pending.pop(token, None) if token else None
    request.session[SESSION_KEY] = pending
    return entry


@require_POST
@login_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    """确认导入 (create the evaluation) or 取消 (forget the preview)."""
    owners = _owners(request)
    entry = _take(request, request.POST.get("token", "").strip())
    if "cancel" in request.POST:
        messages.info(request, _("已取消导入，未创建任何评价。"))
        return redirect("evaluations:list")
    if entry is None:
        error = _("导入已过期或不存在，请重新上传自评表。")
        return _upload_page(request, ImportForm(owners=owners), error=error, status=400)
    owner = owners.filter(pk=entry["owner"]).first()
    if owner is None:  # the membership changed since the preview
        raise PermissionDenied
    name = str(entry["name"])
    try:
        with transaction.atomic():
            evaluation = import_document(entry["document"], owner, name=name)
            log_action(
                "jixiao.evaluation.imported",
                user=request.user,
                evaluation=evaluation,
                file=name,
                table=str(entry.get("where", "")),
                owner=owner.name,
                owner_id=owner.pk,
            )
    except CaseError as error:
        form = ImportForm(owners=owners)
        return _upload_page(request, form, error=dataclasses.replace(error, file=name), status=400)
    messages.success(request, _("已从“%(name)s”导入评价。") % {"name": name})
    return redirect("evaluations:detail", pk=evaluation.pk)
