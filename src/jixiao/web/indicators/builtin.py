"""Built-in templates for every framework in the seeds, and a starter indicator library.

The standard 项目支出绩效自评表 is written out here (its level-3 rows are placeholders each
evaluation replaces); the other frameworks are read from the seed case files and stripped of
their figures, so they stay in step with the seeds. :func:`ensure_builtin_templates` is
idempotent: it creates what is missing and brings existing built-ins back to their definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from jixiao.io.cases import CaseError, read_document
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.indicators.models import Indicator, Template
from jixiao.web.indicators.trees import strip_deductions, strip_tree

Kind = Evaluation.Kind

DEFAULT_SEEDS = Path(__file__).resolve().parents[4] / "examples" / "seeds"

PLACEHOLDER = "三级指标（待填写）"


def _group(name: str, weight: int, children: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "weight": str(weight), "children": children}


def _placeholder(level2: str, weight: int, method: str = "ratio_positive") -> dict[str, Any]:
    leaf = {"name": PLACEHOLDER, "weight": str(weight), "method": method}
    return _group(level2, weight, [leaf])


# 项目支出绩效自评表: 执行率 10, 产出 50, 效益 30, 满意度 10, split as in seed 004.
SELF_EVALUATION_TREE: list[dict[str, Any]] = [
    {"name": "执行率", "weight": "10", "method": "execution"},
    _group(
        "产出指标",
        50,
        [
            _placeholder("数量指标", 10),
            _placeholder("质量指标", 10),
            _placeholder("时效指标", 10),
            _placeholder("成本指标", 20, "ratio_negative"),
        ],
    ),
    _group(
        "效益指标",
        30,
        [
            _placeholder("经济效益指标", 10),
            _placeholder("社会效益指标", 6),
            _placeholder("生态效益指标", 6),
            _placeholder("可持续影响指标", 8),
        ],
    ),
    _group("满意度指标", 10, [_placeholder("服务对象满意度指标", 10)]),
]


@dataclass(frozen=True)
class SeedTemplate:
    name: str
    framework: str
    kind: str
    seed: str
    description: str


SELF_EVALUATION = "项目支出绩效自评表（执行率/产出/效益/满意度）"

SEED_TEMPLATES = (
    SeedTemplate(
        "财政支出政策绩效评价（经济性/效率性/有效性）",
        "经济性/效率性/有效性",
        Kind.DEPARTMENT,
        "000-jiaxing-policy.yaml",
        "政策类部门评价的评价指标计分表：经济性 20、效率性 30、有效性 50，含要点扣分、知晓度、"
        "定性分档、满意度档次等评分方法。据种子 000（嘉兴市经信局 2021 工信发展专项资金）整理。",
    ),
    SeedTemplate(
        "项目绩效评价（决策/过程/产出/效益）",
        "决策/过程/产出/效益",
        Kind.DEPARTMENT,
        "000-jiaxing-guarantee.yaml",
        "项目类部门评价：决策 35、过程 25、产出 20、效益 20；预算执行率以实际到位资金为分母。"
        "据种子 000（嘉兴市融资担保降费奖补）整理。",
    ),
    SeedTemplate(
        "政策绩效评价（通用/共性/特性/个性）",
        "通用/共性/特性/个性",
        Kind.THIRD_PARTY,
        "002-jiangyou-relief-fund.yaml",
        "第三方政策评价：通用 40、共性 20、特性 20、个性 20，含分级评分、缺(错)项扣分、"
        "完成及时性、资金结余率，以及违规记录、工作配合两个扣分项。据种子 002（江油市纾困资金）整理。",
    ),
    SeedTemplate(
        "专项支出绩效评价（项目决策/项目管理/项目绩效）",
        "项目决策/项目管理/项目绩效",
        Kind.SELF,
        "001-xiangtan-service-system.yaml",
        "专项支出绩效评价指标完成情况表：项目决策 30、项目管理 30、项目绩效 40，含分项计分、"
        "是否评分、分档计分、超标扣分、次数不足扣分、达标计分。据种子 001（湘潭县中小企业服务体系经费）整理。",
    ),
)

# Seeds whose level-3 rows make a starter library (the self-evaluation tables).
LIBRARY_SEEDS = (
    "004-zhuzhou-warm-enterprise.yaml",
    "000-jiaxing-platform-self.yaml",
    "000-jiaxing-industry-self.yaml",
)

_UNIT = re.compile(r"[（(]([^（()）]{1,8})[)）]\s*$")


def seed_tree(seeds: Path, file: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The template tree and deductions of one seed case file (figures stripped)."""
    document = read_document(seeds / file)
    if not isinstance(document, dict) or "indicators" not in document:
        raise CaseError(str(seeds / file), "不是评价表")
    return strip_tree(document["indicators"]), strip_deductions(document.get("deductions"))


def _library_rows(
    rows: list[Any], ancestors: tuple[str, ...], file: str
) -> list[tuple[str, str, dict[str, Any]]]:
    found: list[tuple[str, str, dict[str, Any]]] = []
    for raw in rows:
        children = raw.get("children") or []
        if children:
            found.extend(_library_rows(children, (*ancestors, raw["name"]), file))
        elif raw.get("method") and raw["method"] != "execution" and ancestors:
            found.append(("/".join(ancestors), raw["name"], raw))
    return found


@transaction.atomic
def ensure_builtin_templates(seeds: Path | None = None) -> list[Template]:
    """Create or refresh every built-in template and the starter library; all or nothing."""
    seeds = seeds or DEFAULT_SEEDS
    templates = [
        _upsert(
            SELF_EVALUATION,
            framework="自评表",
            kind=Kind.SELF,
            description="项目支出绩效自评表的标准结构：执行率 10、产出指标 50（数量/质量/时效/成本）、"
            "效益指标 30（经济/社会/生态/可持续影响）、满意度指标 10；分值同种子 004、000。"
            "三级指标为占位行，请改名或在其下级添加、删除。",
            tree=SELF_EVALUATION_TREE,
            deductions=[],
            source="国家项目支出绩效自评表（种子 004、000）",
            position=1,
        )
    ]
    for position, spec in enumerate(SEED_TEMPLATES, 2):
        tree, deductions = seed_tree(seeds, spec.seed)
        templates.append(
            _upsert(
                spec.name,
                framework=spec.framework,
                kind=spec.kind,
                description=spec.description,
                tree=tree,
                deductions=deductions,
                source=f"examples/seeds/{spec.seed}",
                position=position,
            )
        )
    for file in LIBRARY_SEEDS:
        tree, _ = seed_tree(seeds, file)
        for level_path, name, raw in _library_rows(tree, (), file):
            unit = _UNIT.search(name)
            Indicator.objects.update_or_create(
                level_path=level_path,
                name=name,
                defaults={
                    "unit": unit.group(1) if unit else "",
                    "method": raw["method"],
                    "params": raw.get("params") or {},
                    "description": f"来自 examples/seeds/{file}",
                    "is_builtin": True,
                },
            )
    return templates


def _upsert(name: str, **fields: Any) -> Template:
    template = Template.objects.filter(name=name).first() or Template(name=name)
    for field, value in fields.items():
        setattr(template, field, value)
    template.is_builtin = True
    template.save()
    return template
