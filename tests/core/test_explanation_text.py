"""Score explanations, formulas, method titles and input errors are core ``Text``: the same
Chinese as before (the CLI, the exports and the JSON print it), plus templates that the web app
translates (jixiao.web.core_text)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from builders import budget, ctx, group, leaf, national, tree
from jixiao.core.case import Case
from jixiao.core.evaluation import Score, Source, evaluate, score_leaf
from jixiao.core.money import Rounding
from jixiao.core.rules import RuleSetError, ruleset_from_mapping
from jixiao.core.scoring import REGISTRY, MethodInputError, get
from jixiao.core.text import Text, render
from jixiao.io import rulesets
from jixiao.io.cases import load

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def templates(text: object) -> list[str]:
    """Every template in ``text``, outermost first (depth-first through its arguments)."""
    if not isinstance(text, Text):
        return []
    found = [text.template]
    for value in text.args.values():
        found.extend(templates(value))
    return found


def marked(text: str) -> str:
    """A stand-in translation: each template with its words marked, its fields unchanged."""
    return render(text, lambda template: f"<{template}>")


def seed_scores(name: str) -> dict[str, Score]:
    case = load(SEEDS / name)
    assert isinstance(case, Case)
    rules = rulesets.load(case.rules) if case.rules else rulesets.load()
    return evaluate(case.tree, ctx(rules, case.budget)).by_path()


class TestMethodTitles:
    def test_every_title_is_a_text_of_itself(self) -> None:
        for code, method in REGISTRY.items():
            assert isinstance(method.title, Text), code
            assert method.title.template == str(method.title) and method.title, code

    def test_the_titles_users_know(self) -> None:
        assert REGISTRY["ratio_positive"].title == "正向比率"
        assert REGISTRY["execution"].title == "执行率×分值"
        assert REGISTRY["findings_deduction"].title == "缺(错)项扣分法"


class TestSeedExplanations:
    def test_the_execution_row_of_004(self) -> None:
        score = seed_scores("004-zhuzhou-warm-enterprise.yaml")["执行率"]
        text = score.explanation
        assert text == "[执行率×分值 · national@2020.1] 215.2 / 239.4 = 89.89% → 89.89% × 10 = 8.99"
        assert isinstance(text, Text)
        assert text.template == "[{method} · {rules}] {detail}"
        assert text.args["method"].template == "执行率×分值"
        assert text.args["rules"] == "national@2020.1"  # data: the rule set's own name

    def test_inputs_and_facts_of_002(self) -> None:
        scores = seed_scores("002-jiangyou-relief-fund.yaml")
        graded = next(s for s in scores.values() if s.explanation.endswith("严密 → 1 × 3 = 3"))
        assert graded.explanation == "[分级评分法 · national@2020.1] 档次 严密：严密 → 1 × 3 = 3"
        assert templates(graded.explanation) == [
            "[{method} · {rules}] {inputs}：{detail}",
            "分级评分法",
            "{fact} {value}",
            "档次",
        ]
        missing = next(s for s in scores.values() if "缺少发现问题数" in s.explanation)
        assert missing.detail == "缺少发现问题数 findings，无法计算；采用填报得分 1/3"
        assert templates(missing.detail) == [
            "{formula}；采用填报得分 {value}/{weight}",
            "缺少{what}，无法计算",
            "发现问题数 findings",
        ]

    def test_target_and_actual_are_quoted_as_written(self) -> None:
        scores = seed_scores("004-zhuzhou-warm-enterprise.yaml")
        row = next(s for s in scores.values() if s.indicator.actual == "10个县市区，80余家单位部门")
        assert row.inputs == "年度指标值“》10”，实际完成值“10个县市区，80余家单位部门”"
        assert isinstance(row.inputs, Text) and row.inputs.template == "{first}，{rest}"
        assert row.inputs.args["rest"].args == {"actual": "10个县市区，80余家单位部门"}
        # translated, the table's own words stay as written
        assert (
            marked(row.inputs) == "<<年度指标值“》10”>，<实际完成值“10个县市区，80余家单位部门”>>"
        )

    def test_every_leaf_of_every_seed_is_a_text_that_renders_fully(self) -> None:
        for path in sorted(SEEDS.glob("*.yaml")):
            case = load(path)
            if not isinstance(case, Case):
                continue
            rules = rulesets.load(case.rules) if case.rules else rulesets.load()
            for score in evaluate(case.tree, ctx(rules, case.budget)).scores:
                text = score.explanation
                assert isinstance(text, Text), (path.name, score.path_text)
                # every template is looked up: a translation reaches every nested word
                assert marked(text).startswith("<["), (path.name, score.path_text)
                assert json.loads(json.dumps(text, ensure_ascii=False)) == str(text)


class TestSources:
    def test_manual(self) -> None:
        row = leaf(
            "培训合格率",
            weight="25",
            target="70",
            actual="95",
            method="ratio_positive",
            manual=("20", "培训记录不全"),
        )
        score = score_leaf(row, ("培训合格率",), ctx())
        assert score.detail == "人工评分 20/25（理由：培训记录不全）；方法：95 ≥ 70 → 25/25"
        assert (
            score.detail.template == "人工评分 {value}/{weight}（理由：{reason}）；方法：{formula}"
        )
        assert score.detail.args["reason"] == "培训记录不全"

    def test_missing_and_no_method(self) -> None:
        missing = score_leaf(leaf("满意度", weight="10", method="threshold"), ("满意度",), ctx())
        assert missing.detail == "缺少门槛值或实际值，无法计算；无得分"
        assert templates(missing.detail)[0] == "{formula}；无得分"
        bare = score_leaf(leaf("其他", weight="5", published="4"), ("其他",), ctx())
        assert bare.explanation == "[— · national@2020.1] 未指定评分方法；采用填报得分 4/5"
        assert templates(bare.detail) == [
            "{formula}；采用填报得分 {value}/{weight}",
            "未指定评分方法",
        ]

    def test_parent_and_not_applicable(self) -> None:
        t = tree(
            group(
                "产出指标", leaf("a", weight="60", target="1", actual="1", method="ratio_positive")
            ),
            leaf(
                "b",
                weight="40",
                target="1",
                actual="1",
                method="ratio_positive",
                not_applicable=True,
            ),
        )
        scores = evaluate(t, ctx()).by_path()
        assert scores["产出指标"].detail == "下级得分合计 = 60"
        assert scores["产出指标"].detail.template == "下级得分合计 = {value}"
        assert scores["b"].source is Source.NOT_APPLICABLE
        assert scores["b"].detail.template == "不适用，不计分，总分按适用分值折算为100分"

    def test_facts_yes_no_and_lists(self) -> None:
        row = leaf("项目申报", weight="1", method="yes_no", facts={"yes": True, "missed": []})
        score = score_leaf(row, ("项目申报",), ctx())
        assert score.inputs == "是否 是，未达成项 无"
        assert score.detail == "是 → 1"
        assert score.detail.template == "是 → {weight}"

    def test_over_full_execution_says_so_in_words(self) -> None:
        row = leaf("执行率", weight="10", method="execution")
        score = score_leaf(row, ("执行率",), ctx(national(), budget("100", "120")))
        assert score.detail == "120 / 100 = 120% → 超过100%，按100%计 × 10 = 10"
        assert "超过100%，按100%计" in score.detail.template

    def test_a_plain_formula_without_words_stays_a_plain_string(self) -> None:
        row = leaf("开展主题活动", weight="5", target="10", actual="5", method="ratio_positive")
        score = score_leaf(row, ("开展主题活动",), ctx())
        assert score.detail == "5 / 10 × 5 = 2.5"
        assert not isinstance(score.detail, Text)


class TestLaziness:
    def test_a_missing_input_is_written_only_when_read(self) -> None:
        row = leaf("满意度", weight="10", method="threshold")
        outcome = get("threshold").outcome(row, row.weight or 0, ctx())  # type: ignore[arg-type]
        assert callable(outcome[1])  # no sentence built while scoring
        assert outcome.formula == "缺少门槛值或实际值，无法计算"
        assert outcome.missing == "门槛值或实际值"

    def test_an_outcome_with_a_text_survives_pickling(self) -> None:
        row = leaf("满意度", weight="10", method="threshold")
        outcome = get("threshold").outcome(row, row.weight or 0, ctx())  # type: ignore[arg-type]
        copy = pickle.loads(pickle.dumps(outcome))
        assert copy == outcome and copy.formula.template == "缺少{what}，无法计算"


def error_of(row: Any) -> MethodInputError:
    with pytest.raises(MethodInputError) as caught:
        evaluate(tree(row), ctx())
    return caught.value


class TestErrors:
    def test_a_bad_fact_names_row_indicator_and_fact(self) -> None:
        row = leaf("项目申报", weight="1", method="yes_no", facts={"yes": "也许"})
        error = error_of(row)
        message = error.args[0]
        assert str(error) == "指标 项目申报：事实 yes 须为 是/否，实为 '也许'"
        assert templates(message) == [
            "{where}指标 {path}：{error}",
            "事实 yes 须为 是/否，实为 {answer}",
        ]

    def test_a_malformed_number(self) -> None:
        row = leaf("x", weight="5", method="balance_rate", facts={"balance_rate": "很多"})
        message = error_of(row).args[0]
        assert message == "指标 x：事实 balance_rate 须为数字，实为 '很多'"
        assert message.args["error"].template == "事实 {key} 须为数字，实为 {raw}"

    def test_a_missing_key_in_parameters(self) -> None:
        row = leaf(
            "预算完成率",
            weight="5",
            method="tier_bands",
            params={"tiers": [{"min": 90}]},
            facts={"rate": "95"},
        )
        message = error_of(row).args[0]
        assert message == "指标 预算完成率：评分方法 tier_bands 的参数或事实有误（缺少 points）"
        assert templates(message) == [
            "{where}指标 {path}：评分方法 {code} 的参数或事实有误（{detail}）",
            "缺少 {key}",
        ]

    def test_a_list_shape_is_data_not_a_field(self) -> None:
        row = leaf("预算完成率", weight="5", method="tier_bands", params={"tiers": "x"})
        message = error_of(row).args[0]
        assert message == "指标 预算完成率：参数 tiers 须为 [{min, points}, …] 列表"

    def test_unknown_method(self) -> None:
        with pytest.raises(MethodInputError) as caught:
            get("nope")
        assert caught.value.args[0].template == "未知评分方法 {code}（可用：{known}）"
        assert str(caught.value).startswith("未知评分方法 'nope'（可用：")


class TestRulesAndRounding:
    def test_rounding_labels(self) -> None:
        assert [r.label for r in Rounding] == ["四舍五入", "截断", "向下取整"]
        assert all(isinstance(r.label, Text) for r in Rounding)

    def test_rule_set_errors(self) -> None:
        with pytest.raises(RuleSetError) as caught:
            ruleset_from_mapping({"name": "x", "grade_bands": [{"grade": "优"}]})
        message = caught.value.args[0]
        assert message == "规则集 x: 缺少字段 threshold"
        assert templates(message) == ["{where}: 缺少字段 {key}", "规则集 {name}"]
        with pytest.raises(RuleSetError) as caught:
            ruleset_from_mapping({"name": "y"})
        assert caught.value.args[0].template == "规则集 {name}: 缺少等级划分 grade_bands"
