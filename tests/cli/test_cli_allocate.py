"""``jixiao allocate``: the 附件一 table printed and exported; exit 2 with a Chinese message."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from jixiao.cli import app

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples" / "allocations" / "000-jiaxing-guarantee.yaml"
)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["allocate", *map(str, args)])


def failed(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output + result.stderr
    assert "无法分配" in result.stderr
    for word in words:
        assert word in result.stderr


def test_prints_the_seed_allocation() -> None:
    result = run(EXAMPLE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in (
        "融资性担保机构中央奖补资金分配表",
        "嘉兴市小微企业信保基金融资担保有限公司",
        "880.73",
        "18.40",
        "4.90",
        "904.03",
        "180000.42",
        "97.42%",
        "未纳入分配的对象",
        "嘉兴鼎信投资担保有限公司",
        "0.0050223",
    ):
        assert text in out, text


def test_writes_xlsx_and_docx(tmp_path: Path) -> None:
    xlsx, docx = tmp_path / "a.xlsx", tmp_path / "a.docx"
    result = run(EXAMPLE, "--xlsx", xlsx, "--docx", docx)
    assert result.exit_code == 0, result.output
    assert f"已导出 {xlsx}" in result.stdout and f"已导出 {docx}" in result.stdout
    sheet = load_workbook(xlsx)["分配表"]
    assert [sheet.cell(row=r, column=7).value for r in range(4, 8)] == [880.73, 18.4, 4.9, 904.03]
    assert Document(str(docx)).tables[0].rows[4].cells[-1].text == "904.03"


def test_bad_file_exit_2_naming_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("pot: 904.03", "pot: -904.03"))
    failed(run(bad), f"文件 {bad}", "第 12 行", "字段 pot", "分配总额不能为负数")


def test_weights_not_summing_to_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("weight: 1", "weight: 0.8"))
    failed(run(bad), "权重合计须为 1，实为 0.8")


def test_missing_file_and_unwritable_output(tmp_path: Path) -> None:
    failed(run(tmp_path / "none.yaml"), "文件不存在")
    failed(run(EXAMPLE, "--xlsx", tmp_path / "no" / "such" / "dir.xlsx"), "无法写出")
