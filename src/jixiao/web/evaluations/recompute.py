"""Recompute the stored figures of many evaluations at once.

Each evaluation keeps the figures of its last scoring (total, grade, published figures, error
and warning counts, rule set) for list pages and summaries. When a rule set changes (an
administrator edits a province's table), those figures are stale. ``recompute_figures`` scores
every stored table again through :mod:`jixiao.io.grouped_audit`, a thousand at a time, and
writes the figures back; a table that cannot be scored keeps its old figures and is reported
with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jixiao.core.audit import Severity
from jixiao.core.rules import RuleSet, RuleSetError, normalize_grade
from jixiao.core.scoring import MethodInputError
from jixiao.core.text import message_of
from jixiao.io import rulesets
from jixiao.io.cases import CaseError
from jixiao.io.grouped_audit import TableAudit, audit_documents
from jixiao.web.evaluations.models import Evaluation

CHUNK = 1000
FIGURES = (
    "computed_total",
    "computed_grade",
    "published_total",
    "published_grade",
    "error_count",
    "warning_count",
    "rules",
)
_REFUSALS = (
    CaseError,
    RuleSetError,
    MethodInputError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    ArithmeticError,
)

Progress = Callable[[int, int], None]


@dataclass
class Recomputed:
    """What a recomputation did: how many evaluations were scored, which could not be."""

    updated: int = 0
    changed: int = 0  # of those, how many had other figures before
    failed: list[tuple[int, str]] = field(default_factory=list)  # (evaluation id, reason)


def recompute_figures(
    evaluations: QuerySet[Evaluation], progress: Progress | None = None, chunk: int = CHUNK
) -> Recomputed:
    """Score ``evaluations`` again and store their figures; ``progress(done, total)``."""
    total = evaluations.count()
    outcome = Recomputed()
    batch: list[Evaluation] = []
    done = 0
    for evaluation in evaluations.order_by("pk").iterator(chunk_size=chunk):
        batch.append(evaluation)
        if len(batch) == chunk:
            _recompute(batch, outcome)
            done += len(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        _recompute(batch, outcome)
        done += len(batch)
        if progress:
            progress(done, total)
    return outcome


class _Rules:
    """Each document's rule set, as ``services.rules_for`` picks it, looked up once per name."""

    def __init__(self) -> None:
        self.known: dict[tuple[str | None, str, int | None], RuleSet] = {}

    def __call__(self, document: Mapping[str, Any]) -> RuleSet:
        name = document.get("rules") or None
        meta = document.get("meta") or {}
        key = (name, "", None) if name else (None, meta.get("region", ""), meta.get("year"))
        rules = self.known.get(key)
        if rules is None:
            rules = self.known[key] = rulesets.for_table(*key)
        return rules


def _name(evaluation: Evaluation) -> str:
    return _("评价 %(pk)s") % {"pk": evaluation.pk}


def _recompute(batch: list[Evaluation], outcome: Recomputed) -> None:
    rules_of = _Rules()
    documents = [evaluation.document for evaluation in batch]
    answers: list[TableAudit | None]
    try:
        answers = list(audit_documents(documents, rules_of, [_name(e) for e in batch]))
    except _REFUSALS:  # one table cannot be scored: take them one by one to find it
        answers = [_alone(evaluation, rules_of, outcome) for evaluation in batch]
    scored = []
    for evaluation, answer in zip(batch, answers, strict=True):
        if answer is None:
            continue
        before = tuple(getattr(evaluation, name) for name in FIGURES)
        _store(evaluation, answer, rules_of(evaluation.document))
        outcome.updated += 1
        if tuple(getattr(evaluation, name) for name in FIGURES) != before:
            outcome.changed += 1
            scored.append(evaluation)
    with transaction.atomic():
        Evaluation.objects.bulk_update(scored, FIGURES)


def _alone(evaluation: Evaluation, rules_of: _Rules, outcome: Recomputed) -> TableAudit | None:
    try:
        return audit_documents([evaluation.document], rules_of, [_name(evaluation)])[0]
    except _REFUSALS as error:
        outcome.failed.append((evaluation.pk, message_of(error)))
        return None


def _store(evaluation: Evaluation, answer: TableAudit, rules: RuleSet) -> None:
    """The figures ``services._store_figures`` keeps, from a batch answer."""
    printed_grade = answer.published_grade
    evaluation.computed_total = answer.total
    evaluation.computed_grade = answer.grade or ""
    evaluation.published_total = answer.published_total
    evaluation.published_grade = (
        (normalize_grade(printed_grade) or printed_grade) if printed_grade else ""
    )
    evaluation.error_count = sum(f.severity is Severity.ERROR for f in answer.findings)
    evaluation.warning_count = sum(f.severity is Severity.WARNING for f in answer.findings)
    evaluation.rules = rules.label
