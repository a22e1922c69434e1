"""Which evaluation rows take their figures from a co-funding plan, and what is written there.

The mapping is explicit, by the name of a leaf indicator and its scoring method:

============  =========================  ==================================================
indicator     method                     written (from the reconciliation)
============  =========================  ==================================================
资金到位率    ratio_positive, judgement,  actual ``"91.00%"`` (total paid / total due,
预算完成      qualitative                 2 places half up; `002` 附件二 scores 预算完成 by
              threshold, tier_bands       项目实际到位金额/承诺到位金额) — fact ``rate`` instead
执行有效      findings_deduction          fact ``findings``: levels that paid short (`002`: 省)
              checklist                   fact ``missed``: the same count
              yes_no                      fact ``yes``: 是 when every level paid its share
完成及时      timeliness                  facts ``plan_time`` (policy date → deadline) and
                                          ``actual_time`` (policy date → last payment), days
============  =========================  ==================================================

Any other method on these rows is refused with a message naming the row; the evaluation's
other rows are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jixiao.core import cofunding as core
from jixiao.core.text import Text

ARRIVAL, EXECUTION, TIMELINESS = "arrival", "execution", "timeliness"
INDICATORS = {
    "资金到位率": ARRIVAL,
    "预算完成": ARRIVAL,
    "执行有效": EXECUTION,
    "完成及时": TIMELINESS,
}
METHODS = {
    ARRIVAL: ("ratio_positive", "judgement", "qualitative", "threshold", "tier_bands"),
    EXECUTION: ("findings_deduction", "checklist", "yes_no"),
    TIMELINESS: ("timeliness",),
}


class LinkError(Exception):
    """The evaluation cannot take the plan's figures; ``str()`` is the Chinese message (a core
    ``Text``, shown through ``localize``)."""

    def __str__(self) -> str:
        message: str = self.args[0]
        return message


@dataclass(frozen=True)
class Target:
    """A row of the evaluation that a figure goes to."""

    key: str  # the row key in the stored document ("0.1.2")
    names: tuple[str, ...]  # the indicator names from the root: found again after moves
    figure: str
    method: str

    @property
    def label(self) -> str:
        return " / ".join(self.names)


def targets(document: Any) -> list[Target]:
    """Every leaf named in :data:`INDICATORS`, depth-first."""
    found: list[Target] = []

    def visit(rows: list[Any], prefix: str, names: tuple[str, ...]) -> None:
        for index, row in enumerate(rows):
            key, path = f"{prefix}{index}", (*names, str(row.get("name", "")))
            children = row.get("children") or []
            if children:
                visit(children, f"{key}.", path)
            elif path[-1] in INDICATORS:
                found.append(Target(key, path, INDICATORS[path[-1]], str(row.get("method", ""))))

    visit(document.get("indicators", []), "", ())
    return found


def written(target: Target, reconciliation: core.Reconciliation) -> dict[str, Any] | None:
    """What goes into the row: ``{"actual": …}`` or ``{"facts": {…}}``; None while the figure
    cannot be known yet (nothing due; a level that owes money has paid nothing)."""
    if target.method not in METHODS[target.figure]:
        allowed = "、".join(METHODS[target.figure])
        raise LinkError(
            Text(
                "指标“{label}”的评分方法为“{method}”，不能从拨付记录取值（可用：{allowed}）",
                label=target.label,
                method=target.method or Text("未指定"),
                allowed=allowed,
            )
        )

    if target.figure == ARRIVAL:
        percent = core.arrival_percent(reconciliation)
        if percent is None:
            return None
        if target.method in ("threshold", "tier_bands"):
            return {"facts": {"rate": f"{percent:f}"}}
        return {"actual": f"{percent:f}%"}
    if target.figure == EXECUTION:
        findings = core.execution_findings(reconciliation)
        if target.method == "findings_deduction":
            return {"facts": {"findings": findings}}
        if target.method == "checklist":
            return {"facts": {"missed": findings}}
        return {"facts": {"yes": "否" if findings else "是"}}
    timeliness = core.timeliness(reconciliation)
    if timeliness is None:
        return None
    return {"facts": {"plan_time": timeliness.plan_time, "actual_time": timeliness.actual_time}}


def holds(row: Any, values: dict[str, Any]) -> bool:
    """Whether ``row`` still holds what was written and no manual score overrides it."""
    if row.get("manual_score") not in (None, ""):
        return False
    if "actual" in values and row.get("actual") != values["actual"]:
        return False
    facts = row.get("facts") or {}
    return all(_same(facts.get(name), value) for name, value in values.get("facts", {}).items())


def _same(stored: Any, value: Any) -> bool:
    return stored == value or str(stored) == str(value)


def describe(values: dict[str, Any]) -> str:
    """The written values in words, for the plan page and the log."""
    if "actual" in values:
        return f"{_('实际完成值')} {values['actual']}"
    labels = {
        "rate": _("到位率(%)"),
        "findings": _("发现问题数"),
        "missed": _("未达成项"),
        "yes": _("是否"),
        "plan_time": _("计划完成时间(天)"),
        "actual_time": _("实际完成时间(天)"),
    }
    return "，".join(f"{labels.get(k, k)} {v}" for k, v in values.get("facts", {}).items())
