"""PDF exports: LibreOffice renders the Word file; the Chinese text and fonts are really there."""

from __future__ import annotations

import subprocess
from pathlib import Path

from jixiao.core.review import review
from jixiao.io import rulesets
from jixiao.io.cases import load
from jixiao.io.exporters import get

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def pdf_of(seed: str, table: str, tmp_path: Path) -> Path:
    document = load(SEEDS / seed)
    exporter = get(table, "pdf")
    assert exporter is not None
    name, mimetype, content = exporter.render(document, review(document, rulesets.load("national")))
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    path = tmp_path / name
    path.write_bytes(content)
    return path


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_the_self_evaluation_pdf_holds_the_table_and_embeds_cjk_fonts(tmp_path: Path) -> None:
    pdf = pdf_of("004-zhuzhou-warm-enterprise.yaml", "self", tmp_path)
    text = run("pdftotext", "-layout", str(pdf), "-").replace(" ", "")
    assert "项目支出绩效自评表" in text
    for figure in ("239.4", "215.2", "89.89%", "8.99", "95.99"):
        assert figure in text
    assert "中小企业发展服务中心" in text
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # embedded
    assert "Pages:" in run("pdfinfo", str(pdf))
    assert "A4" in run("pdfinfo", str(pdf)) or "595" in run("pdfinfo", str(pdf))


def test_a_page_renders_to_an_image_with_ink(tmp_path: Path) -> None:
    pdf = pdf_of("000-jiaxing-summary.yaml", "summary", tmp_path)
    run("pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page"))
    image = next(tmp_path.glob("page*.png"))
    assert image.stat().st_size > 10_000  # a blank A4 page at 50 dpi is far smaller
    text = run("pdftotext", str(pdf), "-").replace(" ", "")
    assert "部门绩效自评结果汇总表" in text and "1122.34" in text


def test_the_score_sheet_and_completion_table_pdfs_show_the_chinese(tmp_path: Path) -> None:
    sheet = run(
        "pdftotext", str(pdf_of("002-jiangyou-relief-fund.yaml", "score_sheet", tmp_path)), "-"
    )
    sheet = sheet.replace(" ", "")  # cell texts wrap: check words that fit a line
    for text in ("绩效评价得分表", "扣分理由", "分配科学", "盈利性", "合计", "94"):
        assert text in sheet
    completion = run(
        "pdftotext", str(pdf_of("001-xiangtan-service-system.yaml", "completion", tmp_path)), "-"
    ).replace(" ", "")
    for text in ("指标完成情况表", "评价标准", "项目决策", "合计"):
        assert text in completion
