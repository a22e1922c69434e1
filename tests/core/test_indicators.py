"""Indicator trees: weights that must add up, any depth, and the problems a broken table carries."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest

from builders import group, leaf, tree
from jixiao.core.indicators import (
    Deduction,
    Indicator,
    IndicatorTree,
    ProblemCode,
    TreeProblem,
    path_text,
    walk,
)

D = Decimal


def codes(t: IndicatorTree) -> list[ProblemCode]:
    return [problem.code for problem in t.problems]


def standard_self_evaluation() -> IndicatorTree:
    """执行率 10, 产出 50, 效益 30, 满意度 10 (domain guide §3)."""
    return tree(
        leaf("执行率", weight="10", method="execution"),
        group("产出指标", leaf("数量", weight="25"), leaf("质量", weight="25"), weight="50"),
        group("效益指标", leaf("社会效益", weight="30")),
        group("满意度指标", group("服务对象满意度", leaf("企业满意率", weight="10"))),
    )


class TestValidTrees:
    def test_the_standard_split_has_no_problems(self) -> None:
        t = standard_self_evaluation()
        assert t.problems == ()
        assert t.total_weight == D(100)

    def test_a_blank_parent_weight_is_the_sum_of_its_children(self) -> None:
        parent = group("效益指标", leaf("社会效益", weight="18"), leaf("可持续影响", weight="12"))
        assert parent.weight is None
        assert parent.effective_weight == D(30)

    def test_blank_weights_add_up_through_every_level(self) -> None:
        root = group(
            "产出指标",
            group("数量指标", group("其中", leaf("a", weight="2.5"), leaf("b", weight="7.5"))),
        )
        assert root.effective_weight == D(10)

    def test_four_levels_deep_validates_and_walks_in_order(self) -> None:
        t = tree(
            group(
                "A 经济性",
                group(
                    "A1 必要性",
                    group(
                        "A101 依据充分性", leaf("要点①", weight="60"), leaf("要点②", weight="40")
                    ),
                ),
                weight="100",
            )
        )
        assert t.problems == ()
        paths = [path_text(path) for path, _ in walk(t.roots)]
        assert paths == [
            "A 经济性",
            "A 经济性 / A1 必要性",
            "A 经济性 / A1 必要性 / A101 依据充分性",
            "A 经济性 / A1 必要性 / A101 依据充分性 / 要点①",
            "A 经济性 / A1 必要性 / A101 依据充分性 / 要点②",
        ]

    def test_labels_carry_the_code(self) -> None:
        assert leaf("依据充分性", code="A101", weight="6").label == "A101 依据充分性"
        assert leaf("依据充分性", weight="6").label == "依据充分性"


class TestProblems:
    def test_roots_adding_to_95_are_not_100(self) -> None:
        t = tree(leaf("执行率", weight="10"), leaf("产出", weight="50"), leaf("效益", weight="35"))
        assert t.problems == (TreeProblem(ProblemCode.WEIGHTS_NOT_100, "", D(100), D(95)),)

    def test_children_5_plus_5_under_a_parent_of_12(self) -> None:
        t = tree(
            group("产出指标", leaf("数量", weight="5"), leaf("质量", weight="5"), weight="12"),
            leaf("其他", weight="88"),
        )
        assert t.problems == (
            TreeProblem(ProblemCode.CHILD_WEIGHTS_MISMATCH, "产出指标", D(12), D(10)),
        )

    def test_a_mismatch_deep_in_the_tree_is_found_with_its_path(self) -> None:
        t = tree(
            group(
                "一级",
                group(
                    "二级",
                    group("三级", leaf("a", weight="3"), leaf("b", weight="3"), weight="7"),
                    weight="8",
                ),
                leaf("c", weight="92"),
            )
        )
        assert codes(t) == [ProblemCode.CHILD_WEIGHTS_MISMATCH] * 2
        mismatches = [p for p in t.problems if p.code is ProblemCode.CHILD_WEIGHTS_MISMATCH]
        assert [(p.path, p.expected, p.found) for p in mismatches] == [
            ("一级 / 二级", D(8), D(7)),
            ("一级 / 二级 / 三级", D(7), D(6)),
        ]

    def test_a_leaf_without_weight(self) -> None:
        t = tree(
            leaf("执行率", weight="10"), group("产出指标", leaf("数量"), leaf("质量", weight="90"))
        )
        assert codes(t) == [ProblemCode.LEAF_WITHOUT_WEIGHT]
        assert t.problems[0].path == "产出指标 / 数量"

    def test_a_manual_score_needs_a_reason(self) -> None:
        t = tree(leaf("发展环境", weight="100", manual=("5", " ")))
        assert codes(t) == [ProblemCode.MANUAL_REASON_MISSING]
        assert t.problems[0].path == "发展环境"

    def test_a_manual_score_with_a_reason_is_fine(self) -> None:
        assert tree(leaf("发展环境", weight="100", manual=("5", "还有可提升的空间"))).problems == ()

    def test_a_tree_with_problems_is_still_built(self) -> None:
        t = tree(leaf("only", weight="50"))
        assert t.roots[0].name == "only"
        assert codes(t) == [ProblemCode.WEIGHTS_NOT_100]

    def test_expected_total_may_differ_from_100(self) -> None:
        t = IndicatorTree(roots=(leaf("A", weight="20"),), expected_total=D(20))
        assert t.problems == ()


class TestApplicableWeight:
    def test_not_applicable_leaves_are_left_out(self) -> None:
        t = tree(
            leaf("A", weight="50"),
            leaf("B", weight="30"),
            leaf("C", weight="20", not_applicable=True),
        )
        assert t.total_weight == D(100)
        assert t.applicable_weight == D(80)
        assert t.has_not_applicable

    def test_a_not_applicable_parent_leaves_out_its_whole_subtree(self) -> None:
        parent = group("C", leaf("c1", weight="10"), leaf("c2", weight="10"), not_applicable=True)
        assert parent.effective_weight == D(20)
        assert parent.applicable_weight == D(0)

    def test_a_not_applicable_child_reduces_its_parents_applicable_weight(self) -> None:
        parent = group("产出", leaf("a", weight="10"), leaf("b", weight="5", not_applicable=True))
        assert parent.applicable_weight == D(10)

    def test_a_tree_without_not_applicable_rows(self) -> None:
        assert not standard_self_evaluation().has_not_applicable


class TestDeduction:
    def test_cooperation_per_occurrence_capped_at_10(self) -> None:
        d = Deduction("工作配合", per_occurrence=D("0.5"), occurrences=25, cap=D(10))
        assert d.amount == D(10)

    def test_cooperation_below_the_cap(self) -> None:
        assert Deduction("工作配合", per_occurrence=D("0.5"), occurrences=3, cap=D(10)).amount == D(
            "1.5"
        )

    def test_violation_points_under_the_cap(self) -> None:
        assert Deduction("违规记录", points=D(3), cap=D(5)).amount == D(3)

    def test_violation_points_over_the_cap(self) -> None:
        assert Deduction("违规记录", points=D(8), cap=D(5)).amount == D(5)

    def test_points_win_over_occurrences(self) -> None:
        assert Deduction("x", points=D(2), per_occurrence=D(1), occurrences=9).amount == D(2)

    def test_nothing_given_is_zero(self) -> None:
        assert Deduction("x").amount == D(0)


def test_indicators_are_immutable_values() -> None:
    a = leaf(
        "培训合格率", weight="25", target="70", actual="95", method="ratio_positive", facts={"k": 1}
    )
    b = leaf(
        "培训合格率", weight="25", target="70", actual="95", method="ratio_positive", facts={"k": 1}
    )
    assert a == b
    assert isinstance(a, Indicator)
    assert a.method is not None and a.method.code == "ratio_positive"


def test_an_indicator_is_an_immutable_record() -> None:
    row = Indicator("数量", weight=D(10), target="≥95%", facts={"missed": 1})
    with pytest.raises(FrozenInstanceError):
        row.name = "质量"  # type: ignore[misc]
    changed = replace(row, name="质量", published_score=D(9))
    assert (changed.name, changed.weight, changed.target, changed.published_score) == (
        "质量",
        D(10),
        "≥95%",
        D(9),
    )
    assert changed.facts == {"missed": 1} and row.name == "数量"
    assert replace(changed, name="数量", published_score=None) == row
    assert Indicator("x").facts == {} and Indicator("x").children == ()
