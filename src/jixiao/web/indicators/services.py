"""Starting an evaluation from a template, and turning library entries into table rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import EditError, find_row, import_document, parse_weight
from jixiao.web.history.services import log_action
from jixiao.web.indicators.models import Indicator, Template
from jixiao.web.orgs.models import Organisation


def _meta(owner: Organisation, template: Template, **given: Any) -> dict[str, Any]:
    department = owner  # a project unit reports under the department above it
    parent = owner.parent
    if owner.kind != Organisation.Kind.DEPARTMENT and parent is not None:
        department = parent if parent.kind == Organisation.Kind.DEPARTMENT else owner
    meta = {
        "region": owner.region.full_name,
        "department": department.name,
        "framework": template.framework,
        "source": f"模板：{template.name}",
        **{key: value for key, value in given.items() if value not in (None, "")},
    }
    if department != owner:
        meta["unit"] = owner.name
    return meta


@transaction.atomic
def create_evaluation(
    template: Template,
    owner: Organisation,
    *,
    title: str,
    project: str,
    year: int | None,
    kind: str,
    user: Any,
    budget: dict[str, Decimal | None] | None = None,
) -> Evaluation:
    """A draft evaluation of ``owner`` whose table is a copy of the template's tree.

    The region comes from the organisation (it chooses the rule set); the caller has checked
    that ``user`` may create evaluations for ``owner``.
    """
    meta = _meta(owner, template, title=title, project=project, year=year, kind=kind)
    figures = {
        key: format(value, "f") for key, value in (budget or {}).items() if value is not None
    }
    evaluation = import_document(
        template.document(meta, figures or None),
        owner,
        name=gettext("模板 %(name)s") % {"name": template.name},
    )
    log_action(
        "jixiao.evaluation.created",
        user=user,
        evaluation=evaluation,
        template=template.name,
        template_id=template.pk,
    )
    return evaluation


def library_entry(pk: str) -> Indicator:
    entry = Indicator.objects.filter(pk=int(pk)).first() if pk.strip().isdigit() else None
    if entry is None:
        raise EditError(gettext("请从指标库中选择一个指标"))
    return entry


def library_row(entry: Indicator, weight: str) -> dict[str, Any]:
    """A new table row from a library entry, with the 分值 the user typed."""
    row: dict[str, Any] = {
        "name": entry.row_name,
        "weight": parse_weight(weight),
        "method": entry.method,
    }
    if entry.params:
        row["params"] = entry.params
    return row


def library_parent(document: Any, entry: Indicator) -> str:
    """The key of the row the library places ``entry`` under (``""``: the root)."""
    levels = entry.levels
    if not levels:
        return ""
    key = find_row(document, levels)
    if key is None:
        raise EditError(
            gettext("评价表中没有“%(levels)s”这一层级，请在“上级指标”中选择要添加到哪一行")
            % {"levels": "/".join(levels)}
        )
    return key
