"""Writing and reading the money-flow ledger.

The apps that hold payments call :func:`record_flow` / :func:`remove_flows_for` inside the
transaction that saves or deletes the source record: if the source is refused or rolled back,
so is its flow. The source apps already log the change (``log_action(subject=source)``), so a
flow is not logged again; its page links to the source and its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from jixiao.core.money import ZERO
from jixiao.web.history.services import subject_key
from jixiao.web.ledger.models import PLACES, FlowKind, MoneyFlow
from jixiao.web.orgs.models import Organisation

QUANTUM = Decimal(1).scaleb(-PLACES)


class FlowError(ValueError):
    """A flow the ledger cannot hold (the source apps check their amounts first)."""


def source_key(source: Any, part: str = "") -> str:
    """``"app.model:pk"`` of the source record, ``#part`` when one record causes several kinds
    of flow (a park's recovery: ``pilots.park:3#recovery``)."""
    key = source if isinstance(source, str) else subject_key(source)
    return f"{key}#{part}" if part else key


def record_flow(
    *,
    kind: FlowKind,
    source: Any,
    source_label: str,
    owner: Organisation,
    amount: Decimal,
    on: date,
    payer_label: str,
    payee_label: str,
    payer: Organisation | None = None,
    payee: Organisation | None = None,
    reason: str = "",
    source_url: str = "",
    source_args: Sequence[Any] = (),
    part: str = "",
    user: Any = None,
) -> MoneyFlow:
    """Store the flow of ``source`` (replacing an earlier one of the same source). Must run in
    the source's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_flow must run inside the source's transaction")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= ZERO:
        raise FlowError(gettext("资金流水金额须为大于0的数（%(amount)s）") % {"amount": amount})
    if amount != amount.quantize(QUANTUM):
        raise FlowError(
            gettext("资金流水金额最多 %(places)s 位小数（%(amount)s）")
            % {"places": PLACES, "amount": amount}
        )
    key = source_key(source, part)
    MoneyFlow.objects.filter(source=key).delete()
    return MoneyFlow.objects.create(
        kind=kind,
        source=key,
        source_label=source_label[:255],
        source_url=source_url,
        source_args=list(source_args),
        owner=owner,
        amount=amount,
        on=on,
        payer=payer,
        payer_label=(payer_label or (payer.name if payer else ""))[:255],
        payee=payee,
        payee_label=(payee_label or (payee.name if payee else ""))[:255],
        reason=reason,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def remove_flows_for(source: Any, part: str = "") -> int:
    """Delete the flow of ``source`` (its payment was removed); the number removed."""
    if not connection.in_atomic_block:
        raise RuntimeError("remove_flows_for must run inside the source's transaction")
    removed, _ = MoneyFlow.objects.filter(source=source_key(source, part)).delete()
    return removed


def flows_for(source: Any, part: str = "") -> QuerySet[MoneyFlow]:
    return MoneyFlow.objects.filter(source=source_key(source, part))


def source_link(flow: MoneyFlow) -> str:
    """The URL of the source's page, or "" when it no longer resolves."""
    if not flow.source_url:
        return ""
    try:
        return reverse(flow.source_url, args=flow.source_args)
    except NoReverseMatch:
        return ""


# Reading: filters and totals ------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Per kind and net (payments − recoveries); each the exact sum of its flows."""

    payments: Decimal
    payment_count: int
    recoveries: Decimal
    recovery_count: int

    @property
    def net(self) -> Decimal:
        return self.payments - self.recoveries


def filtered(flows: QuerySet[MoneyFlow], year: int | None, kind: str | None) -> QuerySet[MoneyFlow]:
    if year is not None:
        flows = flows.filter(on__year=year)
    if kind:
        flows = flows.filter(kind=kind)
    return flows


def totals(flows: QuerySet[MoneyFlow]) -> Totals:
    """Summed in Python from the stored decimals (SQLite would add them as floats)."""
    sums = {FlowKind.PAYMENT.value: ZERO, FlowKind.RECOVERY.value: ZERO}
    counts = {FlowKind.PAYMENT.value: 0, FlowKind.RECOVERY.value: 0}
    for kind, amount in flows.order_by().values_list("kind", "amount"):
        sums[kind] = sums.get(kind, ZERO) + amount
        counts[kind] = counts.get(kind, 0) + 1
    return Totals(
        sums[FlowKind.PAYMENT.value],
        counts[FlowKind.PAYMENT.value],
        sums[FlowKind.RECOVERY.value],
        counts[FlowKind.RECOVERY.value],
    )


def years(flows: QuerySet[MoneyFlow]) -> list[int]:
    return sorted({d.year for d in flows.order_by().dates("on", "year")}, reverse=True)
