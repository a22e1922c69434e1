"""The 因素法 result as Rich tables for the terminal (``jixiao allocate``), same columns as the
exports: 附件一 first, then the candidates left out with their rules, then the notes."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jixiao.core.allocation import AllocationResult
from jixiao.core.money import fmt, quantize
from jixiao.io.allocation_export import AMOUNT, CRITERION, SHARE, notes
from jixiao.io.allocation_file import AllocationDocument


def _shown(value: Decimal | str | None) -> str:
    if value is None:
        return "—"
    return fmt(value) if isinstance(value, Decimal) else escape(value)


def print_allocation(out: Console, document: AllocationDocument, result: AllocationResult) -> None:
    columns = document.columns
    table = Table(title=escape(document.title), caption="单位：万元", show_footer=True)
    table.add_column("序号", "合计", justify="right")
    table.add_column(escape(document.candidate_label), no_wrap=True)
    totals = dict(
        zip((f.attribute for f in result.allocation.factors), result.factor_totals, strict=True)
    )
    for column in columns:
        total = totals.get(column.name)
        table.add_column(
            escape(column.label),
            "" if total is None else fmt(total),
            justify="right",
            overflow="fold",
        )
    table.add_column(CRITERION, overflow="fold")
    table.add_column(SHARE, "100.00%", justify="right")
    table.add_column(AMOUNT, f"{result.total:f}", justify="right")
    for row in result.rows:
        table.add_row(
            str(row.no),
            escape(row.name),
            *(_shown(row.candidate.attributes.get(c.name)) for c in columns),
            escape(result.allocation.criterion),
            f"{quantize(row.percent, 2):f}%",
            f"{row.amount:f}",
        )
    out.print(table)
    if result.excluded:
        left_out = Table(title="未纳入分配的对象")
        left_out.add_column("序号", justify="right")
        left_out.add_column(escape(document.candidate_label), no_wrap=True)
        for column in columns:
            left_out.add_column(escape(column.label), justify="right", overflow="fold")
        left_out.add_column("未纳入原因")
        for index, exclusion in enumerate(result.excluded, 1):
            left_out.add_row(
                str(index),
                escape(exclusion.name),
                *(_shown(exclusion.candidate.attributes.get(c.name)) for c in columns),
                escape(exclusion.reason),
            )
        out.print(left_out)
    for note in notes(result):
        out.print(escape(note))
