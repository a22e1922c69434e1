"""Reading case files (docs/case-format.md): seeds load, numbers stay exact, bad files are refused
with a Chinese message naming the file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.case import Case, DepartmentSummary
from jixiao.core.indicators import walk
from jixiao.core.scoring import REGISTRY
from jixiao.io import yaml_lines
from jixiao.io.cases import MAX_BYTES, CaseError, discover, load

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.yaml"))
CJK = re.compile(r"[\u4e00-\u9fff]")

# A small, valid evaluation. Line numbers in the tests are looked up with `line_of`, so the
# text can change without renumbering.
BASE = """\
format: jixiao-case/1
type: evaluation
meta:
  title: 测试表
  region: 浙江省嘉兴市
  year: 2021
  department: 测试局
  project: 测试项目
rules: national
budget:
  full_year: 100
  executed: 90
  published_rate: 90
indicators:
  - name: 执行率
    weight: 10
    method: execution
    published_score: 9
  - name: 产出指标
    children:
      - name: 数量指标
        weight: 90
        target: ">10"
        actual: "12"
        method: ratio_positive
        published_score: 88.5
published:
  total: 97.5
  grade: 优
"""


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> CaseError:
    with pytest.raises(CaseError) as caught:
        load(path)
    return caught.value


def assert_names(error: CaseError, path: Path, line: int | None, field: str | None) -> None:
    """The message names the file, the line and the field, in Chinese."""
    text = str(error)
    assert str(path) in text
    assert CJK.search(error.message), text
    if line is not None:
        assert error.line == line, text
        assert f"第 {line} 行" in text
    if field is not None:
        assert error.field == field, text
        assert f"字段 {field}" in text


def floats_in(value: Any, where: str = "") -> list[str]:
    """Every place a float hides in a built object (dataclasses, mappings, sequences)."""
    if isinstance(value, float):
        return [where]
    if isinstance(value, str | bytes | Decimal | int | type(None)):
        return []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            hit
            for f in dataclasses.fields(value)
            for hit in floats_in(getattr(value, f.name), f"{where}.{f.name}")
        ]
    if isinstance(value, Mapping):
        return [hit for k, v in value.items() for hit in floats_in(v, f"{where}[{k!r}]")]
    if isinstance(value, tuple | list):
        return [hit for i, v in enumerate(value) for hit in floats_in(v, f"{where}[{i}]")]
    return []


# Good files ---------------------------------------------------------------------------------


def test_there_are_seeds() -> None:
    assert len(SEED_FILES) >= 8


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_every_seed_loads(path: Path) -> None:
    document = load(path)
    assert isinstance(document, Case | DepartmentSummary)
    assert document.file == str(path)
    assert document.meta.year is not None
    assert floats_in(document) == []


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_numbers_are_decimals(path: Path) -> None:
    document = load(path)
    if isinstance(document, DepartmentSummary):
        for row in document.rows:
            assert isinstance(row.full_year_budget, Decimal)
            assert isinstance(row.executed, Decimal)
            assert row.published_rate is None or isinstance(row.published_rate, Decimal)
        return
    for _, indicator in walk(document.tree.roots):
        for value in (indicator.weight, indicator.published_score, indicator.manual_score):
            assert value is None or type(value) is Decimal, indicator.name
    assert document.published.total is None or type(document.published.total) is Decimal


def test_seed_kinds() -> None:
    assert isinstance(load(SEEDS / "000-jiaxing-summary.yaml"), DepartmentSummary)
    assert isinstance(load(SEEDS / "004-zhuzhou-warm-enterprise.yaml"), Case)


def test_bare_number_is_exact_decimal() -> None:
    case = load(SEEDS / "000-jiaxing-industry-self.yaml")
    assert isinstance(case, Case)
    scores = {ind.name: ind.published_score for _, ind in walk(case.tree.roots)}
    printed = scores["培训合格率(%)"]
    assert type(printed) is Decimal
    assert printed == Decimal("23.57")
    assert str(printed) == "23.57"  # not 23.5700000000000002842…
    assert case.budget is not None
    assert case.budget.full_year == Decimal("75.2")
    assert str(case.budget.full_year) == "75.2"
    assert case.tree.roots[0].weight == Decimal(10)


def test_quoted_number_keeps_its_digits() -> None:
    summary = load(SEEDS / "000-jiaxing-summary.yaml")
    assert isinstance(summary, DepartmentSummary)
    row = next(r for r in summary.rows if r.no == 7)
    assert str(row.published_rate) == "93.80"  # written "93.80"
    row3 = next(r for r in summary.rows if r.no == 3)
    assert row3.executed == Decimal("64.24")
    assert summary.published.total_budget == Decimal("1122.34")


def test_no_floats_in_a_hand_written_case(tmp_path: Path) -> None:
    case = load(write(tmp_path, BASE))
    assert isinstance(case, Case)
    assert floats_in(case) == []
    leaf = case.tree.roots[1].children[0]
    assert leaf.published_score == Decimal("88.5")
    assert case.published.total == Decimal("97.5")
    assert str(case.published.total) == "97.5"


def test_no_and_yes_keys_stay_strings(tmp_path: Path) -> None:
    assert yaml_lines.load("no: 1\nyes: 2\non: 3\noff: 4\n") == {
        "no": 1,
        "yes": 2,
        "on": 3,
        "off": 4,
    }
    summary_text = """\
format: jixiao-case/1
type: department_summary
meta: {title: 汇总表, region: 浙江省嘉兴市, year: 2021, department: 测试局}
rows:
  - {no: 1, project: 甲, full_year_budget: 10, executed: 9.5, published_rate: 95, conclusion: 优}
  - no: 2
    project: 乙
    full_year_budget: 20.25
    executed: 20.25
    conclusion: 优
"""
    summary = load(write(tmp_path, summary_text, "summary.yaml"))
    assert isinstance(summary, DepartmentSummary)
    assert [row.no for row in summary.rows] == [1, 2]
    assert summary.rows[0].executed == Decimal("9.5")

    case_text = BASE.replace(
        "        method: ratio_positive\n        published_score: 88.5",
        "        method: yes_no\n        facts: {yes: 是}\n        published_score: 90",
    )
    case = load(write(tmp_path, case_text))
    assert isinstance(case, Case)
    facts = case.tree.roots[1].children[0].facts
    assert dict(facts) == {"yes": "是"}
    assert all(isinstance(key, str) for key in facts)


def test_json_file_loads_exactly(tmp_path: Path) -> None:
    document = {
        "format": "jixiao-case/1",
        "type": "evaluation",
        "meta": {"title": "测试表", "region": "浙江省嘉兴市", "year": 2021, "project": "测试项目"},
        "rules": "national",
        "budget": {"full_year": 100, "executed": 90, "published_rate": 90},
        "indicators": [
            {"name": "执行率", "weight": 10, "method": "execution", "published_score": 9},
            {
                "name": "产出指标",
                "children": [
                    {
                        "name": "数量指标",
                        "weight": 90,
                        "target": ">10",
                        "actual": "12",
                        "method": "ratio_positive",
                        "published_score": 88.5,
                    }
                ],
            },
        ],
        "published": {"total": "97.5", "grade": "优"},
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    from_json = load(path)
    from_yaml = load(write(tmp_path, BASE))
    assert isinstance(from_json, Case) and isinstance(from_yaml, Case)
    assert floats_in(from_json) == []

    def rows(case: Case) -> list[tuple[str, Decimal | None, Decimal | None]]:
        return [(i.name, i.weight, i.published_score) for _, i in walk(case.tree.roots)]

    assert rows(from_json) == rows(from_yaml)
    assert from_json.published == from_yaml.published
    assert from_json.budget is not None
    assert from_json.budget.full_year == Decimal(100)
    leaf = from_json.tree.roots[1].children[0]
    assert str(leaf.published_score) == "88.5"
    name_line = line_of(path.read_text(encoding="utf-8"), '"name": "数量指标"')
    assert leaf.line in (name_line - 1, name_line)  # the object's `{` or its first key


def test_json_syntax_error_has_a_line(tmp_path: Path) -> None:
    text = '{\n  "format": "jixiao-case/1",\n  "type": "evaluation"\n  "meta": {}\n}\n'
    path = write(tmp_path, text, "broken.json")
    error = refused(path)
    assert_names(error, path, None, None)
    assert error.line in (3, 4)  # the missing comma is between lines 3 and 4
    assert "语法错误" in str(error)


# Bad files ----------------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = BASE.replace("  year: 2021\n", "  year: 2021\n bad: indentation\n")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, " bad: indentation"), None)
    assert "语法错误" in str(error)


def test_wrong_format(tmp_path: Path) -> None:
    text = BASE.replace("format: jixiao-case/1", "format: jixiao-case/2")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, 1, "format")
    assert "jixiao-case/1" in str(error)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = BASE + "extra: 1\n"
    path = write(tmp_path, text)
    error = refused(path)
    assert "extra" in str(error)
    assert "未知字段" in str(error)
    # The line of the offending key, not the start of the document.
    assert_names(error, path, line_of(text, "extra: 1"), None)


def test_nested_indicator_without_name(tmp_path: Path) -> None:
    text = BASE.replace("      - name: 数量指标\n", "      - code: X1\n")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, "- code: X1"), "indicators[1].children[0]")
    assert "name" in str(error)
    assert "缺少必填字段" in str(error)


def test_weight_not_a_number(tmp_path: Path) -> None:
    text = BASE.replace("    weight: 10\n", "    weight: abc\n")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, "weight: abc"), "indicators[0].weight")
    assert "abc" in str(error)


def test_unknown_method_lists_known_codes(tmp_path: Path) -> None:
    text = BASE.replace("method: ratio_positive", "method: guesswork")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(
        error, path, line_of(text, "method: guesswork"), "indicators[1].children[0].method"
    )
    assert "未知评分方法" in str(error)
    assert "guesswork" in str(error)
    for code in REGISTRY:
        assert code in str(error)


def test_method_on_a_parent(tmp_path: Path) -> None:
    text = BASE.replace("  - name: 产出指标\n", "  - name: 产出指标\n    method: judgement\n")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, "method: judgement"), "indicators[1].method")
    assert "下级" in str(error)


def test_manual_score_needs_a_reason(tmp_path: Path) -> None:
    text = BASE.replace(
        "published_score: 88.5\n", "published_score: 88.5\n        manual_score: 80\n"
    )
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, None, "indicators[1].children[0]")
    assert error.line in (line_of(text, "- name: 数量指标"), line_of(text, "manual_score: 80"))
    assert f"第 {error.line} 行" in str(error)
    assert "manual_reason" in str(error)


def test_evaluation_without_indicators(tmp_path: Path) -> None:
    text = BASE.split("indicators:")[0]
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, None, None)
    assert error.line is not None
    assert f"第 {error.line} 行" in str(error)
    assert "indicators" in str(error)
    assert "缺少必填字段" in str(error)


def test_non_finite_number_is_refused_not_crashed(tmp_path: Path) -> None:
    # `.nan` / `.inf` / `1:30.5` are YAML 1.1 floats; they must become a CaseError like `abc`.
    text = BASE.replace("    weight: 10\n", "    weight: .nan\n")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, "weight: .nan"), "indicators[0].weight")


def test_txt_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, BASE, "case.txt")
    error = refused(path)
    assert_names(error, path, None, None)
    assert ".txt" in str(error)
    assert "不支持的文件类型" in str(error)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: fast, and never parsed
    error = refused(path)
    assert_names(error, path, None, None)
    assert "文件过大" in str(error)
    assert str(MAX_BYTES) in str(error)


def test_exactly_max_size_is_not_refused_for_size(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(BASE.encode("utf-8") + b"#" * (MAX_BYTES - len(BASE.encode("utf-8"))))
    assert path.stat().st_size == MAX_BYTES
    assert isinstance(load(path), Case)


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(BASE.encode("gbk"))
    error = refused(path)
    assert_names(error, path, None, None)
    assert "UTF-8" in str(error)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    error = refused(path)
    assert_names(error, path, None, None)
    assert "文件不存在" in str(error)


def test_case_error_str_format() -> None:
    error = CaseError("a.yaml", "须为数字", 12, "indicators[0].weight")
    assert str(error) == "文件 a.yaml，第 12 行，字段 indicators[0].weight：须为数字"
    assert str(CaseError("a.yaml", "不是 UTF-8 编码的文本文件")) == (
        "文件 a.yaml：不是 UTF-8 编码的文本文件"
    )


# discover -----------------------------------------------------------------------------------


def test_discover_finds_case_files_recursively_sorted(tmp_path: Path) -> None:
    names = ["b.yaml", "a.yml", "sub/z.json", "sub/deeper/c.yaml", "sub/A.YAML", "0.json"]
    for name in [*names, "notes.txt", "sub/readme.md", "sub/deeper/x.toml"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = list(discover([tmp_path]))
    assert found == sorted(tmp_path / name for name in names)


def test_discover_keeps_files_as_given(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "one.yaml").write_text("x", encoding="utf-8")
    loose = tmp_path / "loose.txt"  # given explicitly: passed through, refused later by load
    assert list(discover([loose, folder])) == [loose, folder / "one.yaml"]


def test_discover_on_seeds() -> None:
    assert list(discover([SEEDS])) == SEED_FILES


# The report narrative ---------------------------------------------------------------------------

NARRATIVE = """\
narrative:
  goals: 建立服务企业的长效机制。
  problems: |
    培训合格率未达到年度目标。

    部分课程安排过于集中。
  other:
"""


def test_the_narrative_is_read_in_report_order(tmp_path: Path) -> None:
    from jixiao.core.case import NarrativeKey

    case = load(write(tmp_path, BASE + NARRATIVE))
    assert isinstance(case, Case)
    assert list(case.narrative) == [NarrativeKey.GOALS, NarrativeKey.PROBLEMS]  # other: empty
    assert (
        case.narrative[NarrativeKey.PROBLEMS]
        == "培训合格率未达到年度目标。\n\n部分课程安排过于集中。"
    )


def test_a_case_without_narrative_has_none(tmp_path: Path) -> None:
    case = load(write(tmp_path, BASE))
    assert isinstance(case, Case) and dict(case.narrative) == {}


def test_an_unknown_chapter_is_refused_naming_the_field_and_the_known_ones(tmp_path: Path) -> None:
    text = BASE + "narrative:\n  goals: 目标\n  conclusion: 结论\n"
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, "conclusion:"), "narrative.conclusion")
    assert "有未知字段 conclusion" in error.message
    assert "problems（存在的问题及原因分析）" in error.message


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("narrative:\n  problems: [甲, 乙]\n", "narrative.problems", "类型不对"),
        ("narrative: 全部文字\n", "narrative", "类型不对"),
        ("narrative:\n  problems: " + "长" * 20001 + "\n", "narrative.problems", "20001 字"),
    ],
)
def test_bad_narratives_are_refused(tmp_path: Path, body: str, field: str, words: str) -> None:
    path = write(tmp_path, BASE + body)
    error = refused(path)
    assert_names(error, path, None, field)
    assert words in error.message


def test_the_schema_knows_exactly_the_report_chapters() -> None:
    from jixiao.core.case import MAX_NARRATIVE, NarrativeKey
    from jixiao.io.cases import schema

    definition = schema()["$defs"]["narrative"]["properties"]
    assert {key: value["title"] for key, value in definition.items()} == {
        key.value: key.label for key in NarrativeKey
    }
    assert schema()["$defs"]["chapter"]["maxLength"] == MAX_NARRATIVE


def test_a_department_summary_has_no_narrative(tmp_path: Path) -> None:
    text = (
        "format: jixiao-case/1\ntype: department_summary\nmeta: {title: 汇总}\n"
        "rows:\n  - {no: 1, project: 甲, full_year_budget: 1, executed: 1, conclusion: 优}\n"
        "narrative:\n  problems: 无\n"
    )
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, "narrative:"), "narrative")
    assert "部门汇总表没有评价报告" in error.message


def test_an_impossible_date_is_a_field_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "bad-date.yaml"
    path.write_text("meta:\n  project: 测试\n  published_on: 2023-13-01\n", encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load(path)
    assert "bad-date.yaml" in str(caught.value)
    assert yaml_lines.load("d: 2023-13-01")["d"] == "2023-13-01"


# --- Indicator texts: explanation (指标解释) and criteria (评分标准) -----------------------------

TEXTS = BASE.replace(
    "        method: ratio_positive\n",
    "        method: ratio_positive\n"
    "        explanation: 反映项目产出数量目标的完成程度\n"
    "        criteria: |\n"
    "          实际完成值/年度指标值×分值，超过 1 按 1 计。\n"
    "          未完成的按比例扣分。\n",
)


def test_indicator_texts_are_read_as_written(tmp_path: Path) -> None:
    case = load(write(tmp_path, TEXTS))
    assert isinstance(case, Case)
    leaf = case.tree.roots[1].children[0]
    assert leaf.explanation == "反映项目产出数量目标的完成程度"
    assert leaf.criteria == "实际完成值/年度指标值×分值，超过 1 按 1 计。\n未完成的按比例扣分。"
    assert case.tree.roots[0].explanation == case.tree.roots[0].criteria == ""
    # the model's own __init__ and dataclasses.replace keep them
    assert dataclasses.replace(leaf, weight=Decimal(80)).explanation == leaf.explanation
    assert dataclasses.replace(leaf, criteria="新的").criteria == "新的"


@pytest.mark.parametrize(
    ("value", "words"),
    [("12", "类型不对"), ("[a, b]", "类型不对"), ("true", "类型不对"), ("null", "类型不对")],
)
@pytest.mark.parametrize("key", ["explanation", "criteria"])
def test_indicator_texts_must_be_text(tmp_path: Path, key: str, value: str, words: str) -> None:
    text = BASE.replace("    published_score: 9\n", f"    published_score: 9\n    {key}: {value}\n")
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, f"{key}: {value}"), f"indicators[0].{key}")
    assert words in error.message


@pytest.mark.parametrize("key", ["explanation", "criteria"])
def test_indicator_texts_have_a_length_limit(tmp_path: Path, key: str) -> None:
    long = "评" * 2001
    text = BASE.replace(
        "        method: ratio_positive\n",
        f"        method: ratio_positive\n        {key}: {long}\n",
    )
    path = write(tmp_path, text)
    error = refused(path)
    assert_names(error, path, line_of(text, f"{key}: 评"), f"indicators[1].children[0].{key}")
    assert "内容过长（2001 字，上限 2000 字）" in error.message
    at_limit = write(tmp_path, text.replace(long, "评" * 2000), "ok.yaml")
    assert isinstance(load(at_limit), Case)


def test_the_seeds_carry_their_tables_texts() -> None:
    policy = load(SEEDS / "000-jiaxing-policy.yaml")
    relief = load(SEEDS / "002-jiangyou-relief-fund.yaml")
    assert isinstance(policy, Case) and isinstance(relief, Case)
    coded = {i.code: i for _, i in walk(policy.tree.roots) if i.code}
    assert coded["A101"].criteria.endswith("以上要点做到得6分，未做一点扣1分，扣完为止。")
    assert coded["B201"].criteria.endswith(
        "十分清楚、比较清楚、有所了解、不清楚，分别得4、3、2、1分。"
    )
    named = {i.name: i for _, i in walk(relief.tree.roots)}
    assert named["均衡性"].explanation == "政策是否覆盖所有中小微企业"
    leaves = [i for _, i in walk(relief.tree.roots) if i.is_leaf]
    assert len(leaves) == 19 and all(i.explanation for i in leaves)


# --- The lean builder gives the careful builder's objects ------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_the_lean_builder_builds_what_the_careful_one_does(path: Path) -> None:
    from jixiao.io.cases import _Builder, read_document

    document = read_document(path)
    if document["type"] != "evaluation":
        return
    builder = _Builder(str(path), document)
    careful = tuple(
        builder.indicator(raw, ["indicators", i]) for i, raw in enumerate(document["indicators"])
    )
    assert builder.indicators() == careful


def test_the_validator_is_built_once_and_checks_as_a_fresh_one() -> None:
    import jsonschema

    from jixiao.io.cases import _validator, schema

    assert _validator() is _validator()
    assert _validator().format_checker is None  # as before: no format is asserted
    fresh = jsonschema.Draft202012Validator(schema())
    good = yaml_lines.load(TEXTS)
    bad = yaml_lines.load(
        BASE.replace("weight: 10", "weight: abc").replace("year: 2021", "year: 1800")
    )
    bad["indicators"][1]["children"][0]["criteria"] = ["not", "text"]
    for document in (good, bad, {"format": "x"}, []):
        cached = sorted(str(e.message) for e in _validator().iter_errors(document))
        assert cached == sorted(str(e.message) for e in fresh.iter_errors(document))
    assert not list(_validator().iter_errors(good))


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("    weight: 10\n", "    weight: abc\n", "indicators[0].weight", "须为数字"),
        ("method: ratio_positive", "method: guesswork", "indicators[1].children[0].method", "未知"),
        (
            "  - name: 产出指标\n",
            "  - name: 产出指标\n    method: judgement\n",
            "indicators[1].method",
            "下级",
        ),
    ],
)
def test_the_builder_refuses_an_unvalidated_document_as_the_careful_path_does(
    old: str, new: str, field: str, words: str
) -> None:
    """Stored documents are built without validating again: the lean builder falls back to the
    careful one, whose message names the line and the field."""
    from jixiao.io.cases import _Builder

    text = BASE.replace(old, new)
    with pytest.raises(CaseError) as caught:
        _Builder("stored", yaml_lines.load(text)).case()
    assert caught.value.field == field
    assert caught.value.line == line_of(text, new.strip().splitlines()[-1])
    assert words in caught.value.message


# --- A document validated on write is built without validating it again -------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_a_trusted_document_builds_what_the_validating_path_builds(path: Path) -> None:
    from jixiao.io.cases import from_document, from_trusted_document, read_document

    document = read_document(path)
    assert from_trusted_document(document, str(path)) == from_document(document, str(path))


def test_a_trusted_document_the_builder_cannot_build_is_refused_with_line_and_field() -> None:
    from jixiao.io.cases import from_trusted_document

    text = BASE.replace("method: ratio_positive", "method: guesswork")
    with pytest.raises(CaseError) as caught:
        from_trusted_document(yaml_lines.load(text), "stored")
    assert caught.value.field == "indicators[1].children[0].method"
    assert caught.value.line == line_of(text, "method: guesswork")
