"""Verbs on co-funding plans: create, change, record and remove payments, take the figures
into an evaluation. Each checks its input through :mod:`jixiao.core.cofunding`, changes
nothing when it fails, and is logged with ``log_action(subject=plan)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from jixiao.core import cofunding as core
from jixiao.core.money import fmt
from jixiao.core.text import Text
from jixiao.web.cofunding import link
from jixiao.web.cofunding.models import CofundingPlan, FundingLink, Payment
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import (
    EditError,
    document_rows,
    find_row,
    update_row,
    update_row_facts,
)
from jixiao.web.evaluations.workflow import EDITABLE
from jixiao.web.history.services import log_action
from jixiao.web.ledger.models import FlowKind
from jixiao.web.ledger.services import flows_for, record_flow, remove_flows_for

PLAN_FIELDS = (
    "name",
    "project",
    "subsidy_policy",
    "approved_total",
    "cost_share",
    "policy_date",
    "deadline",
    "published_paid_total",
)


FOREIGN_KEYS = {"project", "subsidy_policy"}


def _snapshot(plan: CofundingPlan) -> dict[str, Any]:
    """The plan's fields as plain JSON for the log."""
    values: dict[str, Any] = {}
    for field in PLAN_FIELDS:
        value = getattr(plan, f"{field}_id" if field in FOREIGN_KEYS else field)
        if isinstance(value, Decimal):
            value = fmt(value)  # 640.58 whether typed or read back as 640.5800
        values[field] = value if value is None or isinstance(value, int | str) else str(value)
    return values


def _payment_data(payment: Payment) -> dict[str, Any]:
    return {
        "level": payment.level,
        "amount": str(payment.amount),
        "paid_on": payment.paid_on.isoformat(),
        "reference": payment.reference,
    }


def check_plan(plan: CofundingPlan) -> core.Reconciliation:
    """The plan with its stored payments, through the core: raises ``CofundingError``."""
    payments = [p.core() for p in plan.payments.all()] if plan.pk else []
    return core.reconcile(plan.core_plan(), payments)


@transaction.atomic
def save_plan(plan: CofundingPlan, user: Any) -> CofundingPlan:
    """Create or change a plan; refused (nothing saved) if it would not reconcile with its
    payments, e.g. a policy date moved after a recorded payment."""
    before = None
    if plan.pk:
        before = _snapshot(CofundingPlan.objects.select_for_update().get(pk=plan.pk))
    plan.approved_total = core.amount(plan.approved_total, core.APPROVED_TOTAL)
    check_plan(plan)
    plan.save()
    after = _snapshot(plan)
    if before is not None and before["name"] != after["name"]:
        _relabel_flows(plan)
    if before is None:
        log_action("jixiao.cofunding.plan.created", user=user, subject=plan, after=after)
    elif before != after:
        changed = [k for k in after if before[k] != after[k]]
        log_action(
            "jixiao.cofunding.plan.changed",
            user=user,
            subject=plan,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return plan


def subsidy_total(plan: CofundingPlan) -> Decimal | None:
    """The approved grants of the plan's subsidy policy (their 公示 合计), if it has one."""
    from jixiao.web.subsidies.services import approved_total

    return approved_total(plan.subsidy_policy) if plan.subsidy_policy else None


def take_total_from_subsidies(plan: CofundingPlan, user: Any) -> CofundingPlan:
    """Set the plan's 批复总额 to what its subsidy policy has approved so far (logged as a
    change of the plan; refused like any change when it would not reconcile)."""
    total = subsidy_total(plan)
    if total is None:
        raise core.CofundingError(
            Text("补贴政策"), Text("该计划未关联补贴政策，无法按审批结果取数")
        )
    plan.approved_total = total
    return save_plan(plan, user)


@transaction.atomic
def record_payment(
    plan: CofundingPlan,
    level: object,
    amount: object,
    paid_on: date,
    reference: str,
    user: Any,
) -> Payment:
    """Record one payment; a bad level, amount or date raises ``CofundingError``, saves nothing."""
    plan = CofundingPlan.objects.select_for_update().get(pk=plan.pk)
    item = core.payment(level, amount, paid_on, reference.strip())
    core.reconcile(plan.core_plan(), [*(p.core() for p in plan.payments.all()), item])
    payment = Payment.objects.create(
        plan=plan,
        level=item.level.value,
        amount=item.amount,
        paid_on=item.paid_on,
        reference=item.reference,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _record_flow(plan, payment, user)
    log_action(
        "jixiao.cofunding.payment.recorded",
        user=user,
        subject=plan,
        payment=payment.pk,
        after=_payment_data(payment),
    )
    return payment


def _record_flow(plan: CofundingPlan, payment: Payment, user: Any) -> None:
    """The payment in the shared money-flow ledger (same transaction): a level of government
    pays the plan's beneficiaries; neither is an organisation of the platform."""
    labels = _flow_labels(plan, payment)
    record_flow(
        kind=FlowKind.PAYMENT,
        source=payment,
        source_url="cofunding:plan_detail",
        source_args=[plan.pk],
        owner=plan.owner,
        amount=payment.amount,
        on=payment.paid_on,
        reason=payment.reference or f"{plan.name}（{core.Level(payment.level).label}级分担）",
        user=user,
        source_label=labels["source_label"],
        payer_label=labels["payer_label"],
        payee_label=labels["payee_label"],
    )


def _flow_labels(plan: CofundingPlan, payment: Payment) -> dict[str, str]:
    """Stored labels, in Chinese whatever the request's language (省/市/县 from the core)."""
    level = core.Level(payment.level).label
    return {
        "source_label": f"{plan.name}：{level}级拨付",
        "payer_label": f"{level}级财政",
        "payee_label": f"{plan.name}资金使用对象",
    }


def _relabel_flows(plan: CofundingPlan) -> None:
    """A renamed plan: its payments' flows carry the new name (same transaction)."""
    for payment in plan.payments.all():
        flows_for(payment).update(**_flow_labels(plan, payment))


@transaction.atomic
def remove_payment(payment: Payment, user: Any) -> None:
    """Remove a payment recorded by mistake; the log keeps what it was."""
    plan = payment.plan
    data = _payment_data(payment)
    number = payment.pk
    remove_flows_for(payment)
    payment.delete()
    log_action(
        "jixiao.cofunding.payment.removed", user=user, subject=plan, payment=number, before=data
    )


# The evaluation link ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    link: FundingLink
    rows: list[tuple[str, str]]  # (indicator path, what was written)
    skipped: list[str]  # indicator paths whose figure cannot be known yet


@transaction.atomic
def apply_to_evaluation(plan: CofundingPlan, evaluation: Evaluation, user: Any) -> Applied:
    """Write the plan's funding figures into the evaluation's 资金到位率 / 预算完成 / 执行有效 /
    完成及时 rows (see :mod:`jixiao.web.cofunding.link`) through the evaluation services, so
    that each is rescored, versioned and logged like a typed value. Re-applying after payments
    change updates the rows. Only while the evaluation is editable; all or nothing.
    """
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status not in EDITABLE:
        raise EditError(
            Text("评价{status}，不能从拨付记录取值", status=str(evaluation.get_status_display()))
        )
    reconciliation = check_plan(plan)
    found = link.targets(evaluation.document)
    if not found:
        names = "、".join(link.INDICATORS)
        raise link.LinkError(
            Text("评价“{title}”中没有名为{names}的末级指标", title=evaluation.title, names=names)
        )

    planned = [(target, link.written(target, reconciliation)) for target in found]  # may refuse
    entries: list[dict[str, Any]] = []
    skipped = [target.label for target, values in planned if values is None]
    source = f"cofunding.plan:{plan.pk}"
    for target, values in planned:
        if values is None:
            continue
        if "actual" in values:
            evaluation = update_row(
                evaluation.pk, target.key, {"actual": values["actual"]}, evaluation.version, user
            )
        else:
            evaluation = update_row_facts(
                evaluation.pk,
                target.key,
                values["facts"],
                evaluation.version,
                user,
                source=source,
            )
        entries.append({"names": list(target.names), "figure": target.figure, "written": values})
    rows = [(" / ".join(e["names"]), link.describe(e["written"])) for e in entries]
    record, created = FundingLink.objects.get_or_create(plan=plan, evaluation=evaluation)
    before = record.rows
    record.rows = entries
    record.applied_by = user if getattr(user, "is_authenticated", False) else None
    record.save()
    log_action(
        "jixiao.cofunding.plan.applied",
        user=user,
        subject=plan,
        evaluation=evaluation,
        evaluation_title=evaluation.title,
        before={"rows": [] if created else before},
        after={"rows": entries},
        skipped=skipped,
    )
    return Applied(record, rows, skipped)


def funding_rows(evaluation: Evaluation) -> dict[str, str]:
    """Row key → plan name, for the rows of ``evaluation`` that still hold the figures a plan
    wrote there (a value typed over, or a manual score, ends the claim)."""
    marks: dict[str, str] = {}
    document = evaluation.document
    rows = None
    for record in FundingLink.objects.filter(evaluation=evaluation).select_related("plan"):
        for entry in record.rows:
            key = find_row(document, list(entry.get("names", [])))
            if key is None:
                continue
            rows = rows if rows is not None else document_rows(document)
            if link.holds(rows[key], entry.get("written", {})):
                marks[key] = record.plan.name
    return marks


def stale_links(plan: CofundingPlan) -> list[FundingLink]:
    """Linked evaluations whose written figures differ from what the payments now give."""
    reconciliation = check_plan(plan)
    stale = []
    for record in plan.links.select_related("evaluation"):
        document = record.evaluation.document
        rows = document_rows(document)
        for entry in record.rows:
            key = find_row(document, list(entry["names"]))
            method = str(rows[key].get("method", "")) if key is not None else ""
            target = link.Target(key or "", tuple(entry["names"]), entry["figure"], method)
            try:
                now = link.written(target, reconciliation)
            except link.LinkError:
                now = None
            if now != entry.get("written"):
                stale.append(record)
                break
    return stale
