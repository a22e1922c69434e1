"""The shared money-flow ledger (资金流水): every payment and recovery the other apps record.

A flow is written by :mod:`jixiao.web.ledger.services` inside the transaction that saves its
source (a co-funding payment, a pilot tranche payment, a pilot recovery), so a flow exists
exactly when its source does. Amounts are 万元, exact to 0.000001 (the 分): this holds the
co-funding amounts (4 places) and the pilot amounts (6 places) without rounding.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.web.orgs.models import Organisation

MAX_DIGITS, PLACES = 18, 6


class FlowKind(models.TextChoices):
    PAYMENT = "payment", _("拨付")
    RECOVERY = "recovery", _("收回")


class MoneyFlow(models.Model):
    """One transfer of money: who paid whom, how much, when, why, and the record it came from."""

    kind = models.CharField(_("类型"), max_length=16, choices=FlowKind.choices)
    payer = models.ForeignKey(
        Organisation,
        verbose_name=_("付款单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payer_label = models.CharField(_("付款方"), max_length=255)
    payee = models.ForeignKey(
        Organisation,
        verbose_name=_("收款单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payee_label = models.CharField(_("收款方"), max_length=255)
    amount = models.DecimalField(_("金额（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES)
    on = models.DateField(_("日期"))
    reason = models.TextField(_("事由"), blank=True)
    source = models.CharField(_("来源记录"), max_length=128, unique=True)
    source_label = models.CharField(_("来源"), max_length=255)
    source_url = models.CharField(_("来源页面"), max_length=64, blank=True)
    source_args = models.JSONField(_("来源页面参数"), default=list, blank=True)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金流水")
        verbose_name_plural = _("资金流水")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="ledger_flow_amount_positive"
            )
        ]
        indexes = [models.Index(fields=["owner", "on"], name="ledger_owner_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on} {self.amount}"
