"""Background tasks (django-tasks): run by ``jixiao-web db_worker``, or inline under the
immediate backend in tests. Each receives a job id only and checks permission again."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from jixiao.core.text import Text, message_of
from jixiao.io.batch_audit import BatchError, audit_zip, workbook_bytes
from jixiao.web.jobs.bulk_export import FAILURES_NAME, BulkExportError, Choice, export_zip
from jixiao.web.jobs.models import Job
from jixiao.web.orgs.permissions import may_run_job

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress writes

# Messages are stored in Chinese; as core Texts they are also kept with their template
# (Job.set_message), so the pages show them in the reader's language (English: the imports
# catalog of core_text).
INTERNAL_ERROR = Text("处理时出现内部错误，请稍后重试或联系管理员")
NOT_ALLOWED = Text("提交人已无权执行此任务（账号已停用或已不属于该单位），任务未执行")
UPLOAD_MISSING = Text("上传的文件已不存在，请重新上传")
INTERRUPTED = Text("任务处理中断（后台任务进程已停止或重启），请重新提交")


def _fail(job: Job, message: str) -> None:
    job.status = Job.Status.FAILED
    job.set_message(message)
    job.finished = timezone.now()
    job.save(update_fields=["status", "message", "params", "finished"])


def _discard_upload(job: Job) -> None:
    if job.upload:
        job.upload.delete(save=False)
        Job.objects.filter(pk=job.pk).update(upload="")


def fail_interrupted(jobs: QuerySet[Job] | None = None, *, everything: bool = False) -> int:
    """Mark running jobs whose worker is gone as failed, saying why; returns how many.

    Stale ones (silent for ``STALE_AFTER``) by default; with ``everything``, every running job —
    for when the worker starts, since no job can be running before it does.
    """
    now = timezone.now()
    running = (Job.objects.all() if jobs is None else jobs).filter(status=Job.Status.RUNNING)
    ids = [job.pk for job in running if everything or job.is_stale(now)]
    for job in Job.objects.filter(pk__in=ids):
        _fail(job, INTERRUPTED)
        _discard_upload(job)
    return len(ids)


def _queued(job_id: int) -> Job | None:
    """The job if it is still waiting to run."""
    job = Job.objects.select_related("owner", "organisation").filter(pk=job_id).first()
    return job if job is not None and job.status == Job.Status.QUEUED else None


def _start(job: Job, *, needs_upload: bool = False) -> bool:
    """Check permission again (and the upload) and mark the job running; False (with the
    reason on the job) when it may not run."""
    if not may_run_job(job.owner, job):
        _fail(job, NOT_ALLOWED)
        return False
    if needs_upload and not job.upload:
        _fail(job, UPLOAD_MISSING)
        return False
    job.status = Job.Status.RUNNING
    job.started = timezone.now()
    job.save(update_fields=["status", "started"])
    return True


@task()
def run_batch_audit(job_id: int) -> None:
    """Audit the zip uploaded for ``job_id``; store the workbook on the job."""
    job = _queued(job_id)
    if job is None:
        return
    try:
        if _start(job, needs_upload=True):
            _run(job)
    except Exception:
        logger.exception("batch audit job %s failed", job_id)
        _fail(job, INTERNAL_ERROR)
    finally:
        _discard_upload(job)


@task()
def run_bulk_export(job_id: int) -> None:
    """Export the table chosen for ``job_id`` of every evaluation its owner may see, as a .zip."""
    job = _queued(job_id)
    if job is None:
        return
    try:
        if not _start(job):
            return
        try:
            content, written, failed = export_zip(
                job.owner, Choice.from_params(job.params), progress=_progress_writer(job)
            )
        except BulkExportError as error:
            _fail(job, message_of(error))
            return
        job.refresh_from_db(fields=["progress_done", "progress_total"])
        job.result.save(f"{uuid.uuid4().hex}.zip", ContentFile(content), save=False)
        job.status = Job.Status.DONE
        job.finished = timezone.now()
        job.set_message(
            Text(
                "已导出 {written} 份，{failed} 份无法导出（原因见压缩包内“{name}”）",
                written=str(written),
                failed=str(failed),
                name=FAILURES_NAME,
            )
            if failed
            else Text("已导出 {written} 份", written=str(written))
        )
        job.save(update_fields=["result", "status", "finished", "message", "params"])
    except Exception:
        logger.exception("bulk export job %s failed", job_id)
        _fail(job, INTERNAL_ERROR)


def _progress_writer(job: Job) -> Callable[[int, int], None]:
    """Progress to the job row at most every ``PROGRESS_EVERY`` seconds (and at both ends)."""
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done in (0, total) or now - last >= PROGRESS_EVERY:
            last = now
            Job.objects.filter(pk=job.pk).update(
                progress_done=done, progress_total=total, heartbeat=timezone.now()
            )

    return progress


def _run(job: Job) -> None:
    progress = _progress_writer(job)
    with tempfile.TemporaryDirectory(prefix="jixiao-job-") as tmp:
        archive = Path(tmp) / "upload.zip"
        try:
            with job.upload.open("rb") as source, archive.open("wb") as sink:
                shutil.copyfileobj(source, sink)
        except OSError:
            _fail(job, UPLOAD_MISSING)
            return
        try:
            result = audit_zip(archive, job.upload_name or "upload.zip", progress=progress)
        except BatchError as error:
            _fail(job, message_of(error))
            return
    job.refresh_from_db(fields=["progress_done", "progress_total"])
    job.result.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(workbook_bytes(result)), save=False)
    job.status = Job.Status.DONE
    job.finished = timezone.now()
    files = str(len(result.files))
    job.set_message(
        Text(
            "已审核 {files} 个文件，{unreadable} 个无法读取（见工作簿“无法读取”表）",
            files=files,
            unreadable=str(len(result.unreadable)),
        )
        if result.unreadable
        else Text("已审核 {files} 个文件", files=files)
    )
    job.save(update_fields=["result", "status", "finished", "message", "params"])
