"""An export followed by an import gives back the same evaluation (issue 4 §3)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.core.case import Case, NarrativeKey
from jixiao.core.indicators import Indicator, walk
from jixiao.core.review import TableReport, review
from jixiao.io import rulesets
from jixiao.io.cases import dump_yaml, from_document, load, plain, read_document
from jixiao.io.exporters import get
from jixiao.io.import_selfeval import import_file

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
SELF_EVALUATIONS = [
    "004-zhuzhou-warm-enterprise.yaml",
    "000-jiaxing-platform-self.yaml",
    "000-jiaxing-industry-self.yaml",
]


def leaves(indicators: tuple[Indicator, ...]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for ind in indicators:
        if ind.children:
            rows.extend(leaves(ind.children))
        else:
            rows.append((ind.name, ind.target, ind.actual, ind.weight, ind.deviation_note or ""))
    return rows


def scored(case: Case) -> TableReport:
    return review(case, rulesets.load("national"))


def round_trip(case: Case, fmt: str, folder: Path) -> Case:
    exporter = get("self", fmt)
    assert exporter is not None
    name, _, content = exporter.render(case, scored(case))
    path = folder / name
    path.write_bytes(content)
    back = from_document(import_file(path).document, str(path))
    assert isinstance(back, Case)
    return back


def same_evaluation(before: Case, after: Case) -> None:
    assert leaves(after.tree.roots) == leaves(before.tree.roots)
    assert after.budget is not None and before.budget is not None
    assert (after.budget.full_year, after.budget.executed) == (
        before.budget.full_year,
        before.budget.executed,
    )
    first, second = scored(before), scored(after)
    assert second.computed_total == first.computed_total
    assert second.computed_grade == first.computed_grade
    # the exported 得分 is the recomputed score, so it comes back as the published one
    assert second.published_total == first.computed_total


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("seed", SELF_EVALUATIONS)
def test_seed_tables_survive_export_and_import(seed: str, fmt: str, tmp_path: Path) -> None:
    case = load(SEEDS / seed)
    assert isinstance(case, Case)
    same_evaluation(case, round_trip(case, fmt, tmp_path))


numbers = st.integers(min_value=1, max_value=99999).map(lambda n: Decimal(n) / 100)
comparators = st.sampled_from([">", "≥", "》", ""])


@st.composite
def self_evaluations(draw: st.DrawFn) -> dict[str, Any]:
    """A standard 自评表: 执行率 10, then groups whose leaf weights add up to 90."""
    count = draw(st.integers(min_value=2, max_value=6))
    weights = [Decimal(90 // count)] * count
    weights[-1] += Decimal(90) - sum(weights)
    leaves_ = []
    for index, weight in enumerate(weights):
        target = draw(numbers)
        leaves_.append(
            {
                "name": f"指标{index + 1}",
                "weight": str(weight),
                "target": f"{draw(comparators)}{target}",
                "actual": str(draw(numbers)),
                "method": "ratio_positive",
            }
        )
    half = len(leaves_) // 2
    budget, executed = draw(numbers), draw(numbers)
    return {
        "format": "jixiao-case/1",
        "type": "evaluation",
        "meta": {"title": "测试表", "year": 2022, "department": "测试局", "project": "测试项目"},
        "budget": {"full_year": str(budget), "executed": str(executed)},
        "indicators": [
            {"name": "执行率", "weight": "10", "method": "execution"},
            {
                "name": "产出指标",
                "children": [
                    {"name": "数量指标", "children": leaves_[:half]},
                    {"name": "质量指标", "children": leaves_[half:]},
                ],
            },
        ],
    }


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=self_evaluations(), fmt=st.sampled_from(["xlsx", "docx"]))
def test_any_standard_table_survives_export_and_import(
    document: dict[str, Any], fmt: str, tmp_path: Path
) -> None:
    case = from_document(document, "generated")
    assert isinstance(case, Case)
    same_evaluation(case, round_trip(case, fmt, tmp_path))


# Case files: read, written back (plain data, then YAML), read again -------------------------


def without_lines(case: Case) -> Case:
    """The case with the reading-position details (file, line numbers) removed."""

    def strip(indicator: Indicator) -> Indicator:
        return replace(indicator, line=None, children=tuple(strip(c) for c in indicator.children))

    tree = replace(case.tree, roots=tuple(strip(root) for root in case.tree.roots))
    budget = None if case.budget is None else replace(case.budget, line=None)
    return replace(case, tree=tree, budget=budget, file="")


def written_back(document: Any, folder: Path) -> Case:
    path = folder / "back.yaml"
    path.write_text(dump_yaml(plain(document)), encoding="utf-8")
    again = load(path)
    assert isinstance(again, Case)
    return again


EVALUATION_SEEDS = sorted(
    p.name for p in SEEDS.glob("*.yaml") if "\ntype: evaluation\n" in p.read_text(encoding="utf-8")
)


def test_most_seeds_are_evaluations() -> None:
    assert len(EVALUATION_SEEDS) >= 5


@pytest.mark.parametrize("seed", EVALUATION_SEEDS)
def test_every_seed_case_file_survives_writing_back(seed: str, tmp_path: Path) -> None:
    document = read_document(SEEDS / seed)
    original = from_document(document, seed)
    # plain data holds exact numbers as decimal strings (also inside params and facts)
    before = from_document(plain(document), seed)
    after = written_back(document, tmp_path)
    assert isinstance(original, Case) and isinstance(before, Case)
    assert without_lines(after) == without_lines(before)
    assert after.narrative == original.narrative
    first, second = scored(original), scored(after)
    assert (second.computed_total, second.computed_grade) == (
        first.computed_total,
        first.computed_grade,
    )


def test_the_002_narrative_survives_writing_back(tmp_path: Path) -> None:
    document = read_document(SEEDS / "002-jiangyou-relief-fund.yaml")
    before = from_document(document, "002")
    after = written_back(document, tmp_path)
    assert isinstance(before, Case)
    assert len(before.narrative) == 4
    assert after.narrative == before.narrative


chapter_texts = st.text(
    alphabet=st.sampled_from(list("绩效评价资金到位率。，；：%0123456789 abc\n")), max_size=60
)


@settings(max_examples=40, deadline=None)
@given(
    texts=st.dictionaries(st.sampled_from([k.value for k in NarrativeKey]), chapter_texts),
    data=st.data(),
)
def test_any_narrative_survives_writing_back(
    texts: dict[str, str], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    document = data.draw(self_evaluations())
    document["narrative"] = texts
    before = from_document(document, "generated")
    assert isinstance(before, Case)
    assert {k.value: v for k, v in before.narrative.items()} == {
        k: v.strip() for k, v in texts.items() if v.strip()
    }
    assert written_back(document, tmp_path_factory.mktemp("n")).narrative == before.narrative


def test_indicator_texts_survive_writing_back(tmp_path: Path) -> None:
    for seed, field in (
        ("000-jiaxing-policy.yaml", "criteria"),
        ("002-jiangyou-relief-fund.yaml", "explanation"),
    ):
        document = read_document(SEEDS / seed)
        before = from_document(document, seed)
        document["indicators"][0]["children"][0][field] = "第一行：说明\n第二行 “引号” 与 #号"
        edited = from_document(plain(document), seed)
        after = written_back(document, tmp_path)
        assert isinstance(before, Case) and isinstance(edited, Case)
        assert without_lines(after) == without_lines(edited)
        texts = [getattr(i, field) for _, i in walk(after.tree.roots)]
        assert texts == [getattr(i, field) for _, i in walk(edited.tree.roots)]
        assert "第一行：说明\n第二行 “引号” 与 #号" in texts
        assert sum(1 for text in texts if text) >= 19


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_self_evaluation_table_with_text_columns_imports_them(
    suffix: str, tmp_path: Path
) -> None:
    from selfeval_tables import insert_column, write_docx, write_xlsx, zhuzhou

    layout = zhuzhou()
    width = layout.width
    insert_column(layout, width)
    insert_column(layout, width + 1)
    header = layout.find("三级指标")[0]
    layout.rows[header][width : width + 2] = ["指标解释", "评分标准"]
    row = layout.find("开展主题活动")[0]
    layout.rows[row][width : width + 2] = [
        "反映主题活动开展的场次",
        "达到目标值得满分，否则按比例计分",
    ]
    layout.rows[layout.find("服务企业")[0]][width] = "—"  # a filler is no text
    write = write_xlsx if suffix == ".xlsx" else write_docx
    imported = import_file(write(tmp_path / f"texts{suffix}", layout))
    case = from_document(imported.document, "texts")
    assert isinstance(case, Case)
    named = {i.name: i for _, i in walk(case.tree.roots)}
    assert named["开展主题活动"].explanation == "反映主题活动开展的场次"
    assert named["开展主题活动"].criteria == "达到目标值得满分，否则按比例计分"
    assert (named["服务企业"].explanation, named["服务企业"].criteria) == ("", "")
    # everything else is read as before: the seed's scores
    assert scored(case).computed_total == Decimal("95.99")
