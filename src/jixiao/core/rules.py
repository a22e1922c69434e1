"""Versioned rule sets: the variants public tables disagree on, as named options.

A rule set is data (see ``jixiao/io/rulesets/*.toml``); this module only describes and checks it,
and answers the questions scoring and audit ask of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from jixiao.core.money import HUNDRED, ONE, ZERO, Rounding, quantize, to_decimal
from jixiao.core.text import Text


class ReverseFormula(StrEnum):
    """How a ``≤`` target is scored when the actual exceeds it (domain guide §4)."""

    RATIO = "ratio"  # R1: min(target/actual, 1) × w
    LINEAR = "linear"  # R2: (1 − (actual − target)/target) × w, 0 at twice the target


class ExecutionDenominator(StrEnum):
    FULL_YEAR_BUDGET = "full_year_budget"  # 全年预算数, the 自评表 (004)
    ARRIVED = "arrived"  # 实际到位资金, the 决策/过程/产出/效益 framework (000 guarantee)


GRADES = ("优", "良", "中", "差")
GRADE_ALIASES = {
    "优秀": "优",
    "良好": "良",
    "中等": "中",
    "合格": "中",
    "较差": "差",
    "不合格": "差",
}


def normalize_grade(text: str) -> str | None:
    """``优秀`` → ``优``; unknown words → None."""
    word = text.strip().removeprefix("等级：").removeprefix("等级:").strip()
    word = GRADE_ALIASES.get(word, word)
    return word if word in GRADES else None


def grade_rank(grade: str) -> int:
    """0 for 优 … 3 for 差: a larger rank is a lower grade."""
    return GRADES.index(grade)


def worse_grade(a: str, b: str) -> str:
    return a if grade_rank(a) >= grade_rank(b) else b


class RuleSetError(ValueError):
    """A rule-set table that cannot be used; the message says which field."""


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: str
    threshold: Decimal
    inclusive: bool = True  # ≥ threshold when True, > threshold when False

    def admits(self, total: Decimal) -> bool:
        return total >= self.threshold if self.inclusive else total > self.threshold


@dataclass(frozen=True, slots=True)
class QualitativeBand:
    """达成 / 部分达成 / 未达成: the evaluator picks a score inside ``[low, high]`` × weight."""

    label: str
    high: Decimal  # fraction of the weight, 1 = 100 %
    low: Decimal


@dataclass(frozen=True, slots=True)
class GradeCap:
    """浙江: execution below ``below`` % → the grade may be at best ``best``."""

    below: Decimal
    best: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    name: str
    version: str
    title: str = ""
    regions: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    places: int = 2
    rounding: Rounding = Rounding.HALF_UP
    reverse_formula: ReverseFormula = ReverseFormula.RATIO
    qualitative_bands: tuple[QualitativeBand, ...] = ()
    grade_bands: tuple[GradeBand, ...] = ()
    execution_denominator: ExecutionDenominator = ExecutionDenominator.FULL_YEAR_BUDGET
    execution_capped: bool = True
    grade_caps: tuple[GradeCap, ...] = ()
    tolerance: Decimal = Decimal("0.01")
    satisfaction_levels: Mapping[str, Decimal] = field(default_factory=dict)
    label: str = field(init=False, repr=False, compare=False)  # name@version, set once

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", f"{self.name}@{self.version}")
        if not self.grade_bands:
            raise RuleSetError(Text("规则集 {name}: 缺少等级划分 grade_bands", name=self.name))
        named = [band.grade for band in self.grade_bands] + [cap.best for cap in self.grade_caps]
        unknown = [name for name in named if name not in GRADES]
        if unknown:
            raise RuleSetError(
                Text(
                    "规则集 {name}: grade 须为 {grades} 之一，实为 {given}",
                    name=self.name,
                    grades="、".join(GRADES),
                    given="、".join(unknown),
                )
            )
        thresholds = [band.threshold for band in self.grade_bands]
        if thresholds != sorted(thresholds, reverse=True):
            raise RuleSetError(
                Text("规则集 {name}: grade_bands 须按分数从高到低排列", name=self.name)
            )
        for band in self.qualitative_bands:
            if not ZERO <= band.low <= band.high <= ONE:
                raise RuleSetError(
                    Text(
                        "规则集 {name}: 定性档次 {band} 的比例须在 0–1 之间",
                        name=self.name,
                        band=band.label,
                    )
                )

    def round(self, value: Decimal) -> Decimal:
        return quantize(value, self.places, self.rounding)

    def grade_for(self, total: Decimal) -> str:
        for band in self.grade_bands:
            if band.admits(total):
                return band.grade
        return GRADES[-1]

    def best_grade_allowed(self, execution_rate_percent: Decimal | None) -> str:
        """The highest grade the caps allow at this execution rate (优 when no cap applies)."""
        best = GRADES[0]
        if execution_rate_percent is None:
            return best
        for cap in self.grade_caps:
            if execution_rate_percent < cap.below and grade_rank(cap.best) > grade_rank(best):
                best = cap.best
        return best

    def qualitative_band(self, label: str) -> QualitativeBand | None:
        return next((band for band in self.qualitative_bands if band.label == label), None)

    def applies_to(self, region: str, year: int | None) -> bool:
        region_ok = not self.regions or any(region.startswith(r) for r in self.regions)
        year_ok = self.years is None or year is None or self.years[0] <= year <= self.years[1]
        return region_ok and year_ok


def _decimal(data: Mapping[str, Any], key: str, where: str) -> Decimal:
    try:
        return to_decimal(data[key])
    except KeyError:
        raise RuleSetError(Text("{where}: 缺少字段 {key}", where=where, key=key)) from None
    except (TypeError, ValueError):
        raise RuleSetError(
            Text(
                "{where}: 字段 {key} 须为数字，实为 {given}",
                where=where,
                key=key,
                given=repr(data[key]),
            )
        ) from None


E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], data: Mapping[str, Any], key: str, default: E, where: str) -> E:
    raw = data.get(key, default.value)
    try:
        return kind(raw)
    except ValueError:
        allowed = "、".join(member.value for member in kind)
        raise RuleSetError(
            Text(
                "{where}: 字段 {key} 须为 {allowed} 之一，实为 {given}",
                where=where,
                key=key,
                allowed=allowed,
                given=repr(raw),
            )
        ) from None


def ruleset_from_mapping(data: Mapping[str, Any], base: RuleSet | None = None) -> RuleSet:
    """Build a rule set from a parsed table file; keys missing here are taken from ``base``."""
    merged: dict[str, Any] = dict(_as_mapping(base)) if base else {}
    merged.update(data)
    where = Text("规则集 {name}", name=merged.get("name", "?"))
    years = merged.get("years")
    return RuleSet(
        name=str(merged["name"]),
        version=str(merged.get("version", "1")),
        title=str(merged.get("title", "")),
        regions=tuple(str(r) for r in merged.get("regions", ())),
        years=(int(years[0]), int(years[1])) if years else None,
        places=int(merged.get("places", 2)),
        rounding=_enum(Rounding, merged, "rounding", Rounding.HALF_UP, where),
        reverse_formula=_enum(
            ReverseFormula, merged, "reverse_formula", ReverseFormula.RATIO, where
        ),
        qualitative_bands=tuple(
            QualitativeBand(
                str(b["label"]),
                _decimal(b, "high", where) / HUNDRED,
                _decimal(b, "low", where) / HUNDRED,
            )
            for b in merged.get("qualitative_bands", ())
        ),
        grade_bands=tuple(
            GradeBand(
                str(b["grade"]), _decimal(b, "threshold", where), bool(b.get("inclusive", True))
            )
            for b in merged.get("grade_bands", ())
        ),
        execution_denominator=_enum(
            ExecutionDenominator,
            merged,
            "execution_denominator",
            ExecutionDenominator.FULL_YEAR_BUDGET,
            where,
        ),
        execution_capped=bool(merged.get("execution_capped", True)),
        grade_caps=tuple(
            GradeCap(_decimal(c, "below", where), str(c["best"]))
            for c in merged.get("grade_caps", ())
        ),
        tolerance=to_decimal(str(merged.get("tolerance", "0.01"))),
        satisfaction_levels={
            str(k): to_decimal(str(v)) / HUNDRED
            for k, v in merged.get("satisfaction_levels", {}).items()
        },
    )


def _as_mapping(rules: RuleSet) -> dict[str, Any]:
    """The inverse of :func:`ruleset_from_mapping`, so a province can extend ``national``."""
    return {
        "name": rules.name,
        "version": rules.version,
        "title": rules.title,
        "regions": list(rules.regions),
        "years": list(rules.years) if rules.years else None,
        "places": rules.places,
        "rounding": rules.rounding.value,
        "reverse_formula": rules.reverse_formula.value,
        "qualitative_bands": [
            {"label": b.label, "high": b.high * HUNDRED, "low": b.low * HUNDRED}
            for b in rules.qualitative_bands
        ],
        "grade_bands": [
            {"grade": b.grade, "threshold": b.threshold, "inclusive": b.inclusive}
            for b in rules.grade_bands
        ],
        "execution_denominator": rules.execution_denominator.value,
        "execution_capped": rules.execution_capped,
        "grade_caps": [{"below": c.below, "best": c.best} for c in rules.grade_caps],
        "tolerance": str(rules.tolerance),
        "satisfaction_levels": {k: v * HUNDRED for k, v in rules.satisfaction_levels.items()},
    }
