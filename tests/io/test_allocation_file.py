"""Allocation files: the seed example to the cent, and bad files refused by file, line, field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.allocation import RoundingMethod
from jixiao.io.allocation_file import (
    AllocationFileError,
    Column,
    core_path,
    from_document,
    load,
    load_and_compute,
    plain,
)

D = Decimal
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples" / "allocations" / "000-jiaxing-guarantee.yaml"
)

GOOD = """\
format: jixiao-allocation/1
pot: 100
factors:
  - attribute: 余额
rules:
  - attribute: 费率
    comparator: "≤"
    value: 1.5
candidates:
  - name: 甲
    attributes: {余额: 300, 费率: 1}
  - name: 乙
    attributes: {余额: "１００", 费率: "2%"}
"""


def write(tmp_path: Path, text: str, name: str = "run.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_seed_example_reproduces_annex_one() -> None:
    document, result = load_and_compute(EXAMPLE)
    assert document.title == "融资性担保机构中央奖补资金分配表"
    assert document.year == 2021
    assert document.owner == "嘉兴市经济和信息化局"
    assert document.allocation.rounding is RoundingMethod.BALANCE_TO_LARGEST
    assert document.columns == (
        Column("月均余额", "小微企业贷款融资担保业务月均余额（万元）"),
        Column("年化担保费率", "年化担保费率（%）"),
    )
    assert [(r.name, r.amount) for r in result.rows] == [
        ("嘉兴市小微企业信保基金融资担保有限公司", D("880.73")),
        ("嘉兴市兴农担保有限责任公司", D("18.40")),
        ("嘉兴市农信融资担保有限责任公司", D("4.90")),
    ]
    assert result.total == D("904.03")
    assert result.factor_totals == (D("180000.42"),)
    assert [e.name for e in result.excluded] == ["嘉兴鼎信投资担保有限公司"]
    assert result.excluded[0].rules[0].label == "年化担保费率在 1.5% (含) 以下"


def test_quoted_and_full_width_numbers_and_defaults(tmp_path: Path) -> None:
    document, result = load_and_compute(write(tmp_path, GOOD))
    assert document.allocation.candidates[1].attributes == {"余额": D("100"), "费率": D("2")}
    assert document.columns == (Column("余额", "余额"), Column("费率", "费率"))
    assert document.allocation.rules[0].label == "费率≤1.5"
    assert [r.name for r in result.rows] == ["甲"] and result.total == D("100")


def test_plain_round_trips(tmp_path: Path) -> None:
    document = load(EXAMPLE)
    again = from_document(plain(document), "stored")
    assert again.allocation == document.allocation
    assert again.columns == document.columns and again.title == document.title


def test_core_paths() -> None:
    assert core_path("candidates[2].attributes.月均余额") == [
        "candidates",
        2,
        "attributes",
        "月均余额",
    ]
    assert core_path("pot") == ["pot"]
    assert core_path("") == []


def refused(path: Path) -> AllocationFileError:
    with pytest.raises(AllocationFileError) as caught:
        load_and_compute(path)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("pot: 100", "pot: -5", 2, "pot", "分配总额不能为负数"),
        ("pot: 100", "pot: 很多", 2, "pot", "须为数字"),
        (
            "  - attribute: 余额\n",
            "  - attribute: 余额\n    weight: 0.5\n",
            3,
            "factors",
            "权重合计须为 1",
        ),
        ('comparator: "≤"', 'comparator: "约"', 7, "rules[0].comparator", "比较符"),
        (
            "{余额: 300, 费率: 1}",
            "{余额: -300, 费率: 1}",
            11,
            "candidates[0].attributes.余额",
            "不能为负数",
        ),
        (
            "  - name: 乙\n",
            "  - name: 乙\n    cap: -1\n",
            13,
            "candidates[1].cap",
            "补贴上限不能为负数",
        ),
        ("format: jixiao-allocation/1", "format: other", 1, "format", "格式应为"),
        ("pot: 100", "pot: 100\ncolour: red", 3, "colour", "未知字段 colour"),
        ("    value: 1.5", "    value: 0.1", 5, "rules", "没有符合条件的分配对象"),
        ("name: 乙", "name: 甲", 12, "candidates[1].name", "重复出现"),
    ],
)
def test_bad_files_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    error = refused(path)
    assert error.file == str(path)
    assert error.line == line, error
    assert error.field == field
    assert words in str(error)
    assert str(error).startswith(f"文件 {path}，第 {line} 行")


def test_missing_required_field(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "pot: 1\nfactors: [{attribute: a}]\n"))
    assert "缺少必填字段 candidates" in str(error)


def test_syntax_errors_and_file_problems(tmp_path: Path) -> None:
    assert "语法错误" in str(refused(write(tmp_path, "pot: [1\n")))
    assert "不支持的文件类型" in str(refused(write(tmp_path, GOOD, "run.txt")))
    assert "文件不存在" in str(refused(tmp_path / "none.yaml"))
    assert "须为键值对" in str(refused(write(tmp_path, "- 1\n")))
