"""The 绩效评价得分表 (002 附件三) and 指标完成情况表 (001) report models, from the seeds and small trees."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from builders import group, leaf, national, tree
from jixiao.core.case import Case, CaseMeta, DepartmentSummary
from jixiao.core.indicators import Deduction
from jixiao.core.review import review, review_case
from jixiao.core.score_sheets import CompletionTable, ScoreSheet
from jixiao.core.tables import TableKind, TableMismatchError, build_table
from jixiao.io import rulesets
from jixiao.io.cases import load

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
D = Decimal


def from_seed(name: str, kind: TableKind) -> ScoreSheet | CompletionTable:
    document = load(SEEDS / name)
    assert isinstance(document, Case)
    table = build_table(
        kind, document, review(document, rulesets.load(document.rules or "national"))
    )
    assert isinstance(table, ScoreSheet | CompletionTable)
    return table


def sheet_of(case: Case) -> ScoreSheet:
    table = build_table(TableKind.SCORE_SHEET, case, review_case(case, national()))
    assert isinstance(table, ScoreSheet)
    return table


def completion_of(case: Case) -> CompletionTable:
    table = build_table(TableKind.COMPLETION, case, review_case(case, national()))
    assert isinstance(table, CompletionTable)
    return table


def case_of(*roots, deductions=()) -> Case:
    return Case(
        meta=CaseMeta(project="测试项目", department="测试部门", year=2022),
        tree=tree(*roots, deductions=deductions),
    )


# --- 002: 绩效评价得分表 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jiangyou() -> ScoreSheet:
    table = from_seed("002-jiangyou-relief-fund.yaml", TableKind.SCORE_SHEET)
    assert isinstance(table, ScoreSheet)
    return table


def test_002_total_94_and_the_four_deductions_with_their_reasons(jiangyou: ScoreSheet) -> None:
    assert jiangyou.head.title == "江油市中小微企业纾困资金绩效评价得分表"
    assert (jiangyou.total_weight, jiangyou.subtotal, jiangyou.total) == (D(100), D(94), D(94))
    assert jiangyou.subtotal == sum(r.score for r in jiangyou.rows if r.score is not None)
    lost = [
        (row.path.split(" / ")[-1], -line.lost, line.reason)
        for row, line in zip(jiangyou.rows, jiangyou.lines, strict=True)
        if line.lost is not None
    ]
    assert lost == [
        ("分配科学", D(-1), "未见省级中小企业纾困资金政策文件"),
        ("执行有效", D(-2), "省级资金未按照30%下拨"),
        ("完成及时", D(-1), "省级、市级资金下达时间较晚"),
        ("盈利性", D(-2), "抽查有60%—80%企业达到盈利。"),
    ]
    # full-score rows carry no 扣分理由
    assert sum(1 for line in jiangyou.lines if line.reason) == 4


def test_002_levels_merges_and_explanations(jiangyou: ScoreSheet) -> None:
    assert jiangyou.levels == 3  # the case nests 通用/共性/特性/个性 → 二级 → 三级
    first = jiangyou.rows[0]
    assert (first.level1, first.level2, first.level3) == ("通用指标 (40分)", "项目决策", "程序严密")
    assert (first.level1_span, first.level2_span) == (13, 3)
    assert jiangyou.rows[0].criterion == "分级评分法：严密 → 1 × 3 = 3"  # 指标解释
    assert [(d.name, d.explanation, d.amount) for d in jiangyou.sheet_deductions] == [
        ("违规记录", "项目管理、资金使用是否合规", D(0)),
        ("工作配合", "被评价单位配合评价工作情况", D(0)),
    ]
    assert all(d.reason == "" for d in jiangyou.sheet_deductions)


def test_two_level_trees_print_two_indicator_columns_and_deductions_say_why() -> None:
    case = case_of(
        group(
            "政策效益",
            leaf("盈利性", weight=60, method="judgement", published=50, rationale="部分企业未盈利"),
            leaf("满意度", weight=40, method="judgement", published=38, manual=(36, "复核下调")),
        ),
        deductions=(
            Deduction(
                "工作配合", per_occurrence=D("0.5"), occurrences=30, cap=D(10), reason="配合"
            ),
            Deduction("违规记录", points=D(2), reason="是否合规"),
        ),
    )
    sheet = sheet_of(case)
    assert sheet.levels == 2
    assert [line.reason for line in sheet.lines] == ["部分企业未盈利", "复核下调"]
    assert [line.lost for line in sheet.lines] == [D(10), D(4)]
    assert sheet.subtotal == D(86)
    assert [(d.amount, d.reason) for d in sheet.sheet_deductions] == [
        (D(10), "30次×0.5分，以10分为限"),
        (D(2), "扣2分"),
    ]
    assert sheet.total == D(74)  # 86 − 10 − 2


def test_a_lost_point_without_rationale_is_explained_by_its_computation() -> None:
    case = case_of(
        group(
            "产出", leaf("完成率", weight=100, target="≥100", actual="80", method="ratio_positive")
        )
    )
    sheet = sheet_of(case)
    assert sheet.lines[0].lost == D(20)
    assert sheet.lines[0].reason == sheet.rows[0].criterion
    assert "80" in sheet.lines[0].reason


# --- 001: 指标完成情况表 --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xiangtan() -> CompletionTable:
    table = from_seed("001-xiangtan-service-system.yaml", TableKind.COMPLETION)
    assert isinstance(table, CompletionTable)
    return table


def test_001_total_100_and_every_column_adds_up(xiangtan: CompletionTable) -> None:
    assert xiangtan.head.title == "2021年湘潭县中小企业服务体系经费专项支出绩效评价指标完成情况表"
    assert xiangtan.weight_sums == (D(100), D(100), D(100))
    assert xiangtan.subtotal == xiangtan.total == D(100)
    assert len(xiangtan.rows) == 21


def test_001_merged_levels_with_their_weights(xiangtan: CompletionTable) -> None:
    level1 = [(r.level1, r.level1_weight, r.level1_span) for r in xiangtan.rows if r.level1_span]
    assert level1 == [("项目决策", D(30), 6), ("项目管理", D(30), 12), ("项目绩效", D(40), 3)]
    level2 = [(r.level2, r.level2_weight, r.level2_span) for r in xiangtan.rows if r.level2_span]
    assert level2 == [
        ("项目目标", D(20), 1),
        ("决策过程", D(3), 3),
        ("资金分配", D(7), 2),
        ("资金管理", D(20), 6),
        ("组织实施", D(10), 6),
        ("项目产出效果", D(40), 3),
    ]
    first = xiangtan.rows[0]
    assert first.completion.startswith("设立了项目绩效目标")
    assert first.criterion == "分项计分：5 + 3 + 3 + 3 + 3 + 3 = 20"


def test_001_items_below_the_third_level_share_its_merged_cell(xiangtan: CompletionTable) -> None:
    last = xiangtan.rows[-3:]
    assert [(r.level3, r.level3_weight, r.level3_span) for r in last] == [
        ("绩效目标完成情况", D(40), 3),
        ("绩效目标完成情况", D(40), 0),
        ("绩效目标完成情况", D(40), 0),
    ]
    assert [r.completion for r in last] == [
        "开展丰富多样的公益服务活动：16场次",
        "扩大服务企业范围",
        "社会公众或服务对象满意度",
    ]
    assert [r.score for r in last] == [D(15), D(15), D(10)]


def test_shallow_leaves_repeat_their_weight_so_the_columns_add_up() -> None:
    case = case_of(
        leaf("执行率", weight=10, method="judgement", published=9),
        group("产出", leaf("数量", weight=90, method="judgement", published=90)),
    )
    table = completion_of(case)
    head = table.rows[0]
    assert (head.level1, head.level2, head.level3) == ("执行率", "", "")
    assert (head.level1_weight, head.level2_weight, head.level3_weight) == (D(10), D(10), D(10))
    assert table.rows[1].level3 == "" and table.rows[1].level2 == "数量"
    assert table.weight_sums == (D(100), D(100), D(100))
    assert table.subtotal == table.total == D(99)


def test_sibling_names_that_repeat_are_not_merged() -> None:
    case = case_of(
        group("一级", group("同名", leaf("甲", weight=50, published=50))),
        group("一级", group("同名", leaf("乙", weight=50, published=50))),
    )
    rows = completion_of(case).rows
    assert [(r.level1_span, r.level2_span) for r in rows] == [(1, 1), (1, 1)]


def test_a_summary_file_fits_neither() -> None:
    summary = load(SEEDS / "000-jiaxing-summary.yaml")
    assert isinstance(summary, DepartmentSummary)
    for kind in (TableKind.SCORE_SHEET, TableKind.COMPLETION):
        with pytest.raises(TableMismatchError, match="部门汇总表只能导出为"):
            build_table(kind, summary, None)
