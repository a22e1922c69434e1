"""``jixiao report``: the evaluation report as .docx/.pdf; exit 2 with a Chinese message."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner, Result

from jixiao.cli import app

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
ZHUZHOU = SEEDS / "004-zhuzhou-warm-enterprise.yaml"
INDUSTRY = SEEDS / "000-jiaxing-industry-self.yaml"
SUMMARY = SEEDS / "000-jiaxing-summary.yaml"
NAME = "2020年度温暖企业行动绩效自评报告.docx"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["report", *map(str, args)])


def failed(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "无法生成报告" in result.stderr
    for word in words:
        assert word in result.stderr


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in Document(BytesIO(path.read_bytes())).paragraphs)


def test_default_is_word_named_after_the_title(in_tmp: Path) -> None:
    result = run(ZHUZHOU)
    assert result.exit_code == 0, result.output
    assert f"已生成 {NAME}" in result.stdout
    text = text_of(in_tmp / NAME)
    assert "项目评价得分95.99分，评价等级为“优”" in text
    assert "五、有关建议\n无。" in text


def test_narrative_and_output_file(in_tmp: Path) -> None:
    narrative = in_tmp / "n.yaml"
    narrative.write_text(
        "存在的问题: 个别指标评分偏低。\nsuggestions: |\n  加强培训考核。\n", encoding="utf-8"
    )
    target = in_tmp / "out" / "report.docx"
    target.parent.mkdir()
    result = run(INDUSTRY, "--narrative", narrative, "-o", target)
    assert result.exit_code == 0, result.output
    text = text_of(target)
    assert "个别指标评分偏低。" in text and "加强培训考核。" in text
    assert "发现以下3个问题" in text and "【错误】总分：发布总分 98.57，重新计算为 100" in text


def test_output_folder(in_tmp: Path) -> None:
    (in_tmp / "reports").mkdir()
    assert run(ZHUZHOU, "-o", in_tmp / "reports").exit_code == 0
    assert (in_tmp / "reports" / NAME).is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("-f", "odt"), ("不支持的格式 'odt'",)),
        (("--narrative", "missing.yaml"), ("无法读取报告文字文件",)),
    ],
)
def test_bad_options(in_tmp: Path, args: tuple[str, ...], words: tuple[str, ...]) -> None:
    failed(run(ZHUZHOU, *args), *words)
    assert not list(in_tmp.glob("*.docx"))


def test_bad_narrative_and_bad_documents(in_tmp: Path) -> None:
    narrative = in_tmp / "n.yaml"
    narrative.write_text("bogus: 文字\n", encoding="utf-8")
    failed(run(ZHUZHOU, "--narrative", narrative), "未知的报告章节“bogus”")
    failed(run(SUMMARY), "部门汇总表不能生成评价报告")
    failed(run(in_tmp / "nope.yaml"), "nope.yaml")
    failed(run(ZHUZHOU, "-o", in_tmp / "no" / "such" / "dir.docx"), "无法写出")
