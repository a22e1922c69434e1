"""Each audit finding code, triggered by the smallest table that shows it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from builders import AUDIT_META as META
from builders import budget, filler, group, leaf, national, ratio, tree, zhejiang
from builders import run_audit as run
from jixiao.core.audit import (
    Code,
    Collector,
    Severity,
    audit_summary,
    compare_printed,
    fingerprint,
)
from jixiao.core.case import DepartmentSummary, Published, SummaryRow
from jixiao.core.indicators import Deduction, IndicatorTree
from jixiao.core.money import Rounding


def codes(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.code.value for f in findings]


def test_a_clean_table_has_no_findings() -> None:
    t = tree(ratio("培训人数", ">500", "630", "50", "50"), filler("50"))
    assert run(t, total="100", grade="优") == []


def test_weights_not_100_and_child_weights_mismatch() -> None:
    t = tree(group("产出", ratio("a", "10", "10", "5", "5"), weight="12"), filler("80"))
    found = run(t)
    assert codes(found) == ["WEIGHTS_NOT_100", "CHILD_WEIGHTS_MISMATCH"]
    assert all(f.severity is Severity.ERROR for f in found)
    assert "92" in found[0].message and "5" in found[1].message


def test_score_exceeds_weight() -> None:
    t = tree(ratio("a", "10", "10", "5", "6"), filler("95"))
    assert Code.SCORE_EXCEEDS_WEIGHT.value in codes(run(t))


def test_subtotal_that_is_not_the_sum_of_its_children() -> None:
    t = tree(
        group(
            "产出",
            ratio("a", "10", "10", "5", "5"),
            ratio("b", "10", "10", "5", "5"),
            published="9",
        ),
        filler("90"),
    )
    found = run(t)
    assert codes(found) == ["SUM_MISMATCH"]
    assert found[0].path == "产出"


def test_total_that_is_not_the_sum_of_the_rows_and_a_recomputed_total_that_differs() -> None:
    t = tree(ratio("a", "10", "10", "50", "50"), filler("50"))
    found = run(t, total="99")
    assert codes(found) == ["SUM_MISMATCH", "TOTAL_MISMATCH"]
    assert "99" in found[0].message and "100" in found[1].message


def test_met_but_deducted_without_a_note() -> None:
    """000 产业发展: 培训合格率 95 vs 70, 23.57 of 25, no 偏差原因."""
    t = tree(ratio("培训合格率", "70", "95", "25", "23.57"), filler("75"))
    found = run(t)
    assert codes(found) == ["SCORE_METHOD_MISMATCH", "MET_BUT_DEDUCTED"]
    assert found[1].severity is Severity.WARNING


def test_a_deviation_note_answers_a_deduction_under_a_judgement_method() -> None:
    noted = leaf(
        "发展环境",
        weight="6",
        target="助推经济发展",
        actual="营造了良好环境",
        method="qualitative",
        published="5",
        deviation_note="还有提升空间",
    )
    assert run(tree(noted, filler("94"))) == []
    silent = replace(noted, deviation_note="")
    found = run(tree(silent, filler("94")))
    assert codes(found) == ["DEVIATION_NOTE_MISSING"]
    assert found[0].severity is Severity.INFO


def test_missed_but_full() -> None:
    t = tree(
        leaf(
            "满意度", weight="10", target="≥95%", actual="90%", method="qualitative", published="10"
        ),
        filler("90"),
    )
    found = run(t)
    assert codes(found) == ["SCORE_METHOD_MISMATCH", "MISSED_BUT_FULL"]


def test_unit_mismatch_is_a_finding_not_a_crash() -> None:
    t = tree(
        leaf(
            "服务企业", weight="10", target="≥95%", actual="3家", method="judgement", published="10"
        ),
        filler("90"),
    )
    found = run(t)
    assert codes(found) == ["UNIT_MISMATCH"]
    assert "%" in found[0].message and "家" in found[0].message


def test_manual_score_contradicting_its_method_beyond_tolerance() -> None:
    t = tree(
        ratio("培训人数", ">500", "630", "50", "40", manual=("40", "评审组认为质量不足")),
        filler("50"),
    )
    found = run(t)
    assert "SCORE_METHOD_MISMATCH" in codes(found)
    assert "人工评分 40" in next(f for f in found if f.code is Code.SCORE_METHOD_MISMATCH).message


def test_within_tolerance_is_a_warning_and_tolerance_is_configurable() -> None:
    t = tree(ratio("a", "100", "99.5", "10", "9.94", rationale="依据"), filler("90"))  # 9.95
    assert [(f.code.value, f.severity) for f in run(t)] == [
        ("SCORE_METHOD_MISMATCH", Severity.WARNING)
    ]
    strict = national(tolerance="0.001")
    assert [f.severity for f in run(t, strict)] == [Severity.ERROR]


def test_execution_rate_and_score_mismatch() -> None:
    row = leaf("执行率", weight="10", method="execution", published="9.5")
    found = run(tree(row, filler("90")), money=budget("239.4", "215.2", published_rate="89.5"))
    assert codes(found) == ["EXECUTION_SCORE_MISMATCH", "EXECUTION_RATE_MISMATCH"]
    assert "89.89" in found[-1].message


def test_rounding_seen_is_named() -> None:
    """000: 64.24 / 82.5 = 77.866… printed 77.86 — truncated, not half-up."""
    row = leaf("执行率", weight="10", method="execution", published="7.79")
    found = run(tree(row, filler("90")), money=budget("82.5", "64.24", published_rate="77.86"))
    assert codes(found) == ["ROUNDING_VARIANT"]
    assert "截断" in found[0].message and "77.87" in found[0].message
    check = compare_printed(Decimal("77.866"), Decimal("77.86"), national())
    assert check.seen is Rounding.DOWN and not check.ok


def test_printed_rate_above_100_is_accepted_only_when_the_rule_set_does_not_cap_it() -> None:
    row = leaf("执行率", weight="10", method="execution", published="10")
    money = budget("100", "110", published_rate="110")
    assert codes(run(tree(row, filler("90")), money=money)) == ["EXECUTION_RATE_MISMATCH"]
    assert run(tree(row, filler("90")), national(execution_capped=False), money) == []


def test_grade_mismatch_and_unknown_grade() -> None:
    t = tree(filler("100", "85"))
    assert codes(run(t, total="85", grade="优")) == ["GRADE_MISMATCH"]
    assert codes(run(t, total="85", grade="甲等")) == ["GRADE_UNKNOWN"]


def test_grade_rule_violation_is_regional() -> None:
    """004: 89.89 % executed, 95.99, 优秀 — fine nationally, not in 浙江."""
    row = leaf("执行率", weight="10", method="execution", published="8.99", rationale="见报告")
    t = tree(row, filler("90"))
    money = budget("239.4", "215.2")
    assert run(t, national(), money, total="98.99", grade="优秀") == []
    found = run(t, zhejiang(), money, total="98.99", grade="优秀")
    assert codes(found) == ["GRADE_RULE_VIOLATION"]
    assert "良" in found[0].message


def test_declared_indicator_counts() -> None:
    t = tree(group("决策", ratio("a", "1", "1", "50", "50")), filler("50"))
    found = run(t, counts={1: 2, 2: 3})
    assert codes(found) == ["INDICATOR_COUNT_MISMATCH"]
    assert found[0].severity is Severity.INFO and "3" in found[0].message


def test_deductions_are_part_of_the_published_total() -> None:
    t = tree(
        leaf("a", weight="100", method="judgement", published="100"),
        deductions=(
            Deduction("工作配合", per_occurrence=Decimal("0.5"), occurrences=4, cap=Decimal("10")),
        ),
    )
    t = IndicatorTree(
        roots=(replace(t.roots[0], published_score=Decimal("100")),), deductions=t.deductions
    )
    assert run(t, total="98") == []


def test_summary_rows_check_rate_and_conclusion() -> None:
    def row(no: int, budget_: str, executed: str, rate: str, conclusion: str) -> SummaryRow:
        return SummaryRow(
            no, "单位", f"项目{no}", Decimal(budget_), Decimal(executed), Decimal(rate), conclusion
        )

    summary = DepartmentSummary(
        meta=META,
        rows=(
            row(1, "28", "25.34", "90.5", "良"),
            row(2, "4", "1.69", "42.25", "良"),
            row(3, "8", "7.99", "99.9", "优秀"),
            row(4, "10", "5", "50", "甲"),
        ),
        published=Published(total_budget=Decimal("51")),
    )
    found = audit_summary(summary, zhejiang())
    assert codes(found) == ["GRADE_RULE_VIOLATION", "GRADE_UNKNOWN", "SUM_MISMATCH"]
    assert found[0].path == "2. 项目2"
    assert codes(audit_summary(summary, national())) == ["GRADE_UNKNOWN", "SUM_MISMATCH"]


def test_fingerprint_is_stable_and_specific() -> None:
    t = tree(ratio("培训合格率", "70", "95", "25", "23.57"), filler("75"))
    first = [f.fingerprint for f in run(t)]
    assert first == [f.fingerprint for f in run(t)]
    assert len(set(first)) == len(first)
    other_table = fingerprint("另一张表", Code.MET_BUT_DEDUCTED, "培训合格率")
    assert other_table not in first


def test_a_grade_correctly_capped_by_the_region_is_not_a_mismatch() -> None:
    row = leaf("执行率", weight="10", method="execution", published="9.01", rationale="见报告")
    t = tree(row, filler("90", "87.31"))
    money = budget("100", "90.07")
    assert run(t, zhejiang(), money, total="96.32", grade="良") == []
    assert codes(run(t, zhejiang(), money, total="96.32", grade="中")) == ["GRADE_MISMATCH"]


def test_full_points_that_come_from_rounding_are_not_missed_but_full() -> None:
    t = tree(ratio("a", "100", "99.99", "10", "10"), filler("90"))  # 9.999 → 10.00
    assert run(t) == []


def test_a_printed_figure_equal_to_the_exact_value_still_follows_the_rule_sets_rounding() -> None:
    """9.5 printed for exactly 9.5: fine when rounding to cents, a rounding variant when the
    rule set takes whole points down (its figure would be 9)."""
    assert compare_printed(Decimal("9.5"), Decimal("9.5"), national()).ok
    check = compare_printed(Decimal("9.5"), Decimal("9.5"), national(rounding="whole_down"))
    assert not check.ok and check.seen is Rounding.HALF_UP and check.expected == Decimal(9)
    assert compare_printed(Decimal("9"), Decimal("9"), national(rounding="whole_down")).ok


@pytest.mark.parametrize("code", list(Code))
def test_a_collected_finding_has_the_fingerprint_of_its_identity_code_and_path(code: Code) -> None:
    out = Collector.for_identity("浙江省嘉兴市|2021|嘉兴市经济和信息化局|某项目|自评")
    out.add(code, Severity.INFO, "产出指标 / 质量指标 / 培训合格率", "…")
    assert out.findings[0].fingerprint == fingerprint(
        "浙江省嘉兴市|2021|嘉兴市经济和信息化局|某项目|自评",
        code,
        "产出指标 / 质量指标 / 培训合格率",
    )
