"""Candidates from .xlsx: tolerant reading, all-or-nothing errors naming the row and column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from jixiao.io.allocation_file import Column
from jixiao.io.allocation_import import import_bytes, import_candidates, number
from jixiao.io.cases import CaseError

D = Decimal
KNOWN = (
    Column("月均余额", "小微企业贷款融资担保业务月均余额（万元）"),
    Column("年化担保费率", "年化担保费率（%）"),
)
NUMERIC = ("月均余额", "年化担保费率")


def sheet(tmp_path: Path, rows: list[list[object]], name: str = "candidates.xlsx") -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    path = tmp_path / name
    workbook.save(path)
    return path


SEED_ROWS: list[list[object]] = [
    ["附件一 融资性担保机构中央奖补资金分配表"],
    [],
    [
        "序号",
        "机构名称",
        "小微企业贷款融资担保业务月均余额（万元）",
        "年化担保费率（%）",
        "补贴上限",
    ],
    [1, "嘉兴市小微企业信保基金融资担保有限公司", 175362.53, 0.78, None],
    [None, None, None, None, None],
    [2, "嘉兴市兴农担保有限责任公司", "３６６２．８９", "1.06%", "100"],
    [3, "嘉兴市农信融资担保有限责任公司", "975.00", " 0.87 ", None],
    [4, "嘉兴鼎信投资担保有限公司", "—", "2", None],
    ["合计", None, 180000.42, None, None],
]


def test_the_seed_table_is_read_tolerantly(tmp_path: Path) -> None:
    imported = import_candidates(sheet(tmp_path, SEED_ROWS), KNOWN, NUMERIC)
    assert imported.columns == KNOWN
    assert [(c.name, c.row) for c in imported.candidates] == [
        ("嘉兴市小微企业信保基金融资担保有限公司", 4),
        ("嘉兴市兴农担保有限责任公司", 6),
        ("嘉兴市农信融资担保有限责任公司", 7),
        ("嘉兴鼎信投资担保有限公司", 8),
    ]
    first, second, third, fourth = imported.candidates
    assert first.attributes == {"月均余额": D("175362.53"), "年化担保费率": D("0.78")}
    assert second.attributes == {"月均余额": D("3662.89"), "年化担保费率": D("1.06")}
    assert second.cap == D("100") and first.cap is None
    assert third.attributes["月均余额"] == D("975.00")
    assert fourth.attributes == {"年化担保费率": D("2")}  # 「—」 is blank


def test_unknown_headings_become_attributes_named_without_their_unit(tmp_path: Path) -> None:
    rows: list[list[object]] = [["企业名称", "营业收入（万元）", "地区"], ["甲", 10, "南湖区"]]
    imported = import_candidates(sheet(tmp_path, rows))
    assert imported.columns == (Column("营业收入", "营业收入（万元）"), Column("地区", "地区"))
    assert imported.candidates[0].attributes == {"营业收入": D("10"), "地区": "南湖区"}


@pytest.mark.parametrize(
    ("change", "row", "column", "words"),
    [
        ((4, 2, "abc"), 4, "小微企业贷款融资担保业务月均余额（万元）", "须为数字，实为“abc”"),
        ((4, 2, "-3"), 4, "小微企业贷款融资担保业务月均余额（万元）", "不能为负数"),
        ((4, 1, None), 4, "机构名称", "缺少名称"),
        ((4, 1, "甲"), 4, "机构名称", "与第 2 行重复"),
        ((4, 4, "很多"), 4, "补贴上限", "补贴上限须为不小于 0 的数字"),
    ],
)
def test_one_bad_cell_refuses_the_whole_sheet(
    tmp_path: Path, change: tuple[int, int, object], row: int, column: str, words: str
) -> None:
    rows: list[list[object]] = [
        [
            "序号",
            "机构名称",
            "小微企业贷款融资担保业务月均余额（万元）",
            "年化担保费率（%）",
            "补贴上限",
        ],
        [1, "甲", 10, 1, None],
        [2, "乙", 20, 1, None],
        [3, "丙", 30, 1, None],
    ]
    r, c, value = change
    rows[r - 1][c] = value
    with pytest.raises(CaseError) as caught:
        import_candidates(sheet(tmp_path, rows, "x.xlsx"), KNOWN, NUMERIC)
    error = caught.value
    assert (error.line, error.field) == (row, column)
    assert words in str(error)
    assert str(error).startswith(f"文件 {tmp_path / 'x.xlsx'}，第 {row} 行")


def test_a_text_value_in_a_number_column_is_a_typo(tmp_path: Path) -> None:
    rows: list[list[object]] = [["名称", "笔数"], ["甲", 3], ["乙", "三"]]
    with pytest.raises(CaseError, match="须为数字，实为“三”") as caught:
        import_candidates(sheet(tmp_path, rows))
    assert caught.value.line == 3


def test_files_that_are_not_candidate_sheets(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="未找到表头"):
        import_candidates(sheet(tmp_path, [["a", "b"], [1, 2]]))
    with pytest.raises(CaseError, match="表头下没有分配对象"):
        import_candidates(sheet(tmp_path, [["机构名称", "余额"]]))
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip at all")
    with pytest.raises(CaseError, match="无法打开"):
        import_candidates(fake)
    with pytest.raises(CaseError, match=r"应为 \.xlsx"):
        import_candidates(tmp_path / "list.csv")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(CaseError, match="0 字节"):
        import_candidates(empty)


def test_import_bytes_reads_an_upload(tmp_path: Path) -> None:
    content = sheet(tmp_path, SEED_ROWS).read_bytes()
    imported = import_bytes([content[:100], content[100:]], "上传.xlsx", KNOWN, NUMERIC)
    assert len(imported.candidates) == 4


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.5", D("1234.5")),
        ("０.７８％", D("0.78")),
        ("12万元", D("12")),
        ("abc", None),
        ("", None),
    ],
)
def test_numbers(text: str, value: Decimal | None) -> None:
    assert number(text) == value
