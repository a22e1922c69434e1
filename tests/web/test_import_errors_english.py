"""A refused 自评表 upload (and a batch-audit job) explains itself in the page's language: English
when the user chose English (the core's message translated, the file, row and column named),
Chinese by default."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from web_world import SEEDS, World

from jixiao.core.text import Text
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.jobs.models import Job
from selfeval_tables import write_xlsx, zhuzhou

UPLOAD = "/evaluations/import/"


def choose(client: Client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": UPLOAD})
    assert response.status_code == 302


def bad_table(tmp_path: Path) -> tuple[bytes, int]:
    """The 株洲 table with the 分值 of one indicator written as words; the sheet row it is on."""
    layout = zhuzhou()
    row = next(r for r, cells in enumerate(layout.rows) if "交办解决企业问题" in cells)
    layout.rows[row][6] = "五分"
    return write_xlsx(tmp_path / "bad.xlsx", layout).read_bytes(), row + 1


def post(client: Client, owner: int, name: str, content: bytes) -> tuple[int, str]:
    data = {"owner": owner, "upload": SimpleUploadedFile(name, content)}
    response = client.post(UPLOAD, data)
    return response.status_code, response.content.decode()


def test_an_unreadable_cell_is_explained_in_english(world: World, login, tmp_path: Path) -> None:
    content, line = bad_table(tmp_path)
    client = login(world.owner)
    choose(client, "en")
    before = Evaluation.objects.count()
    status, html = post(client, world.department.pk, "bad-table.xlsx", content)
    assert status == 400, html
    assert '<html lang="en">' in html
    assert "Sheet" in html or "sheet" in html
    assert "“五分” in the “分值” column is not a number that can be read" in html, html
    assert "不是可识别的数字" not in html and "工作表" not in html
    assert "bad-table.xlsx" in html and f"row {line}" in html and "分值" in html
    assert Evaluation.objects.count() == before


def test_the_same_upload_is_explained_in_chinese_by_default(
    world: World, login, tmp_path: Path
) -> None:
    content, line = bad_table(tmp_path)
    client = login(world.owner)
    choose(client, "zh-hans")
    status, html = post(client, world.department.pk, "坏表.xlsx", content)
    assert status == 400, html
    assert "工作表「" in html and "：“分值”一栏的“五分”不是可识别的数字" in html, html
    assert "坏表.xlsx" in html and f"第 {line} 行" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "cannot open it: the file is damaged or not a valid Excel file"),
        ("zh-hans", "无法打开：文件已损坏或不是 Excel 文件"),
    ],
)
def test_a_damaged_workbook_is_explained_in_the_chosen_language(
    world: World, login, language: str, expected: str
) -> None:
    client = login(world.owner)
    choose(client, language)
    status, html = post(client, world.department.pk, "broken.xlsx", b"PK\x03\x04" + b"\x00" * 200)
    assert status == 400 and expected in html, html
    assert "broken.xlsx" in html


def test_a_workbook_without_a_table_names_the_sheets_in_english(
    world: World, login, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    assert book.active is not None
    book.active.title = "说明"
    book.active["A1"] = "这里没有自评表"
    book.create_sheet("附表")["B2"] = "也没有"
    path = tmp_path / "no-table.xlsx"
    book.save(path)
    client = login(world.owner)
    choose(client, "en")
    status, html = post(client, world.department.pk, "no-table.xlsx", path.read_bytes())
    assert status == 400, html
    assert "no project expenditure self-evaluation form found: none of" in html, html
    assert "sheet “说明”, sheet “附表” has a header row" in html, html


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seeds_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for seed in sorted(SEEDS.glob("*.yaml"))[:2]:
            package.write(seed, seed.name)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("language", "failed", "done"),
    [
        ("en", "broken.zip is not a valid zip archive, or it is damaged", "2 file(s) audited"),
        ("zh-hans", "broken.zip 不是有效的 zip 压缩包，或文件已损坏", "已审核 2 个文件"),
    ],
)
def test_a_batch_audit_job_explains_itself_in_the_chosen_language(
    world: World, login, media: Path, language: str, failed: str, done: str
) -> None:
    client = login(world.owner)
    choose(client, language)
    archive = {"archive": SimpleUploadedFile("broken.zip", seeds_zip()[:200])}
    assert client.post("/jobs/batch-audit/", archive).status_code == 302
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.message == "broken.zip 不是有效的 zip 压缩包，或文件已损坏"  # stored in Chinese
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert failed in page, page
    assert failed in client.get("/jobs/").content.decode()

    good = {"archive": SimpleUploadedFile("cases.zip", seeds_zip())}
    assert client.post("/jobs/batch-audit/", good).status_code == 302
    finished = Job.objects.exclude(pk=job.pk).get()
    assert finished.status == "done" and finished.message == "已审核 2 个文件"
    assert done in client.get(f"/jobs/{finished.pk}/").content.decode()


def test_a_kept_message_is_shown_only_while_it_matches_the_stored_one(world: World) -> None:
    job = Job(owner=world.owner, organisation=world.department, kind=Job.Kind.BATCH_AUDIT)
    job.set_message(Text("已审核 {files} 个文件", files="3"))
    assert job.message == "已审核 3 个文件" and type(job.message) is str
    assert isinstance(job.shown_message, Text)
    job.message = "别的说明"  # written without set_message: the kept template no longer applies
    assert job.shown_message == "别的说明" and not isinstance(job.shown_message, Text)
    job.set_message("普通说明")
    assert "message_text" not in job.params and job.shown_message == "普通说明"


def test_the_preview_names_the_sheet_in_english(world: World, login, tmp_path: Path) -> None:
    client = login(world.owner)
    choose(client, "en")
    content = write_xlsx(tmp_path / "good.xlsx", zhuzhou()).read_bytes()
    status, html = post(client, world.department.pk, "good.xlsx", content)
    assert status == 200, html
    assert "good.xlsx (sheet “" in html and "工作表「" not in html, html
