"""Forms of the co-funding pages; the rules themselves are :mod:`jixiao.core.cofunding`'s."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core import cofunding as core
from jixiao.core.text import Text
from jixiao.web.cofunding.models import CofundingPlan, Level
from jixiao.web.core_text.localize import localize
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import visible_owned, visible_projects
from jixiao.web.subsidies.models import SubsidyPolicy
from jixiao.web.subsidies.services import approved_total

PUBLISHED_PAID_TOTAL = Text("报告所列到位合计")  # names the field in a core message
AMOUNT_ERRORS = {
    "invalid": _("请输入数字（万元）"),
    "max_decimal_places": _("最多保留 4 位小数（万元，即精确到元）"),
    "max_digits": _("数字过大"),
    "max_whole_digits": _("数字过大"),
}
DATE_ERRORS = {"invalid": _("请输入日期，如 2022-07-24")}


class OrganisationChoice(forms.ModelChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name}（{obj.region.full_name}）"


class PlanForm(forms.ModelForm[CofundingPlan]):
    """A plan's fields; the 分担比例, amounts and dates are checked by the core."""

    owner = OrganisationChoice(
        label=_("所属单位"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("您不能为该单位建立资金分担计划")},
    )

    class Meta:
        model = CofundingPlan
        fields = (
            "owner",
            "name",
            "project",
            "subsidy_policy",
            "approved_total",
            "cost_share",
            "policy_date",
            "deadline",
            "published_paid_total",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "policy_date": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages: ClassVar[dict[str, Any]] = {
            "approved_total": {**AMOUNT_ERRORS, "required": _("请填写批复总额")},
            "published_paid_total": AMOUNT_ERRORS,
            "policy_date": {**DATE_ERRORS, "required": _("请填写政策日期")},
            "deadline": {**DATE_ERRORS, "required": _("请填写拨付期限")},
            "name": {"required": _("请填写名称")},
            "cost_share": {"required": _("请填写分担比例，如 3:3:4")},
        }

    def __init__(self, *args: Any, user: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owners
        project = self.fields["project"]
        assert isinstance(project, forms.ModelChoiceField)
        project.queryset = visible_projects(user).order_by("-year", "name")
        project.error_messages["invalid_choice"] = _("所选项目不存在或您无权查看")
        policy = self.fields["subsidy_policy"]
        assert isinstance(policy, forms.ModelChoiceField)
        policy.queryset = visible_owned(user, SubsidyPolicy.objects.all()).order_by("-year", "name")
        policy.error_messages["invalid_choice"] = _("所选补贴政策不存在或您无权查看")
        self.fields["approved_total"].required = False
        if self.instance.pk:  # the owner of a plan does not change
            del self.fields["owner"]

    def clean_approved_total(self) -> Any:
        return _amount(self.cleaned_data.get("approved_total"), core.APPROVED_TOTAL)

    def clean_published_paid_total(self) -> Any:
        value = self.cleaned_data.get("published_paid_total")
        return None if value is None else _amount(value, PUBLISHED_PAID_TOTAL)

    def clean_cost_share(self) -> str:
        text = str(self.cleaned_data.get("cost_share", "")).strip()
        try:
            core.CostShare.parse(text)
        except core.CofundingError as error:
            raise forms.ValidationError(localize(str(error))) from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("subsidy_policy") is not None:  # the approvals decide the total
            data["approved_total"] = approved_total(data["subsidy_policy"])
        elif data.get("approved_total") is None and "approved_total" not in self.errors:
            self.add_error("approved_total", _("请填写批复总额，或选择补贴政策"))
        policy, deadline = data.get("policy_date"), data.get("deadline")
        if policy and deadline and deadline < policy:
            self.add_error("deadline", _("拨付期限不能早于政策日期"))
        return data


def _amount(value: Any, field: str) -> Any:
    if value is None:
        return value
    try:
        return core.amount(value, field)
    except core.CofundingError as error:
        raise forms.ValidationError(localize(str(error))) from None


class PaymentForm(forms.Form):
    level = forms.ChoiceField(
        label=_("级次"),
        choices=Level.choices,
        error_messages={
            "required": _("请选择级次"),
            "invalid_choice": _("未知级次，须为 省、市 或 县"),
        },
    )
    amount = forms.DecimalField(
        label=_("拨付金额（万元）"),
        max_digits=14,
        decimal_places=4,
        error_messages={**AMOUNT_ERRORS, "required": _("请填写拨付金额")},
    )
    paid_on = forms.DateField(
        label=_("拨付日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={**DATE_ERRORS, "required": _("请填写拨付日期")},
    )
    reference = forms.CharField(label=_("凭证/文号"), max_length=128, required=False)

    def clean_amount(self) -> Any:
        value = self.cleaned_data.get("amount")
        try:
            return core.amount(value, core.PAYMENT_AMOUNT, positive=True)
        except core.CofundingError as error:
            raise forms.ValidationError(localize(str(error))) from None
