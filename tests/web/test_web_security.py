"""Production settings, login throttling and the settings' own refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

MANAGE = [sys.executable, "-m", "jixiao.web.manage"]


def production_env(**extra: str) -> dict[str, str]:
    dropped = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the e2e tests set the last
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="jixiao.web.settings",
        DEBUG="0",
        SECRET_KEY="x" * 60 + "-production-test-key-with-enough-entropy-9f3k2",
        ALLOWED_HOSTS="jixiao.example.gov.cn",
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(JIXIAO_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(JIXIAO_VAR_DIR=str(tmp_path))
    del env["SECRET_KEY"]
    result = subprocess.run(
        [*MANAGE, "check"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.fixture
def alice(db: None) -> object:
    cache.clear()
    return get_user_model().objects.create_user("alice", password="correct-horse-9")


def login(client: Client, password: str) -> str:
    response = client.post("/accounts/login/", {"username": "alice", "password": password})
    return response.content.decode() if response.status_code == 200 else "OK"


def test_repeated_failures_lock_the_account_even_with_the_right_password(alice: object) -> None:
    client = Client()
    for _ in range(5):
        assert "用户名或密码不正确" in login(client, "wrong")
    page = login(client, "correct-horse-9")
    assert "登录失败次数过多" in page and "15 分钟" in page


def test_a_success_before_the_limit_clears_the_count(alice: object) -> None:
    client = Client()
    for _ in range(4):
        login(client, "wrong")
    assert login(client, "correct-horse-9") == "OK"
    client.logout()
    for _ in range(4):
        login(client, "wrong")
    assert login(client, "correct-horse-9") == "OK"


def test_session_and_csrf_cookies_are_http_only_where_it_matters(alice: object) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-9"})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
