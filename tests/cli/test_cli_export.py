"""``jixiao export``: the official tables as .xlsx/.docx files; exit 2 with a Chinese message."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from jixiao.cli import app

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
ZHUZHOU = SEEDS / "004-zhuzhou-warm-enterprise.yaml"
POLICY = SEEDS / "000-jiaxing-policy.yaml"
SUMMARY = SEEDS / "000-jiaxing-summary.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["export", *map(str, args)])


def failed(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "无法导出" in result.stderr
    for word in words:
        assert word in result.stderr


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_default_is_the_self_evaluation_as_xlsx_named_after_the_project(in_tmp: Path) -> None:
    result = run(ZHUZHOU)
    assert result.exit_code == 0, result.output
    written = in_tmp / "温暖企业行动-项目支出绩效自评表.xlsx"
    assert "已导出" in result.stdout and written.name in result.stdout
    ws = load_workbook(BytesIO(written.read_bytes())).active
    assert ws is not None
    assert ws["A1"].value == "2020年度项目支出绩效自评表"
    assert ws["G24"].value == 95.99


def test_a_summary_file_defaults_to_the_summary_table(in_tmp: Path) -> None:
    result = run(SUMMARY, "--format", "docx")
    assert result.exit_code == 0, result.output
    written = in_tmp / "嘉兴市经济和信息化局-部门绩效自评结果汇总表.docx"
    table = Document(str(written)).tables[0]
    assert len(table.rows) == 19
    assert table.rows[18].cells[3].text == "1122.34"


def test_output_file_and_output_folder(tmp_path: Path) -> None:
    target = tmp_path / "计分表.docx"
    assert run(POLICY, "-t", "scoring", "-f", "docx", "-o", target).exit_code == 0
    assert Document(str(target)).tables[0].rows[3].cells[4].text == "评分标准"
    assert run(POLICY, "--table", "scoring", "--output", tmp_path).exit_code == 0
    assert (tmp_path / "工信发展专项资金-评价指标计分表.xlsx").is_file()


def test_a_table_that_does_not_fit(tmp_path: Path) -> None:
    failed(run(SUMMARY, "-t", "self", "-o", tmp_path), "部门汇总表只能导出为部门绩效自评结果汇总表")
    failed(run(ZHUZHOU, "-t", "summary", "-o", tmp_path), "评价表不能导出为部门绩效自评结果汇总表")
    assert list(tmp_path.iterdir()) == []


def test_unreadable_input(tmp_path: Path) -> None:
    failed(run(tmp_path / "missing.yaml"), "文件不存在")
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: jixiao-case/1\ntype: evaluation\nmeta: [\n", encoding="utf-8")
    failed(run(broken, "-o", tmp_path / "out.xlsx"), "YAML/JSON 语法错误")
    failed(run(ZHUZHOU, "--rules", "nowhere", "-o", tmp_path / "out.xlsx"), "nowhere")
    assert not (tmp_path / "out.xlsx").exists()


def test_unknown_format_or_table(tmp_path: Path) -> None:
    failed(run(ZHUZHOU, "-f", "odt", "-o", tmp_path), "不支持的格式 'odt'", "docx、pdf、xlsx")
    failed(run(ZHUZHOU, "-t", "nope", "-o", tmp_path), "不支持的表格 'nope'")


def test_unwritable_output(tmp_path: Path) -> None:
    failed(run(ZHUZHOU, "-o", tmp_path / "no-such-folder" / "x.xlsx"), "无法写出")


def test_score_sheet_and_completion_table(tmp_path: Path) -> None:
    jiangyou = SEEDS / "002-jiangyou-relief-fund.yaml"
    result = run(jiangyou, "-t", "score_sheet", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "江油市中小微企业纾困资金-绩效评价得分表.xlsx").active
    assert ws is not None
    total = next(row for row in ws.iter_rows(values_only=True) if row[0] == "合计")
    assert total[4:6] == (100, 94)
    xiangtan = SEEDS / "001-xiangtan-service-system.yaml"
    result = run(xiangtan, "--table", "completion", "--format", "docx", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    written = tmp_path / "湘潭县中小企业服务体系经费-专项支出绩效评价指标完成情况表.docx"
    table = Document(str(written)).tables[0]
    assert [c.text for c in table.rows[-1].cells] == [
        "合计",
        "100",
        "",
        "100",
        "",
        "",
        "",
        "100",
        "100",
    ]


def test_the_help_names_the_new_tables() -> None:
    result = CliRunner().invoke(app, ["export", "--help"], env={"COLUMNS": "200"})
    assert "score_sheet" in result.output and "completion" in result.output


def test_a_summary_is_no_completion_table(tmp_path: Path) -> None:
    failed(run(SUMMARY, "-t", "completion", "-o", tmp_path), "部门汇总表只能导出为")
