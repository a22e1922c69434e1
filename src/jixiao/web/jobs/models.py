"""Background jobs a user started (a batch audit of an uploaded zip…), with their progress and
result. Who may see one is decided in orgs/permissions.py: only its owner."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.core.text import Text
from jixiao.web.orgs.models import Organisation

STALE_AFTER = timedelta(minutes=10)
"""A running job reports progress at least every few seconds; this long a silence means its
worker was stopped (killed, restarted) and the job will never finish."""


MESSAGE_TEXT = "message_text"
"""The ``params`` key that keeps a message's template and arguments, to show it translated."""


def text_to_json(text: Text) -> dict[str, Any]:
    """A core :class:`Text` as JSON data (nested Texts too; other arguments as strings)."""
    args = {
        name: text_to_json(value) if isinstance(value, Text) else str(value)
        for name, value in text.args.items()
    }
    return {"template": text.template, "args": args}


def text_from_json(data: Any) -> Text | None:
    """The :class:`Text` :func:`text_to_json` wrote, or None for anything else."""
    if not isinstance(data, dict):
        return None
    template, given = data.get("template"), data.get("args")
    if not isinstance(template, str) or not isinstance(given, dict):
        return None
    args: dict[str, Any] = {}
    for name, value in given.items():
        inner = text_from_json(value) if isinstance(value, dict) else value
        if not isinstance(inner, str):
            return None
        args[str(name)] = inner
    try:
        return Text(template, **args)
    except (KeyError, IndexError, ValueError):
        return None


class Job(models.Model):
    class Kind(models.TextChoices):
        BATCH_AUDIT = "batch_audit", _("批量审核")
        BULK_EXPORT = "bulk_export", _("批量导出")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("文件总数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    upload = models.FileField(_("上传的文件"), upload_to="jobs/uploads/", blank=True)
    upload_name = models.CharField(_("上传文件名"), max_length=255, blank=True)
    result = models.FileField(_("结果文件"), upload_to="jobs/results/", blank=True)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("最近进展"), null=True, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)  # a bulk export's choices

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def set_message(self, message: str) -> None:
        """Set ``message`` (Chinese, as stored); a core :class:`Text` is also kept in ``params``
        so that :attr:`shown_message` can be shown in the reader's language. Save ``params``."""
        params = dict(self.params) if isinstance(self.params, dict) else {}
        params.pop(MESSAGE_TEXT, None)
        if isinstance(message, Text):
            params[MESSAGE_TEXT] = text_to_json(message)
        self.message = str.__str__(message)
        self.params = params

    @property
    def shown_message(self) -> str:
        """The message, a :class:`Text` again when one was kept (``|localize`` translates it)."""
        kept = self.params.get(MESSAGE_TEXT) if isinstance(self.params, dict) else None
        text = text_from_json(kept)
        return text if text is not None and text == self.message else self.message

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def last_sign_of_life(self) -> datetime:
        """When the worker last showed it was on this job (progress), else when it started."""
        return self.heartbeat or self.started or self.created

    def is_stale(self, now: datetime) -> bool:
        """A running job whose worker has said nothing for :data:`STALE_AFTER`: it died."""
        return self.status == self.Status.RUNNING and now - self.last_sign_of_life() > STALE_AFTER

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def result_filename(self) -> str:
        stem = self.upload_name.rsplit(".", 1)[0] if self.upload_name else f"任务{self.pk}"
        if self.kind == self.Kind.BULK_EXPORT:
            return f"{stem}.zip"
        return f"{stem}-审核.xlsx"

    @property
    def result_mimetype(self) -> str:
        if self.kind == self.Kind.BULK_EXPORT:
            return "application/zip"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
