"""Recomputing a table: leaves by method, parents as sums, rescaling, deductions and grade."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

import builders
from builders import budget, ctx, group, leaf, national, tree, zhejiang
from jixiao.core.evaluation import Source, evaluate, score_leaf, worse_grade
from jixiao.core.indicators import Deduction, Indicator
from jixiao.core.scoring import MethodInputError

D = Decimal
WARM_ENTERPRISE = budget("239.4", "215.2")  # 004: 执行率 89.89 %


def ratio(
    name: str,
    weight: str,
    target: str,
    actual: str,
    *,
    published: str | None = None,
    manual: tuple[str, str] | None = None,
    not_applicable: bool = False,
) -> Indicator:
    """A 正向比率 leaf, min(actual / target, 1) × weight: :func:`builders.ratio` with the
    arguments in the seed tables' column order (weight first)."""
    return builders.ratio(
        name, target, actual, weight, published, manual=manual, not_applicable=not_applicable
    )


def zhuzhou_004() -> tuple[Indicator, ...]:
    """The 004 自评表 (95.99, 优秀): 8.99 + 50 + 27 + 10."""
    return (
        leaf("执行率", weight="10", method="execution", published="8.99"),
        group(
            "产出指标",
            group(
                "数量指标",
                ratio("开展主题活动", "5", "》10", "30"),
                ratio("交办解决企业问题", "5", "》1000", "5028"),
            ),
            group(
                "质量指标",
                ratio("涉及范围", "5", "》10", "10个县市区，80余家单位部门"),
                ratio("服务企业", "5", "》1000家", "》5000家"),
            ),
            group(
                "时效指标",
                leaf(
                    "问题办理",
                    weight="10",
                    method="qualitative",
                    target="对企业问题12小时联系，7天内办结。",
                    actual="完成",
                    published="10",
                ),
            ),
            group(
                "成本指标",
                ratio("为企业减负", "10", "》10亿", "》40亿"),
                ratio("清偿欠款", "10", "》500万", "》3000万"),
            ),
            weight="50",
        ),
        group(
            "效益指标",
            group(
                "经济效益指标",
                ratio("新增市场主体", "5", "》3万", "4.5万"),
                ratio("企业欠款", "5", "》500万", "》3000万"),
            ),
            group(
                "社会效益指标",
                leaf(
                    "发展环境",
                    weight="6",
                    method="qualitative",
                    target="助推株洲经济发展。",
                    actual="营造了和谐、温暖、公平、安全的发展环境",
                    published="5",
                ),
            ),
            group(
                "生态效益指标",
                leaf(
                    "营商环境生态",
                    weight="6",
                    method="qualitative",
                    target="营造稳定、公平、透明和可预期的营商生态",
                    actual="营造稳定、公平、透明和可预期的营商生态",
                    published="5",
                ),
            ),
            group(
                "可持续影响指标",
                leaf(
                    "长效机制",
                    weight="8",
                    method="qualitative",
                    target="建立服务企业的长效机制",
                    actual="建立四位一体的帮扶机制",
                    published="7",
                ),
            ),
            weight="30",
        ),
        group(
            "满意度指标",
            group(
                "服务对象满意度指标", ratio("企业满意率", "10", "满意度99%以上。", "满意度99.49%")
            ),
            weight="10",
        ),
    )


class Test004WarmEnterprise:
    def test_total_is_95_99(self) -> None:
        result = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE))
        assert result.raw_total == D("95.99")
        assert result.total == D("95.99")
        assert not result.rescaled
        assert result.deductions == D(0)

    def test_graded_excellent_under_national_rules(self) -> None:
        result = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE))
        assert result.grade == "优"
        assert result.best_grade_allowed == "优"
        assert result.rules == "national@2020.1"

    def test_graded_good_under_zhejiang_for_89_89_percent_execution(self) -> None:
        result = evaluate(tree(*zhuzhou_004()), ctx(zhejiang(), WARM_ENTERPRISE))
        assert result.total == D("95.99")
        assert result.best_grade_allowed == "良"
        assert result.grade == "良"
        assert result.execution_percent is not None
        assert round(result.execution_percent, 2) == D("89.89")

    def test_parents_are_the_sum_of_their_children(self) -> None:
        scores = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE)).by_path()
        assert scores["产出指标"].value == D(50)
        assert scores["产出指标"].source is Source.CHILDREN
        assert scores["效益指标 / 社会效益指标"].value == D(5)
        assert scores["效益指标"].value == D(27)
        assert scores["执行率"].value == D("8.99")
        assert scores["执行率"].source is Source.METHOD

    def test_judgement_methods_take_the_published_score(self) -> None:
        scores = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE)).by_path()
        row = scores["效益指标 / 可持续影响指标 / 长效机制"]
        assert (row.value, row.computed, row.source) == (D(7), None, Source.PUBLISHED)

    def test_scores_come_parents_first_depth_first(self) -> None:
        result = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE))
        paths = [s.path_text for s in result.scores[:4]]
        assert paths == [
            "执行率",
            "产出指标",
            "产出指标 / 数量指标",
            "产出指标 / 数量指标 / 开展主题活动",
        ]
        assert result.scores[3].depth == 3


class TestExplanation:
    def test_names_the_method_the_rule_set_and_the_formula(self) -> None:
        result = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE))
        text = result.by_path()["执行率"].explanation
        assert text.startswith("[执行率×分值 · national@2020.1] ")
        assert "215.2 / 239.4 = 89.89% → 89.89% × 10 = 8.99" in text

    def test_a_zhejiang_score_names_the_zhejiang_version(self) -> None:
        row = score_leaf(ratio("培训合格率", "25", "70", "95"), ("培训合格率",), ctx(zhejiang()))
        assert row.explanation.startswith("[正向比率 · zhejiang@2021.1] ")
        assert row.explanation.endswith("95 ≥ 70 → 25/25")

    def test_a_parent_explains_its_sum(self) -> None:
        scores = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE)).by_path()
        assert "下级得分合计 = 27" in scores["效益指标"].explanation

    def test_an_accepted_published_score_says_so(self) -> None:
        scores = evaluate(tree(*zhuzhou_004()), ctx(national(), WARM_ENTERPRISE)).by_path()
        text = scores["效益指标 / 社会效益指标 / 发展环境"].explanation
        assert text.startswith("[定性分档 · national@2020.1] ")
        assert "得分应在" in text
        assert text.endswith("采用填报得分 5/6")


class TestLeafSources:
    def test_manual_score_overrides_the_method_and_shows_the_reason(self) -> None:
        row = ratio("培训合格率", "25", "70", "95", manual=("20", "培训记录不全"))
        score = score_leaf(row, ("培训合格率",), ctx())
        assert score.value == D(20)
        assert score.computed == D(25)
        assert score.source is Source.MANUAL
        assert "人工评分 20/25（理由：培训记录不全）" in score.explanation
        assert "95 ≥ 70 → 25/25" in score.explanation

    def test_method_wins_over_the_published_score(self) -> None:
        # 000 产业发展及结构调整经费: 培训合格率 95 vs 70 printed 23.57 of 25.
        score = score_leaf(ratio("培训合格率", "25", "70", "95", published="23.57"), ("x",), ctx())
        assert (score.value, score.source) == (D(25), Source.METHOD)

    def test_published_is_accepted_when_the_method_cannot_compute(self) -> None:
        row = leaf(
            "预算完成率",
            weight="5",
            method="tier_bands",
            params={"tiers": [{"min": 90, "points": 5}]},
            published="5",
        )
        score = score_leaf(row, ("预算完成率",), ctx())
        assert (score.value, score.computed, score.source) == (D(5), None, Source.PUBLISHED)
        assert score.explanation.startswith("[分档计分 · national@2020.1] ")
        assert score.explanation.endswith("缺少完成率，无法计算；采用填报得分 5/5")

    def test_missing_everything_has_no_value(self) -> None:
        score = score_leaf(leaf("满意度", weight="10", method="threshold"), ("满意度",), ctx())
        assert (score.value, score.source) == (None, Source.MISSING)
        assert score.explanation.endswith("；无得分")

    def test_a_leaf_without_method_but_with_a_published_score(self) -> None:
        score = score_leaf(leaf("其他", weight="5", published="4"), ("其他",), ctx())
        assert (score.value, score.source, score.method) == (D(4), Source.PUBLISHED, "")
        assert score.explanation.startswith("[— · national@2020.1] ")
        assert score.explanation.endswith("未指定评分方法；采用填报得分 4/5")

    def test_computed_points_are_rounded_by_the_rule_set(self) -> None:
        row = leaf("执行率", weight="10", method="execution")
        assert score_leaf(row, ("执行率",), ctx(national(), WARM_ENTERPRISE)).value == D("8.99")
        whole = national(rounding="whole_down")
        assert score_leaf(row, ("执行率",), ctx(whole, WARM_ENTERPRISE)).value == D("8")

    def test_an_unknown_method_code_is_an_error(self) -> None:
        with pytest.raises(MethodInputError, match="未知评分方法"):
            score_leaf(leaf("x", weight="5", method="nonsense"), ("x",), ctx())

    def test_a_malformed_fact_names_the_indicator(self) -> None:
        row = leaf("项目申报", weight="1", method="yes_no", facts={"yes": "也许"})
        with pytest.raises(MethodInputError, match="指标 决策 / 项目申报：事实 yes 须为 是/否"):
            evaluate(tree(group("决策", row, leaf("其他", weight="99"))), ctx())

    def test_a_malformed_parameter_names_the_line_the_indicator_and_the_key(self) -> None:
        row = leaf(
            "预算完成率",
            weight="5",
            method="tier_bands",
            params={"tiers": [{"points": 5}]},
            facts={"rate": 95},
        )
        with pytest.raises(
            MethodInputError,
            match="第 12 行，指标 预算完成率：评分方法 tier_bands 的参数或事实有误（缺少 min）",
        ):
            score_leaf(replace(row, line=12), ("预算完成率",), ctx())

    def test_missing_counts_as_zero_in_its_parent_and_the_total(self) -> None:
        t = tree(
            group(
                "产出指标",
                ratio("数量", "50", "100", "100"),
                leaf("满意度", weight="50", method="threshold"),
            ),
        )
        result = evaluate(t, ctx())
        assert result.by_path()["产出指标"].value == D(50)
        assert result.total == D(50)


class TestParents:
    def test_a_parent_scores_the_sum_of_its_children_at_any_depth(self) -> None:
        t = tree(
            group(
                "A 经济性",
                group("A1", group("A101", ratio("①", "30", "10", "5"), ratio("②", "30", "1", "1"))),
                ratio("A2", "40", "4", "3"),
            )
        )
        scores = evaluate(t, ctx()).by_path()
        assert scores["A 经济性 / A1 / A101"].value == D(45)
        assert scores["A 经济性 / A1"].value == D(45)
        assert scores["A 经济性"].value == D(75)
        assert scores["A 经济性"].source is Source.CHILDREN

    def test_a_manual_parent_score_overrides_the_sum(self) -> None:
        t = tree(
            group(
                "产出指标",
                ratio("a", "60", "1", "1"),
                ratio("b", "40", "1", "1"),
                manual=("90", "复核调减"),
            )
        )
        result = evaluate(t, ctx())
        parent = result.by_path()["产出指标"]
        assert (parent.value, parent.computed, parent.source) == (D(90), D(100), Source.MANUAL)
        assert "复核调减" in parent.explanation
        assert result.total == D(90)


class TestNotApplicable:
    def three_roots(self, *, c_not_applicable: bool = True) -> tuple[Indicator, ...]:
        return (
            ratio("A", "50", "100", "80"),  # 40
            ratio("B", "30", "10", "12"),  # 30
            ratio("C", "20", "10", "10", not_applicable=c_not_applicable),
        )

    def test_leaf_left_out_and_total_rescaled_to_100(self) -> None:
        result = evaluate(tree(*self.three_roots()), ctx())
        assert result.raw_total == D(70)
        assert result.rescaled
        assert result.total == D("87.5")  # 70 / 80 × 100
        assert result.grade == "良"

    def test_the_not_applicable_row_has_no_score_and_says_why(self) -> None:
        score = evaluate(tree(*self.three_roots()), ctx()).by_path()["C"]
        assert (score.value, score.source) == (None, Source.NOT_APPLICABLE)
        assert "不适用" in score.explanation

    def test_nothing_not_applicable_means_no_rescaling(self) -> None:
        result = evaluate(tree(*self.three_roots(c_not_applicable=False)), ctx())
        assert not result.rescaled
        assert result.total == D(90)

    def test_the_rescaled_total_is_rounded_by_the_rule_set(self) -> None:
        roots = (
            ratio("A", "40", "3", "1"),
            ratio("B", "30", "1", "1"),
            ratio("C", "30", "1", "1", not_applicable=True),
        )
        result = evaluate(tree(*roots), ctx())
        assert result.raw_total == D("43.33")  # 13.33 + 30
        assert result.total == D("61.90")  # 43.33 / 70 × 100 = 61.9000
        down = evaluate(tree(*roots), ctx(national(rounding="whole_down")))
        assert down.total == D(61)  # 43 / 70 × 100 = 61.43

    def test_a_not_applicable_child_rescales_through_its_parent(self) -> None:
        t = tree(
            group(
                "产出指标",
                ratio("a", "40", "100", "100"),
                ratio("b", "20", "1", "1", not_applicable=True),
            ),
            ratio("效益", "40", "100", "50"),  # 20
        )
        result = evaluate(t, ctx())
        assert result.by_path()["产出指标"].value == D(40)
        assert result.total == D(75)  # 60 / 80 × 100

    def test_a_not_applicable_parent_leaves_out_its_children(self) -> None:
        # KNOWN BUG (src/jixiao/core/evaluation.py, _score_tree): a parent marked not_applicable
        # still sums its children into the raw total, while its weight is excluded from the
        # applicable weight, so the total is (40 + 30 + 20) / 80 × 100 = 112.5 instead of 87.5.
        t = tree(
            ratio("A", "50", "100", "80"),
            ratio("B", "30", "10", "12"),
            group("C", ratio("c1", "20", "10", "10"), not_applicable=True),
        )
        result = evaluate(t, ctx())
        assert result.total == D("87.5")


class TestDeductions:
    def full_marks(self) -> tuple[Indicator, ...]:
        return (ratio("A", "60", "1", "1"), ratio("B", "40", "1", "1"))

    def test_taken_off_after_the_sum_with_caps(self) -> None:
        deductions = (
            Deduction("工作配合", per_occurrence=D("0.5"), occurrences=25, cap=D(10)),
            Deduction("违规记录", points=D(3), cap=D(5)),
        )
        result = evaluate(tree(*self.full_marks(), deductions=deductions), ctx())
        assert result.raw_total == D(100)
        assert result.deductions == D(13)
        assert result.total == D(87)
        assert result.grade == "良"

    def test_taken_off_the_rescaled_total(self) -> None:
        roots = (ratio("A", "50", "1", "1"), ratio("B", "50", "1", "1", not_applicable=True))
        result = evaluate(tree(*roots, deductions=(Deduction("违规记录", points=D(5)),)), ctx())
        assert result.total == D(95)

    def test_the_total_is_floored_at_zero(self) -> None:
        roots = (ratio("A", "100", "100", "5"),)  # 5
        result = evaluate(tree(*roots, deductions=(Deduction("违规记录", points=D(20)),)), ctx())
        assert result.raw_total == D(5)
        assert result.total == D(0)
        assert result.grade == "差"


class TestGradeCaps:
    def perfect(self) -> tuple[Indicator, ...]:
        return (leaf("执行率", weight="10", method="execution"), ratio("产出", "90", "1", "1"))

    @pytest.mark.parametrize(
        ("executed", "total", "zhejiang_grade"),
        [("100", "100", "优"), ("91", "99.10", "优"), ("90", "99", "良"), ("49", "94.90", "中")],
    )
    def test_zhejiang_caps_follow_execution(
        self, executed: str, total: str, zhejiang_grade: str
    ) -> None:
        money = budget("100", executed)
        result = evaluate(tree(*self.perfect()), ctx(zhejiang(), money))
        assert result.total == D(total)
        assert result.grade == zhejiang_grade
        assert evaluate(tree(*self.perfect()), ctx(national(), money)).grade == "优"

    def test_a_cap_never_raises_a_grade(self) -> None:
        roots = (leaf("执行率", weight="10", method="execution"), ratio("产出", "90", "100", "50"))
        result = evaluate(tree(*roots), ctx(zhejiang(), budget("100", "80")))
        assert result.total == D(53)
        assert (result.best_grade_allowed, result.grade) == ("良", "差")

    def test_no_budget_no_cap(self) -> None:
        result = evaluate(tree(ratio("产出", "100", "1", "1")), ctx(zhejiang()))
        assert result.execution_percent is None
        assert result.grade == "优"

    def test_caps_use_the_rule_sets_denominator(self) -> None:
        money = budget("100", "90", arrived="95")
        arrived = zhejiang(execution_denominator="arrived")
        result = evaluate(tree(ratio("产出", "100", "1", "1")), ctx(arrived, money))
        assert result.execution_percent is not None
        assert round(result.execution_percent, 2) == D("94.74")
        assert result.grade == "优"
        assert evaluate(tree(ratio("产出", "100", "1", "1")), ctx(zhejiang(), money)).grade == "良"


def test_worse_grade_picks_the_lower() -> None:
    assert worse_grade("优", "良") == "良"
    assert worse_grade("差", "中") == "差"
    assert worse_grade("良", "良") == "良"
