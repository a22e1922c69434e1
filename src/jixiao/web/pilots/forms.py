"""Forms of the pilots app. They parse and check the shape of the input; the rules are the
core's (called by the services). Uploads: type by extension and first bytes, at most 10 MB."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.pilots import programme as core
from jixiao.core.pilots.evaluation import Measure, Narrative
from jixiao.core.pilots.evidence import EvidenceKind
from jixiao.core.pilots.institutions import Breach
from jixiao.core.pilots.records import Use
from jixiao.core.pilots.tranches import Tranche
from jixiao.web.core_text.localize import localize
from jixiao.web.pilots.models import CatalogueEntry
from jixiao.web.uploads import MAGIC, check_upload

HUNDRED = Decimal(100)
shown = lazy(localize, str)  # a core label in the language of the page that renders it
DATE = forms.DateInput(attrs={"type": "date"})
CLASS_NAMES = {
    "专精特新": core.EnterpriseClass.SPECIALISED,
    "专精特新方向企业": core.EnterpriseClass.SPECIALISED,
    "specialised": core.EnterpriseClass.SPECIALISED,
    "初期": core.EnterpriseClass.EARLY_STAGE,
    "发展初期": core.EnterpriseClass.EARLY_STAGE,
    "发展初期企业": core.EnterpriseClass.EARLY_STAGE,
    "early_stage": core.EnterpriseClass.EARLY_STAGE,
}


class TargetsForm(forms.Form):
    """The 绩效目标清单 (one row per service item; an empty row is not in the list) and the pilot
    enterprises, one per line: ``名称 | 专精特新/初期 | 诊断结论``."""

    enterprises = forms.CharField(
        label=gettext_lazy("试点企业（每行一家：名称 | 专精特新/初期 | 诊断结论）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("调整理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, initial_targets: core.TargetList | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        targets = initial_targets or core.TargetList()
        for service in core.PUBLIC_SERVICES:
            found = targets.public_target(service)
            self.fields[f"{service.value}_sessions"] = forms.IntegerField(
                label=_("%(service)s 场次") % {"service": localize(service.label)},
                min_value=0,
                required=False,
                initial=found.sessions if found else None,
            )
            self.fields[f"{service.value}_visits"] = forms.IntegerField(
                label=_("%(service)s 家次") % {"service": localize(service.label)},
                min_value=0,
                required=False,
                initial=found.enterprise_visits if found else None,
            )
        for service in core.PRECISE_SERVICES:
            goal = targets.precise_target(service)
            self.fields[f"{service.value}_quantity"] = forms.DecimalField(
                label=_("%(service)s 量化目标") % {"service": localize(service.label)},
                min_value=Decimal(0),
                decimal_places=2,
                required=False,
                initial=goal.quantity if goal else None,
            )
            self.fields[f"{service.value}_unit"] = forms.CharField(
                label=_("%(service)s 单位") % {"service": localize(service.label)},
                max_length=8,
                required=False,
                initial=goal.unit if goal else "家",
            )
            self.fields[f"{service.value}_description"] = forms.CharField(
                label=_("%(service)s 目标说明") % {"service": localize(service.label)},
                max_length=200,
                required=False,
                initial=goal.description if goal else "",
            )

    def public_rows(self) -> list[tuple[core.ServiceType, Any, Any]]:
        return [
            (s, self[f"{s.value}_sessions"], self[f"{s.value}_visits"])
            for s in core.PUBLIC_SERVICES
        ]

    def precise_rows(self) -> list[tuple[core.ServiceType, Any, Any, Any]]:
        return [
            (
                s,
                self[f"{s.value}_quantity"],
                self[f"{s.value}_unit"],
                self[f"{s.value}_description"],
            )
            for s in core.PRECISE_SERVICES
        ]

    def clean_enterprises(self) -> tuple[core.PilotEnterprise, ...]:
        result = []
        for number, line in enumerate(self.cleaned_data["enterprises"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            kind = CLASS_NAMES.get(parts[1] if len(parts) > 1 else "")
            if not parts[0] or kind is None:
                raise forms.ValidationError(
                    _("第 %(line)d 行：应为“名称 | 专精特新/初期 | 诊断结论”") % {"line": number}
                )
            result.append(core.PilotEnterprise(parts[0], kind, " | ".join(parts[2:])))
        return tuple(result)

    def targets(self) -> core.TargetList:
        data = self.cleaned_data
        public = []
        for service in core.PUBLIC_SERVICES:
            sessions, visits = (
                data.get(f"{service.value}_sessions"),
                data.get(f"{service.value}_visits"),
            )
            if sessions is None and visits is None:
                continue
            public.append(core.PublicTarget(service, sessions or 0, visits or 0))
        precise = []
        for service in core.PRECISE_SERVICES:
            quantity = data.get(f"{service.value}_quantity")
            if quantity is None:
                continue
            precise.append(
                core.PreciseTarget(
                    service,
                    quantity,
                    data.get(f"{service.value}_unit") or "家",
                    data.get(f"{service.value}_description") or "",
                )
            )
        return core.TargetList(tuple(public), tuple(precise))


class CatalogueEntryForm(forms.ModelForm[CatalogueEntry]):
    class Meta:
        model = CatalogueEntry
        fields = ("institution", "service", "product", "price", "market_price", "unit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("price", "market_price"):
            value = data.get(field)
            if value is not None and value < 0:
                self.add_error(field, _("不能为负数"))
        return data


class PlanForm(forms.Form):
    """三（一）: the plan's parts, and a written reason for each catalogue breach."""

    schedule = forms.CharField(
        label=gettext_lazy("服务详细计划和进度安排"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    fund_use = forms.CharField(
        label=gettext_lazy("资金使用方式"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    internal_rules = forms.CharField(
        label=gettext_lazy("资金内部管理制度"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        breaches: tuple[Breach, ...] = (),
        justifications: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.breach_keys: dict[str, str] = {}
        for index, breach in enumerate(breaches):
            name = f"justification_{index}"
            self.breach_keys[name] = breach.key
            self.fields[name] = forms.CharField(
                label=_("理由：%(breach)s") % {"breach": localize(breach.message)},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=(justifications or {}).get(breach.key, ""),
            )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        reasons = {
            key: data[name].strip() for name, key in self.breach_keys.items() if data[name].strip()
        }
        return {
            "schedule": data["schedule"],
            "fund_use": data["fund_use"],
            "internal_rules": data["internal_rules"],
            "justifications": reasons,
        }


class ActionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RecordForm(forms.Form):
    ref = forms.CharField(label=gettext_lazy("编号"), max_length=32)
    service = forms.ChoiceField(label=gettext_lazy("服务项目"))
    on = forms.DateField(label=gettext_lazy("服务日期"), widget=DATE)
    cost = forms.DecimalField(label=gettext_lazy("费用（万元）"), decimal_places=6, max_digits=18)
    institution = forms.ChoiceField(label=gettext_lazy("服务机构"), required=False)
    enterprises = forms.MultipleChoiceField(
        label=gettext_lazy("服务的试点企业"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = forms.IntegerField(label=gettext_lazy("场次"), min_value=1, initial=1)
    enterprise_visits = forms.IntegerField(
        label=gettext_lazy("家次（不填则按所选企业计）"), min_value=0, required=False
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("量化成果（不填则按所选企业计）"),
        min_value=Decimal(0),
        decimal_places=2,
        required=False,
    )
    use = forms.ChoiceField(
        label=gettext_lazy("资金用途"),
        choices=[(u.value, shown(u.label)) for u in Use],
        initial=Use.SERVICE.value,
    )
    note = forms.CharField(label=gettext_lazy("备注"), required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        services: tuple[core.ServiceType, ...] = (),
        institutions: tuple[str, ...] = (),
        enterprises: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["service"].choices = [(s.value, s.label) for s in services]
        fields["institution"].choices = [("", _("（园区自行组织）"))] + [
            (name, name) for name in institutions
        ]
        fields["enterprises"].choices = [(name, name) for name in enterprises]


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("资料类型"), choices=[(k.value, shown(k.label)) for k in EvidenceKind]
    )
    dated = forms.DateField(label=gettext_lazy("资料日期"), widget=DATE, required=False)
    upload = forms.FileField(
        label=gettext_lazy("文件（PDF、JPG、PNG、.xlsx、.docx，不超过 10 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(MAGIC)}),
    )

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        check_upload(upload)
        return upload


class SummaryForm(forms.Form):
    """试点工作总结材料 of one half-year: the same upload checks as the evidence files."""

    period = forms.ChoiceField(label=gettext_lazy("期间"))
    upload = forms.FileField(
        label=gettext_lazy("文件（PDF、JPG、PNG、.xlsx、.docx，不超过 10 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(MAGIC)}),
    )

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods  # type: ignore[attr-defined]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        check_upload(upload)
        return upload


class DecisionForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("评估确定日期"), widget=DATE)
    share = forms.DecimalField(
        label=gettext_lazy("第二笔资金比例（%）"), decimal_places=4, initial=Decimal(50)
    )
    grounds = forms.CharField(
        label=gettext_lazy("依据（工作机制建立、服务实质性推进情况）"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def fraction(self) -> Decimal:
        return Decimal(self.cleaned_data["share"]) / HUNDRED


class MidTermForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("中期绩效评价日期"), widget=DATE)
    ratio = forms.DecimalField(
        label=gettext_lazy("剩余资金拨付比例（%）"), decimal_places=4, initial=Decimal(100)
    )
    grounds = forms.CharField(
        label=gettext_lazy("中期绩效评价结果"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def fraction(self) -> Decimal:
        return Decimal(self.cleaned_data["ratio"]) / HUNDRED


class PayForm(forms.Form):
    tranche = forms.ChoiceField(
        label=gettext_lazy("拨付批次"), choices=[(t.value, shown(t.label)) for t in Tranche]
    )
    on = forms.DateField(label=gettext_lazy("拨付日期"), widget=DATE)


class FinalForm(forms.Form):
    """五（三）: the province's decision after two years."""

    on = forms.DateField(label=gettext_lazy("终期绩效评价日期"), widget=DATE)
    measures = forms.MultipleChoiceField(
        label=gettext_lazy("处理措施"),
        choices=[(m.value, shown(m.label)) for m in Measure],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cut = forms.DecimalField(
        label=gettext_lazy("扣减金额（万元）"), decimal_places=6, initial=Decimal(0)
    )
    recovery = forms.DecimalField(
        label=gettext_lazy("收回金额（万元）"), decimal_places=6, initial=Decimal(0)
    )
    grounds = forms.CharField(
        label=gettext_lazy("依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def chosen(self) -> list[Measure]:
        return [Measure(m) for m in self.cleaned_data["measures"]]


class NarrativeForm(forms.Form):
    """附件2: what the park writes per service, and its 长效机制成果."""

    mechanism = forms.CharField(
        label=gettext_lazy("园区形成的长效机制成果"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        services: tuple[core.ServiceType, ...] = (),
        narratives: Mapping[core.ServiceType, Narrative] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.services = services
        told = narratives or {}
        for service in services:
            found = told.get(service, Narrative())
            self.fields[f"{service.value}_measures"] = forms.CharField(
                label=_("%(service)s 工作举措") % {"service": localize(service.label)},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=found.measures,
            )
            self.fields[f"{service.value}_results"] = forms.CharField(
                label=_("%(service)s 成效和案例") % {"service": localize(service.label)},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=found.results,
            )

    def narratives(self) -> dict[str, Narrative]:
        data = self.cleaned_data
        return {
            s.value: Narrative(data[f"{s.value}_measures"], data[f"{s.value}_results"])
            for s in self.services
            if data[f"{s.value}_measures"] or data[f"{s.value}_results"]
        }
