"""The grouped audit gives exactly what ``build → evaluate → audit_case`` gives, table by table."""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import random
import re
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jixiao.core.scoring
from jixiao.core.audit import Code
from jixiao.core.rules import ReverseFormula, RuleSet
from jixiao.core.scoring import MethodInputError
from jixiao.io import cases, grouped_audit, rulesets
from jixiao.io.grouped_audit import TableAudit, audit_documents

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.yaml"))
RULES = {name: rulesets.load(name) for name in ("national", "zhejiang")}


def _bench() -> ModuleType:
    """bench/score_bench.py: its generator makes the tables the benchmark times."""
    spec = importlib.util.spec_from_file_location("score_bench", ROOT / "bench" / "score_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_bench", module)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


def by_name(document: Mapping[str, Any]) -> RuleSet:
    return RULES[document.get("rules") or "national"]


def full(document: Mapping[str, Any], rules: RuleSet, name: str = "") -> TableAudit:
    return grouped_audit._full(document, rules, name)


def same(a: TableAudit, b: TableAudit) -> bool:
    """Equal answers: total, grade, rate, leaves and every finding (code, severity, path,
    message, fingerprint) in the same order."""
    return (
        a.total,
        a.grade,
        a.execution_percent,
        a.leaves,
        a.findings,
        a.published_total,
        a.published_grade,
    ) == (
        b.total,
        b.grade,
        b.execution_percent,
        b.leaves,
        b.findings,
        b.published_total,
        b.published_grade,
    )


def assert_as_full_path(
    documents: Sequence[Mapping[str, Any]], rules_of: Any = by_name
) -> list[TableAudit]:
    grouped = audit_documents(documents, rules_of)
    assert len(grouped) == len(documents)
    for number, (document, answer) in enumerate(zip(documents, grouped, strict=True)):
        expected = full(document, rules_of(document))
        assert same(answer, expected), f"table {number}: {answer} != {expected}"
    return grouped


def generated(count: int, seed: int, error_rate: float) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    errors = BENCH.Errors(error_rate)
    return [BENCH.evaluation(n, rng, errors) for n in range(count)]


@pytest.mark.parametrize("error_rate", [0.0, 1.0, 5.0, 20.0])
def test_generated_tables_as_the_full_path(error_rate: float) -> None:
    documents = generated(400, seed=int(error_rate * 10) + 3, error_rate=error_rate)
    grouped = assert_as_full_path(documents)
    assert all(answer.grouped for answer in grouped)  # the slot loops took every table
    if error_rate:
        assert sum(len(answer.findings) for answer in grouped) > len(documents) * error_rate / 2


def test_a_warm_memo_answers_as_the_first_pass() -> None:
    documents = generated(300, seed=11, error_rate=3.0)
    first = audit_documents(documents, by_name)
    second = audit_documents(copy.deepcopy(documents), by_name)
    assert all(same(a, b) for a, b in zip(first, second, strict=True))


def test_the_memo_keeps_written_places_apart() -> None:
    """9.5 and 9.50 are equal numbers but printed differently, and the audit compares a
    printed score at its own precision: the memo must not take one row for the other."""
    documents = generated(60, seed=5, error_rate=0.0)
    changed = copy.deepcopy(documents)
    for document in changed:
        for root in document["indicators"]:
            for group in root.get("children", ()):
                for leaf in group["children"]:
                    given = leaf.get("published_score")
                    if isinstance(given, int):
                        leaf["published_score"] = Decimal(given).quantize(Decimal("0.001"))
    assert_as_full_path(documents + changed)


def _reprinted(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The same table with other printed scores and notes on its leaves: the same targets,
    actuals, weights, facts and parameters, so the same outcomes."""
    changed = copy.deepcopy(document)
    for leaf in leaves(changed):
        if leaf.get("method") == "execution":
            continue
        given = Decimal(str(leaf.get("published_score", 0)))
        leaf["published_score"] = rng.choice(
            (given - 1, given - Decimal("0.5"), Decimal(leaf["weight"]) + 1, given, 0)
        )
        if rng.random() < 0.5:
            leaf.pop("deviation_note", None)
        else:
            leaf["deviation_note"] = "部分工作未按计划完成"
    return changed


def test_a_row_met_again_with_other_figures_takes_its_outcome_from_the_memo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A row the row memo has not seen, whose target, actual, weight, facts and parameters
    it has, is answered from the method's outcome kept for them and the audit's leaf checks,
    as the full path answers it."""
    grouped_audit.forget()
    documents = generated(120, seed=17, error_rate=1.0)
    audit_documents(documents, by_name)  # the outcomes are kept
    rng = random.Random(4)
    reprinted = [_reprinted(document, rng) for document in documents]
    scored: list[str] = []
    real_score_leaf = grouped_audit.score_leaf

    def counting(indicator: Any, path: Any, ctx: Any) -> Any:
        scored.append(indicator.method.code if indicator.method else "")
        return real_score_leaf(indicator, path, ctx)

    monkeypatch.setattr(grouped_audit, "score_leaf", counting)
    grouped = assert_as_full_path(reprinted)
    assert all(answer.grouped for answer in grouped)
    assert sum(len(answer.findings) for answer in grouped) > len(reprinted)
    # the full path's own scoring (in assert_as_full_path) does not go through this module
    assert [code for code in scored if code != "execution"] == []


def seed_documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in SEEDS:
        document = cases.read_document(path)
        if document.get("type", "evaluation") == "evaluation":
            found.append((path.name, document))
    return found


def test_every_seed_as_the_full_path_under_each_rule_set() -> None:
    documents = [document for _, document in seed_documents()]
    assert len(documents) >= 7
    for rules in RULES.values():
        assert_as_full_path(documents, lambda _document, rules=rules: rules)
    assert_as_full_path(documents)


def test_seeds_in_one_batch_with_generated_tables_and_repeats() -> None:
    documents = [document for _, document in seed_documents()]
    mixed = documents + generated(50, seed=2, error_rate=2.0) + copy.deepcopy(documents)
    assert_as_full_path(mixed)


def leaves(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = list(document["indicators"])
    while stack:
        node = stack.pop()
        children = node.get("children")
        if children:
            stack.extend(children)
        else:
            found.append(node)
    return found


def with_manual_score(document: dict[str, Any]) -> None:
    leaf = leaves(document)[1]
    leaf["manual_score"] = 1
    leaf["manual_reason"] = "复核组酌情评分"


def with_not_applicable(document: dict[str, Any]) -> None:
    leaves(document)[2]["not_applicable"] = True


def with_weights_off(document: dict[str, Any]) -> None:
    document["indicators"][0]["weight"] = 11


def with_child_weights_off(document: dict[str, Any]) -> None:
    document["indicators"][1]["weight"] = 49


def with_leaf_without_weight(document: dict[str, Any]) -> None:
    leaves(document)[3].pop("weight")


def with_direction(document: dict[str, Any]) -> None:
    leaves(document)[4]["lower_is_better"] = True


def with_another_layout(document: dict[str, Any]) -> None:
    group = document["indicators"][1]["children"][0]
    group["children"][0]["method"] = "yes_no"
    group["children"][0]["facts"] = {"yes": "否"}


def with_parameters(document: dict[str, Any]) -> None:
    for leaf in leaves(document):
        if leaf.get("method") == "ratio_negative":
            leaf["params"] = {"formula": "linear"}


@pytest.mark.parametrize(
    "change",
    [
        with_manual_score,
        with_not_applicable,
        with_weights_off,
        with_child_weights_off,
        with_leaf_without_weight,
        with_direction,
        with_another_layout,
        with_parameters,
    ],
)
def test_unusual_tables_in_a_batch_answer_as_the_full_path(change: Any) -> None:
    documents = generated(40, seed=8, error_rate=2.0)
    for document in documents[::3]:
        change(document)
    assert_as_full_path(documents)


def test_a_table_the_slot_loops_refuse_goes_through_the_full_path() -> None:
    documents = generated(10, seed=4, error_rate=0.0)
    with_weights_off(documents[3])
    grouped = assert_as_full_path(documents)
    assert [answer.grouped for answer in grouped] == [True] * 3 + [False] + [True] * 6
    assert grouped[3].findings[0].code is Code.WEIGHTS_NOT_100


def test_a_document_the_reader_refuses_raises_the_readers_error() -> None:
    documents = generated(10, seed=6, error_rate=0.0)
    leaves(documents[5])[0]["published_score"] = "九十"
    with pytest.raises(cases.CaseError) as grouped_error:
        audit_documents(documents, by_name, [f"表{n}.yaml" for n in range(10)])
    with pytest.raises(cases.CaseError) as full_error:
        cases.from_trusted_document(documents[5], "表5.yaml")
    assert str(grouped_error.value) == str(full_error.value)
    assert "表5.yaml" in str(grouped_error.value)


def test_a_parameter_a_method_refuses_raises_the_methods_error() -> None:
    documents = generated(10, seed=7, error_rate=0.0)
    for leaf in leaves(documents[2]):
        if leaf.get("method") == "ratio_negative":
            leaf.update(target="≤5%", actual="9%", params={"formula": "deviation"})
    with pytest.raises(MethodInputError) as grouped_error:
        audit_documents(documents, by_name)
    with pytest.raises(MethodInputError) as full_error:
        full(documents[2], by_name(documents[2]))
    assert str(grouped_error.value) == str(full_error.value)
    assert "ReverseFormula" in str(full_error.value)


def with_listed_facts(document: dict[str, Any]) -> None:
    for leaf in leaves(document):
        if leaf.get("method") == "checklist":
            leaf["facts"] = {**leaf["facts"], "items": ["制度一", "制度二"]}


def with_decimal_cells(document: dict[str, Any]) -> None:
    for leaf in leaves(document):
        if leaf.get("method") == "ratio_positive":
            leaf["weight"] = Decimal("10.0")


def test_cells_of_other_kinds_are_read_row_by_row() -> None:
    documents = generated(30, seed=9, error_rate=2.0)
    for document in documents[::2]:
        with_listed_facts(document)
    for document in documents[1::4]:
        with_decimal_cells(document)
    assert_as_full_path(documents)


class _Row(dict[str, Any]):
    """A dict subclass, as the case reader's line-numbered mappings are."""


def _as_subclass(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        _Row(node, children=_as_subclass(node["children"])) if "children" in node else _Row(node)
        for node in nodes
    ]


def test_rows_of_a_dict_subclass_beside_plain_ones_answer_as_the_full_path() -> None:
    """A slot's column mixes plain dicts and a subclass: both are read (the compiled copy
    looks plain dicts up directly, and the others through ``dict.get``)."""
    documents = generated(30, seed=13, error_rate=2.0)
    for document in documents[::2]:
        document["indicators"] = _as_subclass(document["indicators"])
    grouped = assert_as_full_path(documents)
    assert all(answer.grouped for answer in grouped)


def test_a_cell_the_full_path_cannot_read_fails_the_same_way() -> None:
    documents = generated(10, seed=10, error_rate=0.0)
    leaves(documents[4])[5]["deviation_note"] = 5
    leaves(documents[4])[5]["published_score"] = 0
    with pytest.raises(AttributeError):
        full(documents[4], by_name(documents[4]))
    with pytest.raises(AttributeError):
        audit_documents(documents, by_name)


# --- random changes to generated tables: the screens never pass a row the audit would report ---

CELLS = ["", "≥90%", "≥95", "95%", "100%", "90", "》10亿", "12亿元", "≤5%", "3.5%", "健全", "不健全",
         "1小时以内响应", "45分钟", "2小时", "≥1000家", "1200家", "1200人次", "满意度96%以上"]  # fmt: skip
PRINTED = st.one_of(
    st.none(),
    st.integers(min_value=-1, max_value=12),
    st.decimals(min_value=-1, max_value=12, places=2),
    st.decimals(min_value=0, max_value=11, places=1),
)
NOTES = st.sampled_from([None, "", "  ", "目标偏高，下年调整"])
CHANGES = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5),
        st.integers(min_value=0, max_value=11),
        st.one_of(
            st.tuples(st.just("published_score"), PRINTED),
            st.tuples(st.just("deviation_note"), NOTES),
            st.tuples(st.just("rationale"), NOTES),
            st.tuples(st.just("target"), st.sampled_from(CELLS)),
            st.tuples(st.just("actual"), st.sampled_from(CELLS)),
        ),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CHANGES)
def test_random_changes_answer_as_the_full_path(changes: list[Any]) -> None:
    documents = generated(6, seed=12, error_rate=1.0)
    for table, row, (key, value) in changes:
        leaf = leaves(documents[table])[row]
        if value is None:
            leaf.pop(key, None)
        else:
            leaf[key] = value
    assert_as_full_path(documents)


def test_memos_are_kept_for_a_few_rule_sets_and_parameter_numbers_are_never_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = generated(20, seed=13, error_rate=2.0)
    monkeypatch.setattr(grouped_audit, "_TOKEN_LIMIT", 2)  # start again almost at once
    for _round in range(3):
        for document in documents:  # other parameters for the tier row, one set per table
            for leaf in leaves(document):
                if leaf.get("method") == "tier_bands":
                    leaf["params"]["tiers"][1]["points"] = _round + 5
        assert_as_full_path(documents)
    for _number in range(grouped_audit._RULE_SETS_KEPT + 3):  # edited rule sets: new objects
        rules = rulesets.load("national")
        copy_of = copy.copy(rules)
        grouped_audit._memos_for(copy_of)
        assert len(grouped_audit._MEMOS) <= grouped_audit._RULE_SETS_KEPT
    assert_as_full_path(documents)


def test_rule_sets_that_score_alike_share_their_methods_outcomes() -> None:
    """``zhejiang`` is ``national`` with grade caps: a row's outcome is the same under both,
    so it is worked out once; its checks are still each rule set's own."""
    national, zhejiang = rulesets.load("national"), rulesets.load("zhejiang")
    linear = dataclasses.replace(national, reverse_formula=ReverseFormula.LINEAR)
    grouped_audit.forget()
    assert grouped_audit._memos_for(national)[1] is grouped_audit._memos_for(zhejiang)[1]
    assert grouped_audit._memos_for(linear)[1] is not grouped_audit._memos_for(national)[1]
    assert grouped_audit._memos_for(national)[0] is not grouped_audit._memos_for(zhejiang)[0]
    documents = generated(40, seed=14, error_rate=2.0)
    for document in documents:
        document["rules"] = "zhejiang"
    twins = copy.deepcopy(documents)
    for document in twins:
        document["rules"] = "national"
    assert_as_full_path(documents + twins)


SCORING = Path(jixiao.core.scoring.__file__).parent


def test_no_scoring_method_reads_a_rule_set_field_that_only_grades_or_names() -> None:
    """What lets rule sets share outcomes (grouped_audit._scoring_key): the methods read none
    of the fields it leaves out."""
    left_out = "|".join(sorted(grouped_audit._GRADE_ONLY | {"grade_for", "best_grade_allowed"}))
    pattern = re.compile(rf"rules\.({left_out})\b")
    sources = sorted(SCORING.glob("*.py"))
    assert len(sources) >= 4
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert not pattern.search(text), f"{source.name} reads {pattern.search(text)}"
    assert "rules.round" in (SCORING / "ratios.py").read_text(encoding="utf-8")  # it does read
