from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.web.evaluations.models import Evaluation
from jixiao.web.indicators.models import Template
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import creatable_organisations


class OrganisationChoice(forms.ModelChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name}（{obj.region.full_name}）"


class NewEvaluationForm(forms.Form):
    """Title, project, year and kind of a new evaluation, for one of the user's organisations."""

    owner = OrganisationChoice(
        label=_("所属单位"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("您不能为该单位创建评价")},
    )
    title = forms.CharField(label=_("标题"), max_length=255)
    project = forms.CharField(label=_("项目/政策"), max_length=255, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100, required=False)
    kind = forms.ChoiceField(label=_("评价类型"), choices=Evaluation.Kind.choices)
    full_year = forms.DecimalField(
        label=_("全年预算数（万元）"), required=False, min_value=0, max_digits=14, decimal_places=4
    )
    executed = forms.DecimalField(
        label=_("全年执行数（万元）"), required=False, min_value=0, max_digits=14, decimal_places=4
    )
    arrived = forms.DecimalField(
        label=_("实际到位资金（万元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=4,
    )

    BUDGET_FIELDS = ("full_year", "executed", "arrived")

    def __init__(self, *args: Any, user: Any, template: Template, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = creatable_organisations(user)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners
        self.fields["kind"].initial = template.kind
        if not template.execution_rows:
            for name in self.BUDGET_FIELDS:
                del self.fields[name]

    @property
    def budget_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.BUDGET_FIELDS if name in self.fields]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.BUDGET_FIELDS]

    def budget(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.BUDGET_FIELDS}
