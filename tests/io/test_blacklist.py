"""Reading a 失信名单 from .xlsx and .csv: the header is found, every code is checked, and the
first bad row stops everything with its row number."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook

from jixiao.core.credit_code import complete
from jixiao.io.blacklist import BlacklistError, read

A = complete("91510781MA6JY004")
B = complete("91510781MA6JY005")


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_a_title_above_the_header() -> None:
    content = xlsx(
        [
            ["信用中国核查结果"],
            ["序号", "企业名称", "统一社会信用代码", "来源", "原因"],
            [1, "江油示例商贸有限公司", A, "信用中国", "失信被执行人"],
            [None, None, None, None, None],
            [2, "某公司", B.lower(), "", ""],
        ]
    )
    rows = read(content, "名单.xlsx")
    assert [(r.row, r.credit_code, r.name, r.source, r.reason) for r in rows] == [
        (3, A, "江油示例商贸有限公司", "信用中国", "失信被执行人"),
        (5, B, "某公司", "", ""),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_the_encodings_excel_writes(encoding: str) -> None:
    text = f"统一社会信用代码,企业名称,来源\n{A},江油示例商贸有限公司,信用中国\n"
    rows = read(text.encode(encoding), "名单.csv")
    assert rows[0].name == "江油示例商贸有限公司" and rows[0].row == 2


def test_a_bad_code_names_its_row() -> None:
    content = xlsx([["统一社会信用代码"], [A], [A[:-1] + ("0" if A[-1] != "0" else "1")]])
    with pytest.raises(BlacklistError) as raised:
        read(content, "名单.xlsx")
    assert raised.value.row == 3
    assert str(raised.value).startswith("名单.xlsx：第 3 行：统一社会信用代码校验位")


def test_a_repeated_code_names_both_rows() -> None:
    with pytest.raises(BlacklistError, match=r"第 3 行：统一社会信用代码 .* 与第 2 行重复"):
        read(f"统一社会信用代码\n{A}\n{A}\n".encode(), "x.csv")


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"name,reason\nx,y\n", "x.csv", "找不到“统一社会信用代码”列"),
        ("统一社会信用代码\n".encode(), "x.csv", "没有任何企业"),
        (b"PK\x03\x04 not really", "x.xlsx", "文件已损坏"),
        (b"whatever", "x.xls", "只能导入 .xlsx 或 .csv"),
        (b"\xff\xfe\x00\xd8\x00\xdc", "x.csv", "无法识别文件编码"),
    ],
)
def test_unusable_files(content: bytes, name: str, words: str) -> None:
    with pytest.raises(BlacklistError, match=words):
        read(content, name)
