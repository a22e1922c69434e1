"""The evaluation grid built in Python (evaluations/detail_rows.py): the same cells, inputs,
htmx targets and escaping the template had, for editors and for readers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import document_rows

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
pytestmark = pytest.mark.django_db
MARKUP = """<b onmouseover="x">'A' & B</b>"""
ESCAPED = "&lt;b onmouseover=&quot;x&quot;&gt;&#x27;A&#x27; &amp; B&lt;/b&gt;"


@pytest.fixture
def world() -> None:
    demo.load(SEEDS)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=demo.DEMO_PASSWORD)
    return client


def industry() -> Evaluation:
    return Evaluation.objects.get(project="产业发展及结构调整经费")


def row_key(evaluation: Evaluation, name: str) -> str:
    return next(k for k, r in document_rows(evaluation.document).items() if r["name"] == name)


class Grid(HTMLParser):
    """The cells of each ``<tr>`` of the grid's body, and the attributes of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.in_body = False
        self.rows: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append({"id": values.get("id"), "key": values.get("data-key"), "cells": 0})
            self.rows[-1]["inputs"] = []
        elif self.in_body and tag == "td" and self.rows:
            self.rows[-1]["cells"] += 1  # type: ignore[operator]
        elif self.in_body and tag in {"input", "button"} and self.rows:
            self.rows[-1]["inputs"].append(values)  # type: ignore[union-attr]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False


def grid_of(html: str) -> list[dict[str, object]]:
    body = html[html.index('<table class="grid tree">') :]
    parser = Grid()
    parser.feed(body[: body.index("</table>") + len("</table>")])
    return parser.rows


def test_every_row_has_its_cells_for_readers_and_editors(world: None) -> None:
    evaluation = industry()
    keys = list(document_rows(evaluation.document))
    for username, cells in (("jx_viewer", 8), ("jx_reviewer", 8), ("jx_editor", 9)):
        rows = grid_of(client_for(username).get(f"/evaluations/{evaluation.pk}/").content.decode())
        assert [row["key"] for row in rows] == keys
        assert [row["id"] for row in rows] == [f"row-{n}" for n in range(1, len(keys) + 1)]
        assert {row["cells"] for row in rows} == {cells}, username
        if cells == 8:
            assert all(not row["inputs"] for row in rows)


def test_an_editors_row_posts_each_change_to_its_own_urls_with_the_version(world: None) -> None:
    evaluation = industry()
    key = row_key(evaluation, "培训人数(人)")
    rows = grid_of(client_for("jx_editor").get(f"/evaluations/{evaluation.pk}/").content.decode())
    row = next(r for r in rows if r["key"] == key)
    posts = {
        (i.get("name") or i.get("title")): i["hx-post"]
        for i in row["inputs"]  # type: ignore[union-attr]
    }
    base = f"/evaluations/{evaluation.pk}/rows/{key}/"
    for field in ("target", "actual", "deviation_note", "rationale", "manual_score"):
        assert posts[field] == base
    assert posts["weight"] == base + "weight/"
    assert posts["name"] == base + "rename/"
    assert posts["上移"] == posts["下移"] == base + "move/"
    assert posts["删除"] == base + "remove/"
    for control in row["inputs"]:  # type: ignore[union-attr]
        assert f'"version": "{evaluation.version}"' in control["hx-vals"]
        assert control["hx-target"] == "#evaluation-body"
    directions = [c["hx-vals"] for c in row["inputs"] if c.get("title") in {"上移", "下移"}]  # type: ignore[union-attr]
    assert ['"direction": "up"' in directions[0], '"direction": "down"' in directions[1]] == [
        True,
        True,
    ]
    removal = next(c for c in row["inputs"] if c.get("title") == "删除")  # type: ignore[union-attr]
    assert removal["hx-confirm"] == "删除指标“培训人数(人)”及其全部下级指标？"


def test_the_first_of_its_siblings_cannot_move_up(world: None) -> None:
    evaluation = industry()
    rows = grid_of(client_for("jx_editor").get(f"/evaluations/{evaluation.pk}/").content.decode())
    first = rows[0]["inputs"]
    up = next(c for c in first if c.get("title") == "上移")  # type: ignore[union-attr]
    down = next(c for c in first if c.get("title") == "下移")  # type: ignore[union-attr]
    assert "disabled" in up and "disabled" not in down


def test_what_users_typed_is_escaped_in_inputs_and_cells(world: None) -> None:
    evaluation = industry()
    key = row_key(evaluation, "培训人数(人)")
    editor = client_for("jx_editor")
    answer = editor.post(
        f"/evaluations/{evaluation.pk}/rows/{key}/",
        {"version": evaluation.version, "deviation_note": MARKUP, "rationale": MARKUP},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert MARKUP not in answer
    assert f'name="deviation_note" value="{ESCAPED}"' in answer
    assert f'name="rationale" value="{ESCAPED}"' in answer
    reader = client_for("jx_viewer").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert MARKUP not in reader
    assert f"<td>{ESCAPED}</td>" in reader
    assert re.search(rf'<div class="rationale">[^<]*：{re.escape(ESCAPED)}</div>', reader)


def test_the_grid_speaks_the_users_language(world: None) -> None:
    evaluation = industry()
    client = client_for("jx_editor")
    client.post("/i18n/setlang/", {"language": "en", "next": "/evaluations/"})
    page = client.get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert 'aria-label="Actual"' in page
    assert "Reason for manual score (required)" in page
    assert "人工评分理由（必填）" not in page


def test_the_export_menu_links_every_table_and_format(world: None) -> None:
    evaluation = industry()
    page = client_for("jx_editor").get(f"/evaluations/{evaluation.pk}/").content.decode()
    menu = page[page.index('<details class="exports">') :]
    menu = menu[: menu.index("</details>")]
    hrefs = re.findall(r'href="([^"]+)"', menu)
    base = f"/evaluations/{evaluation.pk}"
    assert hrefs == [
        f"{base}/export/self.xlsx",
        f"{base}/export/self.docx",
        f"{base}/export/self.pdf",
        f"{base}/export/scoring.xlsx",
        f"{base}/export/scoring.docx",
        f"{base}/export/score_sheet.xlsx",
        f"{base}/export/score_sheet.docx",
        f"{base}/export/score_sheet.pdf",
        f"{base}/export/completion.xlsx",
        f"{base}/export/completion.docx",
        f"{base}/export/completion.pdf",
        f"{base}/report.docx",
        f"{base}/report.pdf",
    ]
    assert "<tr><th>得分表</th>" in menu
    assert 'aria-label="得分表 (PDF)">PDF</a>' in menu
    for href in hrefs[:2]:
        assert client_for("jx_editor").get(href).status_code == 200
