"""``jixiao import`` (自评表 .xlsx/.docx → case YAML) and ``score``/``audit`` reading Office files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from jixiao.cli import app
from jixiao.io.cases import load
from selfeval_tables import platform, summary_sheet, write_docx, write_xlsx, zhuzhou


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def not_crashed(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_import_writes_a_case_that_score_reads_back(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "004.xlsx", zhuzhou())
    out = tmp_path / "cases" / "004.yaml"
    result = run("import", source, "-o", out)
    not_crashed(result)
    assert result.exit_code == 0, result.output
    assert "指标 14 项" in result.stdout
    assert "总分 95.99" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 由 jixiao import 从 004.xlsx")
    assert "温暖企业行动" in text
    assert load(out).published.total is not None
    scored = run("score", out)
    assert scored.exit_code == 0, scored.output
    assert "总分 95.99（发布 95.99）" in scored.stdout
    direct = run("score", source)
    assert direct.exit_code == 0, direct.output
    assert "总分 95.99（发布 95.99）" in direct.stdout


def test_import_defaults_beside_the_input_and_will_not_overwrite(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "平台.docx", platform())
    first = run("import", source)
    assert first.exit_code == 0, first.output
    target = tmp_path / "平台.yaml"
    assert target.is_file()
    written = target.read_text(encoding="utf-8")
    again = run("import", source)
    not_crashed(again)
    assert again.exit_code == 2
    assert "已存在" in again.stderr
    assert target.read_text(encoding="utf-8") == written
    forced = run("import", source, "--force")
    assert forced.exit_code == 0, forced.output


def test_import_refuses_an_output_that_is_not_yaml(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "000.xlsx", platform())
    content = source.read_bytes()
    result = run("import", source, "-o", source)  # would overwrite the workbook
    not_crashed(result)
    assert result.exit_code == 2
    assert ".yaml 或 .yml" in result.stderr
    assert source.read_bytes() == content


def test_import_to_stdout(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "000.xlsx", platform())
    result = run("import", source, "-o", "-")
    assert result.exit_code == 0, result.output
    assert "format: jixiao-case/1" in result.stdout
    assert "总分 100" in result.stderr
    assert files(tmp_path) == {"000.xlsx"}


def test_import_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"garbage" * 100)
    wrong = write_xlsx(tmp_path / "summary.xlsx", summary_sheet())
    layout = zhuzhou()
    row, column = layout.find("交办解决企业问题")
    layout.rows[row][column + 3] = "五分"
    unreadable = write_xlsx(tmp_path / "weight.xlsx", layout)
    before = files(tmp_path)
    for source, words in (
        (broken, "无法打开"),
        (wrong, "没有找到项目支出绩效自评表"),
        (unreadable, f"第 {row + 1} 行，字段 分值"),
    ):
        result = run("import", source, "-o", tmp_path / "out.yaml")
        not_crashed(result)
        assert result.exit_code == 2, result.output
        assert "无法导入" in result.stderr
        assert words in result.stderr
    result = run("import", tmp_path / "missing.docx")
    assert result.exit_code == 2
    assert "文件不存在" in result.stderr
    assert files(tmp_path) == before


def test_audit_reads_xlsx_and_docx_directly(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "004.xlsx", zhuzhou())
    result = run("audit", xlsx)
    not_crashed(result)
    assert result.exit_code == 0, result.output
    assert "总分 95.99（发布 95.99）" in result.stdout
    docx = write_docx(tmp_path / "000.docx", platform())
    result = run("audit", "--json", docx)
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["computed_total"] == report["published_total"] == "100"
    assert report["findings"] == []


def test_audit_finds_office_files_in_folders(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "a.xlsx", zhuzhou())
    write_docx(tmp_path / "b.docx", platform())
    result = run("audit", "--json", tmp_path)
    assert result.exit_code == 0, result.output
    assert [r["published_total"] for r in json.loads(result.stdout)] == ["95.99", "100"]


def test_audit_of_a_broken_office_file_exits_2(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", zhuzhou())
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = run("audit", good, empty)
    not_crashed(result)
    assert result.exit_code == 2
    assert "文件是空的" in result.stderr
    assert "95.99" in result.stdout  # the good file is still reported
