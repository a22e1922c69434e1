"""The jobs app: a batch audit of an uploaded zip, run as a background task (inline here:
test_settings uses the immediate backend), its progress page and its download."""

from __future__ import annotations

import io
import zipfile
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from web_world import SEEDS, World

from jixiao.web.jobs import forms as job_forms
from jixiao.web.jobs.models import STALE_AFTER, Job
from jixiao.web.jobs.tasks import INTERRUPTED, NOT_ALLOWED, run_batch_audit
from jixiao.web.orgs.models import Membership

UPLOAD = "/jobs/batch-audit/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seeds_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for seed in sorted(SEEDS.glob("*.yaml")):
            zf.write(seed, seed.name)
    return buffer.getvalue()


def upload(client: Client, name: str, content: bytes, **extra):
    return client.post(UPLOAD, {"archive": SimpleUploadedFile(name, content)}, **extra)


def test_upload_runs_the_audit_and_the_workbook_downloads(world: World, login, media) -> None:
    client = login(world.owner)
    assert "批量审核" in client.get(UPLOAD).content.decode()
    response = upload(client, "嘉兴案例.zip", seeds_zip())
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.progress_done, job.progress_total) == ("done", 8, 8)
    assert job.owner_id == world.owner.pk and job.organisation_id == world.department.pk
    assert not job.upload  # the uploaded zip is not kept
    assert not list((media / "jobs" / "uploads").glob("*"))
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已完成" in page and f"/jobs/{job.pk}/download/" in page
    assert 'hx-trigger="every 1s"' not in page  # polling stops once done
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert quote("嘉兴案例-审核.xlsx") in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book["汇总"].max_row == 9
    assert book["无法读取"].max_row == 1
    assert any(
        r[0].endswith("industry-self.yaml") for r in book["问题明细"].iter_rows(values_only=True)
    )
    listing = client.get("/jobs/").content.decode()
    assert f"/jobs/{job.pk}/" in listing and "嘉兴案例.zip" in listing


def test_a_running_job_polls_its_progress_every_second(world: World, login) -> None:
    job = Job.objects.create(
        owner=world.owner,
        organisation=world.department,
        kind=Job.Kind.BATCH_AUDIT,
        status=Job.Status.RUNNING,
        progress_done=3,
        progress_total=8,
    )
    client = login(world.owner)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/progress/"):
        page = client.get(url).content.decode()
        assert f'hx-get="/jobs/{job.pk}/progress/"' in page
        assert 'hx-trigger="every 1s"' in page
        assert "3 / 8" in page and 'value="37"' in page
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404  # not done yet


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cases.txt", b"hello", "只能上传 .zip 压缩包"),
        ("cases.yaml", b"format: jixiao-case/1\n", "只能上传 .zip 压缩包"),
        ("fake.zip", b"%PDF-1.4 not a zip", "文件内容不是 zip 压缩包"),
        ("empty.zip", b"", "上传的文件是空的"),
    ],
)
def test_a_non_zip_upload_is_refused(world: World, login, name, content, message) -> None:
    response = upload(login(world.owner), name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_an_oversized_upload_is_refused(world: World, login, monkeypatch) -> None:
    client = login(world.owner)
    monkeypatch.setattr(job_forms, "MAX_ZIP_BYTES", 100)
    response = upload(client, "big.zip", seeds_zip())
    assert response.status_code == 400 and "压缩包过大" in response.content.decode()
    monkeypatch.undo()
    # declared too large: refused before the body is read
    response = upload(client, "big.zip", seeds_zip(), CONTENT_LENGTH=str(300 * 1024 * 1024))
    assert response.status_code == 413 and "压缩包过大" in response.content.decode()
    assert not Job.objects.exists()


def test_a_failed_job_says_why(world: World, login) -> None:
    client = login(world.owner)
    broken = seeds_zip()[:200]  # starts like a zip, then stops
    upload(client, "broken.zip", broken)
    job = Job.objects.get()
    assert job.status == "failed"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "任务失败" in page and "不是有效的 zip 压缩包" in page
    assert "/download/" not in page
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_only_the_owner_sees_a_job(world: World, login) -> None:
    upload(login(world.owner), "cases.zip", seeds_zip())
    job = Job.objects.get()
    for user in (world.viewer, world.reviewer, world.outsider, world.evaluator, world.nobody):
        client = login(user)
        for suffix in ("", "progress/", "download/"):
            assert client.get(f"/jobs/{job.pk}/{suffix}").status_code == 404, (user, suffix)
        assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()


def test_anonymous_is_sent_to_login(world: World, login) -> None:
    job = Job.objects.create(
        owner=world.owner, organisation=world.department, kind=Job.Kind.BATCH_AUDIT
    )
    client = login(None)
    for url in ("/jobs/", UPLOAD, f"/jobs/{job.pk}/", f"/jobs/{job.pk}/download/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = upload(client, "cases.zip", seeds_zip())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Job.objects.count() == 1


def test_without_a_membership_no_upload(world: World, login) -> None:
    client = login(world.nobody)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, "cases.zip", seeds_zip()).status_code == 403
    assert not Job.objects.exists()


def test_the_task_checks_permission_again(world: World) -> None:
    job = Job.objects.create(
        owner=world.owner, organisation=world.department, kind=Job.Kind.BATCH_AUDIT
    )
    job.upload.save("x.zip", ContentFile(seeds_zip()))
    Membership.objects.filter(user=world.owner).delete()
    run_batch_audit.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", NOT_ALLOWED)
    assert not job.result and not job.upload


def test_the_upload_needs_the_csrf_token(world: World, login) -> None:
    client = login(world.owner, enforce_csrf_checks=True)
    assert upload(client, "cases.zip", seeds_zip()).status_code == 403
    assert not Job.objects.exists()


def _running(world: World, **times) -> Job:
    job = Job.objects.create(
        owner=world.owner,
        organisation=world.department,
        kind=Job.Kind.BATCH_AUDIT,
        status=Job.Status.RUNNING,
        progress_done=3,
        progress_total=8,
    )
    Job.objects.filter(pk=job.pk).update(**times)
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_went_silent_fails_with_the_reason(world: World, login) -> None:
    now = timezone.now()
    silent = _running(world, started=now - STALE_AFTER * 2, heartbeat=now - STALE_AFTER * 2)
    busy = _running(world, started=now - STALE_AFTER * 2, heartbeat=now)
    client = login(world.owner)
    page = client.get(f"/jobs/{silent.pk}/progress/").content.decode()
    assert INTERRUPTED in page and 'hx-trigger="every 1s"' not in page
    silent.refresh_from_db()
    assert (silent.status, silent.message) == ("failed", INTERRUPTED)
    assert silent.finished is not None
    client.get("/jobs/")
    busy.refresh_from_db()
    assert busy.status == "running"  # it still reports progress


def test_another_users_silent_job_is_left_to_them(world: World, login) -> None:
    old = timezone.now() - STALE_AFTER * 2
    silent = _running(world, started=old, heartbeat=old)
    login(world.viewer).get("/jobs/")
    assert login(world.viewer).get(f"/jobs/{silent.pk}/progress/").status_code == 404
    silent.refresh_from_db()
    assert silent.status == "running"


def test_starting_the_worker_fails_every_running_job(world: World) -> None:
    fresh = _running(world)
    queued = Job.objects.create(
        owner=world.owner, organisation=world.department, kind=Job.Kind.BATCH_AUDIT
    )
    out = StringIO()
    call_command("fail_interrupted_jobs", "--all", stdout=out)
    assert "1 个" in out.getvalue()
    fresh.refresh_from_db()
    queued.refresh_from_db()
    assert (fresh.status, queued.status) == ("failed", "queued")


def test_progress_is_a_heartbeat(world: World, login) -> None:
    upload(login(world.owner), "cases.zip", seeds_zip())
    job = Job.objects.get()
    assert job.status == "done" and job.heartbeat is not None


# Bulk export --------------------------------------------------------------------------------


def bulk(client: Client, **data):
    form = {"table": "self", "format": "xlsx", "year": "", "department": "", "kind": ""}
    form.update(data)
    return client.post("/jobs/export/", form)


def archive_of(client: Client, job: Job) -> zipfile.ZipFile:
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))


def test_bulk_export_zips_what_the_user_may_see(world: World, login) -> None:
    client = login(world.owner)
    assert client.get("/jobs/export/").status_code == 200
    response = bulk(client, organisation=world.department.pk)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.status, job.progress_done, job.progress_total) == (
        "bulk_export",
        "done",
        2,
        2,
    )
    assert job.message == "已导出 2 份"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "下载压缩包" in page and "2 / 2 份评价" in page
    names = archive_of(client, job).namelist()
    assert sorted(int(name.split("-")[0]) for name in names) == sorted(
        [world.jx.pk, world.unit_eval.pk]
    )  # not 湘潭's
    book = load_workbook(io.BytesIO(archive_of(client, job).read(names[0])))
    assert "项目支出绩效自评表" in str(book.active["A1"].value)


def test_bulk_export_lists_what_it_could_not_export(world: World, login) -> None:
    world.unit_eval.document = {"format": "jixiao-case/1", "type": "evaluation", "meta": {}}
    world.unit_eval.save(update_fields=["document"])
    client = login(world.owner)
    bulk(client, organisation=world.department.pk, format="docx")
    job = Job.objects.get()
    assert job.status == "done" and "1 份无法导出" in job.message
    archive = archive_of(client, job)
    failures = archive.read("无法导出.txt").decode()
    assert f"评价 {world.unit_eval.pk}" in failures
    assert [n for n in archive.namelist() if n.endswith(".docx")] == [
        n for n in archive.namelist() if n.startswith(f"{world.jx.pk}-")
    ]


def test_bulk_export_scope_and_refusals(world: World, login) -> None:
    # a department the user may not see cannot be chosen
    response = bulk(login(world.outsider), department=world.department.pk)
    assert response.status_code == 400 and "所选单位不存在或您无权查看" in response.content.decode()
    # nothing matches: the job fails and says why
    bulk(login(world.owner), organisation=world.department.pk, year="2001")
    job = Job.objects.get()
    assert (job.status, job.message) == ("failed", "没有符合条件、您可以查看的评价")
    # no membership: no export at all; anonymous: to the login page
    assert login(world.nobody).get("/jobs/export/").status_code == 403
    assert bulk(login(world.nobody)).status_code == 403
    assert login(None).get("/jobs/export/").status_code == 302
    # someone else's export is not theirs to see
    assert login(world.viewer).get(f"/jobs/{job.pk}/").status_code == 404
    assert Job.objects.count() == 1


def test_bulk_export_checks_permission_again_when_it_runs(world: World) -> None:
    from jixiao.web.jobs.tasks import run_bulk_export

    job = Job.objects.create(
        owner=world.owner,
        organisation=world.department,
        kind=Job.Kind.BULK_EXPORT,
        params={"table": "self", "format": "xlsx"},
    )
    Membership.objects.filter(user=world.owner).delete()
    run_bulk_export.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", NOT_ALLOWED)
    assert not job.result
