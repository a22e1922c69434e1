from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jixiao.core.rules import RuleSetError
from jixiao.io import rulesets
from jixiao.web.core_text.localize import localize_error
from jixiao.web.rulesets.models import RuleSetTable


class RuleSetTableForm(forms.ModelForm[RuleSetTable]):
    class Meta:
        model = RuleSetTable
        fields = ("name", "toml")
        widgets: ClassVar[dict[str, Any]] = {
            "toml": forms.Textarea(attrs={"rows": 18, "cols": 90, "spellcheck": "false"})
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, text = data.get("name"), data.get("toml")
        if name and text:
            try:
                rulesets.check_table(name, text)
            except RuleSetError as error:
                self.add_error("toml", localize_error(error))
        return data


@admin.register(RuleSetTable)
class RuleSetTableAdmin(admin.ModelAdmin[RuleSetTable]):
    form = RuleSetTableForm
    list_display = ("name", "title", "version", "replaces_shipped", "updated_at")
    search_fields = ("name",)

    @admin.display(description=_("标题"))
    def title(self, table: RuleSetTable) -> str:
        return self._ruleset(table, "title")

    @admin.display(description=_("版本"))
    def version(self, table: RuleSetTable) -> str:
        return self._ruleset(table, "version")

    @admin.display(description=_("替换内置规则集"), boolean=True)
    def replaces_shipped(self, table: RuleSetTable) -> bool:
        return table.name in rulesets.shipped()

    @staticmethod
    def _ruleset(table: RuleSetTable, field: str) -> str:
        try:
            return str(getattr(rulesets.check_table(table.name, table.toml), field, ""))
        except RuleSetError as error:
            return localize_error(error)
