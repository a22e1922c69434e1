"""Changing allocation runs: every change checked by ``jixiao.core`` before it is saved, in one
transaction with its history entry (``log_action(subject=run)``), and refused on a confirmed run.

Any change to the inputs clears the stored result: a result always belongs to the inputs shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jixiao.core.allocation import AllocationError, AllocationResult, validate, validate_settings
from jixiao.core.money import quantize
from jixiao.core.text import Text
from jixiao.io.allocation_export import notes
from jixiao.io.allocation_file import AllocationDocument, AllocationFileError, core_path
from jixiao.io.allocation_import import ImportedCandidates
from jixiao.web.allocations.models import AllocationRun, Candidate
from jixiao.web.history.services import log_action
from jixiao.web.orgs.models import Organisation

SETTINGS_FIELDS = (
    "name",
    "year",
    "pot",
    "title",
    "candidate_label",
    "rounding",
    "attributes",
    "factors",
    "rules",
)


class RunError(Exception):
    """A change that cannot be made; ``message`` is the Chinese message (a core ``Text`` when
    the core wrote it: the views show it through ``localize``). Nothing was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RunLockedError(RunError):
    def __init__(self) -> None:
        super().__init__(Text("分配已确认，不能再修改。"))


def _require_draft(run: AllocationRun) -> None:
    if run.locked:
        raise RunLockedError


def _index_of(field: str) -> int | None:
    path = core_path(field)
    if len(path) >= 2 and path[0] == "candidates" and isinstance(path[1], int):
        return path[1]
    return None


def checked(
    run: AllocationRun,
    candidates: list[Candidate],
    *,
    rows: Sequence[int] = (),
    settings_only: bool = False,
) -> AllocationDocument:
    """The run's document with ``candidates``, checked by the core; RunError when bad.

    ``rows`` are the sheet rows of imported candidates: an error names the row.
    """
    try:
        document = run.document(candidates)
        if settings_only:
            validate_settings(document.allocation)
        else:
            validate(document.allocation)
    except AllocationFileError as error:
        raise RunError(_located(error.message, error.field, rows)) from None
    except AllocationError as error:
        raise RunError(_located(error.message, error.field, rows)) from None
    return document


def _located(message: str, field: str, rows: Sequence[int]) -> str:
    index = _index_of(field)
    if index is not None and index < len(rows):
        return Text("第 {row} 行：{message}", row=str(rows[index]), message=message)
    return message


def _settings(run: AllocationRun) -> dict[str, Any]:
    values = {name: getattr(run, name) for name in SETTINGS_FIELDS}
    values["pot"] = f"{Decimal(run.pot):.2f}"
    values["project"] = run.project.name if run.project else None
    return values


def _invalidate(run: AllocationRun) -> None:
    run.result = None
    run.computed_at = None


@transaction.atomic
def create_run(user: Any, owner: Organisation, values: dict[str, Any]) -> AllocationRun:
    run = AllocationRun(owner=owner, **values)
    checked(run, [], settings_only=True)
    run.save()
    log_action("jixiao.allocation.created", user=user, subject=run, after=_settings(run))
    return run


@transaction.atomic
def update_settings(run: AllocationRun, user: Any, values: dict[str, Any]) -> None:
    _require_draft(run)
    before = _settings(run)
    for name, value in values.items():
        setattr(run, name, value)
    checked(run, list(run.candidates.all()), settings_only=True)
    _invalidate(run)
    run.save()
    log_action(
        "jixiao.allocation.settings.changed",
        user=user,
        subject=run,
        before=before,
        after=_settings(run),
    )


def _next_position(run: AllocationRun) -> int:
    last = run.candidates.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def add_candidate(
    run: AllocationRun, user: Any, name: str, attributes: dict[str, str], cap: Decimal | None
) -> Candidate:
    _require_draft(run)
    existing = list(run.candidates.all())
    candidate = Candidate(
        run=run, name=name, attributes=attributes, cap=cap, position=_next_position(run)
    )
    if any(c.name == name for c in existing):
        raise RunError(Text("分配对象「{name}」已存在", name=name))
    checked(run, [*existing, candidate])
    candidate.save()
    _invalidate(run)
    run.save(update_fields=["result", "computed_at", "updated_at"])
    log_action("jixiao.allocation.candidate.added", user=user, subject=run, after=candidate.plain())
    return candidate


@transaction.atomic
def remove_candidate(run: AllocationRun, user: Any, candidate: Candidate) -> None:
    _require_draft(run)
    before = candidate.plain()
    candidate.delete()
    _invalidate(run)
    run.save(update_fields=["result", "computed_at", "updated_at"])
    log_action("jixiao.allocation.candidate.removed", user=user, subject=run, before=before)


@transaction.atomic
def replace_candidates(
    run: AllocationRun, user: Any, imported: ImportedCandidates, file_name: str
) -> int:
    """The imported sheet becomes the candidate list (all or nothing); new attribute columns
    are added to the run. Returns the number of candidates."""
    _require_draft(run)
    known = {c["name"] for c in run.columns()}
    added = [{"name": c.name, "label": c.label} for c in imported.columns if c.name not in known]
    run.attributes = [*run.attributes, *added]
    candidates = [
        Candidate(
            run=run,
            name=item.name,
            attributes={k: str(v) for k, v in item.attributes.items()},
            cap=item.cap,
            position=index,
        )
        for index, item in enumerate(imported.candidates)
    ]
    checked(run, candidates, rows=[c.row for c in imported.candidates])
    before = [c.plain() for c in run.candidates.all()]
    run.candidates.all().delete()
    Candidate.objects.bulk_create(candidates)
    _invalidate(run)
    run.save()
    log_action(
        "jixiao.allocation.candidates.imported",
        user=user,
        subject=run,
        file=file_name,
        before=before,
        after=[c.plain() for c in candidates],
        columns_added=[a["name"] for a in added],
    )
    return len(candidates)


def result_data(document: AllocationDocument, result: AllocationResult) -> dict[str, Any]:
    """The result as stored and shown: exact decimal strings, the 附件一 columns."""
    columns = [{"name": c.name, "label": c.label} for c in document.columns]
    totals = dict(
        zip((f.attribute for f in result.allocation.factors), result.factor_totals, strict=True)
    )

    def values(attributes: Any) -> list[str]:
        return [str(attributes[c.name]) if c.name in attributes else "" for c in document.columns]

    return {
        "columns": columns,
        "criterion": result.allocation.criterion,
        "rows": [
            {
                "no": row.no,
                "name": row.name,
                "values": values(row.candidate.attributes),
                "share": str(row.share),
                "percent": str(quantize(row.percent, 2)),
                "amount": str(row.amount),
                "capped": row.capped,
            }
            for row in result.rows
        ],
        "excluded": [
            {"name": e.name, "values": values(e.candidate.attributes), "reason": e.reason}
            for e in result.excluded
        ],
        "totals": [str(totals[c.name]) if c.name in totals else "" for c in document.columns],
        "total": str(result.total),
        "coefficient": None if result.coefficient is None else str(result.coefficient),
        "notes": list(notes(result)),
    }


@transaction.atomic
def compute(run: AllocationRun, user: Any) -> AllocationResult:
    _require_draft(run)
    document = checked(run, list(run.candidates.all()))
    try:
        result = document.compute()
    except AllocationFileError as error:
        raise RunError(error.message) from None
    run.result = result_data(document, result)
    run.computed_at = timezone.now()
    run.save(update_fields=["result", "computed_at", "updated_at"])
    log_action(
        "jixiao.allocation.computed",
        user=user,
        subject=run,
        after={r.name: str(r.amount) for r in result.rows},
        excluded=[e.name for e in result.excluded],
        total=str(result.total),
    )
    return result


@transaction.atomic
def confirm(run: AllocationRun, user: Any) -> None:
    _require_draft(run)
    if run.result is None:
        raise RunError(Text("请先计算分配结果，再确认。"))

    run.status = AllocationRun.Status.CONFIRMED
    run.save(update_fields=["status", "updated_at"])
    log_action(
        "jixiao.allocation.confirmed",
        user=user,
        subject=run,
        before={"status": AllocationRun.Status.DRAFT.value},
        after={"status": run.status, "total": run.result.get("total")},
    )


def current_result(run: AllocationRun) -> tuple[AllocationDocument, AllocationResult]:
    """The stored result's document and result, recomputed for the exports (same inputs)."""
    document = checked(run, list(run.candidates.all()))
    try:
        return document, document.compute()
    except AllocationFileError as error:
        raise RunError(error.message) from None
