"""Downloading the evaluation report: permission-checked like every export."""

from __future__ import annotations

import subprocess
from io import BytesIO
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAME = "2021年度产业发展及结构调整经费绩效自评报告"


def url(evaluation, fmt: str = "docx") -> str:
    return reverse("evaluations:report", args=[evaluation.pk, fmt])


def test_the_route() -> None:
    assert reverse("evaluations:report", args=[7, "pdf"]) == "/evaluations/7/report.pdf"


@pytest.mark.parametrize("who", ["owner", "viewer"])
def test_those_who_may_export_download_the_report(world, login, who) -> None:
    response = login(getattr(world, who)).get(url(world.jx))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert f"filename*=utf-8''{quote(NAME + '.docx')}" in response["Content-Disposition"]
    document = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"项目评价得分{float(world.jx.computed_total):g}分" in text
    assert "六、其他需要说明的问题\n无。" in text
    assert len(document.inline_shapes) == 3
    assert len(document.tables) == 1


def test_the_pdf(world, login, tmp_path) -> None:
    response = login(world.owner).get(url(world.jx, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "评价结论及绩效分析" in text.replace(" ", "")


def test_the_page_links_to_the_report(world, login) -> None:
    page = login(world.owner).get(reverse("evaluations:detail", args=[world.jx.pk]))
    assert url(world.jx, "docx") in page.content.decode()
    assert url(world.jx, "pdf") in page.content.decode()


@pytest.mark.parametrize("who", ["outsider", "nobody", "unit_editor"])
def test_those_who_may_not_see_it_get_404(world, login, who) -> None:
    assert login(getattr(world, who)).get(url(world.jx)).status_code == 404


def test_anonymous_is_sent_to_login(world, login) -> None:
    target = url(world.jx)
    response = login(None).get(target)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={target}"


def test_an_unknown_format_is_404(world, login) -> None:
    assert login(world.owner).get(url(world.jx, "odt")).status_code == 404


def test_the_charts_are_pngs_for_whoever_may_view(world, login) -> None:
    owner = login(world.owner)
    for kind in ("scores", "budget", "completion"):
        response = owner.get(reverse("evaluations:chart", args=[world.jx.pk, kind]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    assert owner.get(reverse("evaluations:chart", args=[world.jx.pk, "nope"])).status_code == 404
    page = owner.get(reverse("evaluations:detail", args=[world.jx.pk])).content.decode()
    assert reverse("evaluations:chart", args=[world.jx.pk, "scores"]) in page
    outsider = login(world.outsider)
    assert (
        outsider.get(reverse("evaluations:chart", args=[world.jx.pk, "scores"])).status_code == 404
    )
