"""Small builders for indicator trees, rule sets and scoring contexts used by the core tests.

In the spirit of akvo's ``ProjectFixtureBuilder``: a test says only what matters to it,
``tree(group("产出指标", leaf("培训合格率", weight="25", target="70", actual="95",
method="ratio_positive")))``, and the builders fill in the rest. Numbers are written as text and
read with :func:`jixiao.core.money.to_decimal`, as a case file would be. Core tests never read
files, so the rule sets below mirror ``src/jixiao/io/rulesets/*.toml`` as plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from jixiao.core.audit import Finding, audit_case
from jixiao.core.budget import Budget
from jixiao.core.case import Case, CaseMeta, Published
from jixiao.core.evaluation import evaluate
from jixiao.core.indicators import Deduction, Indicator, IndicatorTree, MethodSpec
from jixiao.core.money import to_decimal
from jixiao.core.rules import RuleSet, ruleset_from_mapping
from jixiao.core.scoring import ScoringContext

Number = str | int | Decimal


def num(value: Number | None) -> Decimal | None:
    return None if value is None else to_decimal(value)


def leaf(
    name: str,
    *,
    weight: Number | None = None,
    target: str | None = None,
    actual: str | None = None,
    method: str | None = None,
    published: Number | None = None,
    facts: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    deviation_note: str = "",
    rationale: str = "",
    manual: tuple[Number, str] | None = None,
    not_applicable: bool = False,
    lower_is_better: bool | None = None,
    code: str = "",
) -> Indicator:
    """One row that carries target, actual and a scoring method."""
    return Indicator(
        name=name,
        code=code,
        weight=num(weight),
        target=target,
        actual=actual,
        method=MethodSpec(method, dict(params or {})) if method else None,
        facts=dict(facts or {}),
        published_score=num(published),
        manual_score=num(manual[0]) if manual else None,
        manual_reason=manual[1] if manual else "",
        deviation_note=deviation_note,
        rationale=rationale,
        not_applicable=not_applicable,
        lower_is_better=lower_is_better,
    )


def ratio(
    name: str, target: str, actual: str, weight: str, published: str | None, **kw: Any
) -> Indicator:
    """A 正向比率 row with its printed score (the audit's tests)."""
    return leaf(
        name,
        weight=weight,
        target=target,
        actual=actual,
        method="ratio_positive",
        published=published,
        **kw,
    )


def filler(weight: str, published: str | None = None) -> Indicator:
    """A judged row that makes the weights add up (printed in full unless said)."""
    return leaf(
        "其他", weight=weight, method="judgement", published=published or weight, rationale="依据"
    )


def group(
    name: str,
    *children: Indicator,
    weight: Number | None = None,
    published: Number | None = None,
    code: str = "",
    manual: tuple[Number, str] | None = None,
    not_applicable: bool = False,
) -> Indicator:
    """A parent row (一级/二级/其中); a blank weight is the sum of its children."""
    return Indicator(
        name=name,
        code=code,
        weight=num(weight),
        children=children,
        published_score=num(published),
        manual_score=num(manual[0]) if manual else None,
        manual_reason=manual[1] if manual else "",
        not_applicable=not_applicable,
    )


def tree(*roots: Indicator, deductions: tuple[Deduction, ...] = ()) -> IndicatorTree:
    return IndicatorTree(roots=roots, deductions=deductions)


def budget(
    full_year: Number,
    executed: Number,
    arrived: Number | None = None,
    published_rate: Number | None = None,
) -> Budget:
    """A 年度资金 block with 年初 = 全年预算数 (万元)."""
    amount = num(full_year)
    return Budget(
        initial=amount,
        full_year=amount,
        executed=num(executed),
        arrived=num(arrived),
        published_rate=num(published_rate),
    )


NATIONAL: dict[str, Any] = {
    "name": "national",
    "version": "2020.1",
    "title": "全国通用规则",
    "places": 2,
    "rounding": "half_up",
    "reverse_formula": "ratio",
    "execution_denominator": "full_year_budget",
    "execution_capped": True,
    "tolerance": "0.01",
    "grade_bands": [
        {"grade": "优", "threshold": 90, "inclusive": True},
        {"grade": "良", "threshold": 80, "inclusive": True},
        {"grade": "中", "threshold": 60, "inclusive": True},
        {"grade": "差", "threshold": 0, "inclusive": True},
    ],
    "qualitative_bands": [
        {"label": "达成", "high": 100, "low": 80},
        {"label": "部分达成", "high": 80, "low": 50},
        {"label": "未达成", "high": 50, "low": 0},
    ],
    "satisfaction_levels": {"满意": 100, "基本满意": 80, "一般": 60, "不满意": 0},
}

ZHEJIANG: dict[str, Any] = {  # extends national
    "name": "zhejiang",
    "version": "2021.1",
    "title": "浙江省规则（执行率封顶等级）",
    "regions": ["浙江"],
    "grade_caps": [{"below": 91, "best": "良"}, {"below": 50, "best": "中"}],
}


def national(**overrides: Any) -> RuleSet:
    """The national rule set; ``overrides`` change single options (``rounding="down"``)."""
    return ruleset_from_mapping({**NATIONAL, **overrides})


def zhejiang(**overrides: Any) -> RuleSet:
    return ruleset_from_mapping({**ZHEJIANG, **overrides}, national())


def ctx(rules: RuleSet | None = None, budget: Budget | None = None) -> ScoringContext:
    return ScoringContext(rules=rules or national(), budget=budget)


AUDIT_META = CaseMeta(title="测试表", region="浙江省嘉兴市", year=2021, project="测试项目")


def run_audit(
    indicators: IndicatorTree,
    rules: RuleSet | None = None,
    money: Budget | None = None,
    total: str | None = None,
    grade: str | None = None,
    counts: dict[int, int] | None = None,
) -> list[Finding]:
    """The findings of a table (meta :data:`AUDIT_META`) with the given published figures."""
    rules = rules or national()
    case = Case(
        meta=AUDIT_META,
        tree=indicators,
        budget=money,
        published=Published(
            total=Decimal(total) if total else None, grade=grade, declared_counts=counts or {}
        ),
    )
    return audit_case(case, evaluate(case.tree, ScoringContext(rules, case.budget)), rules)
