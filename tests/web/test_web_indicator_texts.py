"""An indicator's explanation (指标解释) and criteria (评分标准) through the web: kept in the stored
document by import, row edits and tree edits, printed in the exported tables, and written back
into the downloaded case file."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from web_world import JIANGYOU_SEED, World, seed

from jixiao.core.case import Case
from jixiao.core.indicators import walk
from jixiao.io.cases import load, read_document
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import (
    document_rows,
    find_row,
    import_document,
    rename_indicator,
    update_row,
)

pytestmark = pytest.mark.django_db

ALLOCATION = ["通用指标", "项目实施", "分配科学"]
CRITERIA = "未见文件扣 1 分；要点做到得满分。"


@pytest.fixture
def relief(world: World) -> Evaluation:
    document = read_document(seed(JIANGYOU_SEED))
    row = document["indicators"][0]["children"][1]["children"][0]
    assert row["name"] == "分配科学"
    row["criteria"] = CRITERIA
    return import_document(document, world.department, name=JIANGYOU_SEED)


def texts_of(evaluation: Evaluation) -> dict[str, tuple[str, str]]:
    rows = document_rows(evaluation.document).values()
    return {raw["name"]: (raw.get("explanation", ""), raw.get("criteria", "")) for raw in rows}


def test_import_and_edits_keep_the_texts(relief: Evaluation, world: World) -> None:
    stored = texts_of(Evaluation.objects.get(pk=relief.pk))
    original = texts_of(relief)
    assert stored == original
    assert stored["均衡性"] == ("政策是否覆盖所有中小微企业", "")
    assert stored["分配科学"][1] == CRITERIA
    assert sum(1 for explanation, _ in stored.values() if explanation) == 19

    key = find_row(relief.document, ALLOCATION)
    assert key is not None
    edited = update_row(
        relief.pk, key, {"rationale": "改写的扣分理由"}, relief.version, world.owner
    )
    renamed = rename_indicator(edited.pk, key, "分配科学合理", edited.version, world.owner)
    after = texts_of(Evaluation.objects.get(pk=renamed.pk))
    assert after.pop("分配科学合理") == original.pop("分配科学")
    assert after == original


def test_the_exported_tables_and_case_file_carry_the_texts(
    relief: Evaluation, world: World, login, tmp_path: Path
) -> None:
    client = login(world.owner)
    url = reverse("evaluations:export", args=[relief.pk, "score_sheet", "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None
    explanations = [ws.cell(row=r, column=4).value for r in range(3, 22)]
    assert explanations[0] == (
        "项目设立环节是否经过严格评估论证，是否与部门职责相符，是否属于公共财政支持范围，"
        "是否符合地方事权支出责任划分原则"
    )
    assert explanations[-1] == "相关群体满意度调查情况"

    response = client.get(reverse("evaluations:case_file", args=[relief.pk]))
    assert response.status_code == 200
    path = tmp_path / "back.yaml"
    path.write_bytes(response.content)
    case = load(path)
    assert isinstance(case, Case)
    named = {i.name: i for _, i in walk(case.tree.roots)}
    assert named["分配科学"].criteria == CRITERIA
    assert named["盈利性"].explanation == "对比补助资金下拨前后受益企业盈利数量"


def test_an_outsider_gets_404_for_the_case_file(relief: Evaluation, world: World, login) -> None:
    url = reverse("evaluations:case_file", args=[relief.pk])
    assert login(world.outsider).get(url).status_code == 404
