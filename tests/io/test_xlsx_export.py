"""The Excel renderers: opened back with openpyxl, cell by cell, as a user's Excel would see them."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from builders import group, leaf, tree
from jixiao.core.case import Case, CaseMeta
from jixiao.core.indicators import Deduction
from jixiao.core.review import review
from jixiao.core.tables import TableKind, TableMismatchError
from jixiao.io import exporters, rulesets
from jixiao.io.cases import from_document, load, read_document
from jixiao.io.xlsx_export import ScoringXlsx, SelfEvaluationXlsx, SummaryXlsx

D = Decimal
SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZHUZHOU = "004-zhuzhou-warm-enterprise.yaml"
POLICY = "000-jiaxing-policy.yaml"
SUMMARY = "000-jiaxing-summary.yaml"


def export(name: str, table: str) -> tuple[str, str, Worksheet]:
    document = load(SEEDS / name)
    report = review(document, rulesets.load(document.rules or "national"))
    exporter = exporters.get(table, "xlsx")
    assert exporter is not None
    filename, mimetype, content = exporter.render(document, report)
    workbook = load_workbook(BytesIO(content))
    ws = workbook.active
    assert ws is not None
    return filename, mimetype, ws


def values(ws: Worksheet, row: int) -> list[object]:
    return [cell.value for cell in ws[row]]


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


@pytest.fixture(scope="module")
def zhuzhou() -> Worksheet:
    return export(ZHUZHOU, "self")[2]


# --- 项目支出绩效自评表 (004) ------------------------------------------------------------------------


def test_self_file_name_and_type() -> None:
    filename, mimetype, ws = export(ZHUZHOU, "self")
    assert filename == "温暖企业行动-项目支出绩效自评表.xlsx"
    assert mimetype == XLSX
    assert ws.title == "自评表"


def test_self_title_and_header_block(zhuzhou: Worksheet) -> None:
    ws = zhuzhou
    assert ws["A1"].value == "2020年度项目支出绩效自评表"
    assert ws["A1"].font.b and ws["A1"].font.name == "宋体"
    assert [ws[f"A{r}"].value for r in (2, 3, 4)] == ["部门名称", "项目名称", "专项名称"]
    assert [ws[f"B{r}"].value for r in (2, 3, 4)] == [
        "中小企业发展服务中心",
        "温暖企业行动",
        "经济信息产业发展专项资金",
    ]
    assert {"A1:H1", "B2:H2", "B3:H3", "B4:H4", "A5:A9"} <= merged(ws)


def test_self_funds_block_numbers_and_formats(zhuzhou: Worksheet) -> None:
    ws = zhuzhou
    assert values(ws, 5) == [
        "年度资金（万元）",
        "年度资金总额",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分（执行率×分值）",
    ]
    assert values(ws, 6)[1:] == ["合计", 239.4, 239.4, 215.2, 10, 0.8989, 8.99]
    assert ws["G6"].number_format == "0.00%"
    assert ws["C6"].number_format == ws["H6"].number_format == "0.00"
    assert [ws[f"B{r}"].value for r in (7, 8, 9)] == [
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
    ]
    assert [ws[f"D{r}"].value for r in (7, 8, 9)] == [239.4, 0, 0]


def test_self_indicator_rows(zhuzhou: Worksheet) -> None:
    ws = zhuzhou
    assert values(ws, 10) == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    assert ws["A10"].font.b
    assert values(ws, 11) == [
        "产出指标 (50分)",
        "数量指标",
        "开展主题活动",
        "》10",
        "30",
        5,
        5,
        None,
    ]
    assert values(ws, 20) == [
        None,
        "社会效益指标",
        "发展环境",
        "助推株洲经济发展。",
        "营造了和谐、温暖、公平、安全的发展环境",
        6,
        5,
        "还有可提升的空间，需进一步优化营商环境。",
    ]
    assert values(ws, 23)[:3] == ["满意度指标 (10分)", "服务对象满意度指标", "企业满意率"]
    for row in range(11, 24):
        assert isinstance(ws[f"F{row}"].value, int | float)
        assert isinstance(ws[f"G{row}"].value, int | float)
        assert ws[f"G{row}"].number_format == "0.00"


def test_self_vertical_merges_for_levels_one_and_two(zhuzhou: Worksheet) -> None:
    indicator_ranges = {
        str(r) for r in zhuzhou.merged_cells.ranges if r.min_col == r.max_col and r.min_row >= 11
    }
    assert indicator_ranges == {"A11:A17", "A18:A22", "B11:B12", "B13:B14", "B16:B17", "B18:B19"}
    assert "A24:E24" in merged(zhuzhou)  # 总分


def test_self_total_and_grade(zhuzhou: Worksheet) -> None:
    ws = zhuzhou
    assert values(ws, 24) == ["总分", None, None, None, None, 100, 95.99, "等级：优"]
    assert ws["A25"].value == "备注："
    assert ws["A26"].value == "1. “执行率” = “全年执行数” / “全年预算数”。"


def test_self_style_borders_fonts_widths_page(zhuzhou: Worksheet) -> None:
    ws = zhuzhou
    for ref in ("A11", "C17", "H24"):
        border = ws[ref].border
        assert border.left.style == border.right.style == border.top.style == "thin", ref
    # merged 一级 cell A11:A17: openpyxl reads back the range's outline on its cells
    assert ws["A12"].border.left.style == ws["A12"].border.right.style == "thin"
    assert ws["A17"].border.bottom.style == "thin"
    assert ws["C11"].font.name == "宋体"
    assert ws["C11"].alignment.wrap_text
    assert ws.column_dimensions["H"].width == 23
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)  # 9 = A4
    assert ws.print_title_rows == "$10:$10"


# --- 评价指标计分表 (000 policy) ---------------------------------------------------------------------


def test_scoring_table() -> None:
    filename, _, ws = export(POLICY, "scoring")
    assert filename == "工信发展专项资金-评价指标计分表.xlsx"
    assert ws["A1"].value == "2021年度评价指标计分表"
    assert values(ws, 5) == [
        "一级指标",
        "二级指标",
        "三级指标",
        "权重",
        "评分标准",
        "评分结果",
        "得分",
    ]
    row = values(ws, 6)
    assert row[:4] == ["A 经济性 (20分)", "A1 政策设立必要性", "A101 依据充分性", 6]
    # 评分标准: the 计分表's own text, transcribed into the case file (criteria)
    assert str(row[4]).startswith("①政策设立是否具有现实需求、需求是否迫切，")
    assert str(row[4]).endswith("以上要点做到得6分，未做一点扣1分，扣完为止。")
    assert ws["E15"].value == (
        "结合问卷调查结果，分析政策执行对象对政策的知晓情况。十分清楚、比较清楚、有所了解、"
        "不清楚，分别得4、3、2、1分。"
    )
    assert str(row[5]).startswith("依据《嘉兴市级工业和信息化发展资金补助操作细则》")
    assert row[6] == 6
    assert {"A6:A9", "A10:A16", "A17:A28", "B17:B21"} <= merged(ws)
    assert ws["C18"].value == "其中：数量指标"
    assert values(ws, 29) == ["总分", None, None, 100, None, "等级：优", 97]
    assert ws.page_setup.orientation == "landscape"


# --- 部门绩效自评结果汇总表 (000) --------------------------------------------------------------------


def test_summary_table() -> None:
    filename, _, ws = export(SUMMARY, "summary")
    assert filename == "嘉兴市经济和信息化局-部门绩效自评结果汇总表.xlsx"
    assert ws["A1"].value == "2021年度嘉兴市经济和信息化局部门绩效自评结果汇总表"
    assert ws["A2"].value == "单位：万元"
    assert values(ws, 3) == [
        "序号",
        "单位名称",
        "项目名称",
        "全年预算数",
        "全年执行数",
        "执行率(%)",
        "自评结论",
    ]
    assert values(ws, 10) == [
        "7",
        "嘉兴市经济和信息化局",
        "涉工信资金项目相关服务费",
        109,
        102.24,
        93.8,
        "良",
    ]
    assert ws["F10"].number_format == "0.00"  # shows 93.80
    assert ws.max_row == 21
    assert values(ws, 21) == ["合计", None, None, 1122.34, 994.72, 88.63, None]
    assert "A21:C21" in merged(ws)


# --- the exporter contract --------------------------------------------------------------------------


def test_registry_contract() -> None:
    registry = exporters.exporters()
    assert {(k.value, f) for k, f in registry} >= {
        ("self", "xlsx"),
        ("scoring", "xlsx"),
        ("summary", "xlsx"),
    }
    for cls in (SelfEvaluationXlsx, ScoringXlsx, SummaryXlsx):
        exporter = registry[(cls.table, "xlsx")]
        assert isinstance(exporter, cls)
        assert exporter.identifier == f"{cls.table.value}_xlsx"
        assert exporter.extension == ".xlsx" and exporter.mimetype == XLSX
        assert exporter.verbose_name.endswith("（Excel）")
    assert exporters.get("nope", "xlsx") is None
    assert exporters.get("self", "odt") is None
    assert "xlsx" in exporters.formats()


def test_a_table_that_does_not_fit_is_refused() -> None:
    summary = load(SEEDS / SUMMARY)
    with pytest.raises(TableMismatchError):
        SelfEvaluationXlsx().render(summary, review(summary, rulesets.load("zhejiang")))
    assert TableKind.SELF.value == "self"


# --- 绩效评价得分表 (002 附件三) and 指标完成情况表 (001) ----------------------------------------------

JIANGYOU = "002-jiangyou-relief-fund.yaml"
XIANGTAN = "001-xiangtan-service-system.yaml"


def test_score_sheet_of_002() -> None:
    filename, mimetype, ws = export(JIANGYOU, "score_sheet")
    assert (filename, mimetype) == ("江油市中小微企业纾困资金-绩效评价得分表.xlsx", XLSX)
    assert ws.title == "得分表"
    assert ws["A1"].value == "江油市中小微企业纾困资金绩效评价得分表"
    assert values(ws, 2) == [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标解释",
        "指标分值",
        "指标得分",
        "扣分理由",
    ]
    rows = [values(ws, r) for r in range(3, 22)]
    assert len(rows) == 19
    # numbers are numbers; the four rows that lost points, with their 扣分理由
    lost = [(r[2] or r[1], r[4] - r[5], r[6]) for r in rows if r[5] < r[4]]
    assert lost == [
        ("分配科学", 1, "未见省级中小企业纾困资金政策文件"),
        ("执行有效", 2, "省级资金未按照30%下拨"),
        ("完成及时", 1, "省级、市级资金下达时间较晚"),
        ("盈利性", 2, "抽查有60%—80%企业达到盈利。"),
    ]
    assert all(isinstance(r[4], int | float) and isinstance(r[5], int | float) for r in rows)
    # 指标解释: 附件三's own text, transcribed into the case file (explanation)
    assert rows[0][3] == (
        "项目设立环节是否经过严格评估论证，是否与部门职责相符，是否属于公共财政支持范围，"
        "是否符合地方事权支出责任划分原则"
    )
    assert [r[3] for r in rows[-3:]] == [
        "中小微企业申报条件一样、标准一样、领取时间一致等一致。",
        "对比补助资金下拨前后受益企业盈利数量",
        "相关群体满意度调查情况",
    ]
    assert values(ws, 22) == ["合计", None, None, None, 100, 94, None]
    assert sum(r[5] for r in rows) == 94
    assert values(ws, 23)[:4] == ["违规记录", None, None, "项目管理、资金使用是否合规"]
    assert values(ws, 24)[:4] == ["工作配合", None, None, "被评价单位配合评价工作情况"]
    assert {"A3:A15", "B3:B5", "B6:B8", "B9:B12", "B13:B15", "A22:D22", "A23:C23"} <= merged(ws)
    assert ws["E3"].number_format == "General" and ws["F3"].number_format == "0.00"
    assert ws.print_title_rows == "$2:$2"


def _without_texts(name: str) -> Case:
    """The seed case with every indicator's explanation and criteria taken out."""
    document = read_document(SEEDS / name)

    def strip(rows: list[Any]) -> None:
        for raw in rows:
            raw.pop("explanation", None)
            raw.pop("criteria", None)
            strip(raw.get("children", []))

    strip(document["indicators"])
    case = from_document(document, name)
    assert isinstance(case, Case)
    return case


def _sheet(case: Case, table: str) -> Worksheet:
    report = review(case, rulesets.load(case.rules or "national"))
    exporter = exporters.get(table, "xlsx")
    assert exporter is not None
    ws = load_workbook(BytesIO(exporter.render(case, report)[2])).active
    assert ws is not None
    return ws


def test_without_written_texts_the_computation_stands_in() -> None:
    scoring = _sheet(_without_texts(POLICY), "scoring")
    assert scoring["E6"].value == "要点扣分法：6 − 0 × 1 = 6"
    sheet = _sheet(_without_texts(JIANGYOU), "score_sheet")
    assert values(sheet, 6)[3] == "要点扣分法：4 − 1 × 1 = 3"


def test_completion_table_of_001() -> None:
    filename, _, ws = export(XIANGTAN, "completion")
    assert filename == "湘潭县中小企业服务体系经费-专项支出绩效评价指标完成情况表.xlsx"
    assert ws["A1"].value == "2021年湘潭县中小企业服务体系经费专项支出绩效评价指标完成情况表"
    assert values(ws, 2) == [
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
    assert values(ws, 3)[:5] == ["项目决策", 30, "项目目标", 20, "目标内容"]
    assert values(ws, 3)[7:] == [20, 20]
    assert values(ws, 21)[4:] == [
        "绩效目标完成情况",
        "开展丰富多样的公益服务活动：16场次",
        "次数不足扣分：16 ≥ 12 → 15",
        40,
        15,
    ]
    assert values(ws, 24) == ["合计", 100, None, 100, None, None, None, 100, 100]
    body = [values(ws, r) for r in range(3, 24)]
    assert sum(r[8] for r in body) == 100
    for col in (1, 3, 7):  # every 分值 column adds up to its 合计
        assert sum(r[col] for r in body if r[col] is not None) == 100
    # 一级/二级 names and weights merged vertically; 三级 绩效目标完成情况 (40) over its 3 items
    assert {"A3:A8", "B3:B8", "A9:A20", "B9:B20", "C4:C6", "D4:D6", "E21:E23", "H21:H23"} <= (
        merged(ws)
    )
    assert ws.page_setup.orientation == "landscape"


def test_a_summary_file_is_no_score_sheet() -> None:
    exporter = exporters.get("score_sheet", "xlsx")
    assert exporter is not None
    document = load(SEEDS / SUMMARY)
    with pytest.raises(TableMismatchError):
        exporter.render(document, review(document, rulesets.load("national")))


def test_a_control_character_in_a_text_does_not_break_the_files() -> None:
    case = Case(
        meta=CaseMeta(project="测试\x08项目", department="测试部门", year=2022),
        tree=tree(group("产出", leaf("数\x00量", weight=100, method="judgement", published=90))),
    )
    report = review(case, rulesets.load("national"))
    for fmt in ("xlsx", "docx"):
        exporter = exporters.get("scoring", fmt)
        assert exporter is not None
        content = exporter.render(case, report).content
        if fmt == "xlsx":
            ws = load_workbook(BytesIO(content)).active
            assert ws is not None
            assert ws["B3"].value == "测试项目"
            assert "数量" in [value for row in ws.iter_rows(values_only=True) for value in row]
        else:
            assert "数量" in {
                cell.text for row in Document(BytesIO(content)).tables[0].rows for cell in row.cells
            }


def test_deductions_and_rescaling_add_a_total_row_below_the_sum() -> None:
    case = Case(
        meta=CaseMeta(project="测试项目", department="测试部门", year=2022),
        tree=tree(
            group(
                "产出",
                leaf("数量", weight=50, method="judgement", published=45, rationale="少做一项"),
                leaf("质量", weight=50, not_applicable=True),
            ),
            deductions=(
                Deduction("工作配合", per_occurrence=D("0.5"), occurrences=2, reason="配合"),
            ),
        ),
    )
    report = review(case, rulesets.load("national"))
    for table in ("score_sheet", "completion"):
        exporter = exporters.get(table, "xlsx")
        assert exporter is not None
        ws = load_workbook(BytesIO(exporter.render(case, report).content)).active
        assert ws is not None
        rows = [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]
        total_at = next(i for i, row in enumerate(rows) if row[0] == "合计")
        assert 45 in rows[total_at]  # the indicators' sum; the 不适用 row adds nothing
        assert "不适用" in rows[total_at - 1]
        assert -1 in rows[total_at + 1]  # 工作配合: 2 × 0.5
        last = rows[total_at + 2]
        assert str(last[0]).startswith("总分") and 89 in last  # 45 / 50 × 100 − 1
