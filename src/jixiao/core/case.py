"""A case: one evaluation table (or department summary) as its publisher printed it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jixiao.core.budget import Budget
from jixiao.core.indicators import IndicatorTree, empty


class NarrativeKey(StrEnum):
    """The report chapters the user writes (the case file's ``narrative`` keys), in report order.

    Chosen from the seeds' reports (``002`` 第三方评价报告, ``004`` 绩效自评报告); the chapters
    with figures (评价结论, the score table) are generated and have no key of their own.
    """

    OVERVIEW = "overview"  # 一（一）项目概况 / 政策概况
    GOALS = "goals"  # 一（二）绩效目标
    PROCESS = "process"  # 二（一）评价工作过程
    ANALYSIS = "analysis"  # 三（二）绩效分析
    PROBLEMS = "problems"  # 四、存在的问题及原因分析
    SUGGESTIONS = "suggestions"  # 五、有关建议
    OTHER = "other"  # 六、其他需要说明的问题

    @property
    def label(self) -> str:
        return NARRATIVE_LABELS[self]


NARRATIVE_LABELS = {
    NarrativeKey.OVERVIEW: "项目概况",
    NarrativeKey.GOALS: "绩效目标",
    NarrativeKey.PROCESS: "绩效评价工作开展情况",
    NarrativeKey.ANALYSIS: "绩效分析",
    NarrativeKey.PROBLEMS: "存在的问题及原因分析",
    NarrativeKey.SUGGESTIONS: "有关建议",
    NarrativeKey.OTHER: "其他需要说明的问题",
}
MAX_NARRATIVE = 20000  # characters per chapter: a long chapter of a printed report is ~8 000


class EvaluationKind(StrEnum):
    SELF = "自评"
    DEPARTMENT = "部门评价"
    FINANCE = "财政评价"
    THIRD_PARTY = "第三方评价"


def table_identity(
    region: str, year: int | None, department: str, project: str, kind: EvaluationKind
) -> str:
    """What makes two files the same table (``project``: the project, else the title)."""
    return "|".join((region, str(year or ""), department, project, kind.value))


@dataclass(frozen=True, slots=True)
class CaseMeta:
    title: str = ""
    region: str = ""
    year: int | None = None
    department: str = ""
    unit: str = ""
    fund: str = ""
    project: str = ""
    kind: EvaluationKind = EvaluationKind.SELF
    framework: str = ""
    source: str = ""

    @property
    def identity(self) -> str:
        """What makes two files the same table, for stable finding fingerprints."""
        return table_identity(
            self.region, self.year, self.department, self.project or self.title, self.kind
        )


@dataclass(frozen=True, slots=True)
class Published:
    total: Decimal | None = None
    grade: str | None = None
    declared_counts: Mapping[int, int] = field(default_factory=empty)
    total_budget: Decimal | None = None


@dataclass(frozen=True)
class Case:
    meta: CaseMeta
    tree: IndicatorTree
    budget: Budget | None = None
    rules: str | None = None
    published: Published = Published()
    file: str = ""
    # What the user wrote for the report, by chapter, in NarrativeKey order; empty ones left out.
    narrative: Mapping[NarrativeKey, str] = field(default_factory=empty)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One row of 部门绩效自评结果汇总表."""

    no: int
    unit: str
    project: str
    full_year_budget: Decimal
    executed: Decimal
    published_rate: Decimal | None
    conclusion: str
    line: int | None = None


@dataclass(frozen=True)
class DepartmentSummary:
    meta: CaseMeta
    rows: tuple[SummaryRow, ...]
    rules: str | None = None
    published: Published = Published()
    file: str = ""
