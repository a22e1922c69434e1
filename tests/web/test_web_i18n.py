"""zh-hans by default; English available from a complete catalog."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

WEB = Path(__file__).resolve().parents[2] / "src/jixiao/web"
CATALOGS = sorted(WEB.glob("**/locale/en/LC_MESSAGES/django.po"))


def test_every_app_catalog_is_found() -> None:
    assert WEB / "locale/en/LC_MESSAGES/django.po" in CATALOGS
    assert len(CATALOGS) >= 4  # the project's and the money-flow apps'


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(WEB)))
def test_the_english_catalog_is_complete_and_valid(catalog: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "translated" in result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.fixture
def client_in(db: None) -> Client:
    get_user_model().objects.create_user("alice", password="correct-horse-9")
    client = Client()
    client.login(username="alice", password="correct-horse-9")
    return client


def test_chinese_is_the_default(client_in: Client) -> None:
    page = client_in.get("/evaluations/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "绩效评价" in page and "没有可查看的绩效评价" in page


def test_a_user_can_switch_to_english_and_back(client_in: Client) -> None:
    response = client_in.post("/i18n/setlang/", {"language": "en", "next": "/evaluations/"})
    assert response.status_code == 302
    page = client_in.get("/evaluations/").content.decode()
    assert '<html lang="en">' in page
    assert "绩效评价" not in page.split("<main>")[1]
    client_in.post("/i18n/setlang/", {"language": "zh-hans", "next": "/evaluations/"})
    assert "没有可查看的绩效评价" in client_in.get("/evaluations/").content.decode()
