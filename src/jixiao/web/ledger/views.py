"""The ledger pages: a flow is seen by whoever may see its owner (the source's organisation:
the plan's owner, the park), through ``orgs.permissions.visible_owned``; anyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from jixiao.io.ledger_export import FlowLine, LedgerTotals, flows_xlsx
from jixiao.web.ledger import services
from jixiao.web.ledger.models import FlowKind, MoneyFlow
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import get_owned, visible_owned

PAGE_SIZE = 50


def _visible(request: HttpRequest) -> QuerySet[MoneyFlow]:
    return visible_owned(request.user, MoneyFlow.objects.select_related("owner", "payer", "payee"))


def _filters(
    request: HttpRequest, flows: QuerySet[MoneyFlow]
) -> tuple[dict[str, Any], QuerySet[MoneyFlow]]:
    """year, kind and owner from the query; an unknown value is ignored, an owner the user
    does not see is 404 (it does not exist for them)."""
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in FlowKind.values else ""
    owner_text = request.GET.get("owner", "")
    owner = None
    if owner_text:
        if not owner_text.isdigit():
            raise Http404
        owner = Organisation.objects.filter(pk=int(owner_text)).first()
        if owner is None or not flows.filter(owner=owner).exists():
            raise Http404
        flows = flows.filter(owner=owner)
    chosen = {"year": year, "kind": kind, "owner": owner}
    return chosen, services.filtered(flows, year, kind or None)


def _query(chosen: dict[str, Any]) -> str:
    pairs = {
        "year": chosen["year"] or "",
        "kind": chosen["kind"],
        "owner": chosen["owner"].pk if chosen["owner"] else "",
    }
    return urlencode({k: v for k, v in pairs.items() if v})


@require_GET
@login_required
def flow_list(request: HttpRequest) -> HttpResponse:
    visible = _visible(request)
    chosen, flows = _filters(request, visible)
    flows = flows.order_by("-on", "-pk")
    page = Paginator(flows, PAGE_SIZE).get_page(request.GET.get("page"))
    owners = Organisation.objects.filter(pk__in=visible.order_by().values("owner_id")).order_by(
        "name"
    )
    query = _query(chosen)
    return render(
        request,
        "ledger/flow_list.html",
        {
            "page": page,
            "rows": [(flow, services.source_link(flow)) for flow in page],
            "totals": services.totals(flows),
            "chosen": chosen,
            "years": services.years(visible),
            "kinds": FlowKind.choices,
            "owners": owners,
            "filters_query": query,
        },
    )


@require_GET
@login_required
def flow_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flow: MoneyFlow = get_owned(request.user, _visible(request), pk)
    return render(
        request,
        "ledger/flow_detail.html",
        {"flow": flow, "source_link": services.source_link(flow)},
    )


@require_GET
@login_required
def flow_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx: the same flows and totals as the page."""
    chosen, flows = _filters(request, _visible(request))
    flows = flows.order_by("on", "pk")
    lines = [
        FlowLine(
            flow.on,
            flow.get_kind_display(),
            flow.payer_label,
            flow.payee_label,
            flow.amount,
            flow.reason,
            flow.source_label,
            flow.owner.name,
        )
        for flow in flows
    ]
    total = services.totals(flows)
    parts = [
        f"{chosen['year']}年" if chosen["year"] else "",
        str(FlowKind(chosen["kind"]).label) if chosen["kind"] else "",
        chosen["owner"].name if chosen["owner"] else "",
    ]
    filename, mimetype, content = flows_xlsx(
        lines, LedgerTotals(total.payments, total.recoveries), " ".join(p for p in parts if p)
    )
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
