"""A case: one evaluation table (or department summary) as its publisher printed it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jixiao.core.budget import Budget
from jixiao.core.indicators import IndicatorTree, empty


class EvaluationKind(StrEnum):
    SELF = "自评"
    DEPARTMENT = "部门评价"
    FINANCE = "财政评价"
    THIRD_PARTY = "第三方评价"


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
        return "|".join(
            (
                self.region,
                str(self.year or ""),
                self.department,
                self.project or self.title,
                self.kind.value,
            )
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
