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


# --- 绩效评价得分表 and 指标完成情况表 -------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "viewer", "reviewer"])
def test_score_sheet_for_those_who_may_export(world, login, who) -> None:
    response = login(getattr(world, who)).get(url(world.jx, "score_sheet", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    name = "产业发展及结构调整经费-绩效评价得分表.xlsx"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][-4:] == ("指标解释", "指标分值", "指标得分", "扣分理由")
    total = next(row for row in rows if row[0] == "合计")
    assert total[-3:-1] == (100, float(world.jx.computed_total))


def test_completion_table_for_the_xiangtan_owner_as_word(world, login) -> None:
    # ``outsider`` is the 湘潭 department's editor: the owner of ``xt`` (seed 001)
    response = login(world.outsider).get(url(world.xt, "completion", "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    table = Document(BytesIO(response.content)).tables[0]
    assert [c.text for c in table.rows[0].cells][:5] == [
        "一级指标",
        "分值",
        "二级指标",
        "分值",
        "三级指标",
    ]
    assert [c.text for c in table.rows[-1].cells] == [
        "合计",
        "100",
        "",
        "100",
        "",
        "",
        "",
        "100",
        "100",
    ]


def test_the_assigned_evaluator_exports_the_completion_table(world, login) -> None:
    assert login(world.evaluator).get(url(world.xt, "completion", "xlsx")).status_code == 200


@pytest.mark.parametrize(
    ("who", "evaluation", "table"),
    [
        ("outsider", "jx", "score_sheet"),
        ("nobody", "jx", "completion"),
        ("unit_editor", "jx", "score_sheet"),
        ("owner", "xt", "completion"),
        ("reviewer", "xt", "score_sheet"),
        ("evaluator", "jx", "completion"),
    ],
)
def test_those_who_may_not_see_it_get_404_for_the_new_sheets(
    world, login, who, evaluation, table
) -> None:
    target = url(getattr(world, evaluation), table, "docx")
    assert login(getattr(world, who)).get(target).status_code == 404


def test_detail_page_links_the_new_sheets(world, login) -> None:
    html = (
        login(world.viewer).get(reverse("evaluations:detail", args=[world.jx.pk])).content.decode()
    )
    for table in ("score_sheet", "completion"):
        for fmt in ("xlsx", "docx", "pdf"):
            assert f'href="{url(world.jx, table, fmt)}"' in html
