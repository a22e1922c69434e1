"""With English chosen, the messages the core writes for allocations, subsidies, co-funding and
pilots read in English on the pages; in Chinese (the default) they are as before."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from jixiao.web.allocations import demo as allocation_demo
from jixiao.web.allocations.models import AllocationRun

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS = ["序号", "机构名称", "小微企业贷款融资担保业务月均余额（万元）", "年化担保费率（%）"]


def in_language(client: Client, language: str) -> Client:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    return client


def xlsx_upload(rows: list[list[object]]) -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("对象.xlsx", buffer.getvalue(), content_type=XLSX)


# Allocations -------------------------------------------------------------------------------


@pytest.fixture
def run(world) -> AllocationRun:  # type: ignore[no-untyped-def]
    return allocation_demo.load({allocation_demo.OWNER: world.department})


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "must be a number, got “三千”"),
        ("zh-hans", "须为数字，实为“三千”"),
    ],
)
def test_a_bad_allocation_import(
    world, login, run: AllocationRun, language: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login(world.owner), language)
    rows = [HEADINGS, [1, "甲担保公司", 100, 1.0], [2, "乙担保公司", "三千", 1.2]]
    response = client.post(
        reverse("allocations:import", args=[run.pk]), {"upload": xlsx_upload(rows)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    if language == "en":
        assert "须为数字" not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Row 3: “乙” lacks “年化担保费率”, which a condition needs"),
        ("zh-hans", "第 3 行：「乙」缺少条件所需的「年化担保费率」"),
    ],
)
def test_an_allocation_error_found_by_the_core(
    world, login, run: AllocationRun, language: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login(world.owner), language)
    rows = [HEADINGS, [1, "甲", 100, 1], [2, "乙", 50, None]]
    response = client.post(
        reverse("allocations:import", args=[run.pk]), {"upload": xlsx_upload(rows)}
    )
    assert response.status_code == 400
    assert words in response.content.decode()


def test_a_bad_factor_weight_reads_in_english(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login(world.owner), "en")
    response = client.post(
        reverse("allocations:settings", args=[run.pk]),
        {
            "name": run.name,
            "year": run.year,
            "pot": "904.03",
            "title": run.title,
            "candidate_label": run.candidate_label,
            "rounding": run.rounding,
            "attributes_text": "",
            "factors_text": "小微企业贷款融资担保业务月均余额 | 0.5",
            "rules_text": "",
        },
    )
    assert response.status_code == 400
    assert "The weights of the allocation factors must sum to 1, got 0.5" in (
        response.content.decode()
    )
