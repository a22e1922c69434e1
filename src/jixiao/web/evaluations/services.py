"""Verbs on evaluations: import a case, score it through jixiao.core, keep the figures."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from jixiao.core.audit import Severity
from jixiao.core.case import MAX_NARRATIVE, Case, NarrativeKey
from jixiao.core.money import ZERO, to_decimal
from jixiao.core.review import TableReport, review
from jixiao.core.rules import RuleSet, RuleSetError
from jixiao.core.scoring import REGISTRY, MethodInputError
from jixiao.core.text import Text, message_of
from jixiao.io import rulesets
from jixiao.io.cases import CaseError, from_document, plain, read_document
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.orgs.models import Organisation


def rules_for(case: Case) -> RuleSet:
    return rulesets.for_table(case.rules, case.meta.region, case.meta.year)


def build_case(evaluation: Evaluation) -> Case:
    name = _("评价 %(pk)s") % {"pk": evaluation.pk}
    document = from_document(evaluation.document, name)
    if not isinstance(document, Case):
        raise CaseError(name, Text("不是评价表"))
    return document


def report_for(evaluation: Evaluation) -> TableReport:
    """Recompute the evaluation: every score with its explanation, total, grade, findings."""
    case = build_case(evaluation)
    return score_case(case, _("评价 %(pk)s") % {"pk": evaluation.pk})


def score_case(case: Case, name: str) -> TableReport:
    """Review a case; an unusable rule set or method input becomes a :class:`CaseError`."""
    try:
        return review(case, rules_for(case))
    except (RuleSetError, MethodInputError) as error:
        raise CaseError(name, message_of(error)) from None


def _store_figures(evaluation: Evaluation, report: TableReport) -> None:
    evaluation.computed_total = report.computed_total
    evaluation.computed_grade = report.computed_grade or ""
    evaluation.published_total = report.published_total
    evaluation.published_grade = report.published_grade or ""
    evaluation.error_count = sum(f.severity is Severity.ERROR for f in report.findings)
    evaluation.warning_count = sum(f.severity is Severity.WARNING for f in report.findings)
    evaluation.rules = report.rules


@transaction.atomic
def import_document(document: Any, owner: Organisation, *, name: str = "") -> Evaluation:
    """Create an evaluation from a case document; a bad document changes nothing."""
    data = plain(document)
    source = name or _("上传的评价表")
    case = from_document(data, source)
    if not isinstance(case, Case):
        raise CaseError(name, Text("只能导入评价表（type: evaluation）"))
    meta = case.meta
    evaluation = Evaluation(
        owner=owner,
        title=meta.title or meta.project,
        project=meta.project,
        year=meta.year,
        kind=meta.kind.value,
        document=data,
    )
    _store_figures(evaluation, score_case(case, source))
    evaluation.save()
    return evaluation


def import_case_file(path: Path, owner: Organisation) -> Evaluation:
    return import_document(read_document(path), owner, name=str(path))


# Editing and workflow -------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "target",
    "actual",
    "deviation_note",
    "rationale",
    "manual_score",
    "manual_reason",
)


class EditError(Exception):
    """A change that cannot be made; ``str()`` is the Chinese message for the user (a core
    :class:`Text` when it came from a case file's check: ``localize`` shows it in English)."""

    def __str__(self) -> str:
        first = self.args[0] if len(self.args) == 1 else None
        return first if isinstance(first, Text) else super().__str__()


class VersionConflictError(EditError):
    pass


def document_rows(document: Any) -> dict[str, Any]:
    """Every indicator of a stored document by row key (``"1.0.2"``), depth-first."""
    rows: dict[str, Any] = {}

    def visit(indicators: list[Any], prefix: str) -> None:
        for index, raw in enumerate(indicators):
            key = f"{prefix}{index}"
            rows[key] = raw
            visit(raw.get("children", []), f"{key}.")

    visit(document.get("indicators", []), "")
    return rows


def _apply(row: Any, changes: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise EditError(_("字段 %(field)s 不能在此修改") % {"field": field})
        if field in ("target", "actual") and row.get("children"):
            raise EditError(_("有下级指标的指标没有指标值，请在末级指标填写"))
        before[field] = row.get(field)
        text = value.strip()
        if text:
            row[field] = text
        else:
            row.pop(field, None)
        after[field] = row.get(field)
    return before, after


def _check_version(evaluation: Evaluation, version: int) -> None:
    if evaluation.version != version:
        raise VersionConflictError(
            _(
                "该评价已被他人修改（当前版本 %(current)s，您编辑的是版本 %(version)s），"
                "页面已更新为最新内容，请核对后重新填写。"
            )
            % {"current": evaluation.version, "version": version}
        )


@transaction.atomic
def update_row(
    evaluation_id: int, key: str, changes: dict[str, str], version: int, user: Any
) -> Evaluation:
    """Change one row's inputs and rescore; stale versions and invalid values change nothing."""
    from jixiao.web.evaluations.workflow import EDITABLE
    from jixiao.web.history.services import log_action

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _check_version(evaluation, version)
    if evaluation.status not in EDITABLE:
        raise EditError(_("评价%(status)s，不能修改") % {"status": evaluation.get_status_display()})
    document = copy.deepcopy(evaluation.document)
    row = document_rows(document).get(key)
    if row is None:
        raise EditError(_("指标 %(key)s 不存在") % {"key": key})
    before, after = _apply(row, changes)
    if before == after:
        return evaluation
    try:
        case = from_document(document, evaluation.title)
    except CaseError as error:
        raise EditError(error.with_field()) from None
    if not isinstance(case, Case):
        raise EditError(_("不是评价表"))
    _store_figures(evaluation, review(case, rules_for(case)))
    evaluation.document = document
    evaluation.version += 1
    evaluation.save()
    log_action(
        "jixiao.evaluation.row.changed",
        user=user,
        evaluation=evaluation,
        row=key,
        indicator=row.get("name", ""),
        before=before,
        after=after,
    )
    return evaluation


@transaction.atomic
def transition(
    evaluation_id: int, action: str, user: Any, flags: frozenset[Any], comment: str, version: int
) -> Evaluation:
    """Move the evaluation along the workflow table; every step is recorded."""
    from jixiao.web.evaluations.models import Transition
    from jixiao.web.evaluations.workflow import STEPS
    from jixiao.web.history.services import log_action

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _check_version(evaluation, version)
    step = STEPS.get(action)
    if step is None:
        raise EditError(_("未知操作 %(action)s") % {"action": action})
    if step.flag not in flags:
        raise PermissionError(action)
    if evaluation.status not in step.sources:
        raise EditError(
            _("评价%(status)s，不能%(step)s")
            % {"status": evaluation.get_status_display(), "step": step.label}
        )
    if step.needs_comment and not comment.strip():
        raise EditError(_("%(step)s须填写意见") % {"step": step.label})
    source = evaluation.status
    evaluation.status = step.target
    evaluation.version += 1
    evaluation.save(update_fields=["status", "version", "updated_at"])
    Transition.objects.create(
        evaluation=evaluation,
        user=user,
        from_status=source,
        to_status=step.target,
        comment=comment.strip(),
    )
    log_action(
        f"jixiao.evaluation.{step.action}",
        user=user,
        evaluation=evaluation,
        before={"status": source},
        after={"status": step.target},
        comment=comment.strip(),
    )
    return evaluation


# Editing the indicator tree -------------------------------------------------------------------
# Structure changes (add, remove, move, reweight, rename) on a draft or returned evaluation. Like
# update_row: the version must be current, the result must load as a case document and score
# through the core, or nothing changes. Weights that no longer add up are allowed while editing:
# they show as WEIGHTS_NOT_100 / CHILD_WEIGHTS_MISMATCH findings until fixed.

MAX_WEIGHT = Decimal(100)
MAX_NAME = 200

VALUE_FIELDS = {
    "target": gettext_lazy("年度指标值"),
    "actual": gettext_lazy("实际完成值"),
    "facts": gettext_lazy("评分事实"),
    "published_score": gettext_lazy("发布得分"),
    "manual_score": gettext_lazy("人工评分"),
    "rationale": gettext_lazy("评分依据"),
    "deviation_note": gettext_lazy("偏差原因分析及改进措施"),
}


def parse_weight(text: str, *, required: bool = True) -> str | None:
    """A weight as typed, checked and kept as a decimal string; blank gives ``None``."""
    raw = text.strip()
    if not raw:
        if required:
            raise EditError(_("请填写分值"))
        return None
    try:
        value = to_decimal(raw)
    except (TypeError, ValueError):
        raise EditError(_("分值须为数字，“%(raw)s”不是数字") % {"raw": raw}) from None
    if not ZERO <= value <= MAX_WEIGHT:
        raise EditError(
            _("分值须在 0 到 %(max)s 之间，实为 %(raw)s") % {"max": MAX_WEIGHT, "raw": raw}
        )
    if value != value.quantize(Decimal("0.01")):
        raise EditError(_("分值最多保留两位小数，实为 %(raw)s") % {"raw": raw})
    return format(value, "f")


def parse_method(code: str) -> str:
    code = code.strip()
    if code not in REGISTRY:
        raise EditError(_("未知评分方法“%(code)s”，请从列表中选择") % {"code": code})
    return code


def parse_params(text: str) -> dict[str, Any]:
    """Method parameters typed as a JSON object; numbers are kept exact (decimal strings)."""
    raw = text.strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw, parse_float=Decimal)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise EditError(_('参数须为 JSON 对象，例如 {"points": 6, "per_missed": 1}'))
    params: dict[str, Any] = plain(value)
    return params


def parse_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise EditError(_("请填写指标名称"))
    if len(name) > MAX_NAME:
        raise EditError(_("指标名称过长（最多 %(max)s 字）") % {"max": MAX_NAME})
    return name


def indicator_row(name: str, weight: str, method: str, params: str = "") -> dict[str, Any]:
    """A new leaf from form input; anything invalid raises :class:`EditError`."""
    row: dict[str, Any] = {
        "name": parse_name(name),
        "weight": parse_weight(weight),
        "method": parse_method(method),
    }
    parsed = parse_params(params)
    if parsed:
        row["params"] = parsed
    return row


def _locate(document: Any, key: str) -> tuple[Any, list[Any], int]:
    """(parent row or None, the siblings list, index) of the row ``key`` (``"1.0.2"``)."""
    try:
        steps = [int(part) for part in key.split(".")]
    except ValueError:
        raise EditError(_("指标 %(key)s 不存在") % {"key": key}) from None
    parent: Any = None
    siblings: list[Any] = document.get("indicators", [])
    for depth, index in enumerate(steps):
        if not 0 <= index < len(siblings):
            break
        if depth == len(steps) - 1:
            return parent, siblings, index
        parent = siblings[index]
        siblings = parent.get("children", [])
    raise EditError(_("指标 %(key)s 不存在") % {"key": key})


def find_row(document: Any, names: list[str]) -> str | None:
    """The key of the row reached by following ``names`` from the roots, if there is one."""
    rows = document.get("indicators", [])
    key = ""
    for name in names:
        index = next((i for i, raw in enumerate(rows) if raw.get("name") == name), None)
        if index is None:
            return None
        key = f"{key}.{index}" if key else str(index)
        rows = rows[index].get("children", [])
    return key or None


def _unique_among(siblings: list[Any], name: str, exclude: int | None = None) -> None:
    for index, raw in enumerate(siblings):
        if index != exclude and raw.get("name") == name:
            raise EditError(_("同一级已有指标“%(name)s”，请换一个名称") % {"name": name})


TreeChange = Callable[[Any], dict[str, Any] | None]


def _change_tree(
    evaluation_id: int, version: int, user: Any, action: str, change: TreeChange
) -> Evaluation:
    """Apply ``change`` to a copy of the document; keep it only if it loads and scores.

    ``change`` returns what to log, or ``None`` when there is nothing to change.
    """
    from jixiao.web.evaluations.workflow import EDITABLE
    from jixiao.web.history.services import log_action

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _check_version(evaluation, version)
    if evaluation.status not in EDITABLE:
        raise EditError(_("评价%(status)s，不能修改") % {"status": evaluation.get_status_display()})
    document = copy.deepcopy(evaluation.document)
    data = change(document)
    if data is None:
        return evaluation
    try:
        case = from_document(document, evaluation.title)
        if not isinstance(case, Case):
            raise EditError(_("不是评价表"))
        report = review(case, rules_for(case))
    except CaseError as error:
        raise EditError(error.with_field()) from None
    except (RuleSetError, MethodInputError) as error:
        raise EditError(message_of(error)) from None
    _store_figures(evaluation, report)
    evaluation.document = document
    evaluation.version += 1
    evaluation.save()
    log_action(f"jixiao.evaluation.indicator.{action}", user=user, evaluation=evaluation, **data)
    return evaluation


@transaction.atomic
def add_indicator(
    evaluation_id: int, parent_key: str, row: dict[str, Any], version: int, user: Any
) -> Evaluation:
    """Append ``row`` under the row ``parent_key`` (``""``: a new 一级 indicator).

    A leaf that receives a child becomes a parent: it loses its scoring method, and it may not
    already hold figures (they would be lost).
    """

    def change(document: Any) -> dict[str, Any]:
        parent_name = ""
        if parent_key:
            _parent, siblings, index = _locate(document, parent_key)
            parent = siblings[index]
            parent_name = parent["name"]
            if not parent.get("children"):
                entered = [str(label) for field, label in VALUE_FIELDS.items() if field in parent]
                if entered:
                    raise EditError(
                        _(
                            "指标“%(name)s”已填写%(fields)s，不能再添加下级指标；"
                            "请先清空这些内容，或在其上级添加"
                        )
                        % {"name": parent_name, "fields": pgettext("list", "、").join(entered)}
                    )
                for field in ("method", "params", "lower_is_better", "manual_reason"):
                    parent.pop(field, None)
                parent["children"] = []
            rows = parent["children"]
        else:
            rows = document.setdefault("indicators", [])
        _unique_among(rows, row["name"])
        rows.append(copy.deepcopy(row))
        index = len(rows) - 1
        return {
            "row": f"{parent_key}.{index}" if parent_key else str(index),
            "indicator": row["name"],
            "parent": parent_name,
            "after": {field: row.get(field) for field in ("name", "weight", "method")},
            "added": row,
        }

    return _change_tree(evaluation_id, version, user, "added", change)


@transaction.atomic
def remove_indicator(evaluation_id: int, key: str, version: int, user: Any) -> Evaluation:
    """Remove a row and everything under it; never the last 一级 row nor an only child."""

    def change(document: Any) -> dict[str, Any]:
        parent, siblings, index = _locate(document, key)
        name = siblings[index]["name"]
        if len(siblings) == 1:
            if parent is None:
                raise EditError(_("评价表至少要有一个一级指标，不能删除最后一个"))
            raise EditError(
                _(
                    "“%(name)s”是“%(parent)s”唯一的下级指标，不能删除；"
                    "可先添加其他下级指标，或删除“%(parent)s”"
                )
                % {"name": name, "parent": parent["name"]}
            )
        removed = siblings.pop(index)
        return {
            "row": key,
            "indicator": name,
            "parent": parent["name"] if parent else "",
            "before": {field: removed.get(field) for field in ("name", "weight")},
            "removed": removed,  # the whole subtree, so that nothing is lost from the record
        }

    return _change_tree(evaluation_id, version, user, "removed", change)


@transaction.atomic
def move_indicator(
    evaluation_id: int, key: str, direction: str, version: int, user: Any
) -> Evaluation:
    """Swap a row with its previous (``"up"``) or next (``"down"``) sibling."""
    if direction not in ("up", "down"):
        raise EditError(_("只能上移或下移"))

    def change(document: Any) -> dict[str, Any]:
        _parent, siblings, index = _locate(document, key)
        target = index - 1 if direction == "up" else index + 1
        name = siblings[index]["name"]
        if not 0 <= target < len(siblings):
            if direction == "up":
                raise EditError(_("“%(name)s”已是同级第一个，不能再上移") % {"name": name})
            raise EditError(_("“%(name)s”已是同级最后一个，不能再下移") % {"name": name})
        siblings[index], siblings[target] = siblings[target], siblings[index]
        return {
            "row": key,
            "indicator": name,
            "direction": direction,
            "before": {"position": index + 1},
            "after": {"position": target + 1},
        }

    return _change_tree(evaluation_id, version, user, "moved", change)


@transaction.atomic
def reweight_indicator(
    evaluation_id: int, key: str, weight: str, version: int, user: Any
) -> Evaluation:
    """Set a row's 分值; a parent's may be cleared (it is then the sum of its children)."""

    def change(document: Any) -> dict[str, Any] | None:
        _parent, siblings, index = _locate(document, key)
        row = siblings[index]
        value = parse_weight(weight, required=not row.get("children"))
        before = row.get("weight")
        if (None if before is None else to_decimal(str(before))) == (
            None if value is None else to_decimal(value)
        ):
            return None
        if value is None:
            row.pop("weight", None)
        else:
            row["weight"] = value
        return {
            "row": key,
            "indicator": row["name"],
            "before": {"weight": None if before is None else str(before)},
            "after": {"weight": value},
        }

    return _change_tree(evaluation_id, version, user, "reweighted", change)


@transaction.atomic
def rename_indicator(
    evaluation_id: int, key: str, name: str, version: int, user: Any
) -> Evaluation:
    """Rename a row (e.g. a template's placeholder); names stay unique among siblings."""
    new_name = parse_name(name)

    def change(document: Any) -> dict[str, Any] | None:
        _parent, siblings, index = _locate(document, key)
        before = siblings[index]["name"]
        if before == new_name:
            return None
        _unique_among(siblings, new_name, exclude=index)
        siblings[index]["name"] = new_name
        return {
            "row": key,
            "indicator": new_name,
            "before": {"name": before},
            "after": {"name": new_name},
        }

    return _change_tree(evaluation_id, version, user, "renamed", change)


# The report narrative -------------------------------------------------------------------------
# Kept in the case document itself (``document["narrative"]``, docs/case-format.md), so it is
# imported, exported and validated with the case, and every report built from the evaluation
# carries it. It does not change any score, so saving it does not rescore.


def narrative_of(evaluation: Evaluation) -> dict[str, str]:
    """The chapters written so far, by chapter key (``NarrativeKey`` values), in report order."""
    stored = evaluation.document.get("narrative") or {}
    return {key.value: stored[key.value] for key in NarrativeKey if stored.get(key.value)}


def clean_text(text: str) -> str:
    """As typed in a textarea: Windows line ends and blank space around the text dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def save_narrative(
    evaluation_id: int, texts: dict[str, str], version: int, user: Any
) -> Evaluation:
    """Replace the chapters given in ``texts`` (blank: not written); the others stay.

    Same rules as the grid: the version must be current and the evaluation editable, or
    nothing changes. Only a real change bumps the version and is recorded.
    """
    from jixiao.web.evaluations.workflow import EDITABLE
    from jixiao.web.history.services import log_action

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _check_version(evaluation, version)
    if evaluation.status not in EDITABLE:
        raise EditError(
            _("评价%(status)s，不能修改报告文字") % {"status": evaluation.get_status_display()}
        )
    known = {key.value: key for key in NarrativeKey}
    for name, text in texts.items():
        key = known.get(name)
        if key is None:
            raise EditError(_("报告没有“%(name)s”这一章节") % {"name": name})
        if len(clean_text(text)) > MAX_NARRATIVE:
            raise EditError(
                _("“%(chapter)s”内容过长（%(length)s 字，上限 %(max)s 字）")
                % {"chapter": _(key.label), "length": len(clean_text(text)), "max": MAX_NARRATIVE}
            )
    current = narrative_of(evaluation)
    wanted = {**current, **{name: clean_text(text) for name, text in texts.items()}}
    wanted = {key.value: wanted[key.value] for key in NarrativeKey if wanted.get(key.value)}
    changed = [key for key in NarrativeKey if current.get(key.value) != wanted.get(key.value)]
    if not changed:
        return evaluation
    document = copy.deepcopy(evaluation.document)
    if wanted:
        document["narrative"] = wanted
    else:
        document.pop("narrative", None)
    try:
        from_document(document, evaluation.title)
    except CaseError as error:
        raise EditError(error.with_field()) from None
    evaluation.document = document
    evaluation.version += 1
    evaluation.save(update_fields=["document", "version", "updated_at"])
    log_action(
        "jixiao.evaluation.narrative.changed",
        user=user,
        evaluation=evaluation,
        chapters=[key.label for key in changed],
        before={key.value: current.get(key.value) for key in changed},
        after={key.value: wanted.get(key.value) for key in changed},
    )
    return evaluation


def case_document(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as a case file's content (narrative included): what import reads back."""
    document: dict[str, Any] = plain(evaluation.document)
    return document


# Facts from records ------------------------------------------------------------------------------
# Some methods read 评分事实 (facts: plan_time/actual_time, findings…) rather than a typed actual.
# They are not typed in the grid; records such as co-funding payments supply them, through this
# verb, with the same version check, rescoring and log entry as a typed value (update_row).


@transaction.atomic
def update_row_facts(
    evaluation_id: int,
    key: str,
    facts: dict[str, Any],
    version: int,
    user: Any,
    *,
    source: str = "",
) -> Evaluation:
    """Set some facts of one leaf (others stay) and rescore; ``source`` names the record."""
    from jixiao.web.evaluations.workflow import EDITABLE
    from jixiao.web.history.services import log_action

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _check_version(evaluation, version)
    if evaluation.status not in EDITABLE:
        raise EditError(_("评价%(status)s，不能修改") % {"status": evaluation.get_status_display()})
    document = copy.deepcopy(evaluation.document)
    row = document_rows(document).get(key)
    if row is None or row.get("children"):
        raise EditError(_("指标 %(key)s 不存在或不是末级指标") % {"key": key})
    before = dict(row.get("facts") or {})
    after = {**before, **plain(facts)}
    if after == before:
        return evaluation
    row["facts"] = after
    try:
        case = from_document(document, evaluation.title)
        if not isinstance(case, Case):
            raise EditError(_("不是评价表"))
        report = review(case, rules_for(case))
    except CaseError as error:
        raise EditError(error.with_field()) from None
    except (RuleSetError, MethodInputError) as error:
        raise EditError(message_of(error)) from None
    _store_figures(evaluation, report)
    evaluation.document = document
    evaluation.version += 1
    evaluation.save()
    log_action(
        "jixiao.evaluation.row.changed",
        user=user,
        evaluation=evaluation,
        row=key,
        indicator=row.get("name", ""),
        before={"facts": before},
        after={"facts": after},
        source=source,
    )
    return evaluation
