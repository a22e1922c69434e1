"""Thin views: authorise through orgs.permissions, create and show jobs."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.core.tables import TableKind
from jixiao.io.batch_audit import MAX_ZIP_BYTES, MB
from jixiao.web.jobs.bulk_export import Choice
from jixiao.web.jobs.forms import BatchAuditForm, BulkExportForm
from jixiao.web.jobs.models import Job
from jixiao.web.jobs.tasks import fail_interrupted, run_batch_audit, run_bulk_export
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import (
    get_job,
    job_organisations,
    visible_departments,
    visible_jobs,
)
from jixiao.web.uploads import declared_over

logger = logging.getLogger(__name__)


@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    fail_interrupted(visible_jobs(request.user))
    jobs = visible_jobs(request.user).select_related("organisation")[:200]
    can_start = job_organisations(request.user).exists()
    return render(request, "jobs/list.html", {"jobs": jobs, "can_start": can_start})


def _too_large(request: HttpRequest) -> bool:
    return declared_over(request, MAX_ZIP_BYTES)


@csrf_exempt  # CSRF is checked by _batch_audit, after the size check below
@require_http_methods(["GET", "POST"])
@login_required
def batch_audit(request: HttpRequest) -> HttpResponse:
    organisations = job_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    if request.method == "POST" and _too_large(request):
        # refused before anything (CSRF included) reads and spools the body to disk
        context = {"form": BatchAuditForm(organisations=organisations), "error": _size_error()}
        return render(request, "jobs/batch_audit.html", context, status=413)
    return _batch_audit(request, organisations)


def _size_error() -> str:
    return _("压缩包过大：上限 %(limit)d MB") % {"limit": MAX_ZIP_BYTES // MB}


@csrf_protect
def _batch_audit(request: HttpRequest, organisations: QuerySet[Organisation]) -> HttpResponse:
    if request.method != "POST":
        form = BatchAuditForm(organisations=organisations)
        return render(request, "jobs/batch_audit.html", {"form": form})
    form = BatchAuditForm(request.POST, request.FILES, organisations=organisations)
    if not form.is_valid():
        return render(request, "jobs/batch_audit.html", {"form": form}, status=400)
    archive = form.cleaned_data["archive"]
    owner_pk = request.user.pk
    if owner_pk is None:  # login_required let it through: never happens, fail closed anyway
        raise PermissionDenied
    job = Job(
        owner_id=owner_pk,
        organisation=form.cleaned_data["organisation"],
        kind=Job.Kind.BATCH_AUDIT,
        upload_name=(archive.name or "upload.zip")[-255:],
    )
    job.upload.save(f"{uuid.uuid4().hex}.zip", archive, save=False)
    job.save()
    return _enqueued(job, run_batch_audit)


@require_GET
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _current(request, pk)
    return render(request, "jobs/detail.html", {"job": job})


def _current(request: HttpRequest, pk: int) -> Job:
    """The user's job, failed first (with the reason) if its worker has gone silent."""
    job = get_job(request.user, pk)
    if job.status == Job.Status.RUNNING and fail_interrupted(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


@require_GET
@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _current(request, pk)
    return render(request, "jobs/_progress.html", {"job": job})


@require_http_methods(["GET", "POST"])
@login_required
def bulk_export(request: HttpRequest) -> HttpResponse:
    """Choose a table, format and scope; the export runs in the background."""
    organisations = job_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = BulkExportForm(
        request.POST or None,
        organisations=organisations,
        departments=visible_departments(request.user).order_by("name"),
    )
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "jobs/bulk_export.html", {"form": form}, status=status)
    data = form.cleaned_data
    department = data["department"]
    choice = Choice(
        table=data["table"],
        format=data["format"],
        year=data["year"],
        department=department.pk if department else None,
        kind=data["kind"] or "",
    )
    label = TableKind(choice.table).label
    owner_pk = request.user.pk
    if owner_pk is None:
        raise PermissionDenied
    job = Job.objects.create(
        owner_id=owner_pk,
        organisation=data["organisation"],
        kind=Job.Kind.BULK_EXPORT,
        upload_name=f"{label}-{choice.year or _('全部年度')}-{choice.format}"[:255],
        params=choice.params(),
    )
    return _enqueued(job, run_bulk_export)


def _enqueued(job: Job, task: Any) -> HttpResponse:
    """Queue the job's task and show the job; a queue that refuses it fails the job, saying so."""
    try:
        task.enqueue(job.pk)
    except Exception:
        logger.exception("could not enqueue job %s", job.pk)
        job.status = Job.Status.FAILED
        job.message = _("无法加入后台队列，请稍后重试")
        job.save(update_fields=["status", "message"])
    return redirect("jobs:detail", pk=job.pk)


@require_GET
@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job(request.user, pk)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=job.result_filename, content_type=job.result_mimetype
    )
