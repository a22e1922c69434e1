"""Bulk export: the official table of many evaluations at once, as one .zip, in the background.

The evaluations are chosen again when the task runs, through ``visible_evaluations`` of the
job's owner, so an export never holds more than its owner may see at that moment. An
evaluation that cannot be exported (the table does not fit it, LibreOffice failed, its document
no longer reads) is listed with the reason in ``无法导出.txt`` inside the archive, never dropped.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db.models import QuerySet

from jixiao.core.tables import TableKind, TableMismatchError
from jixiao.core.text import Text
from jixiao.io import exporters
from jixiao.io.cases import CaseError
from jixiao.io.pdf_export import PdfConversionError
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import build_case, score_case
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.permissions import visible_evaluations

MAX_EVALUATIONS = 500
"""One job exports at most this many evaluations (about 10 minutes as PDF); narrow the choice."""

EVALUATION_TABLES = (
    TableKind.SELF,
    TableKind.SCORING,
    TableKind.SCORE_SHEET,
    TableKind.COMPLETION,
)
FAILURES_NAME = "无法导出.txt"


class BulkExportError(Exception):
    """The export as a whole cannot run; ``str()`` is the Chinese reason, a :class:`Text` kept
    with the job (``Job.set_message``) and shown in the reader's language."""


@dataclass(frozen=True)
class Choice:
    table: str
    format: str
    year: int | None = None
    department: int | None = None  # an Organisation pk: its evaluations and those below it
    kind: str = ""

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Choice:
        return cls(
            table=str(params.get("table", "")),
            format=str(params.get("format", "")),
            year=params.get("year"),
            department=params.get("department"),
            kind=str(params.get("kind", "")),
        )

    def params(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "format": self.format,
            "year": self.year,
            "department": self.department,
            "kind": self.kind,
        }


def chosen_evaluations(user: Any, choice: Choice) -> QuerySet[Evaluation]:
    """What ``user`` may see of the choice, in a stable order."""
    evaluations = visible_evaluations(user)
    if choice.year is not None:
        evaluations = evaluations.filter(year=choice.year)
    if choice.kind:
        evaluations = evaluations.filter(kind=choice.kind)
    if choice.department is not None:
        department = Organisation.objects.filter(pk=choice.department).first()
        if department is None:
            return evaluations.none()
        below = Organisation.objects.filter(path__startswith=department.path)
        evaluations = evaluations.filter(owner_id__in=below.values("pk"))
    return evaluations.order_by("year", "owner_id", "title", "pk")


def export_zip(
    user: Any, choice: Choice, progress: Callable[[int, int], None] | None = None
) -> tuple[bytes, int, int]:
    """The archive's bytes, how many files it holds and how many evaluations failed."""
    exporter = exporters.get(choice.table, choice.format)
    if exporter is None or TableKind(choice.table) not in EVALUATION_TABLES:
        raise BulkExportError(
            Text("不支持的表格或格式：{table} / {format}", table=choice.table, format=choice.format)
        )
    ids = list(chosen_evaluations(user, choice).values_list("pk", flat=True)[: MAX_EVALUATIONS + 1])
    if not ids:
        raise BulkExportError(Text("没有符合条件、您可以查看的评价"))
    if len(ids) > MAX_EVALUATIONS:
        raise BulkExportError(
            Text(
                "符合条件的评价超过 {limit} 份，请按年度或单位缩小范围", limit=str(MAX_EVALUATIONS)
            )
        )
    buffer = BytesIO()
    failures: list[str] = []
    used: set[str] = set()
    written = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, evaluation in enumerate(
            Evaluation.objects.filter(pk__in=ids).order_by("year", "owner_id", "title", "pk"), 1
        ):
            name = f"评价 {evaluation.pk}（{evaluation.title}）"
            try:
                case = build_case(evaluation)
                file = exporter.render(case, score_case(case, name))
            except TableMismatchError:
                failures.append(f"{name}：{TableKind(choice.table).label}不适用于该评价")
            except (CaseError, PdfConversionError) as error:
                failures.append(f"{name}：{error}")
            else:
                archive.writestr(_unique(f"{evaluation.pk}-{file.filename}", used), file.content)
                written += 1
            if progress is not None:
                progress(done, len(ids))
        if failures:
            archive.writestr(FAILURES_NAME, "\n".join(failures) + "\n")
    return buffer.getvalue(), written, len(failures)


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    while candidate in used:
        n += 1
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem}-{n}{dot}{ext}"
    used.add(candidate)
    return candidate
