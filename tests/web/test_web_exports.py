"""Downloading the official tables of an evaluation: permission-checked like every export."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(evaluation, table: str = "self", fmt: str = "xlsx") -> str:
    return reverse("evaluations:export", args=[evaluation.pk, table, fmt])


def test_the_route() -> None:
    assert (
        reverse("evaluations:export", args=[7, "self", "xlsx"]) == "/evaluations/7/export/self.xlsx"
    )


@pytest.mark.parametrize("who", ["owner", "viewer", "reviewer"])
def test_those_who_may_export_download_the_self_evaluation(world, login, who) -> None:
    response = login(getattr(world, who)).get(url(world.jx))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    name = "产业发展及结构调整经费-项目支出绩效自评表.xlsx"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(name)}" in disposition
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None
    assert ws["A1"].value == "2021年度项目支出绩效自评表"
    assert ws["B3"].value == "产业发展及结构调整经费"
    total = next(row for row in ws.iter_rows(values_only=True) if row[0] == "总分")
    # the recomputed score of record (the page's 总分), not the printed 98.57 — noted below
    assert total[5:] == (100, float(world.jx.computed_total), "等级：优") == (100, 100, "等级：优")
    notes = [row[0] for row in ws.iter_rows(values_only=True) if str(row[0]).startswith("3.")]
    assert notes == ["3. 发布总分 98.57，重新计算为 100。"]


def test_scoring_table_as_word(world, login) -> None:
    response = login(world.owner).get(url(world.jx, "scoring", "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    name = "产业发展及结构调整经费-评价指标计分表.docx"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    table = Document(BytesIO(response.content)).tables[0]
    assert [c.text for c in table.rows[2].cells] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "权重",
        "评分标准",
        "评分结果",
        "得分",
    ]


@pytest.mark.parametrize("who", ["outsider", "nobody", "unit_editor"])
def test_those_who_may_not_see_it_get_404(world, login, who) -> None:
    assert login(getattr(world, who)).get(url(world.jx)).status_code == 404


def test_anonymous_is_sent_to_login(world, login) -> None:
    target = url(world.jx, "self", "docx")
    response = login(None).get(target)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={target}"


@pytest.mark.parametrize(
    ("table", "fmt"), [("summary", "xlsx"), ("nope", "xlsx"), ("self", "odt"), ("self", "xlsx.x")]
)
def test_unknown_or_unfitting_table_or_format_is_404(world, login, table, fmt) -> None:
    assert login(world.owner).get(url(world.jx, table, fmt)).status_code == 404


def test_unknown_evaluation_is_404(world, login) -> None:
    response = login(world.owner).get(reverse("evaluations:export", args=[999999, "self", "xlsx"]))
    assert response.status_code == 404


def test_post_is_refused(world, login) -> None:
    assert login(world.owner).post(url(world.jx)).status_code == 405


def test_detail_page_links_the_downloads(world, login) -> None:
    detail = reverse("evaluations:detail", args=[world.jx.pk])
    html = login(world.viewer).get(detail).content.decode()
    for table in ("self", "scoring"):
        for fmt in ("xlsx", "docx"):
            assert f'href="{url(world.jx, table, fmt)}"' in html
    assert f'href="{reverse("evaluations:audit_json", args=[world.jx.pk])}"' in html
