"""The report page's narrative editor: who may write, the version check, the lock after
submission, the action log, and the text in the Word report and the case file."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from jixiao.core.case import MAX_NARRATIVE, Case
from jixiao.io.cases import load
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import import_case_file, narrative_of
from jixiao.web.history.models import ActionLog

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
PROBLEMS = "培训合格率未达到年度目标。\n\n部分培训课程安排过于集中。"
SUGGESTIONS = "分批安排培训并加强考核。"


def page_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:report_page", args=[evaluation.pk])


def save_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:narrative", args=[evaluation.pk])


def post(client, evaluation: Evaluation, version: int | None = None, **texts: str):
    data = {"version": evaluation.version if version is None else version, **texts}
    return client.post(save_url(evaluation), data)


def fresh(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.get(pk=evaluation.pk)


def textarea(html: str, key: str) -> str:
    match = re.search(rf'<textarea id="narrative-{key}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea for {key}"
    return unescape(match.group(1))


def logged(evaluation: Evaluation) -> list[ActionLog]:
    return list(
        ActionLog.objects.filter(
            evaluation=evaluation, action="jixiao.evaluation.narrative.changed"
        ).order_by("pk")
    )


# The page ---------------------------------------------------------------------------------------


def test_the_routes() -> None:
    assert reverse("evaluations:report_page", args=[7]) == "/evaluations/7/report/"
    assert reverse("evaluations:narrative", args=[7]) == "/evaluations/7/report/narrative/"
    assert reverse("evaluations:case_file", args=[7]) == "/evaluations/7/case.yaml"


def test_the_editor_sees_one_box_per_chapter_with_chinese_labels(world, login) -> None:
    response = login(world.owner).get(page_url(world.jx))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("overview", "goals", "process", "analysis", "problems", "suggestions", "other"):
        assert textarea(html, key) == ""
    for label in (
        "一、基本情况（一）项目概况",
        "四、存在的问题及原因分析",
        "六、其他需要说明的问题",
    ):
        assert label in html
    assert "接在复核计算发现的错误和警告之后。" in html
    assert f'name="version" value="{world.jx.version}"' in html
    assert reverse("evaluations:report", args=[world.jx.pk, "docx"]) in html


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_members_who_may_not_edit_read_the_text_without_a_form(world, login, who) -> None:
    login(world.owner).post(save_url(world.jx), {"version": 1, "problems": PROBLEMS})
    response = login(getattr(world, who)).get(page_url(world.jx))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<textarea" not in html and save_url(world.jx) not in html
    assert "<p>培训合格率未达到年度目标。</p>" in html


@pytest.mark.parametrize("who", ["outsider", "nobody", "unit_editor"])
def test_those_who_may_not_see_it_get_404(world, login, who) -> None:
    client = login(getattr(world, who))
    assert client.get(page_url(world.jx)).status_code == 404
    assert post(client, world.jx, problems="x").status_code == 404
    assert client.get(reverse("evaluations:case_file", args=[world.jx.pk])).status_code == 404
    assert narrative_of(fresh(world.jx)) == {}


def test_anonymous_is_sent_to_login(world, login) -> None:
    response = login(None).get(page_url(world.jx))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert post(login(None), world.jx, problems="x").status_code == 302


# Saving -----------------------------------------------------------------------------------------


def test_the_editor_saves_every_chapter_and_it_is_logged(world, login) -> None:
    client = login(world.owner)
    response = post(client, world.jx, problems=PROBLEMS.replace("\n", "\r\n"), other="  ")
    assert response.status_code == 302 and response["Location"] == page_url(world.jx)
    evaluation = fresh(world.jx)
    assert evaluation.version == world.jx.version + 1
    assert evaluation.document["narrative"] == {"problems": PROBLEMS}
    # the scores are untouched
    assert evaluation.computed_total == world.jx.computed_total
    page = client.get(page_url(world.jx)).content.decode()
    assert "报告文字已保存。" in page
    assert textarea(page, "problems") == PROBLEMS
    (entry,) = logged(evaluation)
    assert entry.user == world.owner
    assert entry.data["before"] == {"problems": None}
    assert entry.data["after"] == {"problems": PROBLEMS}
    assert entry.data["chapters"] == ["存在的问题及原因分析"]
    # a second save changes one chapter and clears another
    post(client, evaluation, problems="", suggestions=SUGGESTIONS)
    evaluation = fresh(world.jx)
    assert evaluation.document["narrative"] == {"suggestions": SUGGESTIONS}
    last = logged(evaluation)[-1]
    assert last.data["before"] == {"problems": PROBLEMS, "suggestions": None}
    assert last.data["after"] == {"problems": None, "suggestions": SUGGESTIONS}
    history = client.get(reverse("evaluations:history", args=[world.jx.pk])).content.decode()
    assert "jixiao.evaluation.narrative.changed" in history


def test_saving_the_same_text_changes_nothing(world, login) -> None:
    client = login(world.owner)
    post(client, world.jx, problems=PROBLEMS)
    evaluation = fresh(world.jx)
    assert post(client, evaluation, problems=PROBLEMS + "\n").status_code == 302
    assert fresh(world.jx).version == evaluation.version
    assert len(logged(evaluation)) == 1


def test_clearing_every_chapter_leaves_a_document_without_narrative(world, login) -> None:
    client = login(world.owner)
    post(client, world.jx, goals="建立长效机制。")
    post(client, fresh(world.jx), goals="")
    assert "narrative" not in fresh(world.jx).document


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_members_who_may_not_edit_get_403_and_change_nothing(world, login, who) -> None:
    response = post(login(getattr(world, who)), world.jx, problems=PROBLEMS)
    assert response.status_code == 403
    evaluation = fresh(world.jx)
    assert "narrative" not in evaluation.document
    assert evaluation.version == world.jx.version
    assert logged(evaluation) == []


def test_a_text_too_long_is_refused_naming_the_chapter(world, login) -> None:
    response = post(login(world.owner), world.jx, analysis="长" * (MAX_NARRATIVE + 1))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"“绩效分析”内容过长（{MAX_NARRATIVE + 1} 字，上限 {MAX_NARRATIVE} 字）" in html
    assert textarea(html, "analysis") == "长" * (MAX_NARRATIVE + 1)  # kept for the user
    assert fresh(world.jx).version == world.jx.version


# Two people, and the grid ---------------------------------------------------------------------


def test_two_editors_never_silently_overwrite_each_other(world, login) -> None:
    first, second = login(world.owner), login(world.owner)
    stale = world.jx.version  # both opened the page at this version
    assert post(first, world.jx, stale, problems=PROBLEMS).status_code == 302
    response = post(second, world.jx, stale, problems="另一种说法。", goals="目标。")
    assert response.status_code == 409
    html = response.content.decode()
    assert "该评价已被他人修改" in html and "您输入的内容仍在下方，未保存" in html
    # the second person's text is still in the boxes, the first's is shown beside it
    assert textarea(html, "problems") == "另一种说法。"
    assert textarea(html, "goals") == "目标。"
    assert 'id="chapter-problems"' in html and "他人已保存的内容（当前版本）" in html
    assert "培训合格率未达到年度目标。" in html
    evaluation = fresh(world.jx)
    assert evaluation.document["narrative"] == {"problems": PROBLEMS}
    assert len(logged(evaluation)) == 1
    # the page now carries the current version: saving again is a deliberate overwrite
    assert f'name="version" value="{evaluation.version}"' in html
    assert post(second, evaluation, problems="另一种说法。").status_code == 302
    assert fresh(world.jx).document["narrative"]["problems"] == "另一种说法。"


def test_a_grid_edit_and_a_narrative_save_share_the_version(world, login) -> None:
    client = login(world.owner)
    stale = world.jx.version
    row = reverse("evaluations:row_update", args=[world.jx.pk, "1.0.0"])
    client.post(row, {"version": stale, "actual": "1"}, HTTP_HX_REQUEST="true")
    assert fresh(world.jx).version == stale + 1
    assert post(client, world.jx, stale, other="无其他说明。").status_code == 409
    assert "narrative" not in fresh(world.jx).document


# The workflow -----------------------------------------------------------------------------------


def transition(client, evaluation: Evaluation, action: str, comment: str = "") -> None:
    data = {"action": action, "comment": comment, "version": fresh(evaluation).version}
    client.post(reverse("evaluations:transition", args=[evaluation.pk]), data)


def test_the_text_is_locked_after_submission_and_open_again_when_returned(world, login) -> None:
    owner = login(world.owner)
    post(owner, world.jx, problems=PROBLEMS)
    transition(owner, world.jx, "submit")
    evaluation = fresh(world.jx)
    assert evaluation.status == Evaluation.Status.SUBMITTED
    page = owner.get(page_url(world.jx)).content.decode()
    assert "<textarea" not in page and "评价已提交，报告文字不能修改。" in page
    response = post(owner, evaluation, problems="改动。")
    assert response.status_code == 400
    html = response.content.decode()
    assert "评价已提交，不能修改报告文字" in html
    assert "您输入但未保存的内容" in html and "改动。" in html
    assert fresh(world.jx).document["narrative"] == {"problems": PROBLEMS}
    assert fresh(world.jx).version == evaluation.version

    transition(login(world.reviewer), world.jx, "return", "请补充建议。")
    assert fresh(world.jx).status == Evaluation.Status.RETURNED
    assert post(owner, fresh(world.jx), suggestions=SUGGESTIONS).status_code == 302
    assert fresh(world.jx).document["narrative"]["suggestions"] == SUGGESTIONS


# In the report and in the case file -------------------------------------------------------------


def chapter_text(document, heading: str) -> list[str]:
    """The non-empty paragraphs from ``heading`` up to the next level-1 heading."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    texts = []
    for paragraph in paragraphs[start + 1 :]:
        if paragraph.style is not None and paragraph.style.name == "Heading 1":
            break
        texts.append(paragraph.text)
    return [text for text in texts if text]


def test_the_word_report_has_the_text_under_its_chapter(world, login) -> None:
    client = login(world.owner)
    post(client, world.jx, problems=PROBLEMS, suggestions=SUGGESTIONS)
    response = client.get(reverse("evaluations:report", args=[world.jx.pk, "docx"]))
    assert response.status_code == 200
    document = Document(BytesIO(response.content))
    problems = chapter_text(document, "四、存在的问题及原因分析")
    # after the audit's findings, one paragraph per paragraph typed
    assert problems[0].startswith("经复核计算，发现以下")
    assert problems[-2:] == ["培训合格率未达到年度目标。", "部分培训课程安排过于集中。"]
    assert chapter_text(document, "五、有关建议") == [SUGGESTIONS]
    assert chapter_text(document, "六、其他需要说明的问题") == ["无。"]


def test_the_case_file_carries_the_text_and_imports_back(world, login, tmp_path) -> None:
    post(login(world.owner), world.jx, problems=PROBLEMS)
    response = login(world.viewer).get(reverse("evaluations:case_file", args=[world.jx.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "narrative:\n  problems: |-\n    培训合格率未达到年度目标。\n\n    部分" in text
    path = tmp_path / "back.yaml"
    path.write_bytes(response.content)
    case = load(path)
    assert isinstance(case, Case)
    assert {key.value: value for key, value in case.narrative.items()} == {"problems": PROBLEMS}
    again = import_case_file(path, world.department)
    assert narrative_of(again) == {"problems": PROBLEMS}
    assert again.computed_total == fresh(world.jx).computed_total


def test_importing_the_002_seed_keeps_its_narrative(world) -> None:
    evaluation = import_case_file(SEEDS / "002-jiangyou-relief-fund.yaml", world.department)
    assert list(narrative_of(evaluation)) == ["goals", "process", "problems", "suggestions"]
    assert "省级资金未按3:3:4的分担比例足额下达" in narrative_of(evaluation)["problems"]


def test_the_evaluation_page_links_to_the_report_page(world, login) -> None:
    page = login(world.viewer).get(reverse("evaluations:detail", args=[world.jx.pk]))
    assert page_url(world.jx) in page.content.decode()


def test_the_labels_are_translated(world, login) -> None:
    client = login(world.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(page_url(world.jx)).content.decode()
    assert "4. Problems and their causes" in html and "Save report text" in html
    assert "四、存在的问题及原因分析" not in html
