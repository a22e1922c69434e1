"""Throughput of the core: parse → score → audit on synthetic evaluation tables.

Each synthetic evaluation has 12 leaf indicators (the 执行率 row plus 11 others with the seeds'
mix of methods and target notations) under 3 level-1 and 6 level-2 parents, weights adding up
to 100. Target/actual numbers vary per evaluation (seeded), and a few published figures are
deliberately wrong so the audit has something to find.

For each size N (leaf indicators; N/12 evaluations) the tables are audited on one core by one of
two engines (``--engine``):

* ``grouped`` (the default): ``jixiao.io.grouped_audit.audit_documents`` on each chunk of
  documents, which reads, scores and audits every table in one call (totals, grades and findings
  equal to the objects engine's, as tests/io/test_grouped_audit.py checks);
* ``objects``: three stages timed apart, one table at a time:

* parse — ``jixiao.io.cases.from_trusted_document`` on the document dict (the build without
  schema validation, as for a stored evaluation), plus ``jixiao.core.targets.parse`` on every
  leaf's target and actual;
* score — ``jixiao.core.evaluation.evaluate``;
* audit — ``jixiao.core.audit.audit_case``.

Documents are generated in chunks outside the timed stages, so 1M indicators stay in bounded
memory. Usage (see bench/README.md)::

    .venv/bin/python bench/score_bench.py [--sizes 10000 100000 1000000] [--quick]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jixiao import compiled
from jixiao.core import targets
from jixiao.core.audit import audit_case
from jixiao.core.case import Case
from jixiao.core.evaluation import evaluate
from jixiao.core.rules import RuleSet
from jixiao.core.scoring import ScoringContext
from jixiao.core.targets import parse
from jixiao.io import grouped_audit, rulesets
from jixiao.io.cases import from_trusted_document, validate
from jixiao.io.grouped_audit import audit_documents

GOAL = 200_000  # leaf indicators per second, parse + score + audit, one core
LEAVES = 12
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000,)

ZERO = Decimal(0)
ONE = Decimal(1)
TEN = Decimal(10)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


# Synthetic documents --------------------------------------------------------------------------


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def printed(value: Decimal) -> int | Decimal:
    """A figure as a publisher prints it and the YAML reader hands it over: 2 decimals at most,
    an ``int`` when whole, else a ``Decimal`` without trailing zeros.
    """
    rounded = cents(value)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return Decimal(format(rounded, "f").rstrip("0"))


def tenths(low: int, high: int, rng: random.Random) -> Decimal:
    """A number with one decimal in [low/10, high/10]."""
    return Decimal(rng.randint(low, high)) / TEN


@dataclass
class Errors:
    """How often the generator prints a wrong figure (scaled by ``--error-rate``)."""

    scale: float = 1.0

    def hit(self, rng: random.Random, probability: float) -> bool:
        return rng.random() < probability * self.scale


@dataclass
class Leaf:
    """One generated leaf: its document node, and what the publisher should have printed."""

    node: dict[str, Any]
    weight: Decimal
    exact: Decimal | None  # what the method gives (None: a judgement method or no input)
    band: tuple[Decimal, Decimal] | None = None  # for judgement methods: the allowed range


def quantity(rng: random.Random, errors: Errors) -> Leaf:
    """数量指标: ``>150000`` / ``10000家以上`` style, ratio_positive, weight 10."""
    weight = TEN
    if rng.random() < 0.5:
        name, base, unit = (
            "平台年登陆次数（次）",
            rng.randrange(50_000, 300_001, 1_000),
            "次",
        )
    else:
        name, base, unit = "服务企业数（家）", rng.randrange(2_000, 15_001, 100), "家"
    actual = int(base * rng.uniform(0.85, 1.4))
    target_text = rng.choice((f">{base}", f"≥{base}", f"{base}{unit}以上", f"不少于{base}{unit}"))
    actual_text = rng.choice((str(actual), f"{actual}{unit}"))
    exact: Decimal | None = min(Decimal(actual) / Decimal(base), ONE) * weight
    if errors.hit(rng, 0.01):  # a unit that does not match: the audit warns, the method cannot run
        target_text, actual_text, exact = f"{base}次以上", f"{actual}人次", None
    node = {"name": name, "target": target_text, "actual": actual_text, "weight": 10}
    node["method"] = "ratio_positive"
    return Leaf(node, weight, exact)


TIERS = ((90, 10), (80, 6), (70, 4), (60, 2))


def budget_completion(rng: random.Random, errors: Errors) -> Leaf:
    """预算完成率: tier_bands on the actual rate, weight 10."""
    rate = tenths(650, 1000, rng)
    exact = next((Decimal(p) for low, p in TIERS if rate >= low), ZERO)
    node = {
        "name": "预算完成率",
        "target": "≥90%",
        "actual": f"{rate}%",
        "weight": 10,
        "method": "tier_bands",
        "params": {"tiers": [{"min": low, "points": p} for low, p in TIERS]},
    }
    return Leaf(node, TEN, exact)


def acceptance(rng: random.Random, errors: Errors) -> Leaf:
    """验收合格率: ``≥95%`` style, ratio_positive, weight 10."""
    base = rng.randint(80, 99)
    rate = tenths(850, 1000, rng)
    node = {
        "name": "项目验收合格率",
        "target": rng.choice((f"≥{base}%", f"不低于{base}%", f"{base}%以上", f"＞＝{base}％")),
        "actual": f"{rate}%",
        "weight": 10,
        "method": "ratio_positive",
    }
    return Leaf(node, TEN, min(rate / base, ONE) * TEN)


def checklist(rng: random.Random, errors: Errors) -> Leaf:
    """制度执行有效性: 要点扣分法, 5 points of 1 each, weight 5."""
    missed = rng.choices((0, 1, 2), (75, 20, 5))[0]
    node = {
        "name": "制度执行有效性",
        "weight": 5,
        "method": "checklist",
        "params": {"points": 5},
        "facts": {"missed": missed},
    }
    return Leaf(node, Decimal(5), Decimal(5 - missed))


def findings(rng: random.Random, errors: Errors) -> Leaf:
    """财务管理规范性: 缺(错)项扣分法, −0.5 per finding, weight 5."""
    count = rng.choices((0, 1, 2, 3), (70, 18, 8, 4))[0]
    node = {
        "name": "财务管理规范性",
        "weight": 5,
        "method": "findings_deduction",
        "params": {"per_finding": Decimal("0.5")},
        "facts": {"findings": count},
    }
    return Leaf(node, Decimal(5), max(ZERO, 5 - count * Decimal("0.5")))


def reverse(rng: random.Random, errors: Errors) -> Leaf:
    """时效指标: ``≤5%`` or ``1小时以内响应`` against minutes, ratio_negative (R1), weight 10."""
    if rng.random() < 0.5:
        base = rng.randint(1, 10)
        actual = tenths(0, 100, rng)
        target_text = rng.choice((f"≤{base}%", f"不超过{base}%", f"{base}%以内", f"《{base}%"))
        name, actual_text, limit = "资金拨付延误率", f"{actual}%", Decimal(base)
    else:
        hours = rng.randint(1, 8)
        minutes = rng.randint(10, int(hours * 60 * 1.3))
        actual = Decimal(minutes) * Decimal(1) / Decimal(60)  # as targets.convert does it
        target_text, actual_text = f"{hours}小时以内响应", f"{minutes}分钟"
        name, limit = "系统故障响应及时性", Decimal(hours)
    exact = TEN if actual <= limit else limit / actual * TEN
    node = {"name": name, "target": target_text, "actual": actual_text, "weight": 10}
    node["method"] = "ratio_negative"
    return Leaf(node, TEN, exact)


def mechanism(rng: random.Random, errors: Errors) -> Leaf:
    """长效管理机制健全性: ``健全``, qualitative (the evaluator scores inside a band), weight 10."""
    actual = rng.choices(("健全", "已健全", "100%", "基本健全", "不健全"), (60, 10, 10, 15, 5))[0]
    node: dict[str, Any] = {
        "name": "长效管理机制健全性",
        "target": "健全",
        "actual": actual,
        "weight": 10,
        "method": "qualitative",
    }
    if rng.random() < 0.3:  # the band chosen by the evaluator, as in seed 000
        band_name = "部分达成" if actual in ("基本健全", "不健全") else "达成"
        node["facts"] = {"band": band_name}
        band = (Decimal(5), Decimal(8)) if band_name == "部分达成" else (Decimal(8), TEN)
    elif actual == "基本健全":
        band = (ZERO, TEN)  # neither met nor missed: 未判定
    elif actual == "不健全":
        band = (ZERO, Decimal(8))  # 未完全达成
    else:
        band = (Decimal(8), TEN)
    return Leaf(node, TEN, None, band)


LEVELS = {"不严密": 0, "较严密": Decimal("0.3"), "基本严密": Decimal("0.6"), "严密": 1}


def graded(rng: random.Random, errors: Errors) -> Leaf:
    """内控制度严密性: 分级评分法 0/0.3/0.6/1, weight 5."""
    level = rng.choices(tuple(LEVELS), (2, 8, 20, 70))[0]
    node = {
        "name": "内控制度严密性",
        "weight": 5,
        "method": "graded_levels",
        "params": {"levels": dict(LEVELS)},
        "facts": {"level": level},
    }
    return Leaf(node, Decimal(5), Decimal(LEVELS[level]) * 5)


def yes_no(rng: random.Random, errors: Errors) -> Leaf:
    """是否建立长效机制: 是否评分法, weight 5."""
    yes = rng.random() < 0.92
    node = {
        "name": "是否建立长效机制",
        "weight": 5,
        "method": "yes_no",
        "facts": {"yes": "是" if yes else "否"},
    }
    return Leaf(node, Decimal(5), Decimal(5) if yes else ZERO)


def investment(rng: random.Random, errors: Errors) -> Leaf:
    """带动社会投资: ``》10亿``, ratio_positive, weight 10."""
    base = rng.randint(2, 50)
    actual = Decimal(int(base * 10 * rng.uniform(0.8, 1.4))) / TEN
    node = {
        "name": "带动社会投资",
        "target": rng.choice((f"》{base}亿", f"≥{base}亿元", f"{base}亿元以上")),
        "actual": rng.choice((f"{actual}亿", f"{actual}亿元")),
        "weight": 10,
        "method": "ratio_positive",
    }
    return Leaf(node, TEN, min(actual / base, ONE) * TEN)


def satisfaction(rng: random.Random, errors: Errors) -> Leaf:
    """服务对象满意度: ``≥85`` style, ratio_positive, weight 10."""
    base = rng.randint(80, 98)
    rate = tenths(800, 1000, rng)
    node = {
        "name": "服务对象满意度(%)",
        "target": rng.choice((f"≥{base}", f"≥{base}%", f"满意度{base}%以上")),
        "actual": rng.choice((f"{rate}%", str(rate))),
        "weight": 10,
        "method": "ratio_positive",
    }
    return Leaf(node, TEN, min(rate / base, ONE) * TEN)


JUDGEMENT_SCORES = {  # what evaluators pick inside each band
    (Decimal(8), TEN): (10, 10, 10, Decimal("9.5"), 9, 8),
    (Decimal(5), Decimal(8)): (7, 6, 8),
    (ZERO, TEN): (10, 8, 6),
    (ZERO, Decimal(8)): (6, 5, 4),
}


def publish(leaf: Leaf, rng: random.Random, errors: Errors) -> int | Decimal:
    """The published score: right most of the time, sometimes wrong in a way the audit knows."""
    weight = leaf.weight
    if leaf.exact is None:
        if leaf.band is None:  # the method cannot run: the published score is taken as given
            return printed(weight)
        low, high = leaf.band
        score = Decimal(rng.choice(JUDGEMENT_SCORES[leaf.band]))
        if (low > ZERO or high < weight) and errors.hit(rng, 0.03):  # outside the band
            score = weight if high < weight else low - 1
        return printed(score)
    exact = leaf.exact
    roll = rng.random() / errors.scale if errors.scale else 1.0
    if roll < 0.03:  # a miscalculation
        return printed(max(ZERO, cents(exact) - Decimal(rng.choice(("0.5", "1", "2")))))
    if roll < 0.05:  # truncated to one decimal instead of rounded
        return printed(exact.quantize(TENTH, rounding=ROUND_DOWN))
    if roll < 0.06:  # full points although the target was missed
        return printed(weight)
    if roll < 0.065:  # more than the weight
        return printed(weight + 1)
    return printed(exact)


NOTES = (
    "受疫情影响，部分工作未按计划完成，下一步将加强督促",
    "个别环节衔接不畅，将进一步完善管理制度",
    "目标设置偏高，下年度将合理设定绩效目标",
)


def annotate(node: dict[str, Any], weight: Decimal, rng: random.Random, errors: Errors) -> None:
    """Below full points: most publishers explain why (偏差原因分析及改进措施)."""
    if Decimal(node["published_score"]) < weight and not errors.hit(rng, 0.15):
        node["deviation_note"] = rng.choice(NOTES)


LAYOUT = (  # (level-1 name, weight, ((level-2 name, (leaf generators…)), …))
    (
        "产出指标",
        50,
        (
            ("数量指标", (quantity, budget_completion)),
            ("质量指标", (acceptance, checklist, findings)),
            ("时效指标", (reverse,)),
        ),
    ),
    (
        "效益指标",
        30,
        (
            ("社会效益指标", (mechanism, graded)),
            ("可持续影响指标", (yes_no, investment)),
        ),
    ),
    ("满意度指标", 10, (("服务对象满意度指标", (satisfaction,)),)),
)
REGIONS = (
    ("浙江省嘉兴市", "zhejiang", "嘉兴市经济和信息化局"),
    ("浙江省杭州市", "zhejiang", "杭州市经济和信息化局"),
    ("湖南省湘潭市湘潭县", "national", "湘潭县科技和工业信息化局"),
    ("四川省绵阳市江油市", "national", "江油市经济信息化和科学技术局"),
)
BANDS = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))


def grade_of(total: Decimal) -> str:
    return next(grade for low, grade in BANDS if total >= low)


def evaluation(number: int, rng: random.Random, errors: Errors) -> dict[str, Any]:
    """One synthetic evaluation document, shaped like a validated case file."""
    region, rules, department = REGIONS[number % len(REGIONS)]
    full_year = Decimal(rng.randint(5_000, 50_000)) / HUNDRED
    executed = full_year if rng.random() < 0.3 else cents(full_year * Decimal(rng.uniform(0.75, 1)))
    rate = executed / full_year
    published_rate = printed(rate * HUNDRED)
    if errors.hit(rng, 0.03):
        published_rate = printed((rate * HUNDRED).quantize(TENTH, rounding=ROUND_DOWN))
    elif errors.hit(rng, 0.01):
        published_rate = printed(rate * HUNDRED + Decimal("1.5"))

    execution_leaf = Leaf(
        {"name": "执行率", "weight": 10, "method": "execution"}, TEN, min(rate, ONE) * TEN
    )
    execution_leaf.node["published_score"] = publish(execution_leaf, rng, errors)
    roots: list[dict[str, Any]] = [execution_leaf.node]
    parts = Decimal(execution_leaf.node["published_score"])
    for name, weight, groups in LAYOUT:
        children = []
        subtotal = ZERO
        for group, makers in groups:
            leaves = []
            for make in makers:
                leaf = make(rng, errors)
                leaf.node["published_score"] = publish(leaf, rng, errors)
                annotate(leaf.node, leaf.weight, rng, errors)
                subtotal += Decimal(leaf.node["published_score"])
                leaves.append(leaf.node)
            children.append({"name": group, "children": leaves})
        printed_subtotal = subtotal + 1 if errors.hit(rng, 0.015) else subtotal
        roots.append(
            {
                "name": name,
                "weight": weight,
                "children": children,
                "published_score": printed(printed_subtotal),
            }
        )
        parts += printed_subtotal

    document: dict[str, Any] = {
        "format": "jixiao-case/1",
        "type": "evaluation",
        "meta": {
            "title": f"合成项目{number:07d} 项目支出绩效自评表",
            "region": region,
            "year": 2021 + number % 3,
            "department": department,
            "project": f"合成项目{number:07d}",
            "kind": "自评",
            "framework": "自评表",
            "source": "bench/score_bench.py",
        },
        "rules": rules,
        "budget": {
            "initial": full_year,
            "full_year": full_year,
            "executed": executed,
            "sources": {"当年财政拨款": full_year, "上年结转资金": 0, "其他资金": 0},
            "published_rate": published_rate,
        },
        "indicators": roots,
    }
    if rules == "zhejiang":
        occurrences = 1 if rng.random() < 0.1 else 0
        document["deductions"] = [
            {
                "name": "工作配合",
                "per_occurrence": Decimal("0.5"),
                "occurrences": occurrences,
                "cap": 10,
            }
        ]
        parts -= Decimal("0.5") * occurrences
    total = parts + rng.choice((-1, 1)) if errors.hit(rng, 0.02) else parts
    grade = grade_of(total)
    if (
        rules == "zhejiang"
        and rate < Decimal("0.91")
        and grade == "优"
        and not errors.hit(rng, 0.15)
    ):
        grade = "良"  # most publishers respect the 浙江 cap; the others are audit findings
    if errors.hit(rng, 0.01):
        grade = rng.choice(("优", "良", "中"))
    published: dict[str, Any] = {"total": printed(total), "grade": grade}
    if rng.random() < 0.1:  # the report's text says how many indicators there are
        wrong = errors.hit(rng, 0.1)
        published["declared_counts"] = {"2": 6, "3": LEAVES - 1 + (1 if wrong else 0)}
    document["published"] = published
    return document


def cells(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """("target"|"actual", text) for every leaf cell that has one (for the distinct counts)."""
    stack = list(document["indicators"])
    while stack:
        node = stack.pop()
        stack.extend(node.get("children", ()))
        for key in ("target", "actual"):
            if key in node:
                yield key, node[key]


# The timed run ---------------------------------------------------------------------------------


@dataclass
class Run:
    size: int  # requested leaf indicators
    evaluations: int = 0
    indicators: int = 0  # leaf indicators actually processed
    nodes: int = 0  # all indicators, parents included
    cells: int = 0  # target/actual cells written (leaves without them have none)
    parse: float = 0.0
    score: float = 0.0
    audit: float = 0.0
    grouped: float | None = None  # the grouped engine: parse + score + audit in one call
    validate: float | None = None
    distinct: dict[str, set[str]] = field(
        default_factory=lambda: {"target": set(), "actual": set()}
    )
    cache: Any = None
    quantities: Any = None  # targets.quantity's cache (the ratio rows' cells)
    findings: Counter[str] = field(default_factory=Counter)
    maxrss_mb: float = 0.0
    wall: float = 0.0  # the whole run, generation and bookkeeping included

    @property
    def total(self) -> float:
        if self.grouped is not None:
            return self.grouped
        return self.parse + self.score + self.audit

    @property
    def rate(self) -> float:
        return self.indicators / self.total if self.total else 0.0


def chunks(count: int, chunk: int, rng: random.Random, errors: Errors) -> Iterator[list[Any]]:
    for start in range(0, count, chunk):
        yield [evaluation(n, rng, errors) for n in range(start, min(count, start + chunk))]


def build(document: dict[str, Any]) -> tuple[Any, int]:
    """Stage (a): core objects from the dict, then every target/actual expression parsed."""
    case = from_trusted_document(document, "<bench>")
    assert isinstance(case, Case)
    leaves = 0
    stack = list(case.tree.roots)  # a plain stack: indicators.walk builds paths we do not need
    while stack:
        indicator = stack.pop()
        if indicator.children:
            stack.extend(indicator.children)
        else:
            leaves += 1
            parse(indicator.target)
            parse(indicator.actual)
    return case, leaves


def count_nodes(nodes: list[dict[str, Any]]) -> int:
    """Indicators in a tree, parents included (untimed bookkeeping)."""
    return sum(1 + count_nodes(node.get("children", [])) for node in nodes)


def warm_up(seed: int, count: int = 200) -> None:
    """Run a few tables untimed first, so the first size does not pay for cold caches."""
    rng = random.Random(seed)
    for number in range(count):
        document = evaluation(number, rng, Errors())
        rules = rulesets.load(document["rules"])
        case, _ = build(document)
        audit_case(case, evaluate(case.tree, ScoringContext(rules, case.budget)), rules)
    documents = [evaluation(number, rng, Errors()) for number in range(count)]
    loaded = {name: rulesets.load(name) for name in {document["rules"] for document in documents}}
    audit_documents(documents, lambda document: loaded[document["rules"]])


def measure(
    size: int,
    *,
    seed: int,
    chunk: int,
    mode: str,
    errors: Errors,
    check_schema: bool,
    profiler: cProfile.Profile | None,
    clock: Callable[[], float] = time.perf_counter,
    engine: str = "grouped",
) -> Run:
    run = Run(size)
    began = time.perf_counter()
    rng = random.Random(seed)
    count = max(1, round(size / LEAVES))
    targets._parse.cache_clear()  # each size starts cold
    targets._quantities.cache_clear()
    grouped_audit.forget()
    rules_by_name: dict[str, RuleSet] = {}
    for documents in chunks(count, chunk, rng, errors):
        for document in documents:
            name = document["rules"]
            if name not in rules_by_name:
                rules_by_name[name] = rulesets.load(name)
        if check_schema:
            start = clock()
            for document in documents:
                validate(document, "<bench>")
            run.validate = (run.validate or 0.0) + clock() - start
        if profiler:
            profiler.enable()
        if engine == "grouped":
            t0 = clock()
            answers = audit_documents(documents, lambda document: rules_by_name[document["rules"]])
            run.grouped = (run.grouped or 0.0) + clock() - t0
            for answer in answers:
                run.indicators += answer.leaves
                run.findings.update(f.code.value for f in answer.findings)
            run.nodes += sum(count_nodes(document["indicators"]) for document in documents)
            del answers
        elif mode == "pipeline":  # one table at a time, as `jixiao audit` does it
            for document in documents:
                t0 = clock()
                case, leaves = build(document)
                t1 = clock()
                rules = rules_by_name[document["rules"]]
                result = evaluate(case.tree, ScoringContext(rules, case.budget))
                t2 = clock()
                found = audit_case(case, result, rules)
                t3 = clock()
                run.parse += t1 - t0
                run.score += t2 - t1
                run.audit += t3 - t2
                run.indicators += leaves
                run.nodes += len(result.scores)
                run.findings.update(f.code.value for f in found)
        else:  # stage by stage over the whole chunk
            t0 = clock()
            built = [build(document) for document in documents]
            t1 = clock()
            pairs = [
                (
                    case,
                    rules_by_name[case.rules],
                    evaluate(case.tree, ScoringContext(rules_by_name[case.rules], case.budget)),
                )
                for case, _ in built
            ]
            t2 = clock()
            audits = [audit_case(case, result, rules) for case, rules, result in pairs]
            t3 = clock()
            run.parse += t1 - t0
            run.score += t2 - t1
            run.audit += t3 - t2
            run.indicators += sum(leaves for _, leaves in built)
            run.nodes += sum(len(result.scores) for _, _, result in pairs)
            for found in audits:
                run.findings.update(f.code.value for f in found)
            del built, pairs, audits
        if profiler:
            profiler.disable()
        # Untimed bookkeeping, after the timed stages: reading every cell first would hand them
        # documents already in the processor's caches, their strings already hashed.
        for document in documents:
            for key, text in cells(document):
                run.distinct[key].add(text)
                run.cells += 1
        run.evaluations += len(documents)
    run.cache = targets._parse.cache_info()
    run.quantities = targets._quantities.cache_info()
    run.wall = time.perf_counter() - began
    run.maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return run


# Output ---------------------------------------------------------------------------------------


def machine() -> str:
    processor = platform.processor() or "(platform.processor() is empty)"
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    parts = [processor, platform.machine()]
    if model:
        parts.append(model)
    return " / ".join(parts)


def describe(run: Run) -> None:
    targets_n, actuals_n = len(run.distinct["target"]), len(run.distinct["actual"])
    union = len(run.distinct["target"] | run.distinct["actual"])
    cache = run.cache
    calls = cache.hits + cache.misses
    hit = cache.hits / calls if calls else 0.0
    print(
        f"  N={run.indicators:,} leaves ({run.nodes:,} indicators with parents) in"
        f" {run.evaluations:,} evaluations"
    )
    print(
        f"  distinct cells: {targets_n:,} target strings, {actuals_n:,} actual strings"
        f" ({union:,} distinct of {run.cells:,} cells written)"
    )
    print(
        f"  targets.parse cache (maxsize {cache.maxsize}): {calls:,} calls,"
        f" {cache.misses:,} misses, hit rate {hit:.1%}"
    )
    if run.quantities is not None and run.quantities.hits + run.quantities.misses:
        quantities = run.quantities
        asked = quantities.hits + quantities.misses
        print(
            f"  targets.quantity cache (maxsize {quantities.maxsize}): {asked:,} calls,"
            f" {quantities.misses:,} misses, hit rate {quantities.hits / asked:.1%}"
        )
    total = sum(run.findings.values())
    top = ", ".join(f"{code} {n:,}" for code, n in run.findings.most_common())
    print(f"  findings: {total:,} ({total / run.evaluations:.2f} per evaluation): {top}")
    if run.validate is not None:
        print(
            f"  schema validation (not in the total): {run.validate:.2f} s,"
            f" {run.indicators / run.validate:,.0f} indicators/s"
        )
    print(
        f"  wall time {run.wall:.2f} s (generation untimed), peak RSS so far {run.maxrss_mb:,.0f} MB"
    )


def table(runs: list[Run]) -> None:
    base = runs[0]
    head = (
        f"{'N':>10} {'evals':>8} {'parse s':>8} {'score s':>8} {'audit s':>8} {'total s':>8}"
        f" {'ind/s':>9} {'×time':>7} {'×N':>6} {'cost/ind':>8}"
    )
    print(head)
    print("-" * len(head))
    for run in runs:
        time_ratio = run.total / base.total
        size_ratio = run.indicators / base.indicators
        if run.grouped is None:
            stages = f"{run.parse:>8.2f} {run.score:>8.2f} {run.audit:>8.2f}"
        else:  # one call does all three
            stages = f"{'—':>8} {'—':>8} {'—':>8}"
        print(
            f"{run.indicators:>10,} {run.evaluations:>8,} {stages}"
            f" {run.total:>8.2f} {run.rate:>9,.0f} {time_ratio:>7.2f}"
            f" {size_ratio:>6.1f} {time_ratio / size_ratio:>8.2f}"
        )
    print(
        f"×time and ×N are relative to the {base.indicators:,} run; cost/ind = ×time / ×N"
        " (1.00 = linear growth)."
    )


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        help="leaf-indicator counts to run (default: 10000 100000 1000000)",
    )
    parser.add_argument("--quick", action="store_true", help="only the 10k run (CI smoke)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--chunk", type=int, default=1000, help="evaluations generated at a time")
    parser.add_argument(
        "--mode",
        choices=("pipeline", "batch"),
        default="pipeline",
        help="pipeline: parse, score, audit one table at a time (default);"
        " batch: each stage over a whole chunk",
    )
    parser.add_argument(
        "--engine",
        choices=("grouped", "objects"),
        default="grouped",
        help="grouped: jixiao.io.grouped_audit over each chunk (default); objects: build,"
        " evaluate and audit_case timed as three stages",
    )
    parser.add_argument(
        "--error-rate",
        type=float,
        default=1.0,
        help="scale the rate of deliberately wrong published figures (0: a clean data set)",
    )
    parser.add_argument(
        "--validate",
        action="store_true",
        help="also time JSON-Schema validation of each document (reported, not in the total)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="cProfile the timed stages only (generation excluded); write pstats to FILE",
    )
    parser.add_argument("--top", type=int, default=15, help="hotspots printed with --profile")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: time.perf_counter (default); cpu: time.process_time, this process's CPU"
        " time only (steadier when other processes share the core)",
    )
    return parser.parse_args(argv)


def verdict_line(runs: list[Run]) -> str:
    """Every size against the goal: met only where each size meets it."""
    below = [run for run in runs if run.rate < GOAL]
    sizes = ", ".join(f"N={run.size:,} {run.rate:,.0f}/s ({run.rate / GOAL:.0%})" for run in runs)
    if not below:
        return f"met at every size ({sizes})"
    if len(below) == len(runs):
        return f"NOT met at any size ({sizes})"
    return f"met at {len(runs) - len(below)} of {len(runs)} sizes ({sizes})"


def build_line() -> str:
    """Whether the hot modules run as compiled copies (jixiao.compiled) or from source."""
    running = compiled.in_use()
    if len(running) == len(compiled.MODULES):
        return f"compiled: all {len(running)} hot modules (jixiao.compiled, Cython)"
    if running:
        sources = sorted(set(compiled.MODULES) - set(running))
        return (
            f"compiled: {len(running)} of {len(compiled.MODULES)} (sources: {', '.join(sources)})"
        )
    why = "JIXIAO_PURE is set" if os.environ.get("JIXIAO_PURE") else "no current build"
    return f"sources: nothing compiled ({why})"


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    sizes = list(QUICK_SIZES) if args.quick else args.sizes
    print("jixiao core throughput: parse → score → audit (single process, single core)")
    print(f"machine: {machine()}")
    print(
        f"python:  {platform.python_implementation()} {platform.python_version()}"
        f" ({sys.executable})"
    )
    print(f"build:   {build_line()}")
    print(f"goal:    ≥ {GOAL:,} leaf indicators/s for parse + score + audit")
    print(
        f"data:    {LEAVES} leaves per evaluation, seed {args.seed}, mode {args.mode},"
        f" chunks of {args.chunk} evaluations, error rate ×{args.error_rate}, {args.clock} clock"
    )
    if args.engine == "grouped":
        print("engine:  grouped (jixiao.io.grouped_audit: parse + score + audit in one call)")
    else:
        print(
            "engine:  objects (parse: jixiao.io.cases.from_trusted_document, no schema"
            " validation, + targets.parse; score: evaluate; audit: audit_case)"
        )
    print()
    profiler = cProfile.Profile() if args.profile else None
    warm_up(args.seed + 1)
    runs = []
    for size in sizes:
        run = measure(
            size,
            seed=args.seed,
            chunk=args.chunk,
            mode=args.mode,
            errors=Errors(args.error_rate),
            check_schema=args.validate,
            profiler=profiler,
            clock=time.process_time if args.clock == "cpu" else time.perf_counter,
            engine=args.engine,
        )
        verdict = "meets" if run.rate >= GOAL else "below"
        print(f"N={size:,}: {run.total:.2f} s, {run.rate:,.0f} indicators/s ({verdict} the goal)")
        describe(run)
        print()
        runs.append(run)
    table(runs)
    print(f"\ngoal ≥ {GOAL:,} indicators/s: {verdict_line(runs)}")
    if profiler and args.profile:
        profiler.dump_stats(args.profile)
        print(
            f"\nprofile of the timed stages written to {args.profile}; top {args.top} by own time:"
        )
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(args.top)
        print(
            "note: cProfile keys functions by (file, line, name), so the generated __init__ of every"
            " dataclass is one '<string>:2(__init__)' row that only keeps the last one's numbers:"
            " dataclass construction is undercounted here (time it with timeit instead)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
