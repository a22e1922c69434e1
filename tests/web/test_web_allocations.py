"""因素法分配 in the web app: the seed run to the cent, who sees and does what, all-or-nothing
uploads, confirmation locks, exports opened and checked, every change in the history."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook

from jixiao.web.allocations import demo
from jixiao.web.allocations.models import AllocationRun, Candidate
from jixiao.web.history.services import history_of

pytestmark = pytest.mark.django_db

D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS = ["序号", "机构名称", "小微企业贷款融资担保业务月均余额（万元）", "年化担保费率（%）"]


@pytest.fixture
def run(world) -> AllocationRun:  # type: ignore[no-untyped-def]
    return demo.load({demo.OWNER: world.department})


def url(name: str, run: AllocationRun, *args: object) -> str:
    return reverse(f"allocations:{name}", args=[run.pk, *args])


def amounts(run: AllocationRun) -> list[tuple[str, str]]:
    run.refresh_from_db()
    assert run.result is not None
    return [(row["name"], row["amount"]) for row in run.result["rows"]]


def snapshot(run: AllocationRun) -> tuple[object, ...]:
    fresh = AllocationRun.objects.get(pk=run.pk)
    candidates = [(c.name, c.attributes, c.cap) for c in fresh.candidates.all()]
    return (
        fresh.pot,
        fresh.factors,
        fresh.rules,
        fresh.attributes,
        fresh.status,
        fresh.result,
        candidates,
    )


def xlsx_upload(rows: list[list[object]], name: str = "对象.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


# The seed run -------------------------------------------------------------------------------


def test_demo_run_reproduces_annex_one(run: AllocationRun) -> None:
    assert amounts(run) == [
        ("嘉兴市小微企业信保基金融资担保有限公司", "880.73"),
        ("嘉兴市兴农担保有限责任公司", "18.40"),
        ("嘉兴市农信融资担保有限责任公司", "4.90"),
    ]
    assert run.result is not None
    assert run.result["total"] == "904.03"
    assert run.result["totals"] == ["180000.42", ""]
    assert run.result["coefficient"] == "0.0050223"
    assert run.result["excluded"] == [
        {
            "name": "嘉兴鼎信投资担保有限公司",
            "values": ["", "2.00"],
            "reason": "不符合“年化担保费率在 1.5% (含) 以下”",
        }
    ]
    assert [e.action for e in history_of(run)] == [
        "jixiao.allocation.computed",
        "jixiao.allocation.created",
    ]


def test_detail_page_shows_the_table(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    page = login(world.owner).get(url("detail", run)).content.decode()
    for text in (
        "880.73",
        "18.40",
        "4.90",
        "904.03",
        "180000.42",
        "97.42%",
        "嘉兴鼎信投资担保有限公司",
        "年化担保费率在 1.5% (含) 以下",
        "0.0050223",
        'id="compute"',
        'id="confirm"',
    ):
        assert text in page, text


# Who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("viewer", 200),
        ("reviewer", 200),  # 嘉兴市财政局 supervises the region
        ("outsider", 404),
        ("evaluator", 404),
        ("unit_editor", 404),  # a project unit below sees only its own
        ("nobody", 404),
        ("inactive", 302),  # logged out: back to the login page
    ],
)
def test_detail_visibility(world, login, run: AllocationRun, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert login(getattr(world, persona)).get(url("detail", run)).status_code == status


@pytest.mark.parametrize(
    ("persona", "listed"),
    [
        ("owner", True),
        ("viewer", True),
        ("reviewer", True),
        ("outsider", False),
        ("evaluator", False),
    ],
)
def test_list(world, login, run: AllocationRun, persona: str, listed: bool) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).get(reverse("allocations:list"))
    assert response.status_code == 200
    assert (run.name in response.content.decode()) is listed


def test_anonymous_goes_to_login(login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    response = login(None).get(url("detail", run))
    assert response.status_code == 302 and "login" in response["Location"]


WRITES = [
    ("compute", ()),
    ("confirm", ()),
    ("settings", ()),
    ("candidate_add", ()),
    ("import", ()),
]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("viewer", 403), ("reviewer", 403), ("outsider", 404), ("evaluator", 404)],
)
@pytest.mark.parametrize(("name", "args"), WRITES)
def test_writes_are_refused_and_change_nothing(  # type: ignore[no-untyped-def]
    world, login, run: AllocationRun, persona: str, status: int, name: str, args: tuple[object, ...]
) -> None:
    before = snapshot(run)
    client = login(getattr(world, persona))
    data = {
        "name": "新对象",
        "attr_0": "10",
        "attr_1": "1",
        "pot": "1",
        "factors_text": "月均余额 | 1",
    }
    assert client.post(url(name, run, *args), data).status_code == status
    assert snapshot(run) == before


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("reviewer", 403), ("outsider", 404)]
)
def test_removing_a_candidate_is_refused(
    world, login, run: AllocationRun, persona: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    candidate = run.candidates.first()
    assert candidate is not None
    response = login(getattr(world, persona)).post(url("candidate_remove", run, candidate.pk))
    assert response.status_code == status
    assert Candidate.objects.filter(pk=candidate.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("owner", 200), ("viewer", 200), ("reviewer", 200), ("outsider", 404)]
)
def test_exports(world, login, run: AllocationRun, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    client = login(getattr(world, persona))
    response = client.get(url("export", run, "xlsx"))
    assert response.status_code == status
    if status != 200:
        return
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content))["分配表"]
    assert [c.value for c in sheet[3]][:4] == HEADINGS
    assert [sheet.cell(row=r, column=7).value for r in range(4, 8)] == [880.73, 18.4, 4.9, 904.03]
    word = Document(BytesIO(client.get(url("export", run, "docx")).content))
    assert word.tables[0].rows[-1].cells[-1].text == "904.03"
    assert word.tables[1].rows[1].cells[1].text == "嘉兴鼎信投资担保有限公司"
    assert client.get(url("export", run, "pdf")).status_code == 404


# Editing as the owner ------------------------------------------------------------------------


def test_owner_adds_a_candidate_computes_and_confirms(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    client = login(world.owner)
    response = client.post(
        url("candidate_add", run),
        {"name": "嘉兴新担保公司", "attr_0": "１,０００", "attr_1": "0.9%", "cap": ""},
    )
    assert response.status_code == 302
    added = run.candidates.get(name="嘉兴新担保公司")
    assert added.attributes == {"月均余额": "1000", "年化担保费率": "0.9"}
    run.refresh_from_db()
    assert run.result is None  # a change clears the result
    assert client.post(url("compute", run)).status_code == 302
    rows = dict(amounts(run))
    assert sum(D(v) for v in rows.values()) == D("904.03")
    assert len(rows) == 4
    assert client.post(url("confirm", run)).status_code == 302
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.CONFIRMED
    before = snapshot(run)
    response = client.post(
        url("candidate_add", run), {"name": "又一家", "attr_0": "1", "attr_1": "1"}
    )
    assert response.status_code == 400
    assert "分配已确认，不能再修改" in response.content.decode()
    assert client.post(url("compute", run)).status_code == 400
    assert snapshot(run) == before
    actions = [e.action for e in history_of(run)]
    assert actions[:4] == [
        "jixiao.allocation.confirmed",
        "jixiao.allocation.computed",
        "jixiao.allocation.candidate.added",
        "jixiao.allocation.computed",
    ]
    entry = history_of(run).filter(action="jixiao.allocation.candidate.added").get()
    assert entry.user == world.owner
    assert entry.data["after"]["name"] == "嘉兴新担保公司"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            {"name": "负数公司", "attr_0": "-5", "attr_1": "1"},
            "「负数公司」的「月均余额」不能为负数",
        ),
        ({"name": "无费率公司", "attr_0": "5"}, "缺少条件所需的「年化担保费率」"),
        ({"name": "嘉兴市兴农担保有限责任公司", "attr_0": "5", "attr_1": "1"}, "已存在"),
        ({"name": "上限公司", "attr_0": "5", "attr_1": "1", "cap": "-1"}, "补贴上限"),
    ],
)
def test_bad_candidates_are_refused(
    world, login, run: AllocationRun, data: dict[str, str], words: str
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(run)
    response = login(world.owner).post(url("candidate_add", run), data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert snapshot(run) == before


def test_owner_removes_a_candidate(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    candidate = run.candidates.get(name="嘉兴鼎信投资担保有限公司")
    assert login(world.owner).post(url("candidate_remove", run, candidate.pk)).status_code == 302
    assert not run.candidates.filter(pk=candidate.pk).exists()
    entry = history_of(run).first()
    assert entry is not None and entry.action == "jixiao.allocation.candidate.removed"


def test_settings_change_and_bad_settings(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    client = login(world.owner)
    good = {
        "name": run.name,
        "year": "2021",
        "pot": "1000",
        "title": run.title,
        "candidate_label": "机构名称",
        "rounding": "largest_remainder",
        "attributes_text": "月均余额 | 月均余额（万元）\n年化担保费率 | 年化担保费率（%）",
        "factors_text": "月均余额 | 1",
        "rules_text": "年化担保费率 | ≤ | 1.5 | 费率不高于1.5%",
    }
    before = snapshot(run)
    for change, words in [
        ({"factors_text": "月均余额 | 0.7"}, "权重合计须为 1，实为 0.7"),
        ({"pot": "-1"}, "pot"),
        ({"rules_text": "年化担保费率 | 约 | 1.5"}, "比较符"),
        ({"pot": "1.005"}, "pot"),
    ]:
        response = client.post(url("settings", run), {**good, **change})
        assert response.status_code == 400, change
        if words != "pot":
            assert words in response.content.decode()
        assert snapshot(run) == before
    assert client.post(url("settings", run), good).status_code == 302
    run.refresh_from_db()
    assert run.pot == D("1000") and run.rules[0]["comparator"] == "<="
    assert run.result is None
    entry = history_of(run).first()
    assert entry is not None and entry.action == "jixiao.allocation.settings.changed"
    assert entry.data["before"]["pot"] == "904.03" and entry.data["after"]["pot"] == "1000.00"
    client.post(url("compute", run))
    assert sum(D(v) for _, v in amounts(run)) == D("1000")


# Creating ------------------------------------------------------------------------------------


def test_owner_creates_a_run(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.owner)
    assert client.get(reverse("allocations:new")).status_code == 200
    response = client.post(
        reverse("allocations:new"),
        {
            "owner": world.department.pk,
            "name": "测试分配",
            "year": "2022",
            "pot": "100",
            "title": "分配表",
            "candidate_label": "企业名称",
            "rounding": "largest_remainder",
            "factors_text": "营业收入 | 0.5\n笔数 | 0.5",
        },
    )
    assert response.status_code == 302
    created = AllocationRun.objects.get(name="测试分配")
    assert created.owner == world.department
    assert created.factors == [
        {"attribute": "营业收入", "weight": "0.5"},
        {"attribute": "笔数", "weight": "0.5"},
    ]
    assert history_of(created).get().action == "jixiao.allocation.created"


@pytest.mark.parametrize("persona", ["viewer", "reviewer", "nobody", "evaluator"])
def test_only_editors_may_create(world, login, persona: str) -> None:  # type: ignore[no-untyped-def]
    assert login(getattr(world, persona)).get(reverse("allocations:new")).status_code == 403


def test_no_run_for_someone_elses_organisation(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.outsider).post(
        reverse("allocations:new"),
        {
            "owner": world.department.pk,
            "name": "越权",
            "year": "2022",
            "pot": "1",
            "title": "t",
            "candidate_label": "名称",
            "rounding": "largest_remainder",
            "factors_text": "a | 1",
        },
    )
    assert response.status_code == 400
    assert not AllocationRun.objects.filter(name="越权").exists()


# Uploads --------------------------------------------------------------------------------------

GOOD_ROWS: list[list[object]] = [
    ["附件一 融资性担保机构中央奖补资金分配表"],
    [*HEADINGS, "补贴上限"],
    [1, "甲担保公司", "1,000.50", "0.5%", None],
    [],
    [2, "乙担保公司", 3000, 1.2, 500],
    [3, "丙担保公司", 10, 1.8, None],
    ["合计", None, 4010.5, None, None],
]


def test_upload_replaces_the_candidates(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    client = login(world.owner)
    response = client.post(url("import", run), {"upload": xlsx_upload(GOOD_ROWS)})
    assert response.status_code == 302, response.content.decode()
    assert [(c.name, c.attributes, c.cap) for c in run.candidates.all()] == [
        ("甲担保公司", {"月均余额": "1000.50", "年化担保费率": "0.5"}, None),
        ("乙担保公司", {"月均余额": "3000", "年化担保费率": "1.2"}, D("500.00")),
        ("丙担保公司", {"月均余额": "10", "年化担保费率": "1.8"}, None),
    ]
    entry = history_of(run).first()
    assert entry is not None and entry.action == "jixiao.allocation.candidates.imported"
    assert entry.data["file"] == "对象.xlsx" and len(entry.data["before"]) == 4
    client.post(url("compute", run))
    assert dict(amounts(run)) == {"甲担保公司": "404.03", "乙担保公司": "500.00"}


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (
            [*GOOD_ROWS[:4], [2, "乙担保公司", "三千", 1.2, None]],
            "第 5 行，“小微企业贷款融资担保业务月均余额（万元）”列：须为数字，实为“三千”",
        ),
        ([*GOOD_ROWS[:4], [2, "乙担保公司", -3, 1.2, None]], "第 5 行"),
        ([*GOOD_ROWS[:4], [2, "甲担保公司", 3, 1.2, None]], "与第 3 行重复"),
        ([*GOOD_ROWS[:4], [2, "乙担保公司", 3, 1.2, "很多"]], "补贴上限须为不小于 0 的数字"),
        ([["随便", "什么"], [1, 2]], "未找到表头"),
    ],
)
def test_a_bad_upload_changes_nothing(
    world, login, run: AllocationRun, rows: list[list[object]], words: str
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(run)
    count = history_of(run).count()
    response = login(world.owner).post(url("import", run), {"upload": xlsx_upload(rows)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "无法导入，分配对象未改变" in page
    assert words in page, page[page.find('id="error"') :][:400]
    assert snapshot(run) == before
    assert history_of(run).count() == count


def test_upload_errors_found_by_the_core_name_the_row(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    rows = [HEADINGS, [1, "甲", 100, 1], [2, "乙", 50, None]]  # 乙 has no fee rate
    response = login(world.owner).post(url("import", run), {"upload": xlsx_upload(rows)})
    assert response.status_code == 400
    assert "第 3 行：「乙」缺少条件所需的「年化担保费率」" in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (
            SimpleUploadedFile("a.csv", b"name,value\n", content_type="text/csv"),
            "只能上传 .xlsx 文件",
        ),
        (SimpleUploadedFile("a.xlsx", b"this is not a zip", content_type=XLSX), "不是 Excel 文件"),
        (SimpleUploadedFile("a.xlsx", b"", content_type=XLSX), "0 字节"),
    ],
)
def test_upload_type_checks(
    world, login, run: AllocationRun, upload: SimpleUploadedFile, words: str
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(run)
    response = login(world.owner).post(url("import", run), {"upload": upload})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert snapshot(run) == before


def test_upload_size_limit(
    world, login, run: AllocationRun, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from jixiao.web.allocations import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 100)
    response = login(world.owner).post(url("import", run), {"upload": xlsx_upload(GOOD_ROWS)})
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_english_pages(world, login, run: AllocationRun) -> None:  # type: ignore[no-untyped-def]
    client = login(world.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(url("detail", run)).content.decode()
    assert '<html lang="en">' in page
    assert "Factor-method allocation" in page
    assert "904.03" in page


def test_example_file_is_where_the_demo_reads_it() -> None:
    assert Path(demo.EXAMPLE).is_file()


def test_an_oversized_body_is_refused_before_it_is_read(
    world, login, run: AllocationRun, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from jixiao.web import uploads
    from jixiao.web.allocations import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 100)
    monkeypatch.setattr(uploads, "MULTIPART_SLACK", 0)
    before = snapshot(run)
    response = login(world.owner).post(url("import", run), {"upload": xlsx_upload(GOOD_ROWS)})
    assert response.status_code == 413
    assert "文件过大" in response.content.decode()
    assert snapshot(run) == before


@pytest.mark.parametrize("name", ["import", "compute", "candidate_add", "confirm"])
def test_writes_need_the_csrf_token(world, login, run: AllocationRun, name: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(run)
    client = login(world.owner, enforce_csrf_checks=True)
    data = (
        {"upload": xlsx_upload(GOOD_ROWS)}
        if name == "import"
        else {"name": "x", "attr_0": "1", "attr_1": "1"}
    )
    assert client.post(url(name, run), data).status_code == 403
    assert snapshot(run) == before


def test_a_run_without_declared_columns_enters_its_factor_and_rule_attributes(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.owner)
    client.post(
        reverse("allocations:new"),
        {
            "owner": world.department.pk,
            "name": "简单分配",
            "year": "2022",
            "pot": "10",
            "title": "分配表",
            "candidate_label": "企业名称",
            "rounding": "largest_remainder",
            "factors_text": "营业收入",
            "rules_text": "地区 | = | 南湖区",
        },
    )
    run = AllocationRun.objects.get(name="简单分配")
    page = client.get(url("detail", run)).content.decode()
    assert 'name="attr_0"' in page and 'name="attr_1"' in page
    for name, income, area in [("甲", "3", "南湖区"), ("乙", "1", "南湖区"), ("丙", "9", "秀洲区")]:
        response = client.post(
            url("candidate_add", run), {"name": name, "attr_0": income, "attr_1": area}
        )
        assert response.status_code == 302
    assert run.candidates.get(name="丙").attributes == {"营业收入": "9", "地区": "秀洲区"}
    client.post(url("compute", run))
    assert amounts(run) == [("甲", "7.50"), ("乙", "2.50")]
    assert run.result is not None and run.result["excluded"][0]["reason"] == "不符合“地区=南湖区”"
