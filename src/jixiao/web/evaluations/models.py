"""An evaluation stores its table as a case document (docs/case-format.md) — the same shape
the CLI reads — plus the figures the core computed from it, kept for list pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.web.orgs.models import Organisation


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        SELF = "自评", _("自评")
        DEPARTMENT = "部门评价", _("部门评价")
        FINANCE = "财政评价", _("财政评价")
        THIRD_PARTY = "第三方评价", _("第三方评价")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已通过")
        PUBLISHED = "published", _("已公开")

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        blank=True,
        related_name="assigned_evaluations",
    )
    title = models.CharField(_("标题"), max_length=255)
    project = models.CharField(_("项目/政策"), max_length=255, blank=True)
    # The funds.Project this evaluation is about (``project`` above is the name as printed).
    fund_project = models.ForeignKey(
        "funds.Project",
        verbose_name=_("关联项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    kind = models.CharField(_("评价类型"), max_length=16, choices=Kind.choices, default=Kind.SELF)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    rules = models.CharField(_("规则集"), max_length=64, blank=True)
    document = models.JSONField(_("评价表"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Figures from the last scoring, for list pages and summaries (exact, as text-backed decimals).
    computed_total = models.DecimalField(
        _("计算总分"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    computed_grade = models.CharField(_("计算等级"), max_length=4, blank=True)
    published_total = models.DecimalField(
        _("发布总分"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    published_grade = models.CharField(_("发布等级"), max_length=4, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("警告数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("绩效评价")
        verbose_name_plural = _("绩效评价")
        ordering = ["-year", "owner__name", "title"]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return self.title


class Transition(models.Model):
    """One workflow step: who moved the evaluation from which status to which, and why."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=Evaluation.Status.choices)
    to_status = models.CharField(max_length=16, choices=Evaluation.Status.choices)
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
