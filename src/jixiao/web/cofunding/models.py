"""Co-funding plans (分担比例), their payments (拨付记录) and the evaluations that read them.

Amounts are 万元, exact, at most 4 decimals (1 元). The figures — expected per level, arrival
rate, shortfall, days late — are computed by :mod:`jixiao.core.cofunding`, never stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.core import cofunding as core
from jixiao.core.money import ZERO, fmt
from jixiao.web.orgs.models import Organisation


class Level(models.TextChoices):
    PROVINCE = core.Level.PROVINCE.value, _("省")
    CITY = core.Level.CITY.value, _("市")
    COUNTY = core.Level.COUNTY.value, _("县")


class CofundingPlan(models.Model):
    """An approved total shared by 省/市/县 (e.g. 3:3:4), to be paid by a deadline."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="cofunding_plans",
    )
    project = models.ForeignKey(
        "funds.Project",
        verbose_name=_("关联项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cofunding_plans",
    )
    subsidy_policy = models.ForeignKey(
        "subsidies.SubsidyPolicy",
        verbose_name=_("补贴政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cofunding_plans",
        help_text=_("选定后，批复总额取该政策已审批补贴的合计"),
    )
    name = models.CharField(_("名称"), max_length=255)
    approved_total = models.DecimalField(
        _("批复总额（万元）"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
    )
    cost_share = models.CharField(
        _("分担比例（省:市:县）"),
        max_length=64,
        help_text=_("如 3:3:4，或 0.3:0.3:0.4、30%:30%:40%、1/3:1/3:1/3"),
    )
    policy_date = models.DateField(_("政策日期"))
    deadline = models.DateField(_("拨付期限"))
    published_paid_total = models.DecimalField(
        _("报告所列到位合计（万元）"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("报告中印出的到位资金合计，用于核对，可不填"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("资金分担计划")
        verbose_name_plural = _("资金分担计划")
        ordering = ["-policy_date", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_total__gte=0), name="cofunding_total_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("policy_date")),
                name="cofunding_deadline_after_policy",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def core_plan(self) -> core.Plan:
        """The plan for :mod:`jixiao.core.cofunding`; a stored plan is always valid."""
        return core.Plan(
            self.approved_total,
            core.CostShare.parse(self.cost_share),
            self.policy_date,
            self.deadline,
        )

    @property
    def printed_paid_total(self) -> Decimal | None:
        """The printed figure with the digits it was printed with (the column pads to 4)."""
        value = self.published_paid_total
        return None if value is None else Decimal(fmt(value))

    def printed_note(self, reconciliation: core.Reconciliation) -> core.PrintedNote | None:
        return core.printed_note(reconciliation.paid, self.printed_paid_total)

    def reconciliation(self) -> core.Reconciliation:
        return core.reconcile(self.core_plan(), [p.core() for p in self.payments.all()])


class Payment(models.Model):
    """One transfer by one level to the beneficiaries (拨付记录)."""

    plan = models.ForeignKey(
        CofundingPlan,
        verbose_name=_("资金分担计划"),
        on_delete=models.CASCADE,
        related_name="payments",
    )
    level = models.CharField(_("级次"), max_length=16, choices=Level.choices)
    amount = models.DecimalField(
        _("拨付金额（万元）"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
    )
    paid_on = models.DateField(_("拨付日期"))
    reference = models.CharField(_("凭证/文号"), max_length=128, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("拨付记录")
        verbose_name_plural = _("拨付记录")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.paid_on} {self.amount}"

    def core(self) -> core.Payment:
        return core.Payment(core.Level(self.level), self.amount, self.paid_on, self.reference)


class FundingLink(models.Model):
    """An evaluation whose funding rows were set from a plan's payments.

    ``rows`` lists what was written, one entry per row: ``{"names": [...path of indicator
    names...], "figure": "arrival"|"execution"|"timeliness", "written": {"actual": ..., or
    "facts": {...}}}``. A row still "comes from the payment records" while the evaluation holds
    exactly what was written there (and no manual score): a user typing over it ends the claim.
    """

    plan = models.ForeignKey(
        CofundingPlan,
        verbose_name=_("资金分担计划"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        verbose_name=_("绩效评价"),
        on_delete=models.CASCADE,
        related_name="funding_links",
    )
    rows = models.JSONField(_("取值指标"), default=list)
    applied_at = models.DateTimeField(_("取值时间"), auto_now=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("评价取值关联")
        verbose_name_plural = _("评价取值关联")
        constraints = [
            models.UniqueConstraint(fields=["plan", "evaluation"], name="unique_funding_link")
        ]

    def __str__(self) -> str:
        return f"{self.plan} → {self.evaluation}"
