"""The evaluation report (绩效评价报告) of one evaluation, as Word or PDF.

Permission-checked like the table exports (``Flag.EXPORT_EVALUATION``), scored as the page shows
it. The chapters' text is the case document's ``narrative``, written on the 评价报告 page
(:mod:`jixiao.web.evaluations.narrative_views`); chapters left empty read "无。".
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from jixiao.core.report import ChartKind, ReportError, build_report
from jixiao.io.cases import CaseError
from jixiao.io.charts import render_chart
from jixiao.io.pdf_export import PdfConversionError
from jixiao.io.report_docx import (
    DOCX_MIMETYPE,
    PDF_MIMETYPE,
    report_docx,
    report_filename,
    report_pdf,
)
from jixiao.web.evaluations.services import build_case, score_case
from jixiao.web.orgs.permissions import get_evaluation
from jixiao.web.orgs.roles import Flag

FORMATS = {"docx": DOCX_MIMETYPE, "pdf": PDF_MIMETYPE}
SCREEN_DPI = 110


@require_GET
@login_required
def evaluation_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report in Word or PDF; 404 for another format."""
    evaluation = get_evaluation(request.user, pk, Flag.EXPORT_EVALUATION)
    if fmt not in FORMATS:
        raise Http404("no such format")
    try:
        case = build_case(evaluation)
        model = build_report(case, score_case(case, f"评价 {pk}"))
        content = report_pdf(model) if fmt == "pdf" else report_docx(model)
    except (CaseError, ReportError) as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    except PdfConversionError as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    filename = report_filename(model, f".{fmt}")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@require_GET
@login_required
def evaluation_chart(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One of the report's charts as a PNG for the evaluation page (the same figure as in
    the Word report, drawn at screen resolution)."""
    evaluation = get_evaluation(request.user, pk, Flag.VIEW_EVALUATION)
    if kind not in ChartKind.__members__.values():
        raise Http404("no such chart")
    try:
        case = build_case(evaluation)
        report = build_report(case, score_case(case, f"评价 {pk}"))
    except (CaseError, ReportError):
        raise Http404("no chart for this evaluation") from None
    figure = next((f for f in report.figures if f.kind == kind), None)
    if figure is None:
        raise Http404("no such chart")
    response = HttpResponse(render_chart(figure, dpi=SCREEN_DPI), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response
