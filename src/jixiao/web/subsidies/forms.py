"""Forms of the subsidies app: the application (with checked attachments), a decision, and the
blacklist upload. Field errors are Chinese (zh-hans), through the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import credit_code
from jixiao.core.money import HUNDRED, ZERO
from jixiao.web.indicators.forms import OrganisationChoice
from jixiao.web.orgs.models import Organisation
from jixiao.web.subsidies.models import SubsidyCategory
from jixiao.web.subsidies.reasons import credit_code_message
from jixiao.web.uploads import MAGIC, MB, check_upload

MAX_ATTACHMENTS = 10
MAX_BLACKLIST_BYTES = 5 * MB


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(MAGIC)}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        if isinstance(data, list | tuple):
            data = None  # nothing chosen: the required check speaks
        return [single(data, initial)]


class ApplicationForm(forms.Form):
    applicant = OrganisationChoice(
        label=gettext_lazy("申报企业"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy("您不能以该企业名义申报"),
            "required": gettext_lazy("请选择申报企业"),
        },
    )
    enterprise_name = forms.CharField(
        label=gettext_lazy("企业名称"),
        max_length=128,
        error_messages={"required": gettext_lazy("请填写企业名称")},
    )
    credit_code = forms.CharField(
        label=gettext_lazy("统一社会信用代码"),
        max_length=40,
        error_messages={"required": gettext_lazy("请填写统一社会信用代码")},
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("补贴类别"),
        queryset=SubsidyCategory.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy("本政策没有该补贴类别"),
            "required": gettext_lazy("请选择补贴类别"),
        },
    )
    cost = forms.DecimalField(
        label=gettext_lazy("费用金额（万元）"),
        max_digits=12,
        decimal_places=4,
        error_messages={
            "required": gettext_lazy("请填写费用金额"),
            "invalid": gettext_lazy("费用金额须为数字（单位：万元）"),
            "max_decimal_places": gettext_lazy("费用金额最多精确到元（小数点后 4 位）"),
        },
    )
    period_start = forms.DateField(
        label=gettext_lazy("费用发生起始日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("请填写费用发生起始日"),
            "invalid": gettext_lazy("日期格式应为 2022-01-01"),
        },
    )
    period_end = forms.DateField(
        label=gettext_lazy("费用发生截止日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("请填写费用发生截止日"),
            "invalid": gettext_lazy("日期格式应为 2022-06-30"),
        },
    )
    attachments = MultipleFileField(
        label=gettext_lazy("佐证材料（申请表、声明函、费用发票等）"),
        error_messages={
            "required": gettext_lazy("请上传佐证材料（至少一个文件）"),
            "empty": gettext_lazy("上传的文件是空的（0 字节）"),
            "invalid": gettext_lazy("没有收到文件，请重新选择"),
        },
    )

    def __init__(
        self,
        *args: Any,
        applicants: QuerySet[Organisation],
        categories: QuerySet[SubsidyCategory],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        applicant = self.fields["applicant"]
        category = self.fields["category"]
        assert isinstance(applicant, forms.ModelChoiceField)
        assert isinstance(category, forms.ModelChoiceField)
        applicant.queryset = applicants
        category.queryset = categories

    def clean_enterprise_name(self) -> str:
        name: str = self.cleaned_data["enterprise_name"].strip()
        if name.startswith(("=", "+", "-", "@")):
            raise forms.ValidationError(_("企业名称不能以 =、+、-、@ 开头"), code="formula")
        return name

    def clean_credit_code(self) -> str:
        checked = credit_code.check(self.cleaned_data["credit_code"])
        if not checked.ok:
            raise forms.ValidationError(credit_code_message(checked), code="credit_code")
        return checked.code

    def clean_cost(self) -> Any:
        cost = self.cleaned_data["cost"]
        if cost < ZERO:
            raise forms.ValidationError(_("费用金额不能为负数"), code="negative")
        if cost == ZERO:
            raise forms.ValidationError(_("费用金额须大于零"), code="zero")
        return cost

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("最多上传 %(count)d 个文件") % {"count": MAX_ATTACHMENTS}, code="count"
            )
        for upload in files:
            check_upload(upload)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("费用发生截止日不能早于起始日"))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("通过")), ("reject", gettext_lazy("驳回"))],
        error_messages={"required": gettext_lazy("请选择通过或驳回")},
    )
    reason = forms.CharField(label=gettext_lazy("审核意见"), required=False, max_length=1000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("驳回时必须填写理由"))
        return data


class BlacklistForm(forms.Form):
    upload = forms.FileField(
        label=gettext_lazy("失信名单文件（.xlsx 或 .csv）"),
        error_messages={
            "required": gettext_lazy("请选择名单文件"),
            "empty": gettext_lazy("上传的文件是空的（0 字节）"),
            "invalid": gettext_lazy("没有收到文件，请重新选择"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_upload(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["upload"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("只能导入 .xlsx 或 .csv 文件"), code="type")
        if (upload.size or 0) > MAX_BLACKLIST_BYTES:
            raise forms.ValidationError(
                _("文件过大：上限 %(limit)d MB") % {"limit": MAX_BLACKLIST_BYTES // MB}, code="size"
            )
        return upload


class PolicyForm(forms.Form):
    """A new policy: its owner (one of the user's 主管部门), name, year and window."""

    owner = OrganisationChoice(
        label=gettext_lazy("主管部门"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy("您不能为该单位创建补贴政策"),
            "required": gettext_lazy("请选择主管部门"),
        },
    )
    name = forms.CharField(
        label=gettext_lazy("政策名称"),
        max_length=255,
        error_messages={"required": gettext_lazy("请填写政策名称")},
    )
    year = forms.IntegerField(
        label=gettext_lazy("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": gettext_lazy("请填写年度"),
            "invalid": gettext_lazy("年度须为四位数字"),
            "min_value": gettext_lazy("年度须在 2000 至 2100 之间"),
            "max_value": gettext_lazy("年度须在 2000 至 2100 之间"),
        },
    )
    opens_on = forms.DateField(
        label=gettext_lazy("申报开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("请填写申报开始日期"),
            "invalid": gettext_lazy("日期格式应为 2022-01-01"),
        },
    )
    closes_on = forms.DateField(
        label=gettext_lazy("申报截止日期（可不填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("日期格式应为 2022-01-01")},
    )

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owners

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("申报截止日期不能早于开始日期"))
        return data


class CategoryForm(forms.Form):
    """One 补贴类别 row; a row left wholly empty is skipped."""

    name = forms.CharField(label=gettext_lazy("补贴类别"), max_length=64, required=False)
    period_start = forms.DateField(
        label=gettext_lazy("基期起始日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("日期格式应为 2022-01-01")},
    )
    period_end = forms.DateField(
        label=gettext_lazy("基期截止日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("日期格式应为 2022-06-30")},
    )
    rate_percent = forms.DecimalField(
        label=gettext_lazy("补贴比例(%)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        error_messages={"invalid": gettext_lazy("补贴比例须为数字，如 10 表示 10%")},
    )
    cap = forms.DecimalField(
        label=gettext_lazy("每家企业上限（万元）"),
        required=False,
        max_digits=12,
        decimal_places=4,
        error_messages={"invalid": gettext_lazy("上限须为数字（单位：万元）")},
    )
    one_per_enterprise = forms.BooleanField(
        label=gettext_lazy("每家企业限报一次"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = [
            data.get(f) for f in ("name", "period_start", "period_end", "rate_percent", "cap")
        ]
        if not any(v not in (None, "") for v in values):
            data["empty"] = True
            return data
        data["empty"] = False
        labels = {
            "name": _("请填写补贴类别名称"),
            "period_start": _("请填写基期起始日"),
            "period_end": _("请填写基期截止日"),
            "rate_percent": _("请填写补贴比例"),
            "cap": _("请填写每家企业上限"),
        }
        for field, message in labels.items():
            if data.get(field) in (None, "") and field not in self.errors:
                self.add_error(field, message)
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("基期截止日不能早于起始日"))
        rate = data.get("rate_percent")
        if rate is not None and not ZERO < rate <= HUNDRED:
            self.add_error("rate_percent", _("补贴比例须大于 0 且不超过 100"))
        cap = data.get("cap")
        if cap is not None and cap < ZERO:
            self.add_error("cap", _("上限不能为负数"))
        return data


class BaseCategoryFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        names = [
            form.cleaned_data["name"].strip()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("empty")
        ]
        if not names:
            raise forms.ValidationError(_("请至少填写一个补贴类别"), code="empty")
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise forms.ValidationError(
                _("补贴类别重名：%(names)s") % {"names": "、".join(repeated)}, code="duplicate"
            )


CategoryFormSet = forms.formset_factory(
    CategoryForm, formset=BaseCategoryFormSet, extra=4, max_num=20, validate_max=True
)
