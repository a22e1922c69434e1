from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionLog(models.Model):
    """One thing that happened, pretix style: ``jixiao.evaluation.row.changed`` + data."""

    action = models.CharField(_("操作"), max_length=96, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        verbose_name=_("绩效评价"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="log",
    )
    subject = models.CharField(
        _("对象"), max_length=64, blank=True, default="", db_index=True
    )  # "app.model:pk" for records other than evaluations (allocation runs, payments…)
    data = models.JSONField(_("内容"), default=dict)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
