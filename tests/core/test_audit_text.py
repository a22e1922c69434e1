"""Audit findings speak through core Texts: the same Chinese, plus template and arguments."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from builders import AUDIT_META as META
from builders import budget, filler, group, leaf, national, ratio, tree, zhejiang
from builders import run_audit as run
from jixiao.core.audit import (
    _ROUNDING_LABELS,
    CODE_TITLES,
    Code,
    Finding,
    audit_summary,
    fingerprint,
)
from jixiao.core.case import DepartmentSummary, Published, SummaryRow
from jixiao.core.indicators import Indicator
from jixiao.core.money import Rounding
from jixiao.core.review import review
from jixiao.core.text import Text, render
from jixiao.io import rulesets
from jixiao.io.cases import load

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def summary() -> DepartmentSummary:
    def row(no: int, budget_: str, executed: str, rate: str, conclusion: str) -> SummaryRow:
        return SummaryRow(
            no, "单位", f"项目{no}", Decimal(budget_), Decimal(executed), Decimal(rate), conclusion
        )

    return DepartmentSummary(
        meta=META,
        rows=(row(1, "28", "25.34", "90.5", "良"), row(2, "4", "1.69", "42.24", "良")),
        published=Published(total_budget=Decimal("33")),
    )


def execution_row(published: str) -> Indicator:
    return leaf("执行率", weight="10", method="execution", published=published, rationale="见报告")


# (findings, code, the Chinese message as the CLI prints it, its template, its arguments)
CASES: list[tuple[str, Any, Code, str, str, dict[str, object]]] = [
    (
        "weights",
        lambda: run(
            tree(group("产出", ratio("a", "10", "10", "5", "5"), weight="12"), filler("80"))
        ),
        Code.WEIGHTS_NOT_100,
        "各一级指标（含执行率）分值合计 92，应为 100",
        "各一级指标（含执行率）分值合计 {found}，应为 {expected}",
        {"found": "92", "expected": "100"},
    ),
    (
        "child weights",
        lambda: run(
            tree(group("产出", ratio("a", "10", "10", "5", "5"), weight="12"), filler("80"))
        ),
        Code.CHILD_WEIGHTS_MISMATCH,
        "下级指标分值合计 5，与本级分值 12 不符",
        "下级指标分值合计 {found}，与本级分值 {expected} 不符",
        {"found": "5", "expected": "12"},
    ),
    (
        "leaf without weight",
        lambda: run(tree(leaf("无分值", method="judgement"), filler("100"))),
        Code.LEAF_WITHOUT_WEIGHT,
        "末级指标未设分值",
        "末级指标未设分值",
        {},
    ),
    (
        "manual reason",
        lambda: run(
            tree(leaf("人工", weight="10", method="judgement", manual=("8", "")), filler("90"))
        ),
        Code.MANUAL_REASON_MISSING,
        "人工评分须填写理由",
        "人工评分须填写理由",
        {},
    ),
    (
        "out of range",
        lambda: run(tree(ratio("a", "10", "10", "5", "6"), filler("95"))),
        Code.SCORE_EXCEEDS_WEIGHT,
        "得分 6 超出 0–5 的范围",
        "得分 {given} 超出 0–{weight} 的范围",
        {"given": "6", "weight": "5"},
    ),
    (
        "subtotal",
        lambda: run(
            tree(
                group(
                    "产出",
                    ratio("a", "10", "10", "5", "5"),
                    ratio("b", "10", "10", "5", "5"),
                    published="9",
                ),
                filler("90"),
            )
        ),
        Code.SUM_MISMATCH,
        "小计 9 与下级得分合计 10 不符",
        "小计 {printed} 与下级得分合计 {children} 不符",
        {"printed": "9", "children": "10"},
    ),
    (
        "total not the sum",
        lambda: run(tree(ratio("a", "10", "10", "50", "50"), filler("50")), total="99"),
        Code.SUM_MISMATCH,
        "总分 99 与各项得分合计 100 不符",
        "总分 {printed} 与各项得分合计 {parts} 不符",
        {"printed": "99", "parts": "100"},
    ),
    (
        "total recomputed",
        lambda: run(tree(ratio("a", "10", "10", "50", "50"), filler("50")), total="99"),
        Code.TOTAL_MISMATCH,
        "发布总分 99，重新计算为 100",
        "发布总分 {printed}，重新计算为 {computed}",
        {"printed": "99", "computed": "100"},
    ),
    (
        "method differs",
        lambda: run(tree(ratio("培训合格率", "70", "95", "25", "23.57"), filler("75"))),
        Code.SCORE_METHOD_MISMATCH,
        "填报得分 23.57 与正向比率计算结果 25 不符：95 ≥ 70 → 25/25",
        "{which} {given} 与{method}计算结果 {expected} 不符：{formula}",
        {
            "which": "填报得分",
            "given": "23.57",
            "method": "正向比率",
            "expected": "25",
            "formula": "95 ≥ 70 → 25/25",
        },
    ),
    (
        "met but deducted",
        lambda: run(tree(ratio("培训合格率", "70", "95", "25", "23.57"), filler("75"))),
        Code.MET_BUT_DEDUCTED,
        "实际完成值“95”已达到年度指标值“70”，却只得 23.57/25，且未说明偏差原因",
        "实际完成值“{actual}”已达到年度指标值“{target}”，却只得 {given}/{weight}，且未说明偏差原因",
        {"actual": "95", "target": "70", "given": "23.57", "weight": "25"},
    ),
    (
        "outside the band",
        lambda: run(
            tree(
                leaf(
                    "满意度",
                    weight="10",
                    target="≥95%",
                    actual="90%",
                    method="qualitative",
                    published="10",
                ),
                filler("90"),
            )
        ),
        Code.SCORE_METHOD_MISMATCH,
        "填报得分 10 不在定性分档允许的区间内：未完全达成：得分应在 0–8 之间",
        "{which} {given} 不在{method}允许的区间内：{formula}",
        {
            "which": "填报得分",
            "given": "10",
            "method": "定性分档",
            "formula": "未完全达成：得分应在 0–8 之间",
        },
    ),
    (
        "missed but full",
        lambda: run(
            tree(
                leaf(
                    "满意度",
                    weight="10",
                    target="≥95%",
                    actual="90%",
                    method="qualitative",
                    published="10",
                ),
                filler("90"),
            )
        ),
        Code.MISSED_BUT_FULL,
        "实际完成值“90%”未达到年度指标值“≥95%”，却得满分 10",
        "实际完成值“{actual}”未达到年度指标值“{target}”，却得满分 {given}",
        {"actual": "90%", "target": "≥95%", "given": "10"},
    ),
    (
        "manual score differs",
        lambda: run(
            tree(
                ratio("培训人数", ">500", "630", "50", "40", manual=("40", "评审组认为质量不足")),
                filler("50"),
            )
        ),
        Code.SCORE_METHOD_MISMATCH,
        "人工评分 40 与正向比率计算结果 50 不符：630 ≥ 500 → 50/50",
        "{which} {given} 与{method}计算结果 {expected} 不符：{formula}",
        {
            "which": "人工评分",
            "given": "40",
            "method": "正向比率",
            "expected": "50",
            "formula": "630 ≥ 500 → 50/50",
        },
    ),
    (
        "deviation note",
        lambda: run(
            tree(
                leaf(
                    "发展环境",
                    weight="6",
                    target="助推经济发展",
                    actual="营造了良好环境",
                    method="qualitative",
                    published="5",
                ),
                filler("94"),
            )
        ),
        Code.DEVIATION_NOTE_MISSING,
        "得分 5/6 未达满分，未填写偏差原因分析及改进措施",
        "得分 {given}/{weight} 未达满分，未填写偏差原因分析及改进措施",
        {"given": "5", "weight": "6"},
    ),
    (
        "units",
        lambda: run(
            tree(
                leaf(
                    "服务企业",
                    weight="10",
                    target="≥95%",
                    actual="3家",
                    method="judgement",
                    published="10",
                ),
                filler("90"),
            )
        ),
        Code.UNIT_MISMATCH,
        "年度指标值单位“%”与实际完成值单位“家”不一致，无法比较",
        "年度指标值单位“{target_unit}”与实际完成值单位“{actual_unit}”不一致，无法比较",
        {"target_unit": "%", "actual_unit": "家"},
    ),
    (
        "execution rate (full-year budget)",
        lambda: run(
            tree(execution_row("9.5"), filler("90")),
            money=budget("239.4", "215.2", published_rate="89.5"),
        ),
        Code.EXECUTION_RATE_MISMATCH,
        "执行率发布为 89.5%，按全年执行数/全年预算数计算为 89.89%（无法由四舍五入或截断得到）",
        "执行率发布为 {printed}%，按全年执行数/全年预算数计算为 {computed}%（无法由四舍五入或截断得到）",
        {"printed": "89.5", "computed": "89.89"},
    ),
    (
        "execution rate (funds received)",
        lambda: run(
            tree(execution_row("9.36"), filler("90")),
            national(execution_denominator="arrived"),
            money=budget("239.4", "215.2", arrived="230", published_rate="89.5"),
        ),
        Code.EXECUTION_RATE_MISMATCH,
        "执行率发布为 89.5%，按全年执行数/实际到位资金计算为 93.57%（无法由四舍五入或截断得到）",
        "执行率发布为 {printed}%，按全年执行数/实际到位资金计算为 {computed}%（无法由四舍五入或截断得到）",
        {"printed": "89.5", "computed": "93.57"},
    ),
    (
        "rounding variant",
        lambda: run(
            tree(execution_row("7.79"), filler("90")),
            money=budget("82.5", "64.24", published_rate="77.86"),
        ),
        Code.ROUNDING_VARIANT,
        "执行率 77.86%：发布值系截断所得（规则集为四舍五入），按规则应为 77.87%",
        "{subject} {printed}{unit}：{note}，按规则应为 {expected}{unit}",
        {
            "subject": "执行率",
            "printed": "77.86",
            "unit": "%",
            "note": "发布值系截断所得（规则集为四舍五入）",
            "expected": "77.87",
        },
    ),
    (
        "grade",
        lambda: run(tree(filler("100", "85")), total="85", grade="优"),
        Code.GRADE_MISMATCH,
        "总分 85 按等级划分应为“良”，发布为“优”",
        "总分 {total} 按等级划分应为“{expected}”，发布为“{raw}”",
        {"total": "85", "expected": "良", "raw": "优"},
    ),
    (
        "unknown grade",
        lambda: run(tree(filler("100", "85")), total="85", grade="甲等"),
        Code.GRADE_UNKNOWN,
        "无法识别的等级“甲等”",
        "无法识别的等级“{raw}”",
        {"raw": "甲等"},
    ),
    (
        "grade above the cap",
        lambda: run(
            tree(execution_row("8.99"), filler("90")),
            zhejiang(),
            budget("239.4", "215.2"),
            total="98.99",
            grade="优秀",
        ),
        Code.GRADE_RULE_VIOLATION,
        "执行率 89.89%，按浙江省规则（执行率封顶等级）结论最高为“良”，发布为“优秀”",
        "执行率 {rate}%，按{rules}结论最高为“{best}”，发布为“{raw}”",
        {"rate": "89.89", "rules": "浙江省规则（执行率封顶等级）", "best": "良", "raw": "优秀"},
    ),
    (
        "indicator count",
        lambda: run(
            tree(group("决策", ratio("a", "1", "1", "50", "50")), filler("50")),
            counts={1: 2, 2: 3},
        ),
        Code.INDICATOR_COUNT_MISMATCH,
        "报告文字称2级指标 3 个，表中实有 1 个",
        "报告文字称{level}级指标 {declared} 个，表中实有 {found} 个",
        {"level": 2, "declared": 3, "found": 1},
    ),
    (
        "summary: rate",
        lambda: audit_summary(summary(), zhejiang()),
        Code.EXECUTION_RATE_MISMATCH,
        "执行率发布为 42.24%，按全年执行数/全年预算数计算为 42.25%（无法由四舍五入或截断得到）",
        "执行率发布为 {printed}%，按全年执行数/全年预算数计算为 {computed}%（无法由四舍五入或截断得到）",
        {"printed": "42.24", "computed": "42.25"},
    ),
    (
        "summary: cap",
        lambda: audit_summary(summary(), zhejiang()),
        Code.GRADE_RULE_VIOLATION,
        "执行率 42.25%，按浙江省规则（执行率封顶等级）结论最高为“中”，发布为“良”",
        "执行率 {rate}%，按{rules}结论最高为“{best}”，发布为“{raw}”",
        {"rate": "42.25", "rules": "浙江省规则（执行率封顶等级）", "best": "中", "raw": "良"},
    ),
    (
        "summary: total",
        lambda: audit_summary(summary(), zhejiang()),
        Code.SUM_MISMATCH,
        "全年预算数合计 32，发布为 33",
        "全年预算数合计 {parts}，发布为 {published}",
        {"parts": "32", "published": "33"},
    ),
]


def findings_of(name: str) -> list[Finding]:
    findings: list[Finding] = next(case for case in CASES if case[0] == name)[1]()
    return findings


@pytest.mark.parametrize(
    ("findings", "code", "chinese", "template", "args"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_finding_message_is_a_text_with_the_same_chinese(
    findings: Any, code: Code, chinese: str, template: str, args: dict[str, object]
) -> None:
    found = [f for f in findings() if f.code is code]
    assert len(found) == 1
    message = found[0].message
    assert isinstance(message, Text)
    assert message == chinese and str.__str__(message) == chinese
    assert message.template == template and type(message.template) is str
    assert dict(message.args) == args
    assert Text(message.template, **message.args) == message  # what the lead's constructor makes


def test_an_unknown_conclusion_in_a_summary() -> None:
    row = SummaryRow(1, "单位", "项目1", Decimal(10), Decimal(5), Decimal(50), "甲")
    found = audit_summary(DepartmentSummary(meta=META, rows=(row,)), national())
    assert [(f.code, f.path, f.message) for f in found] == [
        (Code.GRADE_UNKNOWN, "1. 项目1", "无法识别的自评结论“甲”")
    ]
    assert found[0].message.template == "无法识别的自评结论“{conclusion}”"
    assert dict(found[0].message.args) == {"conclusion": "甲"}


def test_nested_words_are_texts_too() -> None:
    """The subject, the rounding names and the note are translated with the sentence."""
    rounding, manual = findings_of("rounding variant"), findings_of("manual score differs")
    note = rounding[0].message.args["note"]
    assert isinstance(note, Text) and note.template == "发布值系{seen}所得（规则集为{rules}）"
    assert isinstance(note.args["seen"], Text) and note.args["seen"] == "截断"
    assert isinstance(rounding[0].message.args["subject"], Text)
    which = next(f for f in manual if f.code is Code.SCORE_METHOD_MISMATCH).message.args["which"]
    assert isinstance(which, Text) and which.template == "人工评分"
    english = {
        "{subject} {printed}{unit}：{note}，按规则应为 {expected}{unit}": "{subject} {printed}{unit}: {note}; should be {expected}{unit}",
        "发布值系{seen}所得（规则集为{rules}）": "{seen}, not {rules}",
        "执行率": "Execution rate",
        "截断": "truncated",
        "四舍五入": "rounded half up",
    }
    shown = render(rounding[0].message, lambda t: english.get(t, t))
    assert shown == "Execution rate 77.86%: truncated, not rounded half up; should be 77.87%"


def test_the_audits_own_paths_are_texts_with_unchanged_fingerprints() -> None:
    total = findings_of("total recomputed")[-1]
    assert isinstance(total.path, Text) and total.path == "总分"
    assert total.fingerprint == fingerprint(META.identity, Code.TOTAL_MISMATCH, "总分")
    counts = findings_of("indicator count")[0]
    assert isinstance(counts.path, Text) and counts.path == "2级指标"
    assert counts.path.template == "{level}级指标"
    grade = findings_of("unknown grade")[0]
    assert isinstance(grade.path, Text) and grade.path == "等级"


def test_table_data_stays_plain() -> None:
    """An indicator's path and a summary row's path are the table's own words."""
    found = findings_of("met but deducted")
    assert all(type(f.path) is str for f in found) and found[0].path == "培训合格率"


def test_the_rounding_names_are_the_rounding_labels() -> None:
    assert set(_ROUNDING_LABELS) == set(Rounding)
    for mode, label in _ROUNDING_LABELS.items():
        assert label == mode.label


def test_every_code_has_a_short_title() -> None:
    assert set(CODE_TITLES) == set(Code)
    assert all(isinstance(title, Text) and title for title in CODE_TITLES.values())
    finding = findings_of("weights")[0]
    assert finding.title == "分值合计不为100"


def test_findings_serialise_as_before() -> None:
    finding = findings_of("met but deducted")[-1]
    copy = pickle.loads(pickle.dumps(finding))
    assert copy == finding and copy.message.template == finding.message.template
    dumped = json.dumps({"message": finding.message, "path": finding.path}, ensure_ascii=False)
    assert json.loads(dumped) == {
        "message": "实际完成值“95”已达到年度指标值“70”，却只得 23.57/25，且未说明偏差原因",
        "path": "培训合格率",
    }


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.yaml")), ids=lambda path: path.name)
def test_every_seed_finding_is_a_text_that_rebuilds_to_itself(seed: Path) -> None:
    document = load(seed)
    report = review(document, rulesets.load(document.rules or "national"))
    for finding in report.findings:
        assert isinstance(finding.message, Text)
        assert Text(finding.message.template, **finding.message.args) == finding.message
