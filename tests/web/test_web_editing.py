"""Entering values, the version check, the workflow table and the action log."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation, Transition
from jixiao.web.evaluations.services import document_rows
from jixiao.web.history.models import ActionLog

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
pytestmark = pytest.mark.django_db


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


def post_row(client: Client, evaluation: Evaluation, key: str, **fields: object) -> str:
    data = {"version": evaluation.version, **fields}
    response = client.post(
        f"/evaluations/{evaluation.pk}/rows/{key}/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str, element: str) -> str:
    match = re.search(rf'id="{element}">([^<]+)<', html)
    assert match, html[:500]
    return match.group(1)


def test_entering_an_actual_rescores_and_returns_the_body(world: None) -> None:
    evaluation = industry()
    html = post_row(
        client_for("jx_editor"), evaluation, row_key(evaluation, "培训人数(人)"), actual="250"
    )
    # 250 of 500 → 12.5 of 25; total 100 → 87.5, grade 良
    assert shown(html, "total") == "87.50"
    assert shown(html, "grade") == "良"
    assert 'id="evaluation-body"' in html and "<html" not in html
    evaluation.refresh_from_db()
    assert evaluation.computed_total == Decimal("87.5")
    assert evaluation.version == 2


def test_a_stale_version_never_overwrites(world: None) -> None:
    evaluation = industry()
    key = row_key(evaluation, "培训人数(人)")
    editor, admin = client_for("jx_editor"), client_for("jx_admin")
    post_row(editor, evaluation, key, actual="250")
    html = post_row(admin, evaluation, key, actual="999")  # admin still holds version 1
    assert "已被他人修改" in html
    evaluation.refresh_from_db()
    assert document_rows(evaluation.document)[key]["actual"] == "250"


def test_an_invalid_value_changes_nothing_and_says_why(world: None) -> None:
    evaluation = industry()
    key = row_key(evaluation, "培训人数(人)")
    html = post_row(client_for("jx_editor"), evaluation, key, manual_score="5")
    assert "manual_reason" in html and 'role="alert"' in html
    evaluation.refresh_from_db()
    assert evaluation.version == 1
    assert "manual_score" not in document_rows(evaluation.document)[key]


def test_every_change_is_logged_with_before_and_after(world: None) -> None:
    evaluation = industry()
    post_row(client_for("jx_editor"), evaluation, row_key(evaluation, "培训人数(人)"), actual="250")
    entry = ActionLog.objects.get(evaluation=evaluation)
    assert entry.action == "jixiao.evaluation.row.changed"
    assert entry.user is not None and entry.user.username == "jx_editor"
    assert entry.data["before"] == {"actual": "630"}
    assert entry.data["after"] == {"actual": "250"}
    page = client_for("jx_viewer").get(f"/evaluations/{evaluation.pk}/history/")
    assert "jixiao.evaluation.row.changed" in page.content.decode()


def transit(client: Client, evaluation: Evaluation, action: str, comment: str = "") -> int:
    evaluation.refresh_from_db()
    response = client.post(
        f"/evaluations/{evaluation.pk}/transition/",
        {"action": action, "comment": comment, "version": evaluation.version},
    )
    return response.status_code


def test_submit_return_resubmit_approve_publish(world: None) -> None:
    evaluation = industry()
    editor, reviewer = client_for("jx_editor"), client_for("jx_reviewer")
    assert transit(editor, evaluation, "submit") == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    # locked after submission
    html = post_row(editor, evaluation, row_key(evaluation, "培训人数(人)"), actual="1")
    assert "不能修改" in html
    # returning needs a comment
    assert transit(reviewer, evaluation, "return") == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert transit(reviewer, evaluation, "return", "请补充偏差原因") == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.RETURNED
    # the editor fixes and resubmits; the reviewer approves and publishes
    html = post_row(
        editor, evaluation, row_key(evaluation, "培训合格率(%)"), deviation_note="培训考核标准提高"
    )
    assert 'role="alert"' not in html
    assert transit(editor, evaluation, "submit") == 302
    assert transit(reviewer, evaluation, "approve") == 302
    assert transit(reviewer, evaluation, "publish") == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.PUBLISHED
    steps = list(
        Transition.objects.filter(evaluation=evaluation).values_list("to_status", "comment")
    )
    assert steps == [
        ("submitted", ""),
        ("returned", "请补充偏差原因"),
        ("submitted", ""),
        ("approved", ""),
        ("published", ""),
    ]
    actions = set(ActionLog.objects.filter(evaluation=evaluation).values_list("action", flat=True))
    assert {
        "jixiao.evaluation.submit",
        "jixiao.evaluation.return",
        "jixiao.evaluation.approve",
        "jixiao.evaluation.publish",
        "jixiao.evaluation.row.changed",
    } <= actions


def test_who_may_move_what(world: None) -> None:
    evaluation = industry()
    assert transit(client_for("jx_viewer"), evaluation, "submit") == 403
    assert transit(client_for("jx_reviewer"), evaluation, "submit") == 403  # supervisors don't edit
    assert transit(client_for("xt_editor"), evaluation, "submit") == 404  # another county
    assert transit(client_for("jx_editor"), evaluation, "approve") == 403  # editors don't review
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT


def test_read_only_and_outsiders_cannot_edit_rows(world: None) -> None:
    evaluation = industry()
    key = row_key(evaluation, "培训人数(人)")
    url = f"/evaluations/{evaluation.pk}/rows/{key}/"
    data = {"actual": "1", "version": evaluation.version}
    assert client_for("jx_viewer").post(url, data).status_code == 403
    assert client_for("jx_reviewer").post(url, data).status_code == 403
    assert client_for("xt_editor").post(url, data).status_code == 404
    assert Client().post(url, data).status_code == 302  # to the login page
    evaluation.refresh_from_db()
    assert evaluation.version == 1


def test_the_page_offers_inputs_only_to_editors(world: None) -> None:
    evaluation = industry()
    editor_page = client_for("jx_editor").get(f"/evaluations/{evaluation.pk}/").content.decode()
    viewer_page = client_for("jx_viewer").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "hx-post" in editor_page
    assert "hx-post" not in viewer_page
