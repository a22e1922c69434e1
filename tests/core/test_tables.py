"""The report models of the official tables (core.tables), from the seeds and from small trees.

The seed cases are read with ``jixiao.io.cases.load`` (the one place these core tests touch
files): the tables must reproduce what the publishers printed — 004's 95.99 / 8.99 / 89.89 %,
000's 汇总表 of 17 rows totalling 1122.34.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from builders import budget, group, leaf, national, tree, zhejiang
from jixiao.core.case import Case, CaseMeta, DepartmentSummary, Published
from jixiao.core.indicators import Deduction
from jixiao.core.review import TableReport, review, review_case
from jixiao.core.tables import (
    Merge,
    ScoringTable,
    SelfEvaluationTable,
    SummaryTable,
    TableKind,
    TableMismatchError,
    build_table,
    default_kind,
    percent,
)
from jixiao.io import rulesets
from jixiao.io.cases import load

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
D = Decimal


def seed(name: str) -> tuple[Case | DepartmentSummary, TableReport]:
    document = load(SEEDS / name)
    return document, review(document, rulesets.load(document.rules or "national"))


def self_table(name: str) -> SelfEvaluationTable:
    table = build_table(TableKind.SELF, *seed(name))
    assert isinstance(table, SelfEvaluationTable)
    return table


def scoring(name: str) -> ScoringTable:
    table = build_table(TableKind.SCORING, *seed(name))
    assert isinstance(table, ScoringTable)
    return table


def case_of(*roots, deductions=(), published: Published | None = None, **budget_args) -> Case:
    return Case(
        meta=CaseMeta(project="测试项目", department="测试部门", year=2021),
        tree=tree(*roots, deductions=deductions),
        budget=budget(**budget_args) if budget_args else None,
        published=published or Published(),
    )


def tables_of(case: Case) -> tuple[SelfEvaluationTable, ScoringTable]:
    report = review_case(case, national())
    own = build_table(TableKind.SELF, case, report)
    marks = build_table(TableKind.SCORING, case, report)
    assert isinstance(own, SelfEvaluationTable) and isinstance(marks, ScoringTable)
    return own, marks


# --- 004: 项目支出绩效自评表 ------------------------------------------------------------------------


class TestZhuzhouSelfEvaluation:
    table = staticmethod(lambda: self_table("004-zhuzhou-warm-enterprise.yaml"))

    def test_header(self) -> None:
        head = self.table().head
        assert head.title == "2020年度项目支出绩效自评表"
        assert (head.department, head.project, head.fund) == (
            "中小企业发展服务中心",
            "温暖企业行动",
            "经济信息产业发展专项资金",
        )

    def test_funds_block_holds_the_execution_row(self) -> None:
        funds = self.table().funds
        assert (funds.total.initial, funds.total.full_year, funds.total.executed) == (
            D("239.4"),
            D("239.4"),
            D("215.2"),
        )
        assert (funds.weight, funds.rate_percent, funds.score) == (D(10), D("89.89"), D("8.99"))
        assert (funds.published_rate, funds.published_score) == (D("89.89"), D("8.99"))
        assert [(s.label, s.full_year) for s in funds.sources] == [
            ("当年财政拨款", D("239.4")),
            ("上年结转资金", D(0)),
            ("其他资金", D(0)),
        ]

    def test_rows_without_the_execution_row(self) -> None:
        rows = self.table().rows
        assert len(rows) == 13
        assert "执行率" not in {r.level1 for r in rows}
        assert [r.level3 for r in rows[:3]] == ["开展主题活动", "交办解决企业问题", "涉及范围"]
        first = rows[0]
        assert (first.level1, first.level2, first.target, first.actual) == (
            "产出指标 (50分)",
            "数量指标",
            "》10",
            "30",
        )
        assert (first.weight, first.score, first.published_score) == (D(5), D(5), D(5))
        assert rows[9].deviation_note == "还有可提升的空间，需进一步优化营商环境。"

    def test_row_spans_for_the_vertical_merges(self) -> None:
        rows = self.table().rows
        assert [r.level1_span for r in rows] == [7, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 1]
        assert [r.level2_span for r in rows] == [2, 0, 2, 0, 1, 2, 0, 2, 0, 1, 1, 1, 1]
        assert [r.level1 for r in rows if r.level1_span] == [
            "产出指标 (50分)",
            "效益指标 (30分)",
            "满意度指标 (10分)",
        ]
        assert self.table().merges == (
            Merge(0, 0, 7),
            Merge(1, 0, 2),
            Merge(1, 2, 2),
            Merge(1, 5, 2),
            Merge(0, 7, 5),
            Merge(1, 7, 2),
        )

    def test_total_and_grade(self) -> None:
        table = self.table()
        assert (table.total_weight, table.total, table.grade) == (D(100), D("95.99"), "优")
        assert (table.published_total, table.published_grade) == (D("95.99"), "优")
        assert sum((r.score or 0 for r in table.rows), table.funds.score) == D("95.99")
        assert table.notes == (
            "“执行率” = “全年执行数” / “全年预算数”。",
            "得分按规则集 national@2020.1 重新计算。",
        )


def test_platform_self_evaluation_of_seed_000() -> None:
    table = self_table("000-jiaxing-platform-self.yaml")
    assert table.head.fund == ""
    assert (table.funds.weight, table.funds.rate_percent, table.funds.score) == (
        D(10),
        D(100),
        D(10),
    )
    assert [s.full_year for s in table.funds.sources] == [None, None, None]
    assert table.rows[0].level1 == "产出指标 (50分)"  # the weight of an unweighted parent is summed
    assert (table.total, table.grade) == (D(100), "优")


# --- 000: 评价指标计分表 and 汇总表 -------------------------------------------------------------------


class TestPolicyScoringTable:
    table = staticmethod(lambda: scoring("000-jiaxing-policy.yaml"))

    def test_criterion_and_rationale(self) -> None:
        first = self.table().rows[0]
        assert (first.level1, first.level2, first.level3) == (
            "A 经济性 (20分)",
            "A1 政策设立必要性",
            "A101 依据充分性",
        )
        assert first.criterion == "要点扣分法：6 − 0 × 1 = 6"
        assert first.rationale.startswith("依据《嘉兴市级工业和信息化发展资金补助操作细则》")
        assert (first.weight, first.score) == (D(6), D(6))

    def test_a_fourth_level_becomes_qizhong_rows_under_a_subtotal_row(self) -> None:
        rows = {r.level3: r for r in self.table().rows}
        parent = rows["C101 实施项目产出"]
        assert (parent.is_leaf, parent.weight, parent.score) == (False, D(20), D(20))
        assert parent.criterion == "下级得分合计 = 20"
        child = rows["其中：数量指标"]
        assert (child.is_leaf, child.depth, child.weight, child.score) == (True, 4, D(5), D(5))
        assert "其中：C302 管理者满意度" in rows

    def test_spans_count_the_subtotal_rows(self) -> None:
        rows = self.table().rows
        assert [r.level1_span for r in rows if r.level1_span] == [4, 7, 12]
        assert len(rows) == 4 + 7 + 12
        c1 = next(r for r in rows if r.level2 == "C1 政策产出")
        assert c1.level2_span == 5  # C101 and its four 其中 rows

    def test_total(self) -> None:
        table = self.table()
        assert (table.total, table.grade, table.published_total) == (D(97), "优", D(97))
        assert table.head.title == "2021年度评价指标计分表"


class TestDepartmentSummary:
    def table(self) -> SummaryTable:
        table = build_table(TableKind.SUMMARY, *seed("000-jiaxing-summary.yaml"))
        assert isinstance(table, SummaryTable)
        return table

    def test_seventeen_rows_and_the_total(self) -> None:
        table = self.table()
        assert len(table.rows) == 17
        assert [r.no for r in table.rows] == list(range(1, 18))
        assert (table.total_budget, table.total_executed) == (D("1122.34"), D("994.72"))
        assert table.total_rate_percent == D("88.63")
        assert table.published_total_budget == D("1122.34")
        assert table.head.title == "2021年度嘉兴市经济和信息化局部门绩效自评结果汇总表"

    def test_rates_are_exact_and_rounded_half_up(self) -> None:
        rates = {r.no: r.rate_percent for r in self.table().rows}
        assert rates[3] == D("77.87")  # 64.24 / 82.5 = 77.8666… (printed 77.86, truncated)
        assert rates[7] == D("93.80")
        assert rates[10] == D("0.00")
        assert rates[16] == D("42.25")  # 1.69 / 4 = 42.25 exactly (printed 42.24)
        row = self.table().rows[2]
        assert (row.unit, row.project, row.conclusion, row.published_rate) == (
            "嘉兴市经济和信息化局",
            "人才工作经费",
            "良",
            D("77.86"),
        )


def test_percent() -> None:
    assert percent(D("215.2"), D("239.4")) == D("89.89")
    assert percent(D("0.125"), D(1)) == D("12.50")
    assert percent(D(1), D(0)) is None


# --- trees of other depths, not-applicable rows, deductions ----------------------------------------


def test_shallow_trees_fill_the_column_of_their_own_depth() -> None:
    case = case_of(
        leaf("执行率", weight=10, method="execution"),
        leaf("单列指标", weight=20, method="judgement", published=18),
        group(
            "特性指标",
            leaf("均衡性", weight=35, method="judgement", published=30),
            leaf("公平性", weight=35, method="judgement", published=35),
        ),
        full_year="100",
        executed="90",
    )
    own, marks = tables_of(case)
    assert [(r.level1, r.level2, r.level3) for r in own.rows] == [
        ("单列指标", "", ""),
        ("特性指标 (70分)", "均衡性", ""),
        ("特性指标 (70分)", "公平性", ""),
    ]
    assert [(r.level1_span, r.level2_span) for r in own.rows] == [(1, 1), (2, 1), (0, 1)]
    assert own.merges == (Merge(0, 1, 2),)
    assert (own.funds.weight, own.funds.rate_percent, own.funds.score) == (D(10), D(90), D(9))
    # the 计分表 keeps the 执行率 row as an ordinary 一级 row
    assert marks.rows[0].level1 == "执行率" and marks.rows[0].score == D(9)
    assert marks.rows[0].criterion.startswith("执行率×分值：")
    assert own.total == marks.total == D(92)


def test_deeper_levels_are_indented_qizhong_rows() -> None:
    deep = group(
        "三级",
        group("四级", leaf("五级", weight=10, method="judgement", published=10)),
    )
    case = case_of(group("一级", group("二级", deep)), leaf("其他", weight=90, published=90))
    own, _ = tables_of(case)
    assert [r.level3 for r in own.rows[:3]] == ["三级", "其中：四级", "\u3000其中：五级"]
    assert [r.is_leaf for r in own.rows[:3]] == [False, False, True]
    assert own.rows[0].level1_span == own.rows[0].level2_span == 3


def test_execution_below_the_roots_stays_a_row() -> None:
    case = case_of(
        group("过程", leaf("预算执行率", weight=10, method="execution")),
        leaf("其他", weight=90, published=90),
        full_year="100",
        executed="100",
    )
    own, _ = tables_of(case)
    assert own.rows[0].level2 == "预算执行率" and own.rows[0].score == D(10)
    assert own.funds.weight is None and own.funds.score is None
    assert own.funds.rate_percent == D(100)


def test_not_applicable_rows_manual_scores_and_deductions() -> None:
    case = case_of(
        group(
            "产出指标",
            leaf("不适用", weight=20, not_applicable=True),
            leaf("人工", weight=30, method="judgement", published=30, manual=("25", "复核调整")),
        ),
        leaf("效益", weight=50, method="judgement", published=50),
        deductions=(Deduction("工作配合", per_occurrence=D("0.5"), occurrences=2),),
        published=Published(total=D(100), grade="优"),
    )
    own, _ = tables_of(case)
    na, manual = own.rows[0], own.rows[1]
    assert (na.not_applicable, na.score, na.weight) == (True, None, D(20))
    assert (manual.score, manual.published_score) == (D(25), D(30))  # the score of record
    assert [(d.name, d.amount) for d in own.deductions] == [("工作配合", D(1))]
    assert own.total == D("92.75")  # 75 / 80 × 100 = 93.75, less 1
    assert "含不适用指标，总分已按适用分值折算为100分。" in own.notes
    assert "发布总分 100，重新计算为 92.75。" in own.notes


def test_zhejiang_cap_is_noted() -> None:
    case = Case(
        meta=CaseMeta(project="封顶", region="浙江省嘉兴市", year=2021),
        tree=tree(
            leaf("执行率", weight=10, method="execution"), leaf("x", weight=90, published=90)
        ),
        budget=budget(full_year="100", executed="80"),
        published=Published(total=D(98), grade="优"),
    )
    own = build_table(TableKind.SELF, case, review_case(case, zhejiang()))
    assert (own.total, own.grade) == (D(98), "良")
    assert own.notes[-2:] == ("发布等级“优”，重新计算为“良”。", "资金执行率 80%，等级最高为“良”。")


# --- which table fits which document --------------------------------------------------------------


def test_default_kind_and_mismatches() -> None:
    summary, summary_report = seed("000-jiaxing-summary.yaml")
    case, report = seed("004-zhuzhou-warm-enterprise.yaml")
    assert default_kind(summary) is TableKind.SUMMARY
    assert default_kind(case) is TableKind.SELF
    with pytest.raises(TableMismatchError, match="部门汇总表只能导出为部门绩效自评结果汇总表"):
        build_table(TableKind.SELF, summary, summary_report)
    with pytest.raises(TableMismatchError, match="评价表不能导出为部门绩效自评结果汇总表"):
        build_table(TableKind.SUMMARY, case, report)
    with pytest.raises(TableMismatchError, match="没有评分结果"):
        build_table(TableKind.SCORING, case, None)
    assert [kind.label for kind in TableKind] == [
        "项目支出绩效自评表",
        "评价指标计分表",
        "部门绩效自评结果汇总表",
        "绩效评价得分表",
        "专项支出绩效评价指标完成情况表",
    ]


def test_written_texts_fill_the_text_columns_and_the_computation_stands_in() -> None:
    from dataclasses import replace

    from jixiao.core.score_sheets import completion_table, score_sheet

    written = replace(
        leaf("服务企业", weight=60, target="≥100家", actual="80家", method="ratio_positive"),
        explanation="反映服务企业的数量",
        criteria="完成值/目标值×分值",
    )
    bare = leaf("满意度", weight=40, target="≥90%", actual="95%", method="ratio_positive")
    case = case_of(group("产出指标", written, bare))
    report = review(case, national())
    marks = build_table(TableKind.SCORING, case, report)
    assert [r.scoring_standard for r in marks.rows] == [
        "完成值/目标值×分值",
        marks.rows[1].criterion,
    ]
    assert marks.rows[1].criterion.startswith("正向比率")
    sheet = score_sheet(case, report)
    assert [r.explanation_text for r in sheet.rows] == [
        "反映服务企业的数量",
        sheet.rows[1].criterion,
    ]
    # 扣分理由 keeps the computation even where an explanation is written
    assert sheet.lines[0].reason == sheet.rows[0].criterion
    assert sheet.lines[0].lost == D(12)
    completion = completion_table(case, report)
    assert [r.criterion for r in completion.rows] == [
        "完成值/目标值×分值",
        sheet.rows[1].criterion,
    ]
