"""Rule sets entered in the Django admin: checked like the shipped tables, written where every
process reads them, chosen by region like the shipped ones, removed with their row."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from jixiao.io import rulesets
from jixiao.web.rulesets.models import RuleSetTable

SICHUAN = """\
extends = "national"
name = "sichuan"
version = "2023.1"
title = "四川省规则（示例）"
regions = ["四川"]
grade_caps = [{ below = 80, best = "良" }]
"""
ADD = "/admin/rulesets/rulesettable/add/"
JIANGYOU = "四川省绵阳市江油市"


@pytest.fixture(autouse=True)
def clean_directory() -> Iterator[Path]:
    folder: Path = settings.JIXIAO_RULESETS_DIR
    yield folder
    for path in folder.glob("*.toml"):
        rulesets.remove_table(folder, path.stem)


@pytest.fixture
def admin_client(db: None) -> Client:
    get_user_model().objects.create_superuser("root", password="root-pass-9")
    client = Client()
    client.login(username="root", password="root-pass-9")
    return client


def test_a_table_entered_in_the_admin_is_chosen_for_its_region(
    admin_client: Client, django_capture_on_commit_callbacks
) -> None:
    assert rulesets.select(JIANGYOU, 2023).name == "national"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD, {"name": "sichuan", "toml": SICHUAN})
    assert response.status_code == 302
    assert (settings.JIXIAO_RULESETS_DIR / "sichuan.toml").read_text(encoding="utf-8") == SICHUAN
    chosen = rulesets.select(JIANGYOU, 2023)
    assert (chosen.name, chosen.title) == ("sichuan", "四川省规则（示例）")
    listing = admin_client.get("/admin/rulesets/rulesettable/").content.decode()
    assert "四川省规则（示例）" in listing and "2023.1" in listing

    table = RuleSetTable.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/rulesets/rulesettable/{table.pk}/delete/", {"post": "yes"})
    assert not RuleSetTable.objects.exists()
    assert not (settings.JIXIAO_RULESETS_DIR / "sichuan.toml").exists()
    assert rulesets.select(JIANGYOU, 2023).name == "national"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = ", "TOML 格式错误"),
        (SICHUAN.replace('"national"', '"nowhere"'), "未知规则集"),
        (SICHUAN.replace('name = "sichuan"', 'name = "hubei"'), "不一致"),
    ],
)
def test_a_bad_table_is_refused_in_chinese_and_nothing_is_written(
    admin_client: Client, django_capture_on_commit_callbacks, text: str, message: str
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD, {"name": "sichuan", "toml": text})
    assert response.status_code == 200 and message in response.content.decode()
    assert not RuleSetTable.objects.exists()
    assert not list(settings.JIXIAO_RULESETS_DIR.glob("*.toml"))


def test_only_administrators_reach_the_rule_sets(db: None) -> None:
    get_user_model().objects.create_user("staff", password="staff-pass-9", is_staff=True)
    client = Client()
    client.login(username="staff", password="staff-pass-9")
    assert client.get(ADD).status_code == 403  # staff without the model permission
    assert Client().get(ADD).status_code == 302  # anonymous: to the admin login


def test_sync_makes_the_directory_match_the_database(db: None) -> None:
    folder: Path = settings.JIXIAO_RULESETS_DIR
    RuleSetTable.objects.create(name="sichuan", toml=SICHUAN)  # no commit: no file yet
    rulesets.write_table(folder, "stale", SICHUAN.replace("sichuan", "stale"))
    out = StringIO()
    call_command("sync_rulesets", stdout=out)
    assert "1 个" in out.getvalue()
    assert sorted(path.stem for path in folder.glob("*.toml")) == ["sichuan"]
