"""The evaluation's 评价报告 page: the report downloads and the editor of the text the user
writes for each chapter (the case document's ``narrative``, docs/case-format.md).

Saved like the grid: with the version the page was drawn from (a stale one changes nothing and
the page comes back with the typed text kept and the other person's text beside it), only while
the evaluation is editable, recorded as ``jixiao.evaluation.narrative.changed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jixiao.core.case import MAX_NARRATIVE, NarrativeKey
from jixiao.io.cases import dump_yaml
from jixiao.io.report_docx import filename_stem
from jixiao.web.core_text.localize import localize
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import (
    EditError,
    VersionConflictError,
    case_document,
    clean_text,
    narrative_of,
    save_narrative,
)
from jixiao.web.evaluations.workflow import EDITABLE
from jixiao.web.orgs.permissions import flags_for, get_evaluation
from jixiao.web.orgs.roles import Flag

YAML_MIMETYPE = "application/yaml; charset=utf-8"


@dataclass(frozen=True)
class ChapterField:
    key: NarrativeKey
    label: str | Promise
    placement: str | Promise | None  # where the text lands after the generated content


CHAPTERS = (
    ChapterField(
        NarrativeKey.OVERVIEW,
        gettext_lazy("一、基本情况（一）项目概况"),
        gettext_lazy("接在自动生成的项目概况（年度、单位、预算及资金来源）之后。"),
    ),
    ChapterField(NarrativeKey.GOALS, gettext_lazy("一、基本情况（二）绩效目标"), None),
    ChapterField(
        NarrativeKey.PROCESS,
        gettext_lazy("二、绩效评价工作开展情况（二）评价工作过程"),
        gettext_lazy("接在自动生成的“评价指标体系与评分方法”之后。"),
    ),
    ChapterField(
        NarrativeKey.ANALYSIS,
        gettext_lazy("三、评价结论及绩效分析（二）绩效分析"),
        gettext_lazy("接在未得满分的指标和指标完成情况图之后。"),
    ),
    ChapterField(
        NarrativeKey.PROBLEMS,
        gettext_lazy("四、存在的问题及原因分析"),
        gettext_lazy("接在复核计算发现的错误和警告之后。"),
    ),
    ChapterField(NarrativeKey.SUGGESTIONS, gettext_lazy("五、有关建议"), None),
    ChapterField(NarrativeKey.OTHER, gettext_lazy("六、其他需要说明的问题"), None),
)


@dataclass(frozen=True)
class ChapterRow:
    """One chapter on the page: what the box holds, and what is saved if that differs."""

    field: ChapterField
    text: str
    saved: str
    differs: bool  # after a conflict: the typed text is not what is saved now


def _page(
    request: HttpRequest,
    evaluation: Evaluation,
    typed: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    saved = narrative_of(evaluation)
    rows = [
        ChapterRow(
            field,
            (typed or saved).get(field.key.value, ""),
            saved.get(field.key.value, ""),
            typed is not None
            and clean_text(typed.get(field.key.value, "")) != saved.get(field.key.value, ""),
        )
        for field in CHAPTERS
    ]
    flags = flags_for(request.user, evaluation)
    context = {
        "evaluation": evaluation,
        "chapters": rows,
        "flags": flags,
        "can_edit": Flag.EDIT_EVALUATION in flags and evaluation.status in EDITABLE,
        "can_export": Flag.EXPORT_EVALUATION in flags,
        "max_length": MAX_NARRATIVE,
        "error": error,
        "unsaved": typed is not None,
    }
    return render(request, "evaluations/report.html", context, status=status)


@require_GET
@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request.user, pk, Flag.VIEW_EVALUATION)
    return _page(request, evaluation)


@require_POST
@login_required
def narrative_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Save every chapter's box; on a conflict or a refusal the typed text is kept on the page."""
    evaluation = get_evaluation(request.user, pk, Flag.EDIT_EVALUATION)
    typed = {
        field.key.value: request.POST[field.key.value]
        for field in CHAPTERS
        if field.key.value in request.POST
    }
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        save_narrative(evaluation.pk, typed, version, request.user)
    except VersionConflictError as problem:
        evaluation.refresh_from_db()
        message = _(
            "%(problem)s 您输入的内容仍在下方，未保存；与他人保存的内容不同的章节已标出。"
            "核对后再次点击“保存报告文字”即以您的内容为准。"
        ) % {"problem": problem}
        return _page(request, evaluation, typed, message, status=409)
    except EditError as problem:
        evaluation.refresh_from_db()
        return _page(request, evaluation, typed, localize(str(problem)), status=400)
    messages.success(request, _("报告文字已保存。"))
    return redirect("evaluations:report_page", pk=evaluation.pk)


@require_GET
@login_required
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation as a YAML case file (narrative included): ``jixiao`` and import read it."""
    evaluation = get_evaluation(request.user, pk, Flag.EXPORT_EVALUATION)
    comment = f"Jixiao 导出：{evaluation.title}（评价 {evaluation.pk}，版本 {evaluation.version}）"
    response = HttpResponse(
        dump_yaml(case_document(evaluation), comment), content_type=YAML_MIMETYPE
    )
    filename = f"{filename_stem(evaluation.title, '评价表')}.yaml"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
