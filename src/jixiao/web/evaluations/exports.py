"""Downloads of the official tables of one evaluation: 自评表, 计分表, 得分表, 指标完成情况表."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from jixiao.core.tables import TableMismatchError
from jixiao.io import exporters
from jixiao.io.pdf_export import PdfConversionError
from jixiao.web.evaluations.services import build_case, score_case
from jixiao.web.orgs.permissions import get_evaluation
from jixiao.web.orgs.roles import Flag


@require_GET
@login_required
def evaluation_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    """The table as .xlsx/.docx/.pdf, scored as the page shows it; 404 for an unknown table/format."""
    evaluation = get_evaluation(request.user, pk, Flag.EXPORT_EVALUATION)
    exporter = exporters.get(table, fmt)
    if exporter is None:
        raise Http404("no such export")
    case = build_case(evaluation)
    try:
        filename, mimetype, content = exporter.render(case, score_case(case, f"评价 {pk}"))
    except TableMismatchError:
        raise Http404("this table does not fit an evaluation") from None
    except PdfConversionError as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
