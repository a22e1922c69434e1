"""The messages of allocations, subsidies, co-funding and pilots are core ``Text``: the same
Chinese as before (the CLI, the exports and the JSON print it), plus a template that the web
app translates (jixiao.web.core_text)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from jixiao.core.allocation import (
    Allocation,
    AllocationError,
    Candidate,
    Comparator,
    Factor,
    Rule,
    allocate,
)
from jixiao.core.text import Text
from jixiao.io.allocation_file import AllocationFileError, from_document
from jixiao.io.allocation_import import import_candidates
from jixiao.io.cases import CaseError

D = Decimal


def raised(action: Callable[[], object], kind: type[Exception] = Exception) -> Exception:
    with pytest.raises(kind) as caught:
        action()
    return caught.value


def message_of(error: Exception) -> str:
    message = getattr(error, "message", None)
    return message if isinstance(message, str) else str(error)


def assert_text(message: str, template: str, chinese: str) -> None:
    assert isinstance(message, Text), repr(message)
    assert message.template == template
    assert message == chinese
    assert str.__str__(message) == chinese


# Allocations -------------------------------------------------------------------------------


def run(**changes: object) -> Allocation:
    values: dict[str, object] = {
        "pot": D("100"),
        "candidates": (Candidate("甲", {"余额": D("10")}), Candidate("乙", {"余额": D("30")})),
        "factors": (Factor("余额"),),
        "rules": (),
    }
    values.update(changes)
    return Allocation(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("allocation", "template", "chinese"),
    [
        (run(pot=D("-1")), "分配总额不能为负数（{pot}）", "分配总额不能为负数（-1）"),
        (run(candidates=()), "没有分配对象", "没有分配对象"),
        (
            run(candidates=(Candidate("甲", {"余额": D("1")}), Candidate("甲", {"余额": D("2")}))),
            "分配对象「{name}」重复出现",
            "分配对象「甲」重复出现",
        ),
        (
            run(factors=(Factor("余额", D("0.5")),)),
            "分配因素的权重合计须为 1，实为 {total}",
            "分配因素的权重合计须为 1，实为 0.5",
        ),
        (
            run(rules=(Rule("费率", Comparator.LE, D("1.5")),)),
            "「{name}」缺少条件所需的「{attribute}」",
            "「甲」缺少条件所需的「费率」",
        ),
        (
            run(candidates=(Candidate("甲", {"余额": D("10")}, D("1")),)),
            "符合条件对象的补贴上限合计 {caps} 万元低于分配总额 {pot} 万元",
            "符合条件对象的补贴上限合计 1 万元低于分配总额 100 万元",
        ),
    ],
)
def test_allocation_errors_are_text(allocation: Allocation, template: str, chinese: str) -> None:
    error = raised(lambda: allocate(allocation), AllocationError)
    assert_text(message_of(error), template, chinese)
    assert_text(str(error), template, chinese)  # str() keeps the Text too


def test_a_comparator_error_is_text() -> None:
    error = raised(lambda: Comparator.parse("~"), AllocationError)
    assert_text(
        message_of(error),
        "比较符 {given} 无法识别（可用：{known}）",
        "比较符 '~' 无法识别（可用：<、=、>、≠、≤、≥）",
    )


def test_an_allocation_file_error_is_text() -> None:
    document = {"format": "jixiao-allocation/1", "pot": "十", "factors": [{"attribute": "余额"}]}
    error = raised(lambda: from_document(document, "a.yaml", draft=True), AllocationFileError)
    assert_text(message_of(error), "须为数字，实为 {given}", "须为数字，实为 '十'")


def sheet(tmp_path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    path = tmp_path / "对象.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("rows", "template", "chinese"),
    [
        (
            [["机构名称", "余额"], ["甲", "三千"]],
            "须为数字，实为“{given}”",
            "须为数字，实为“三千”",
        ),
        (
            [["机构名称", "余额"], ["甲", 1], ["甲", 2]],
            "「{name}」与第 {row} 行重复",
            "「甲」与第 2 行重复",
        ),
        (
            [["随便"], ["什么"]],
            "未找到表头：须有一行列标题含“机构名称”（或单位名称、企业名称、名称）",
            "未找到表头：须有一行列标题含“机构名称”（或单位名称、企业名称、名称）",
        ),
    ],
)
def test_allocation_import_errors_are_text(
    tmp_path: Path, rows: list[list[object]], template: str, chinese: str
) -> None:
    path = sheet(tmp_path, rows)
    error = raised(lambda: import_candidates(path, numeric=["余额"]), CaseError)
    assert isinstance(error, CaseError)
    assert_text(error.message, template, chinese)
