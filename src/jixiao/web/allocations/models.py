"""因素法 allocation runs: a pot split among candidates by weighted factors (``jixiao.core``).

A run stores its settings and candidates; :func:`document` turns them into the same document an
allocation file holds (docs/allocation.md), so the web and the command line check and compute
alike. Attribute values are kept as decimal strings (exact), or as text for text attributes.
The result is stored when computed and cleared by any change; confirming locks the run.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.allocation import RoundingMethod
from jixiao.core.money import ZERO
from jixiao.io.allocation_file import (
    DEFAULT_CANDIDATE_LABEL,
    DEFAULT_TITLE,
    FORMAT,
    AllocationDocument,
    from_document,
)
from jixiao.web.funds.models import Project
from jixiao.web.orgs.models import Organisation


class AllocationRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        CONFIRMED = "confirmed", _("已确认")

    class Rounding(models.TextChoices):
        LARGEST_REMAINDER = RoundingMethod.LARGEST_REMAINDER.value, _("最大余额法")
        BALANCE_TO_LARGEST = RoundingMethod.BALANCE_TO_LARGEST.value, _("四舍五入，尾差计入最大额")

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="allocation_runs",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocation_runs",
    )
    name = models.CharField(_("名称"), max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"))
    pot = models.DecimalField(
        _("分配总额（万元）"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    title = models.CharField(_("表格标题"), max_length=255, default=DEFAULT_TITLE)
    candidate_label = models.CharField(
        _("对象名称列标题"), max_length=64, default=DEFAULT_CANDIDATE_LABEL
    )
    rounding = models.CharField(
        _("舍入方法"),
        max_length=32,
        choices=Rounding.choices,
        default=Rounding.LARGEST_REMAINDER,
    )
    attributes = models.JSONField(_("属性列"), default=list, blank=True)  # [{name, label}]
    factors = models.JSONField(_("分配因素"), default=list, blank=True)  # [{attribute, weight}]
    rules = models.JSONField(_("分配条件"), default=list, blank=True)  # [{attribute, comparator…}]
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    result = models.JSONField(_("分配结果"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("因素法分配")
        verbose_name_plural = _("因素法分配")
        ordering = ["-year", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pot__gte=0), name="allocation_pot_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.CONFIRMED

    def plain(self, candidates: list[Candidate] | None = None) -> dict[str, Any]:
        """The run as an allocation-file document (plain JSON, exact decimal strings)."""
        rows = candidates if candidates is not None else list(self.candidates.all())
        return {
            "format": FORMAT,
            "title": self.title,
            "name": self.name,
            "year": self.year,
            "owner": self.owner.name,
            "candidate_label": self.candidate_label,
            "pot": str(self.pot),
            "rounding": self.rounding,
            "attributes": list(self.attributes),
            "factors": list(self.factors),
            "rules": list(self.rules),
            "candidates": [c.plain() for c in rows],
        }

    def document(self, candidates: list[Candidate] | None = None) -> AllocationDocument:
        """Checked through the allocation-file reader (AllocationFileError when bad); the
        candidate list may still be empty."""
        return from_document(self.plain(candidates), self.name, draft=True)

    def columns(self) -> list[dict[str, str]]:
        """The attribute columns shown and entered: the declared ones, then any factor or rule
        attribute not declared (as the allocation file reads them)."""
        return [{"name": c.name, "label": c.label} for c in self.document([]).columns]


class Candidate(models.Model):
    run = models.ForeignKey(
        AllocationRun,
        verbose_name=_("因素法分配"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    name = models.CharField(_("名称"), max_length=255)
    attributes = models.JSONField(_("属性"), default=dict, blank=True)  # name → decimal string
    cap = models.DecimalField(
        _("补贴上限（万元）"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    position = models.PositiveIntegerField(_("次序"), default=0)

    class Meta:
        verbose_name = _("分配对象")
        verbose_name_plural = _("分配对象")
        ordering = ["run", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="unique_candidate_per_run")
        ]

    def __str__(self) -> str:
        return self.name

    def plain(self) -> dict[str, Any]:
        item: dict[str, Any] = {"name": self.name, "attributes": dict(self.attributes)}
        if self.cap is not None:
            item["cap"] = str(self.cap)
        return item
