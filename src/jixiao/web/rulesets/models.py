from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSetTable(models.Model):
    """A rule-set table entered in the admin: the same TOML as the shipped files
    (``src/jixiao/io/rulesets/*.toml``). Saving writes it to ``JIXIAO_RULESETS_DIR``, where
    every process reads it; a table named like a shipped one replaces it."""

    name = models.SlugField(
        _("名称"),
        max_length=64,
        unique=True,
        help_text=_("英文小写，如 sichuan；与内置规则集同名时替换内置的"),
    )
    toml = models.TextField(
        _("规则表（TOML）"),
        help_text=_('格式同内置规则集文件，例如 extends = "national"、regions、grade_caps'),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
