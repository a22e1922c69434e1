"""The indicator library (指标库) and evaluation templates (评价模板).

A template holds the ``indicators`` list of a case document (docs/case-format.md) stripped of
every figure, so that a new evaluation starts from a framework whose weights already add up to
100; it is validated through the case loader whenever it is cleaned or saved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.core.money import to_decimal
from jixiao.core.scoring import REGISTRY
from jixiao.web.core_text.localize import localize
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.indicators.trees import case_document, rows_with_method, tree_issues


def method_choices() -> list[tuple[str, str]]:
    """Every scoring method of the core, as (code, "title（code）") for select boxes; the
    title in the active language (the field's choices call this on each use)."""
    return [
        (code, f"{localize(method.title)}（{code}）") for code, method in sorted(REGISTRY.items())
    ]


class Indicator(models.Model):
    """One reusable indicator: where it sits in a framework and how it is usually scored."""

    name = models.CharField(_("名称"), max_length=128)
    level_path = models.CharField(
        _("层级"),
        max_length=255,
        blank=True,
        help_text=_("上级指标名称，用“/”分隔，例如 产出指标/数量指标"),
    )
    unit = models.CharField(_("计量单位"), max_length=32, blank=True)
    method = models.CharField(_("默认评分方法"), max_length=32, choices=method_choices)
    params = models.JSONField(_("默认参数"), default=dict, blank=True)
    description = models.TextField(_("说明"), blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False)

    class Meta:
        verbose_name = _("指标库指标")
        verbose_name_plural = _("指标库")
        ordering = ["level_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level_path", "name"], name="unique_library_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.level_path}/{self.name}" if self.level_path else self.name

    @property
    def levels(self) -> list[str]:
        return [part.strip() for part in self.level_path.split("/") if part.strip()]

    @property
    def row_name(self) -> str:
        """The name a row takes in a table: the unit in brackets unless the name has it."""
        if self.unit and self.unit not in self.name:
            return f"{self.name}（{self.unit}）"
        return self.name

    def clean(self) -> None:
        if self.method not in REGISTRY:
            raise ValidationError({"method": _("未知评分方法 %(m)s") % {"m": self.method}})
        if not isinstance(self.params, dict):
            raise ValidationError({"params": _("默认参数须为 JSON 对象")})
        row: dict[str, Any] = {"name": self.name or "指标", "weight": "100", "method": self.method}
        if self.params:
            row["params"] = self.params
        issues = tree_issues([row])
        if issues:
            raise ValidationError({"params": [issue.message for issue in issues]})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()
        super().save(*args, **kwargs)


class Template(models.Model):
    """A framework's indicator tree, ready to start an evaluation from."""

    name = models.CharField(_("名称"), max_length=128, unique=True)
    framework = models.CharField(
        _("指标框架"), max_length=64, help_text=_("例如 自评表、经济性/效率性/有效性")
    )
    kind = models.CharField(
        _("默认评价类型"),
        max_length=16,
        choices=Evaluation.Kind.choices,
        default=Evaluation.Kind.SELF,
    )
    description = models.TextField(_("说明"), blank=True)
    tree = models.JSONField(
        _("指标树"),
        help_text=_("评价表的 indicators 列表：名称、分值、评分方法、参数、下级指标（不含指标值）"),
    )
    deductions = models.JSONField(_("扣分项"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=255, blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评价模板")
        verbose_name_plural = _("评价模板")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        issues = tree_issues(self.tree, self.deductions)
        if issues:
            raise ValidationError(
                {"tree": [ValidationError(issue.message, code=issue.code) for issue in issues]}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()  # a template that would make a broken table is never stored
        super().save(*args, **kwargs)

    @property
    def execution_rows(self) -> list[dict[str, Any]]:
        return rows_with_method(self.tree, "execution")

    @property
    def budget_weight(self) -> Decimal | None:
        """The weight of the 执行率 row (the execution method), if the template has one."""
        rows = self.execution_rows
        if not rows or rows[0].get("weight") is None:
            return None
        return to_decimal(str(rows[0]["weight"]))

    def document(self, meta: dict[str, Any], budget: dict[str, Any] | None = None) -> Any:
        """A fresh case document for a new evaluation: this tree, no figures yet."""
        document = case_document(self.tree, self.deductions, meta)
        if budget:
            document["budget"] = budget
        return document
