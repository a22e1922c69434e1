"""The Word renderers: opened back with python-docx — texts, merges, fonts, page."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.core.review import review
from jixiao.core.tables import TableKind, TableMismatchError, build_table
from jixiao.io import exporters, rulesets
from jixiao.io.cases import load
from jixiao.io.docx_export import (
    ScoringDocx,
    SelfEvaluationDocx,
    SummaryDocx,
    document_bytes,
    reference_document_bytes,
)
from jixiao.io.table_grid import CellKind, Grid, GridCell, grid_for, printable

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZHUZHOU = "004-zhuzhou-warm-enterprise.yaml"
POLICY = "000-jiaxing-policy.yaml"
SUMMARY = "000-jiaxing-summary.yaml"


def export(name: str, table: str) -> tuple[str, str, DocxDocument]:
    document = load(SEEDS / name)
    report = review(document, rulesets.load(document.rules or "national"))
    exporter = exporters.get(table, "docx")
    assert exporter is not None
    filename, mimetype, content = exporter.render(document, report)
    return filename, mimetype, Document(BytesIO(content))


def texts(table: Table, row: int) -> list[str]:
    return [cell.text for cell in table.rows[row].cells]


def v_merge(table: Table, row: int, index: int) -> str | None:
    """The ``w:vMerge`` of the ``index``-th ``w:tc`` of ``row`` (restart/continue/None)."""
    return table.rows[row]._tr.tc_lst[index].vMerge


@pytest.fixture(scope="module")
def zhuzhou() -> DocxDocument:
    return export(ZHUZHOU, "self")[2]


def test_self_file_name_and_type() -> None:
    filename, mimetype, _ = export(ZHUZHOU, "self")
    assert filename == "温暖企业行动-项目支出绩效自评表.docx"
    assert mimetype == DOCX


def test_self_page_title_and_fonts(zhuzhou: DocxDocument) -> None:
    section = zhuzhou.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    title = zhuzhou.paragraphs[0]
    assert title.text == "2020年度项目支出绩效自评表"
    run = title.runs[0]
    assert run.font.name == "黑体"
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    table = zhuzhou.tables[0]
    body_run = table.cell(9, 2).paragraphs[0].runs[0]
    assert body_run.font.name == "宋体"
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert table.cell(8, 0).paragraphs[0].runs[0].font.bold  # column headings


def test_self_header_and_funds_block(zhuzhou: DocxDocument) -> None:
    table = zhuzhou.tables[0]
    assert texts(table, 0) == ["部门名称"] + ["中小企业发展服务中心"] * 7
    assert texts(table, 2) == ["专项名称"] + ["经济信息产业发展专项资金"] * 7
    assert texts(table, 4) == [
        "年度资金（万元）",
        "合计",
        "239.4",
        "239.4",
        "215.2",
        "10",
        "89.89%",
        "8.99",
    ]
    assert texts(table, 5)[:4] == ["年度资金（万元）", "其中：当年财政拨款", "", "239.4"]
    assert [v_merge(table, r, 0) for r in range(3, 8)] == [
        "restart",
        "continue",
        "continue",
        "continue",
        "continue",
    ]


def test_self_indicator_rows_and_merges(zhuzhou: DocxDocument) -> None:
    table = zhuzhou.tables[0]
    assert texts(table, 8) == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    assert texts(table, 9) == [
        "产出指标 (50分)",
        "数量指标",
        "开展主题活动",
        "》10",
        "30",
        "5",
        "5",
        "",
    ]
    assert texts(table, 18)[2:] == [
        "发展环境",
        "助推株洲经济发展。",
        "营造了和谐、温暖、公平、安全的发展环境",
        "6",
        "5",
        "还有可提升的空间，需进一步优化营商环境。",
    ]
    # 一级 产出指标 over rows 9–15, 效益指标 over 16–20; 二级 数量指标 over 9–10
    assert [v_merge(table, r, 0) for r in range(9, 22)] == [
        "restart",
        *["continue"] * 6,
        "restart",
        *["continue"] * 4,
        None,
    ]
    assert [v_merge(table, r, 1) for r in (9, 10, 11, 12, 13)] == [
        "restart",
        "continue",
        "restart",
        "continue",
        None,
    ]
    merged = table.cell(9, 0)
    assert merged.text == "产出指标 (50分)"  # not concatenated by the merge
    assert len(merged.paragraphs) == 1
    assert table.cell(15, 0)._tc is merged._tc


def test_self_total_and_grade(zhuzhou: DocxDocument) -> None:
    table = zhuzhou.tables[0]
    assert texts(table, 22) == ["总分"] * 5 + ["100", "95.99", "等级：优"]
    assert len(table.rows) == 23
    notes = [p.text for p in zhuzhou.paragraphs[1:]]
    assert notes[:2] == ["备注：", "1. “执行率” = “全年执行数” / “全年预算数”。"]


def test_header_row_repeats_on_each_page(zhuzhou: DocxDocument) -> None:
    tr_pr = zhuzhou.tables[0].rows[8]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def test_scoring_table() -> None:
    filename, _, document = export(POLICY, "scoring")
    assert filename == "工信发展专项资金-评价指标计分表.docx"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    table = document.tables[0]
    assert texts(table, 3) == [
        "一级指标",
        "二级指标",
        "三级指标",
        "权重",
        "评分标准",
        "评分结果",
        "得分",
    ]
    row = texts(table, 4)
    assert row[:4] == ["A 经济性 (20分)", "A1 政策设立必要性", "A101 依据充分性", "6"]
    # 评分标准: the 计分表's own text, transcribed into the case file (criteria)
    assert row[4].startswith("①政策设立是否具有现实需求、需求是否迫切，")
    assert row[4].endswith(
        "⑥是否与其他政策存在交叉、重复。以上要点做到得6分，未做一点扣1分，扣完为止。"
    )
    assert row[6] == "6"
    assert texts(table, 16)[4] == "实际产出结果与计划目标的符合度"
    assert texts(table, 16)[2:4] == ["其中：数量指标", "5"]
    assert texts(table, 27) == ["总分"] * 3 + ["100", "", "等级：优", "97"]


def test_summary_table() -> None:
    filename, _, document = export(SUMMARY, "summary")
    assert filename == "嘉兴市经济和信息化局-部门绩效自评结果汇总表.docx"
    assert [p.text for p in document.paragraphs[:2]] == [
        "2021年度嘉兴市经济和信息化局部门绩效自评结果汇总表",
        "单位：万元",
    ]
    table = document.tables[0]
    assert len(table.rows) == 19
    assert texts(table, 0) == [
        "序号",
        "单位名称",
        "项目名称",
        "全年预算数",
        "全年执行数",
        "执行率(%)",
        "自评结论",
    ]
    assert texts(table, 7) == [
        "7",
        "嘉兴市经济和信息化局",
        "涉工信资金项目相关服务费",
        "109",
        "102.24",
        "93.80",
        "良",
    ]
    assert texts(table, 18) == ["合计", "合计", "合计", "1122.34", "994.72", "88.63", ""]


def test_registry_contract() -> None:
    for cls in (SelfEvaluationDocx, ScoringDocx, SummaryDocx):
        exporter = exporters.get(cls.table.value, "docx")
        assert isinstance(exporter, cls)
        assert exporter.identifier == f"{cls.table.value}_docx"
        assert (exporter.extension, exporter.mimetype) == (".docx", DOCX)
        assert exporter.verbose_name.endswith("（Word）")


# --- 绩效评价得分表 (002 附件三) and 指标完成情况表 (001) ----------------------------------------------


def test_score_sheet_of_002() -> None:
    filename, _, document = export("002-jiangyou-relief-fund.yaml", "score_sheet")
    assert filename == "江油市中小微企业纾困资金-绩效评价得分表.docx"
    assert document.paragraphs[0].text == "江油市中小微企业纾困资金绩效评价得分表"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    table = document.tables[0]
    assert texts(table, 0) == [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标解释",
        "指标分值",
        "指标得分",
        "扣分理由",
    ]
    assert texts(table, 1)[3] == (
        "项目设立环节是否经过严格评估论证，是否与部门职责相符，是否属于公共财政支持范围，"
        "是否符合地方事权支出责任划分原则"
    )
    row = texts(table, 4)
    assert row[1:3] + row[4:] == [
        "项目实施",
        "分配科学",
        "4",
        "3",
        "未见省级中小企业纾困资金政策文件",
    ]
    # 指标解释: 附件三's own text, transcribed into the case file (explanation)
    assert row[3].startswith(
        "1. 根据评价点位情况反映政策资金分配因素选取是否充分考虑实际和发展需求"
    )
    assert row[3].endswith("4.项目资金分配是否及时高效,下达预算是否同步下达绩效目标")
    assert texts(table, 18)[3] == "对比补助资金下拨前后受益企业盈利数量"
    assert texts(table, 18)[1:3] + texts(table, 18)[4:] == [
        "盈利性",
        "",
        "10",
        "8",
        "抽查有60%—80%企业达到盈利。",
    ]
    assert texts(table, 20) == ["合计"] * 4 + ["100", "94", ""]
    assert texts(table, 21)[:4] == ["违规记录"] * 3 + ["项目管理、资金使用是否合规"]
    assert len(table.rows) == 23
    # 通用指标 merged over its 13 rows, 项目决策 over 3
    assert [v_merge(table, r, 0) for r in range(1, 15)] == [
        "restart",
        *["continue"] * 12,
        "restart",
    ]
    assert [v_merge(table, r, 1) for r in range(1, 5)] == [
        "restart",
        "continue",
        "continue",
        "restart",
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_completion_table_of_001() -> None:
    filename, _, document = export("001-xiangtan-service-system.yaml", "completion")
    assert filename == "湘潭县中小企业服务体系经费-专项支出绩效评价指标完成情况表.docx"
    table = document.tables[0]
    assert texts(table, 0) == [
        "一级指标",
        "分值",
        "二级指标",
        "分值",
        "三级指标",
        "指标完成情况",
        "评价标准",
        "分值",
        "得分",
    ]
    assert texts(table, 2)[:5] == ["项目决策", "30", "决策过程", "3", "项目申报"]
    assert texts(table, 20)[4:] == [
        "绩效目标完成情况",
        "扩大服务企业范围",
        "达标计分：缺少门槛值或实际值，无法计算；采用填报得分 15/15",
        "40",
        "15",
    ]
    assert texts(table, 22) == ["合计", "100", "", "100", "", "", "", "100", "100"]
    # 项目绩效 (40), 项目产出效果 (40), 绩效目标完成情况 and its 分值 40: one cell over rows 19–21
    for column in (0, 1, 2, 3, 4, 7):
        assert [v_merge(table, r, column) for r in (19, 20, 21)] == [
            "restart",
            "continue",
            "continue",
        ]
    assert [v_merge(table, r, 5) for r in (19, 20, 21)] == [None, None, None]


# --- the fast path equals python-docx's own document ----------------------------------------------


def parts(content: bytes) -> dict[str, bytes]:
    with ZipFile(BytesIO(content)) as package:
        return {name: package.read(name) for name in package.namelist()}


def same_document(grid: Grid) -> None:
    fast, reference = parts(document_bytes(grid)), parts(reference_document_bytes(grid))
    assert fast.keys() == reference.keys()
    assert fast["word/document.xml"] == reference["word/document.xml"]
    assert fast == reference  # styles, settings, theme, properties: the same bytes too


def seed_grids() -> list[tuple[str, Grid]]:
    grids = []
    for path in sorted(SEEDS.glob("*.yaml")):
        document = load(path)
        report = review(document, rulesets.load(document.rules or "national"))
        for kind in TableKind:
            try:
                model = build_table(kind, document, report)
            except TableMismatchError:
                continue
            grids.append((f"{path.stem}:{kind.value}", grid_for(model)))
    return grids


@pytest.mark.parametrize(
    ("name", "grid"), seed_grids(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_fast_path_equals_python_docx_for_every_seed_table(name: str, grid: Grid) -> None:
    same_document(grid)


def test_fast_path_texts_with_tabs_breaks_and_edge_spaces_and_block_merges() -> None:
    grid = Grid(
        title=" 标题 ",
        sheet_name="s",
        widths=(3, 5, 7, 2),
        cells=(
            GridCell(0, 0, "甲\t乙\n丙", CellKind.TEXT, rowspan=2, colspan=2),
            GridCell(0, 2, " 前后 ", CellKind.HEAD),
            GridCell(1, 3, Decimal("89.891"), CellKind.PERCENT),
            GridCell(2, 1, Decimal("8.5"), CellKind.SCORE, rowspan=2, colspan=3),
            GridCell(3, 0, None, CellKind.WEIGHT),
        ),
        rows=4,
        header_row=1,
        caption="单位：万元",
        notes=("备注：", "1. 说明\t一"),
        landscape=True,
    )
    same_document(grid)
    table = Document(BytesIO(document_bytes(grid))).tables[0]
    assert table.cell(0, 0).text == "甲\t乙\n丙" and table.cell(1, 1)._tc is table.cell(0, 0)._tc
    assert table.cell(3, 3)._tc is table.cell(2, 1)._tc and table.cell(2, 1).text == "8.5"
    assert table.cell(1, 3).text == "89.89%"


def any_text(size: int) -> st.SearchStrategy[str]:
    """What a Grid holds: any text an Office file can store (grid_for drops the rest)."""
    letters = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n ")
    return st.text(letters, max_size=size)


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    """Random tables: cells of random spans over free positions, some positions left blank."""
    rows, columns = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    taken: set[tuple[int, int]] = set()
    cells = []
    kinds = st.sampled_from(list(CellKind))
    for row in range(rows):
        for col in range(columns):
            if (row, col) in taken or (draw(st.booleans()) and draw(st.booleans())):
                continue
            width = 1
            while col + width < columns and (row, col + width) not in taken:
                width += 1
            span = draw(st.integers(1, width))
            rowspan = draw(st.integers(1, rows - row))
            while any(
                (r, c) in taken for r in range(row, row + rowspan) for c in range(col, col + span)
            ):
                rowspan -= 1
            taken.update((r, c) for r in range(row, row + rowspan) for c in range(col, col + span))
            kind = draw(kinds)
            value = draw(st.decimals(0, 1000, places=2)) if kind.numeric else draw(any_text(8))
            cells.append(GridCell(row, col, value, kind, rowspan, span))
    return Grid(
        title=draw(any_text(10)),
        sheet_name="s",
        widths=tuple(draw(st.lists(st.integers(1, 40), min_size=columns, max_size=columns))),
        cells=tuple(cells),
        rows=rows,
        header_row=draw(st.integers(0, rows - 1)),
        caption=draw(any_text(5)),
        notes=tuple(draw(st.lists(any_text(6), max_size=2))),
        landscape=draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None)
@given(grids())
def test_fast_path_equals_python_docx_for_any_grid(grid: Grid) -> None:
    same_document(grid)


def test_characters_an_office_file_cannot_hold_are_dropped() -> None:
    grid = printable(
        Grid(
            title="标\x08题",
            sheet_name="s",
            widths=(1, 1),
            cells=(GridCell(0, 0, "a\x00b\tc"), GridCell(0, 1, Decimal(1), CellKind.SCORE)),
            rows=1,
            header_row=0,
            notes=("\x1f注",),
        )
    )
    assert (grid.title, grid.cells[0].value, grid.notes) == ("标题", "ab\tc", ("注",))
    same_document(grid)
    assert Document(BytesIO(document_bytes(grid))).tables[0].cell(0, 0).text == "ab\tc"


def test_column_widths_are_in_the_grid_too(zhuzhou: DocxDocument) -> None:
    """LibreOffice (so the PDF) lays columns out by w:gridCol, Word by each cell's w:tcW."""
    table = zhuzhou.tables[0]
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    cells = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in table.rows[8]._tr.tc_lst]
    assert grid == cells
    assert grid[0] > 1.5 * grid[5]  # the 一级指标 column is wider than 分值, as in the grid
    assert abs(sum(grid) - 9638) <= 8  # A4 less 2 cm margins each side, in twips
