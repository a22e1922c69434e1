"""Special funds (专项资金), the projects and policies they pay for, and their budget lines.

Money is in 万元 and exact (``DecimalField``; never floats). The figures a project shows —
totals, 执行率, the warnings of its region's rule set — are computed by ``jixiao.core``
(:class:`~jixiao.core.budget.Budget`, :meth:`~jixiao.core.rules.RuleSet.best_grade_allowed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jixiao.core.budget import Budget
from jixiao.core.money import HUNDRED, ZERO
from jixiao.core.rules import GRADES, ExecutionDenominator, RuleSet, grade_rank
from jixiao.io import rulesets
from jixiao.web.orgs.models import Organisation

NOT_NEGATIVE = [MinValueValidator(ZERO)]


class SpecialFund(models.Model):
    """专项资金: a named pot of money with a policy behind it, owned by its 主管部门."""

    name = models.CharField(_("名称"), max_length=255)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("主管部门"),
        on_delete=models.PROTECT,
        related_name="special_funds",
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("专项资金")
        verbose_name_plural = _("专项资金")
        ordering = ["owner__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_fund_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """项目 / 政策: what is budgeted, executed and evaluated in one year."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("项目")
        POLICY = "policy", _("政策")

    fund = models.ForeignKey(
        SpecialFund,
        verbose_name=_("专项资金"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("项目单位，或主管部门本身"),
    )
    name = models.CharField(_("名称"), max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.PROJECT)
    sequence = models.PositiveIntegerField(
        _("序号"), default=0, help_text=_("在部门汇总表中的排列次序")
    )

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-year", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "name"], name="unique_project_per_owner_year"
            )
        ]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    # Figures. ``lines`` may be prefetched (``prefetch_related("lines")``): nothing here queries
    # beyond ``self.lines.all()`` and the owner's region chain (select_related it for lists).
    # ``budget`` and ``rules`` are computed once per instance: reload it after changing lines.

    @property
    def budget_lines(self) -> list[BudgetLine]:
        return list(self.lines.all())

    @cached_property
    def budget(self) -> Budget:
        """The project's 年度资金 block for ``jixiao.core``: the lines summed, by source."""
        return budget_of(self.budget_lines)

    @property
    def initial_budget(self) -> Decimal | None:
        return self.budget.initial

    @property
    def full_year_budget(self) -> Decimal:
        return self.budget.full_year or ZERO

    @property
    def executed(self) -> Decimal | None:
        return self.budget.executed

    @property
    def execution_rate(self) -> Decimal | None:
        """全年执行数 / 全年预算数 as an exact fraction (not capped); None when unknown."""
        return self.budget.execution_rate(ExecutionDenominator.FULL_YEAR_BUDGET)

    @property
    def execution_percent(self) -> Decimal | None:
        rate = self.execution_rate
        return None if rate is None else rate * HUNDRED

    @cached_property
    def rules(self) -> RuleSet:
        """The rule set of the owner's region and the project's year."""
        return rulesets.select(self.owner.region.full_name, self.year)

    @property
    def best_grade_allowed(self) -> str:
        return self.rules.best_grade_allowed(self.execution_percent)

    @property
    def warnings(self) -> list[str]:
        return execution_warnings(self.rules, self.execution_percent)


def execution_warnings(rules: RuleSet, percent: Decimal | None) -> list[str]:
    """What the rule set's grade caps say about a 执行率 (percent); empty when none applies.

    The binding cap is the one :meth:`RuleSet.best_grade_allowed` picks: under ``zhejiang``
    60 % gives 「执行率低于91%，自评结论不得为优」 and 40 % 「执行率低于50%，自评结论为中及以下」.
    """
    best = rules.best_grade_allowed(percent)
    if percent is None or best == GRADES[0]:
        return []
    binding = min(
        (cap for cap in rules.grade_caps if cap.best == best and percent < cap.below),
        key=lambda cap: cap.below,
    )
    below = f"{binding.below.normalize():f}"
    if grade_rank(best) == 1:
        return [
            gettext("执行率低于%(below)s%%，自评结论不得为%(grade)s")
            % {"below": below, "grade": GRADES[0]}
        ]
    return [
        gettext("执行率低于%(below)s%%，自评结论为%(grade)s及以下")
        % {"below": below, "grade": best}
    ]


def _total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None when any part is unknown (a line whose figure was not stated)."""
    parts = list(values)
    if any(value is None for value in parts):
        return None
    return sum((value for value in parts if value is not None), ZERO)


# (source, 年初预算数, 全年预算数, 全年执行数) of one budget line, as stored.
LineFigures = tuple[str, Decimal | None, Decimal, Decimal | None]
LINE_FIGURES = ("source", "initial_budget", "full_year_budget", "executed")


def budget_of(lines: Iterable[BudgetLine]) -> Budget:
    return budget_of_figures(
        (line.source, line.initial_budget, line.full_year_budget, line.executed) for line in lines
    )


def budget_of_figures(lines: Iterable[LineFigures]) -> Budget:
    """The 年度资金 block of a project's lines (in their order): totals, and 全年预算数 by
    source under the source's label. Each source's label is translated once per call, not
    once per line (a list page sums the lines of 50 projects)."""
    lines = list(lines)
    labels: dict[str, str] = {}
    sources: dict[str, Decimal] = {}
    for source, _initial, full_year, _executed in lines:
        label = labels.get(source)
        if label is None:
            label = labels[source] = str(SOURCE_LABELS.get(source, source))
        sources[label] = sources.get(label, ZERO) + full_year
    return Budget(
        initial=_total(line[1] for line in lines) if lines else None,
        full_year=sum((line[2] for line in lines), ZERO) if lines else None,
        executed=_total(line[3] for line in lines) if lines else None,
        sources=sources,
    )


def budgets_of(project_ids: Iterable[int]) -> dict[int, Budget]:
    """Each project's budget from its lines' figures: one query for a page of projects,
    without a model instance per line. A project without lines gets the empty budget."""
    ids = sorted(set(project_ids))
    figures: dict[int, list[LineFigures]] = {pk: [] for pk in ids}
    if ids:
        rows = (
            BudgetLine.objects.filter(project_id__in=ids)
            .order_by("project_id", "source", "level", "pk")
            .values_list("project_id", *LINE_FIGURES)
        )
        for project_id, *line in rows:
            figures[project_id].append((line[0], line[1], line[2], line[3]))
    return {pk: budget_of_figures(lines) for pk, lines in figures.items()}


class BudgetLine(models.Model):
    """One source of the project's money (当年财政拨款 by level, 上年结转, 其他), in 万元."""

    class Source(models.TextChoices):
        CURRENT = "current", _("当年财政拨款")
        CARRYOVER = "carryover", _("上年结转")
        OTHER = "other", _("其他")

    class Level(models.TextChoices):
        CENTRAL = "central", _("中央")
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="lines"
    )
    source = models.CharField(
        _("资金来源"), max_length=16, choices=Source.choices, default=Source.CURRENT
    )
    level = models.CharField(
        _("拨款级次"),
        max_length=16,
        choices=Level.choices,
        blank=True,
        help_text=_("仅当年财政拨款填写"),
    )
    initial_budget = models.DecimalField(
        _("年初预算数"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    full_year_budget = models.DecimalField(
        _("全年预算数"), max_digits=14, decimal_places=4, default=ZERO, validators=NOT_NEGATIVE
    )
    executed = models.DecimalField(
        _("全年执行数"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("未说明时留空"),
    )

    class Meta:
        verbose_name = _("预算明细")
        verbose_name_plural = _("预算明细")
        ordering = ["project", "source", "level", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_year_budget__gte=0)
                & (Q(initial_budget__isnull=True) | Q(initial_budget__gte=0))
                & (Q(executed__isnull=True) | Q(executed__gte=0)),
                name="budget_line_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(source="current") | Q(level=""),
                name="budget_line_level_only_for_current",
            ),
        ]

    @property
    def execution_percent(self) -> Decimal | None:
        budget = Budget(full_year=self.full_year_budget, executed=self.executed)
        return budget.execution_percent(ExecutionDenominator.FULL_YEAR_BUDGET)

    def clean(self) -> None:
        super().clean()
        if self.level and self.source != self.Source.CURRENT:
            raise ValidationError({"level": _("只有当年财政拨款区分中央/省/市/县级次")})

    def __str__(self) -> str:
        level = f"（{self.get_level_display()}）" if self.level else ""
        return f"{self.get_source_display()}{level}"


SOURCE_LABELS = dict(BudgetLine.Source.choices)
