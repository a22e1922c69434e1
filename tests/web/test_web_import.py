"""Importing a 自评表 (.xlsx/.docx) from the web: upload → preview (nothing saved) → confirm."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from web_world import World

from jixiao.web.evaluations import import_views
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.history.models import ActionLog
from jixiao.web.orgs.models import Membership
from jixiao.web.orgs.roles import Role
from selfeval_tables import write_docx, write_xlsx, zhuzhou

UPLOAD = "/evaluations/import/"
CONFIRM = "/evaluations/import/confirm/"
WRITERS = {".xlsx": write_xlsx, ".docx": write_docx}


def table_bytes(tmp_path: Path, suffix: str, layout=None) -> bytes:
    path = WRITERS[suffix](tmp_path / f"004{suffix}", layout or zhuzhou())
    return path.read_bytes()


def upload(client: Client, owner_pk: int, name: str, content: bytes, **extra):
    data = {"owner": owner_pk, "upload": SimpleUploadedFile(name, content)}
    return client.post(UPLOAD, data, **extra)


def token_of(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no token in the preview"
    return match.group(1)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_preview_then_confirm_creates_one_evaluation(
    world: World, login, tmp_path: Path, suffix: str
) -> None:
    before = Evaluation.objects.count()
    client = login(world.owner)
    page = client.get(UPLOAD)
    assert page.status_code == 200 and "导入自评表" in page.content.decode()
    response = upload(
        client, world.department.pk, f"株洲温暖企业{suffix}", table_bytes(tmp_path, suffix)
    )
    html = response.content.decode()
    assert response.status_code == 200, html
    assert '<strong id="total">95.99</strong>' in html
    assert "确认导入" in html and "取消" in html
    assert "开展主题活动" in html and "三级" in html and "企业满意率" in html
    assert Evaluation.objects.count() == before  # nothing saved by the preview

    response = client.post(CONFIRM, {"token": token_of(html), "confirm": "1"})
    assert Evaluation.objects.count() == before + 1
    evaluation = Evaluation.objects.order_by("-pk").first()
    assert evaluation is not None
    assert response.status_code == 302 and response["Location"] == f"/evaluations/{evaluation.pk}/"
    assert evaluation.owner_id == world.department.pk
    assert evaluation.computed_total == Decimal("95.99")
    assert evaluation.project == "温暖企业行动" and evaluation.year == 2020
    log = ActionLog.objects.get(evaluation=evaluation)
    assert log.action == "jixiao.evaluation.imported" and log.user_id == world.owner.pk
    assert log.data["file"] == f"株洲温暖企业{suffix}"
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == 200

    # the token is used up: a second confirm creates nothing
    again = client.post(CONFIRM, {"token": token_of(html), "confirm": "1"})
    assert again.status_code == 400 and "导入已过期或不存在" in again.content.decode()
    assert Evaluation.objects.count() == before + 1


def test_cancel_discards_the_preview(world: World, login, tmp_path: Path) -> None:
    before = Evaluation.objects.count()
    client = login(world.owner)
    html = upload(client, world.department.pk, "a.xlsx", table_bytes(tmp_path, ".xlsx")).content
    token = token_of(html.decode())
    response = client.post(CONFIRM, {"token": token, "cancel": "1"})
    assert response.status_code == 302 and response["Location"] == "/evaluations/"
    response = client.post(CONFIRM, {"token": token, "confirm": "1"})
    assert response.status_code == 400
    assert Evaluation.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "不支持的文件类型 .txt"),
        ("empty.xlsx", b"", "上传的文件是空的"),
        ("fake.xlsx", b"this is not a zip file", "文件已损坏或不是 Excel/Word 文件"),
        ("fake.docx", b"%PDF-1.7 not an office file", "文件已损坏或不是 Excel/Word 文件"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "无法打开"),
    ],
)
def test_bad_files_are_refused_in_chinese(
    world: World, login, name: str, content: bytes, message: str
) -> None:
    before = Evaluation.objects.count()
    response = upload(login(world.owner), world.department.pk, name, content)
    html = response.content.decode()
    assert response.status_code == 400 and message in html, html
    assert "确认导入" not in html
    assert Evaluation.objects.count() == before


def test_an_unreadable_cell_is_named_by_row_and_column(world: World, login, tmp_path: Path) -> None:
    layout = zhuzhou()
    row = next(r for r, cells in enumerate(layout.rows) if "交办解决企业问题" in cells)
    layout.rows[row][6] = "五分"
    before = Evaluation.objects.count()
    response = upload(
        login(world.owner), world.department.pk, "坏表.xlsx", table_bytes(tmp_path, ".xlsx", layout)
    )
    html = response.content.decode()
    assert response.status_code == 400, html
    assert "“五分”不是可识别的数字" in html
    assert "坏表.xlsx" in html and f"第 {row + 1} 行" in html and "分值" in html
    assert "jixiao-import-" not in html  # the temporary copy's path is never shown
    assert Evaluation.objects.count() == before


def test_an_oversized_upload_is_refused(world: World, login, tmp_path: Path, monkeypatch) -> None:
    client = login(world.owner)
    content = table_bytes(tmp_path, ".xlsx")
    monkeypatch.setattr(import_views, "MAX_UPLOAD_BYTES", 100)
    response = upload(client, world.department.pk, "big.xlsx", content)
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    monkeypatch.undo()
    # declared too large: refused before the body is read
    response = upload(
        client, world.department.pk, "big.xlsx", content, CONTENT_LENGTH=str(30 * 1024 * 1024)
    )
    assert response.status_code == 413 and "文件过大：上限 20 MB" in response.content.decode()
    assert not Evaluation.objects.filter(project="温暖企业行动").exists()


def test_confirm_with_an_unknown_or_expired_token_creates_nothing(
    world: World, login, tmp_path: Path, monkeypatch
) -> None:
    before = Evaluation.objects.count()
    client = login(world.owner)
    for token in ("", "no-such-token"):
        response = client.post(CONFIRM, {"token": token, "confirm": "1"})
        assert response.status_code == 400 and "导入已过期或不存在" in response.content.decode()
    html = upload(client, world.department.pk, "a.xlsx", table_bytes(tmp_path, ".xlsx")).content
    monkeypatch.setattr(import_views, "PENDING_SECONDS", 0)
    response = client.post(CONFIRM, {"token": token_of(html.decode()), "confirm": "1"})
    assert response.status_code == 400 and "导入已过期或不存在" in response.content.decode()
    assert Evaluation.objects.count() == before


def test_a_token_belongs_to_its_session(world: World, login, tmp_path: Path) -> None:
    before = Evaluation.objects.count()
    html = upload(
        login(world.owner), world.department.pk, "a.xlsx", table_bytes(tmp_path, ".xlsx")
    ).content.decode()
    other = login(world.unit_editor)
    response = other.post(CONFIRM, {"token": token_of(html), "confirm": "1"})
    assert response.status_code == 400
    assert Evaluation.objects.count() == before


def test_an_organisation_the_user_cannot_create_for_is_refused(
    world: World, login, tmp_path: Path
) -> None:
    before = Evaluation.objects.count()
    client = login(world.owner)
    response = upload(client, world.xiangtan.pk, "a.xlsx", table_bytes(tmp_path, ".xlsx"))
    assert response.status_code == 400 and "您不能为该单位创建评价" in response.content.decode()
    # the form offers only the user's own organisations
    page = client.get(UPLOAD).content.decode()
    assert world.department.name in page and world.xiangtan.name not in page
    assert Evaluation.objects.count() == before


def test_the_owner_is_checked_again_at_confirm(world: World, login, tmp_path: Path) -> None:
    extra = Membership.objects.create(user=world.owner, organisation=world.unit, role=Role.EDITOR)
    before = Evaluation.objects.count()
    client = login(world.owner)
    html = upload(client, world.unit.pk, "a.xlsx", table_bytes(tmp_path, ".xlsx")).content
    extra.delete()  # the membership is gone before the user confirms
    response = client.post(CONFIRM, {"token": token_of(html.decode()), "confirm": "1"})
    assert response.status_code == 403
    assert Evaluation.objects.count() == before


@pytest.mark.parametrize("persona", ["viewer", "evaluator", "nobody"])
def test_users_who_cannot_create_get_403(world: World, login, persona: str) -> None:
    client = login(getattr(world, persona))
    assert client.get(UPLOAD).status_code == 403
    assert client.post(CONFIRM, {"token": "x", "confirm": "1"}).status_code == 403


def test_anonymous_users_are_sent_to_login(world: World, login) -> None:
    client = login(None)
    for response in (client.get(UPLOAD), client.post(CONFIRM, {"token": "x"})):
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_links_to_the_import(world: World, login) -> None:
    html = login(world.owner).get("/evaluations/").content.decode()
    assert f'href="{UPLOAD}"' in html and "导入自评表" in html
