"""The evaluation report as Word (and one PDF): headings, numbers, pictures, the appendix."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from jixiao.core.case import Case
from jixiao.core.report import Report, ReportError, build_report
from jixiao.core.review import review
from jixiao.io import rulesets
from jixiao.io.cases import load
from jixiao.io.report_docx import load_narrative, report_docx, report_filename, report_pdf

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
HEADINGS = [
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、评价结论及绩效分析",
    "四、存在的问题及原因分析",
    "五、有关建议",
    "六、其他需要说明的问题",
    "附件：2020年度项目支出绩效自评表",
]
PNG = b"\x89PNG\r\n\x1a\n"


def report_of(seed: str, narrative: dict[str, str] | None = None) -> Report:
    case = load(SEEDS / seed)
    assert isinstance(case, Case) and case.rules
    return build_report(case, review(case, rulesets.load(case.rules)), narrative)


@pytest.fixture(scope="module")
def zhuzhou() -> Report:
    return report_of("004-zhuzhou-warm-enterprise.yaml", {"problems": "由于疫情原因，活动延期。"})


@pytest.fixture(scope="module")
def docx_bytes(zhuzhou: Report) -> bytes:
    return report_docx(zhuzhou)


def test_headings_in_order_and_the_numbers(docx_bytes: bytes) -> None:
    document = Document(BytesIO(docx_bytes))
    paragraphs = document.paragraphs
    assert paragraphs[0].text == "2020年度温暖企业行动绩效自评报告"
    level1 = [p.text for p in paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert level1 == HEADINGS
    level2 = [p.text for p in paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert level2[:2] == ["（一）项目概况", "（二）绩效目标"]
    text = "\n".join(p.text for p in paragraphs)
    assert "项目评价得分95.99分，评价等级为“优”" in text
    assert "全年预算数239.4万元，执行数215.2万元，执行率89.89%" in text
    assert "由于疫情原因，活动延期。" in text
    assert text.count("无。") >= 3
    for caption in ("图1 各一级指标分值与得分", "图2 资金预算与执行情况", "图3 "):
        assert caption in text


def test_fonts_a4_and_one_inline_picture_per_chart(docx_bytes: bytes, zhuzhou: Report) -> None:
    document = Document(BytesIO(docx_bytes))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    shapes = document.inline_shapes
    assert len(shapes) == len(zhuzhou.figures) == 3
    for shape in shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        assert document.part.related_parts[blip.embed].blob.startswith(PNG)
    heading = next(p for p in document.paragraphs if p.text == "一、基本情况")
    fonts = heading.runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    body = next(p for p in document.paragraphs if p.text.startswith("经评价"))
    assert body.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_the_appendix_is_the_score_table_on_its_own_page(docx_bytes: bytes) -> None:
    document = Document(BytesIO(docx_bytes))
    assert len(document.sections) == 2
    assert len(document.tables) == 1
    table = document.tables[0]
    cells = [cell.text for row in table.rows for cell in row.cells]
    assert "温暖企业行动" in cells
    assert "95.99" in cells and "89.89%" in cells and "8.99" in cells
    assert "发展环境" in cells


def test_pictures_can_be_passed_in_and_missing_ones_are_left_out(zhuzhou: Report) -> None:
    document = Document(BytesIO(report_docx(zhuzhou, images={})))
    assert len(document.inline_shapes) == 0
    assert report_filename(zhuzhou, ".docx") == "2020年度温暖企业行动绩效自评报告.docx"


def test_the_narrative_file(tmp_path: Path) -> None:
    good = tmp_path / "n.yaml"
    good.write_text("problems: |\n  第一段\n  第二段\n有关建议: 加快拨付\n", encoding="utf-8")
    texts = load_narrative(good)
    assert [k.value for k in texts] == ["problems", "suggestions"]
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert load_narrative(empty) == {}
    for content, message in (
        ("- a\n- b\n", "映射"),
        ("a: [\n", "不是有效的 YAML"),
        ("bogus: x\n", "未知的报告章节“bogus”"),
    ):
        bad = tmp_path / "bad.yaml"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(ReportError, match=message):
            load_narrative(bad)
    with pytest.raises(ReportError, match="无法读取"):
        load_narrative(tmp_path / "missing.yaml")


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_the_pdf_has_the_chapters_the_numbers_and_embedded_cjk_fonts(
    zhuzhou: Report, tmp_path: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf(zhuzhou))
    text = run("pdftotext", "-layout", str(pdf), "-").replace(" ", "")
    for heading in HEADINGS:
        assert heading.replace(" ", "") in text
    assert "95.99" in text and "89.89%" in text
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)
    run("pdftoppm", "-r", "40", "-png", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "page"))
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 10_000  # the page with the charts carries ink


def chapter_paragraphs(document: DocxDocument, heading: str) -> list[tuple[str, str]]:
    """(style, text) of the non-empty paragraphs from ``heading`` to the next chapter."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    found = []
    for paragraph in paragraphs[start + 1 :]:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == "Heading 1":
            break
        if paragraph.text:
            found.append((style, paragraph.text))
    return found


def test_the_case_narrative_comes_after_the_generated_text_of_its_chapter() -> None:
    report = report_of("002-jiangyou-relief-fund.yaml")
    document = Document(BytesIO(report_docx(report, images={})))
    basic = chapter_paragraphs(document, "一、基本情况")
    assert basic[-2:] == [
        ("Heading 2", "（二）绩效目标"),
        ("Normal", basic[-1][1]),
    ]
    assert basic[-1][1].startswith("通过省、市、县三级分担补贴的方式")
    process = [text for _, text in chapter_paragraphs(document, "二、绩效评价工作开展情况")]
    assert process[0] == "（一）评价指标体系与评分方法"
    assert process.index("（二）评价工作过程") == len(process) - 3  # two paragraphs typed
    assert process[-2].startswith("评价组会同江油市财政局")
    assert process[-1].startswith("评价组查阅了政策文件")
    problems = [text for _, text in chapter_paragraphs(document, "四、存在的问题及原因分析")]
    assert problems[0].startswith("经复核计算")
    assert problems[-2].startswith("省级和市级补助到账偏晚")
    assert problems[-1].startswith("省级资金未按3:3:4的分担比例足额下达")
    suggestions = [text for _, text in chapter_paragraphs(document, "五、有关建议")]
    assert suggestions == [
        "各级财政按政策规定的时限拨付补助资金，避免跨年拨付。",
        "省级资金按约定比例足额下达；确有调整的，应及时告知市县并说明原因。",
    ]
    assert chapter_paragraphs(document, "六、其他需要说明的问题") == [("Normal", "无。")]
    body = next(p for p in document.paragraphs if p.text.startswith("各级财政按政策"))
    assert body.paragraph_format.first_line_indent is not None  # an indented body paragraph


def test_a_narrative_given_for_one_run_replaces_the_case_chapter() -> None:
    report = report_of("002-jiangyou-relief-fund.yaml", {"有关建议": "按时足额拨付。"})
    suggestions = next(c for c in report.chapters if c.key == "suggestions")
    assert suggestions.sections[0].paragraphs == ("按时足额拨付。",)
    problems = next(c for c in report.chapters if c.key == "problems")
    assert problems.sections[-1].paragraphs[0].startswith("省级和市级补助到账偏晚")
