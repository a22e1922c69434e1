"""Editing an evaluation's indicator tree: add (by hand or from the library), remove, move,
reweight, rename — each versioned, logged, validated, locked after submission, editors only.

``world.jx`` is the 000 industry self-evaluation owned by the 嘉兴 department; its rows::

    0 执行率 10 · 1 产出指标 (1.0 数量指标 › 1.0.0 培训人数(人) 25; 1.1 质量指标 › 1.1.0 培训合格率(%) 25)
    2 效益指标 (2.0 社会 › 2.0.0; 2.1 生态 › 2.1.0; 2.2 可持续影响 › 2.2.0) · 3 满意度指标 (3.0 › 3.0.0)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from web_world import make_user

from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import document_rows, import_document
from jixiao.web.history.models import ActionLog
from jixiao.web.indicators.models import Indicator
from jixiao.web.orgs.roles import Role

pytestmark = pytest.mark.django_db


def fresh(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.get(pk=evaluation.pk)


def post(client: Client, evaluation: Evaluation, path: str, version: int | None = None, **data):
    evaluation = fresh(evaluation)
    payload = {"version": evaluation.version if version is None else version, **data}
    return client.post(f"/evaluations/{evaluation.pk}/{path}", payload, HTTP_HX_REQUEST="true")


def body(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="evaluation-body">') and "<html" not in html
    return html


def alert(html: str) -> str:
    match = re.search(r'<p class="error" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else ""


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


def at(evaluation: Evaluation, key: str) -> dict[str, Any]:
    return document_rows(fresh(evaluation).document)[key]


def last_log(evaluation: Evaluation) -> ActionLog:
    entry = ActionLog.objects.filter(evaluation=evaluation).first()
    assert entry is not None
    return entry


def finding_codes(html: str) -> set[str]:
    return set(re.findall(r'<span class="code">([A-Z_0-9]+)</span>', html))


@pytest.fixture
def editor(world, login) -> Client:
    return login(world.owner)


# --- add ----------------------------------------------------------------------------------------


def test_add_a_leaf_under_a_row(world, editor):
    jx = world.jx
    html = body(
        post(
            editor,
            jx,
            "indicators/add/",
            parent="1.0",
            name="培训场次",
            weight="5",
            method="count_shortfall",
            params='{"required": 12}',
        )
    )
    assert not alert(html)
    children = at(jx, "1.0")["children"]
    assert names(children) == ["培训人数(人)", "培训场次"]
    assert children[1] == {
        "name": "培训场次",
        "weight": "5",
        "method": "count_shortfall",
        "params": {"required": 12},
    }
    evaluation = fresh(jx)
    assert evaluation.version == 2
    assert "WEIGHTS_NOT_100" in finding_codes(html)  # 105 now: allowed, but shown
    assert 'id="row-' in html and "培训场次" in html
    entry = last_log(jx)
    assert entry.action == "jixiao.evaluation.indicator.added"
    assert entry.data["row"] == "1.0.1" and entry.data["parent"] == "数量指标"
    assert entry.data["after"] == {"name": "培训场次", "weight": "5", "method": "count_shortfall"}
    assert entry.data["added"]["params"] == {"required": 12}
    assert entry.user == world.owner


def test_add_a_root_indicator(world, editor):
    body(
        post(
            editor,
            world.jx,
            "indicators/add/",
            parent="",
            name="社会影响",
            weight="0",
            method="judgement",
        )
    )
    assert names(fresh(world.jx).document["indicators"])[-1] == "社会影响"


def test_a_leaf_without_figures_becomes_a_parent(world, editor):
    jx = world.jx
    body(
        post(
            editor,
            jx,
            "indicators/add/",
            parent="1",
            name="新指标",
            weight="10",
            method="ratio_positive",
        )
    )
    html = body(
        post(
            editor, jx, "indicators/add/", parent="1.2", name="子指标", weight="10", method="yes_no"
        )
    )
    assert not alert(html)
    row = at(jx, "1.2")
    assert "method" not in row and names(row["children"]) == ["子指标"]
    assert fresh(jx).version == 3


def test_a_leaf_with_figures_does_not_take_children(world, editor):
    jx = world.jx
    html = body(
        post(editor, jx, "indicators/add/", parent="1.0.0", name="子", weight="1", method="yes_no")
    )
    assert "已填写年度指标值、实际完成值" in alert(html)
    assert "children" not in at(jx, "1.0.0") and fresh(jx).version == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"weight": "abc"}, "分值须为数字"),
        ({"weight": ""}, "请填写分值"),
        ({"weight": "-1"}, "分值须在 0 到 100 之间"),
        ({"weight": "101"}, "分值须在 0 到 100 之间"),
        ({"weight": "1.234"}, "最多保留两位小数"),
        ({"weight": "NaN"}, "分值须为数字"),
        ({"method": "magic"}, "未知评分方法“magic”"),
        ({"name": "  "}, "请填写指标名称"),
        ({"params": "{points: 6"}, "参数须为 JSON 对象"),
        ({"params": "[1, 2]"}, "参数须为 JSON 对象"),
        ({"method": "checklist"}, "要点扣分法须给出参数"),
        ({"name": "培训人数(人)"}, "同一级已有指标“培训人数(人)”"),
        ({"parent": "9.9"}, "指标 9.9 不存在"),
        ({"parent": "x"}, "指标 x 不存在"),
    ],
)
def test_invalid_additions_change_nothing_and_say_why(world, editor, data, words):
    jx = world.jx
    before = fresh(jx).document
    fields = {"parent": "1.0", "name": "新指标", "weight": "5", "method": "ratio_positive", **data}
    html = body(post(editor, jx, "indicators/add/", **fields))
    assert words in alert(html)
    assert fresh(jx).document == before and fresh(jx).version == 1
    assert not ActionLog.objects.filter(evaluation=jx).exists()


# --- add from the library -----------------------------------------------------------------------


@pytest.fixture
def library(db) -> dict[str, Indicator]:
    return {
        "count": Indicator.objects.create(
            name="服务企业数", level_path="产出指标/数量指标", unit="家", method="ratio_positive"
        ),
        "checklist": Indicator.objects.create(
            name="制度健全性",
            level_path="项目管理/组织实施",
            method="checklist",
            params={"points": "4", "per_missed": "1"},
        ),
        "root": Indicator.objects.create(name="满意度调查", method="satisfaction_levels"),
    }


def test_library_entries_are_placed_by_their_level_path(world, editor, library):
    jx = world.jx
    html = body(
        post(
            editor,
            jx,
            "indicators/add-from-library/",
            indicator=library["count"].pk,
            parent="auto",
            weight="5",
        )
    )
    assert not alert(html)
    added = at(jx, "1.0.1")
    assert added == {"name": "服务企业数（家）", "weight": "5", "method": "ratio_positive"}
    assert last_log(jx).action == "jixiao.evaluation.indicator.added"


def test_library_entries_can_go_under_a_chosen_row_with_their_params(world, editor, library):
    jx = world.jx
    body(
        post(
            editor,
            jx,
            "indicators/add-from-library/",
            indicator=library["checklist"].pk,
            parent="2.2",
            weight="4",
        )
    )
    added = at(jx, "2.2.1")
    assert added["method"] == "checklist" and added["params"] == {"points": "4", "per_missed": "1"}


def test_library_entry_without_level_goes_to_the_root(world, editor, library):
    body(
        post(
            editor,
            world.jx,
            "indicators/add-from-library/",
            indicator=library["root"].pk,
            parent="auto",
            weight="3",
        )
    )
    assert names(fresh(world.jx).document["indicators"])[-1] == "满意度调查"


@pytest.mark.parametrize(
    ("entry", "data", "words"),
    [
        ("checklist", {"parent": "auto"}, "评价表中没有“项目管理/组织实施”这一层级"),
        (None, {}, "请从指标库中选择一个指标"),
        ("count", {"weight": "许多"}, "分值须为数字"),
    ],
)
def test_invalid_library_additions(world, editor, library, entry, data, words):
    jx = world.jx
    fields = {
        "indicator": library[entry].pk if entry else "999999",
        "weight": "5",
        "parent": "auto",
        **data,
    }
    html = body(post(editor, jx, "indicators/add-from-library/", **fields))
    assert words in alert(html)
    assert fresh(jx).version == 1


def test_the_editor_offers_the_library_and_the_methods(world, editor, library):
    html = editor.get(f"/evaluations/{world.jx.pk}/").content.decode()
    assert "服务企业数（家）" in html and "从指标库添加" in html
    assert 'value="count_shortfall"' in html and "次数不足扣分" in html


# --- remove -------------------------------------------------------------------------------------


def test_remove_a_row_and_its_subtree(world, editor):
    jx = world.jx
    html = body(post(editor, jx, "rows/2/remove/"))
    assert not alert(html)
    assert names(fresh(jx).document["indicators"]) == ["执行率", "产出指标", "满意度指标"]
    assert "WEIGHTS_NOT_100" in finding_codes(html)
    assert fresh(jx).version == 2
    entry = last_log(jx)
    assert entry.action == "jixiao.evaluation.indicator.removed"
    assert entry.data["indicator"] == "效益指标"
    assert entry.data["before"] == {"name": "效益指标", "weight": None}
    assert len(entry.data["removed"]["children"]) == 3  # the subtree is kept in the record
    page = editor.get(f"/evaluations/{jx.pk}/history/").content.decode()
    assert "jixiao.evaluation.indicator.removed" in page


def test_an_only_child_and_the_last_root_are_kept(world, editor):
    jx = world.jx
    html = body(post(editor, jx, "rows/1.0.0/remove/"))
    assert "唯一的下级指标" in alert(html)
    single = import_document(
        {
            "format": "jixiao-case/1",
            "type": "evaluation",
            "meta": {"title": "单指标"},
            "indicators": [{"name": "唯一", "weight": "100", "method": "judgement"}],
        },
        world.department,
    )
    html = body(post(editor, single, "rows/0/remove/"))
    assert "至少要有一个一级指标" in alert(html)
    assert fresh(jx).version == 1 and fresh(single).version == 1


# --- move ---------------------------------------------------------------------------------------


def test_move_up_and_down_among_siblings(world, editor):
    jx = world.jx
    body(post(editor, jx, "rows/3/move/", direction="up"))
    assert names(fresh(jx).document["indicators"]) == [
        "执行率",
        "产出指标",
        "满意度指标",
        "效益指标",
    ]
    entry = last_log(jx)
    assert entry.action == "jixiao.evaluation.indicator.moved"
    assert entry.data["before"] == {"position": 4} and entry.data["after"] == {"position": 3}
    body(post(editor, jx, "rows/1.1/move/", direction="up"))
    assert names(at(jx, "1")["children"]) == ["质量指标", "数量指标"]
    body(post(editor, jx, "rows/0/move/", direction="down"))
    assert names(fresh(jx).document["indicators"])[:2] == ["产出指标", "执行率"]
    evaluation = fresh(jx)
    assert evaluation.version == 4
    assert evaluation.computed_total == 100  # moving changes no score


@pytest.mark.parametrize(
    ("key", "direction", "words"),
    [
        ("0", "up", "已是同级第一个"),
        ("3", "down", "已是同级最后一个"),
        ("1.0.0", "down", "已是同级最后一个"),
        ("1", "sideways", "只能上移或下移"),
        ("7", "up", "指标 7 不存在"),
    ],
)
def test_impossible_moves(world, editor, key, direction, words):
    html = body(post(editor, world.jx, f"rows/{key}/move/", direction=direction))
    assert words in alert(html)
    assert fresh(world.jx).version == 1


# --- reweight -----------------------------------------------------------------------------------


def test_reweight_shows_the_weight_findings_until_they_add_up(world, editor):
    jx = world.jx
    html = body(post(editor, jx, "rows/1.0.0/weight/", weight="20"))
    assert not alert(html)
    assert at(jx, "1.0.0")["weight"] == "20"
    assert "WEIGHTS_NOT_100" in finding_codes(html)
    entry = last_log(jx)
    assert entry.action == "jixiao.evaluation.indicator.reweighted"
    assert entry.data["before"] == {"weight": "25"} and entry.data["after"] == {"weight": "20"}
    # the parent now says 50: the roots add up again, but its children (20 + 25) do not
    html = body(post(editor, jx, "rows/1/weight/", weight="50"))
    assert "CHILD_WEIGHTS_MISMATCH" in finding_codes(html)
    assert "WEIGHTS_NOT_100" not in finding_codes(html)
    html = body(post(editor, jx, "rows/1.1.0/weight/", weight="30"))
    assert not {"WEIGHTS_NOT_100", "CHILD_WEIGHTS_MISMATCH"} & finding_codes(html)
    html = body(post(editor, jx, "rows/1/weight/", weight=""))  # a parent may drop its weight
    assert "weight" not in at(jx, "1") and not alert(html)
    assert fresh(jx).version == 5


def test_an_unchanged_weight_is_not_a_new_version(world, editor):
    body(post(editor, world.jx, "rows/1.0.0/weight/", weight="25.00"))
    assert fresh(world.jx).version == 1
    assert not ActionLog.objects.filter(evaluation=world.jx).exists()


@pytest.mark.parametrize(
    ("key", "weight", "words"),
    [
        ("1.0.0", "abc", "分值须为数字，“abc”不是数字"),
        ("1.0.0", "", "请填写分值"),  # a leaf needs one
        ("1.0.0", "1e5", "分值须在 0 到 100 之间"),
        ("0", "Infinity", "分值须为数字"),
    ],
)
def test_invalid_weights_change_nothing(world, editor, key, weight, words):
    html = body(post(editor, world.jx, f"rows/{key}/weight/", weight=weight))
    assert words in alert(html)
    assert fresh(world.jx).document == world.jx.document and fresh(world.jx).version == 1


# --- rename -------------------------------------------------------------------------------------


def test_rename_a_row(world, editor):
    jx = world.jx
    body(post(editor, jx, "rows/1.0.0/rename/", name="  培训人次  "))
    assert at(jx, "1.0.0")["name"] == "培训人次"
    entry = last_log(jx)
    assert entry.action == "jixiao.evaluation.indicator.renamed"
    assert entry.data["before"] == {"name": "培训人数(人)"}
    html = body(post(editor, jx, "rows/1/rename/", name="效益指标"))
    assert "同一级已有指标“效益指标”" in alert(html)
    html = body(post(editor, jx, "rows/1/rename/", name=""))
    assert "请填写指标名称" in alert(html)
    assert fresh(jx).version == 2


# --- versions, workflow, people -----------------------------------------------------------------

OPERATIONS = [
    ("indicators/add/", {"parent": "1.0", "name": "新", "weight": "1", "method": "yes_no"}),
    ("indicators/add-from-library/", {"indicator": "1", "parent": "", "weight": "1"}),
    ("rows/2/remove/", {}),
    ("rows/3/move/", {"direction": "up"}),
    ("rows/1.0.0/weight/", {"weight": "20"}),
    ("rows/1.0.0/rename/", {"name": "新名"}),
]


@pytest.mark.parametrize(("path", "data"), OPERATIONS, ids=[p for p, _ in OPERATIONS])
def test_a_stale_version_changes_nothing(world, editor, library, path, data):
    jx = world.jx
    if path.startswith("indicators/add-from-library"):
        data = {**data, "indicator": library["count"].pk}
    body(post(editor, jx, "rows/1.1.0/", deviation_note="考核标准提高"))  # someone else's change
    assert fresh(jx).version == 2
    before = fresh(jx).document
    html = body(post(editor, jx, path, version=1, **data))
    assert "已被他人修改" in alert(html)
    assert fresh(jx).document == before and fresh(jx).version == 2


@pytest.mark.parametrize(("path", "data"), OPERATIONS, ids=[p for p, _ in OPERATIONS])
@pytest.mark.parametrize("status", ["submitted", "approved", "published"])
def test_locked_once_submitted(world, editor, library, path, data, status):
    jx = world.jx
    Evaluation.objects.filter(pk=jx.pk).update(status=status)
    if path.startswith("indicators/add-from-library"):
        data = {**data, "indicator": library["count"].pk}
    html = body(post(editor, jx, path, **data))
    assert "不能修改" in alert(html)
    assert fresh(jx).document == jx.document and fresh(jx).version == 1
    assert "添加指标" not in html and 'aria-label="上移"' not in html


def test_editable_again_once_returned(world, editor):
    Evaluation.objects.filter(pk=world.jx.pk).update(status="returned")
    html = body(post(editor, world.jx, "rows/3/move/", direction="up"))
    assert not alert(html) and fresh(world.jx).version == 2


@pytest.mark.parametrize(("path", "data"), OPERATIONS, ids=[p for p, _ in OPERATIONS])
@pytest.mark.parametrize(
    ("who", "status"),
    [("viewer", 403), ("reviewer", 403), ("outsider", 404), ("nobody", 404), ("anonymous", 302)],
)
def test_only_editors_may_change_the_tree(world, login, path, data, who, status):
    user = None if who == "anonymous" else getattr(world, who)
    response = post(login(user), world.jx, path, **data)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert fresh(world.jx).version == 1


def test_an_evaluator_edits_only_the_assigned_evaluation(world, login):
    client = login(world.evaluator)
    html = body(post(client, world.xt, "rows/0/move/", direction="down"))
    assert not alert(html) and fresh(world.xt).version == 2
    assert post(client, world.jx, "rows/3/move/", direction="up").status_code == 404


def test_a_supervising_department_may_look_but_not_restructure(world, login):
    # the 嘉兴 department sees the project unit's evaluation, but editing stays with the unit
    assert (
        post(login(world.owner), world.unit_eval, "rows/1/move/", direction="up").status_code == 403
    )
    html = body(post(login(world.unit_editor), world.unit_eval, "rows/1/move/", direction="up"))
    assert not alert(html)


def test_get_is_not_allowed(world, editor):
    assert editor.get(f"/evaluations/{world.jx.pk}/rows/2/remove/").status_code == 405


def test_the_controls_are_shown_only_to_editors(world, login):
    url = f"/evaluations/{world.jx.pk}/"
    editor_page = login(world.owner).get(url).content.decode()
    assert "添加指标" in editor_page and 'aria-label="上移"' in editor_page
    assert 'aria-label="分值"' in editor_page
    for who in ("viewer", "reviewer"):
        page = login(getattr(world, who)).get(url).content.decode()
        assert "添加指标" not in page and 'aria-label="上移"' not in page
        assert 'aria-label="分值"' not in page


def test_first_and_only_rows_disable_their_buttons(world, login):
    html = login(world.owner).get(f"/evaluations/{world.jx.pk}/").content.decode()
    row = re.search(r'<tr id="row-1".*?</tr>', html, re.S)
    assert row is not None
    assert re.search(r'aria-label="上移"\s+disabled', row.group(0))  # 执行率 is first
    leaf = re.search(r'<tr id="row-4".*?</tr>', html, re.S)  # 培训人数(人): an only child
    assert leaf is not None and re.search(r'aria-label="删除"\s+disabled', leaf.group(0))


def test_an_admin_of_another_organisation_gets_404(world, login):
    stranger = make_user("stranger_admin", world.xiangtan, Role.ADMIN)
    assert post(login(stranger), world.jx, "rows/3/move/", direction="up").status_code == 404
