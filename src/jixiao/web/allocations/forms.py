"""Forms of the allocation pages. Factors, rules and attribute columns are typed one per line,
fields separated by ``|`` (the way they read in a policy: ``年化担保费率 | <= | 1.5 | 标签``)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.allocation import AllocationError, Comparator
from jixiao.io.allocation_import import number
from jixiao.web.allocations.models import AllocationRun
from jixiao.web.core_text.localize import localize
from jixiao.web.funds.models import Project
from jixiao.web.orgs.models import Organisation

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 5 * MB
ZIP_MAGIC = b"PK\x03\x04"
_SEPARATOR = re.compile(r"\s*[|｜]\s*")


def _lines(text: str) -> list[tuple[int, list[str]]]:
    return [
        (number_, _SEPARATOR.split(line.strip()))
        for number_, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]


def _line_error(line: int, message: str) -> forms.ValidationError:
    return forms.ValidationError(
        _("第 %(line)d 行：%(message)s") % {"line": line, "message": message}
    )


def parse_attributes(text: str) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    for line, parts in _lines(text):
        if len(parts) > 2 or not parts[0]:
            raise _line_error(line, _("应为“属性名 | 列标题”"))
        name = parts[0]
        if any(a["name"] == name for a in result):
            raise _line_error(line, _("属性 %(name)s 重复") % {"name": name})
        result.append({"name": name, "label": parts[1] if len(parts) > 1 and parts[1] else name})
    return result


def parse_factors(text: str) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    for line, parts in _lines(text):
        if len(parts) > 2 or not parts[0]:
            raise _line_error(line, _("应为“属性名 | 权重”"))
        weight = number(parts[1]) if len(parts) > 1 else Decimal(1)
        if weight is None:
            raise _line_error(line, _("权重须为数字，实为“%(text)s”") % {"text": parts[1]})
        result.append({"attribute": parts[0], "weight": str(weight)})
    if not result:
        raise forms.ValidationError(_("至少需要一个分配因素"))
    return result


def parse_rules(text: str) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    for line, parts in _lines(text):
        if len(parts) not in (3, 4) or not parts[0]:
            raise _line_error(line, _("应为“属性名 | 比较符 | 比较值 | 标签（可省略）”"))
        try:
            comparator = Comparator.parse(parts[1])
        except AllocationError as error:
            raise _line_error(line, localize(error.message)) from None
        value = number(parts[2])
        if comparator.numeric and value is None:
            raise _line_error(line, _("比较值须为数字，实为“%(text)s”") % {"text": parts[2]})
        result.append(
            {
                "attribute": parts[0],
                "comparator": comparator.value,
                "value": str(value) if value is not None else parts[2],
                "label": parts[3] if len(parts) == 4 else "",
            }
        )
    return result


def attributes_text(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{a['name']} | {a['label']}" for a in items)


def factors_text(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{f['attribute']} | {f['weight']}" for f in items)


def rules_text(items: list[dict[str, Any]]) -> str:
    lines = []
    for r in items:
        parts = [r["attribute"], r["comparator"], str(r["value"])]
        if r.get("label"):
            parts.append(r["label"])
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class RunForm(forms.ModelForm[AllocationRun]):
    attributes_text = forms.CharField(
        label=gettext_lazy("属性列（每行：属性名 | 列标题）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    factors_text = forms.CharField(
        label=gettext_lazy("分配因素（每行：属性名 | 权重，权重合计为 1）"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rules_text = forms.CharField(
        label=gettext_lazy("分配条件（每行：属性名 | 比较符 | 比较值 | 标签）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = AllocationRun
        fields = ("name", "year", "pot", "project", "title", "candidate_label", "rounding")

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects
        field.required = False
        if self.instance.pk:
            self.initial.setdefault("attributes_text", attributes_text(self.instance.attributes))
            self.initial.setdefault("factors_text", factors_text(self.instance.factors))
            self.initial.setdefault("rules_text", rules_text(self.instance.rules))

    def clean_attributes_text(self) -> list[dict[str, str]]:
        return parse_attributes(self.cleaned_data.get("attributes_text", ""))

    def clean_factors_text(self) -> list[dict[str, str]]:
        return parse_factors(self.cleaned_data.get("factors_text", ""))

    def clean_rules_text(self) -> list[dict[str, str]]:
        return parse_rules(self.cleaned_data.get("rules_text", ""))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields}
        values["attributes"] = data["attributes_text"]
        values["factors"] = data["factors_text"]
        values["rules"] = data["rules_text"]
        return values


class NewRunForm(RunForm):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("所属单位"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("您不能为该单位创建分配")},
    )

    field_order = ("owner",)

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner, project = data.get("owner"), data.get("project")
        if owner is not None and project is not None and project.owner_id != owner.pk:
            self.add_error("project", _("项目须属于所选单位"))
        return data


class CandidateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=255)
    cap = forms.DecimalField(
        label=gettext_lazy("补贴上限（万元，可空）"),
        required=False,
        min_value=Decimal(0),
        decimal_places=2,
        max_digits=16,
    )

    def __init__(self, *args: Any, columns: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for index, column in enumerate(columns):
            self.fields[f"attr_{index}"] = forms.CharField(
                label=column["label"], required=False, max_length=100
            )

    def attributes(self) -> dict[str, str]:
        """Typed values: numbers (full-width, thousands separators, ``%`` allowed) as exact
        decimal strings, anything else as text; blanks left out."""
        values: dict[str, str] = {}
        for index, column in enumerate(self.columns):
            text = self.cleaned_data.get(f"attr_{index}", "").strip()
            if text:
                value = number(text)
                values[column["name"]] = str(value) if value is not None else text
        return values


class UploadForm(forms.Form):
    upload = forms.FileField(
        label=gettext_lazy("分配对象表（.xlsx）"),
        error_messages={
            "required": gettext_lazy("请选择要上传的 .xlsx 文件"),
            "empty": gettext_lazy("上传的文件是空的（0 字节）"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_upload(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["upload"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix != ".xlsx":
            raise forms.ValidationError(
                _("不支持的文件类型 %(suffix)s：只能上传 .xlsx 文件")
                % {"suffix": suffix or _("（无扩展名）")}
            )
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件过大：上限 %(limit)d MB") % {"limit": MAX_UPLOAD_BYTES // MB}
            )
        upload.seek(0)
        head = upload.read(len(ZIP_MAGIC))
        upload.seek(0)
        if head != ZIP_MAGIC:
            raise forms.ValidationError(_("文件已损坏或不是 Excel 文件（.xlsx）"))
        return upload
