"""The evaluation report model: chapters in the seeds' order, sentences built from the numbers."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.case import Case
from jixiao.core.report import (
    NONE_TEXT,
    ChartKind,
    NarrativeKey,
    Report,
    ReportError,
    build_report,
    narrative_texts,
)
from jixiao.core.review import review
from jixiao.core.tables import ScoringTable, SelfEvaluationTable
from jixiao.io import rulesets
from jixiao.io.cases import load

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
CHAPTERS = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、评价结论及绩效分析",
    "四、存在的问题及原因分析",
    "五、有关建议",
    "六、其他需要说明的问题",
)


def case_of(seed: str) -> Case:
    document = load(SEEDS / seed)
    assert isinstance(document, Case)
    return document


def report_of(seed: str, narrative: dict[str, str] | None = None) -> Report:
    case = case_of(seed)
    assert case.rules
    return build_report(case, review(case, rulesets.load(case.rules)), narrative)


def text_of(report: Report, key: str) -> str:
    chapter = next(c for c in report.chapters if c.key == key)
    return "\n".join(
        line for section in chapter.sections for line in (*section.paragraphs, *section.items)
    )


def test_the_004_report_states_its_numbers() -> None:
    report = report_of("004-zhuzhou-warm-enterprise.yaml")
    assert report.title == "2020年度温暖企业行动绩效自评报告"
    assert report.headings == (*CHAPTERS, "附件：2020年度项目支出绩效自评表")
    conclusion = text_of(report, "conclusion")
    assert "项目评价得分95.99分，评价等级为“优”（评分规则集 national@2020.1）" in conclusion
    assert "全年预算数239.4万元，执行数215.2万元，执行率89.89%，结余24.2万元。" in conclusion
    assert "执行率得分8.99分（分值10分）" in conclusion
    assert "效益指标得分27分（分值30分）" in conclusion
    assert "发布" not in conclusion  # the published 95.99 / 优秀 agree with the recomputation
    assert (report.total, report.grade, report.execution_percent) == (
        Decimal("95.99"),
        "优",
        Decimal("89.89"),
    )
    assert ("评分规则集", "national@2020.1") in report.meta
    basic = text_of(report, "basic")
    assert "全年预算数239.4万元（当年财政拨款239.4万元）" in basic


def test_the_004_sections_and_the_empty_narrative() -> None:
    report = report_of("004-zhuzhou-warm-enterprise.yaml")
    basic = report.chapters[0]
    assert [s.heading for s in basic.sections] == ["（一）项目概况", "（二）绩效目标"]
    assert basic.sections[1].paragraphs == (NONE_TEXT,)
    for key in ("suggestions", "other"):
        assert text_of(report, key) == NONE_TEXT
    # generated text first; no user text, no "无。" after it
    assert text_of(report, "problems") == "经复核计算，未发现错误或警告级问题。"
    analysis = report.chapters[2].sections[1]
    assert analysis.paragraphs == ("以下4项指标未得满分：",)
    assert analysis.items[1] == (
        "效益指标 / 社会效益指标 / 发展环境：得分5分（分值6分），"
        "偏差原因：还有可提升的空间，需进一步优化营商环境。"
    )


def test_the_user_text_fills_the_chapters_by_english_or_chinese_key() -> None:
    report = report_of(
        "004-zhuzhou-warm-enterprise.yaml",
        {
            "problems": "由于疫情原因，博览会临时取消。\n\n将延期到2021年举办。",
            "有关建议": "加快资金拨付进度。",
            "goals": "建立服务企业的长效机制。",
        },
    )
    problems = report.chapters[3].sections[-1].paragraphs  # after the audit's findings
    assert problems == ("由于疫情原因，博览会临时取消。", "将延期到2021年举办。")
    assert text_of(report, "suggestions") == "加快资金拨付进度。"
    assert report.chapters[0].sections[1].paragraphs == ("建立服务企业的长效机制。",)
    assert text_of(report, "other") == NONE_TEXT


def test_unknown_or_non_text_chapters_are_refused() -> None:
    with pytest.raises(ReportError, match="未知的报告章节“foo”"):
        narrative_texts({"foo": "x"})
    with pytest.raises(ReportError, match="应为文字"):
        narrative_texts({"problems": ["a", "b"]})
    with pytest.raises(ReportError, match="重复"):
        narrative_texts({"problems": "a", "存在的问题": "b"})
    assert narrative_texts({"other": None, "其他": " 无 "}) == {NarrativeKey.OTHER: "无"}


def test_the_industry_report_lists_the_audit_findings() -> None:
    report = report_of("000-jiaxing-industry-self.yaml")
    problems = report.chapters[3].sections[0]
    assert problems.paragraphs == ("经复核计算，发现以下3个问题：",)
    assert len(report.findings) == 3
    assert problems.items[0].startswith("【错误】产出指标 / 质量指标 / 培训合格率(%)：")
    assert any(item.startswith("【警告】") and "23.57/25" in item for item in problems.items)
    assert "【错误】总分：发布总分 98.57，重新计算为 100" in problems.items
    conclusion = text_of(report, "conclusion")
    assert "项目评价得分100分，评价等级为“优”" in conclusion
    assert "执行率100%" in conclusion
    assert "发布总分98.57分，重新计算为100分。" in conclusion
    assert text_of(report, "basic").count("嘉兴市经济和信息化局") == 1  # unit = department


def test_the_chart_data() -> None:
    report = report_of("004-zhuzhou-warm-enterprise.yaml")
    figures = {figure.kind: figure for figure in report.figures}
    assert [f.number for f in report.figures] == [1, 2, 3]
    scores = figures[ChartKind.SCORES]
    assert scores.caption == "图1 各一级指标分值与得分"
    assert scores.categories == ("执行率", "产出指标", "效益指标", "满意度指标")
    assert [s.name for s in scores.series] == ["分值", "得分"]
    assert scores.series[1].values == tuple(map(Decimal, ("8.99", "50", "27", "10")))
    budget = figures[ChartKind.BUDGET]
    assert budget.categories == ("合计",)  # one source only: no split
    assert budget.series[0].values == (Decimal("239.4"),)
    assert budget.series[1].values == (Decimal("215.2"),)
    completion = figures[ChartKind.COMPLETION]
    assert completion.horizontal and completion.unit == "%"
    assert len(completion.categories) == 14  # the 13 三级指标 and 执行率
    rates = dict(zip(completion.categories, completion.series[0].values, strict=True))
    assert rates["执行率"] == Decimal("89.90")
    assert rates["发展环境"] == Decimal("83.33")
    assert rates["企业满意率"] == Decimal("100")


def test_budget_by_source_when_there_are_several() -> None:
    report = report_of("002-jiangyou-relief-fund.yaml")
    budget = next(f for f in report.figures if f.kind is ChartKind.BUDGET)
    assert budget.categories == ("省级", "市级", "县级", "合计")
    assert budget.series[1].values == (None, None, None, Decimal("582.926"))


def test_the_appendix_reuses_the_table_models() -> None:
    self_report = report_of("004-zhuzhou-warm-enterprise.yaml")
    assert isinstance(self_report.appendix, SelfEvaluationTable)
    assert self_report.appendix.total == Decimal("95.99")
    policy = report_of("000-jiaxing-policy.yaml")
    assert isinstance(policy.appendix, ScoringTable)
    assert policy.appendix_title == "附件：2021年度评价指标计分表"
    assert policy.title == "2021年度工信发展专项资金绩效评价报告"


def test_no_budget_no_budget_chart_and_no_result_no_report() -> None:
    case = replace(case_of("004-zhuzhou-warm-enterprise.yaml"), budget=None)
    table_report = review(case, rulesets.load("national"))
    report = build_report(case, table_report)
    assert [f.kind for f in report.figures] == [ChartKind.SCORES, ChartKind.COMPLETION]
    assert [f.number for f in report.figures] == [1, 2]
    assert "全年预算数" not in text_of(report, "conclusion")
    with pytest.raises(ReportError, match="没有评分结果"):
        build_report(case, replace(table_report, result=None))
