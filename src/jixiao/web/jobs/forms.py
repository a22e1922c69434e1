"""The upload form of a batch audit: a .zip, not too large, that really is a zip."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jixiao.io.batch_audit import MAX_ZIP_BYTES, MB, is_zip_bytes
from jixiao.web.orgs.models import Organisation


class BatchAuditForm(forms.Form):
    archive = forms.FileField(
        label=_("压缩包（.zip）"),
        error_messages={
            "required": _("请选择要上传的 .zip 压缩包"),
            "empty": _("上传的文件是空的"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("请选择你所属的单位")},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        self.only: Organisation | None = None
        if len(organisations) == 1:  # nothing to choose: the user's one organisation
            self.only = organisations[0]
            field.initial = self.only.pk
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_organisation(self) -> Organisation:
        chosen: Organisation | None = self.cleaned_data.get("organisation") or self.only
        if chosen is None:
            raise forms.ValidationError(_("请选择你所属的单位"), code="required")
        return chosen

    def clean_archive(self) -> UploadedFile:
        archive: UploadedFile = self.cleaned_data["archive"]
        name = archive.name or ""
        if not name.lower().endswith(".zip"):
            raise forms.ValidationError(_("只能上传 .zip 压缩包"), code="type")
        if (archive.size or 0) > MAX_ZIP_BYTES:
            raise forms.ValidationError(
                _("压缩包过大：上限 %(limit)d MB") % {"limit": MAX_ZIP_BYTES // MB}, code="size"
            )
        archive.seek(0)
        head = archive.read(4)
        archive.seek(0)
        if not is_zip_bytes(head):
            raise forms.ValidationError(
                _("文件内容不是 zip 压缩包（只改了扩展名？）"), code="magic"
            )
        return archive


class BulkExportForm(forms.Form):
    """What to export in one go: a table and format, narrowed by year, unit and kind."""

    table = forms.ChoiceField(label=_("表格"))
    format = forms.ChoiceField(
        label=_("格式"),
        choices=[("xlsx", "Excel（.xlsx）"), ("docx", "Word（.docx）"), ("pdf", "PDF")],
    )
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("请输入年度，如 2021")},
    )
    department = forms.ModelChoiceField(
        label=_("主管部门（含下属单位）"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("全部可查看的单位"),
        error_messages={"invalid_choice": _("所选单位不存在或您无权查看")},
    )
    kind = forms.ChoiceField(label=_("评价类型"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("以哪个单位的名义"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("请选择你所属的单位")},
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        departments: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        from jixiao.web.evaluations.models import Evaluation
        from jixiao.web.jobs.bulk_export import EVALUATION_TABLES

        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [(t.value, t.label) for t in EVALUATION_TABLES]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("全部类型")), *Evaluation.Kind.choices]  # type: ignore[attr-defined]
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = departments
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = organisations
