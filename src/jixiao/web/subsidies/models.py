"""Subsidy policies (补贴政策), their categories, enterprises' applications and the blacklist.

Money is in 万元 and exact. The rules — grants, caps, eligibility — are
:mod:`jixiao.core.subsidies`; ``as_core()`` turns these rows into its value objects.
Who may see and do what is decided in orgs/permissions.py (section 补贴申报).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.core import subsidies as core
from jixiao.core.money import ZERO
from jixiao.web.funds.models import Project
from jixiao.web.orgs.models import Organisation

NOT_NEGATIVE = [MinValueValidator(ZERO)]


class SubsidyPolicy(models.Model):
    """补贴政策, owned by its 主管部门; enterprises of the owner's region may apply."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("主管部门"),
        on_delete=models.PROTECT,
        related_name="subsidy_policies",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目/政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidy_policies",
    )
    name = models.CharField(_("政策名称"), max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"))
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("补贴政策")
        verbose_name_plural = _("补贴政策")
        ordering = ["-year", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "name"], name="unique_subsidy_policy_per_owner_year"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, day: date) -> bool:
        """Whether applications are accepted on ``day`` (no 截止日期: open until set)."""
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)

    def as_core(self) -> core.Policy:
        return core.Policy(self.name, tuple(c.as_core() for c in self.categories.all()))


class SubsidyCategory(models.Model):
    """补贴类别 (物流费, 水电费…): basis period, rate and cap per enterprise."""

    policy = models.ForeignKey(
        SubsidyPolicy,
        verbose_name=_("补贴政策"),
        on_delete=models.CASCADE,
        related_name="categories",
    )
    name = models.CharField(_("补贴类别"), max_length=64)
    period_start = models.DateField(_("基期起始日"))
    period_end = models.DateField(_("基期截止日"))
    rate = models.DecimalField(
        _("补贴比例"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal(1))],
        help_text=_("小数，如 0.1 表示 10%"),
    )
    cap = models.DecimalField(
        _("每家企业补贴上限（万元）"), max_digits=12, decimal_places=4, validators=NOT_NEGATIVE
    )
    one_per_enterprise = models.BooleanField(_("每家企业限报一次"), default=True)
    sequence = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("补贴类别")
        verbose_name_plural = _("补贴类别")
        ordering = ["policy", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "name"], name="unique_subsidy_category")
        ]

    def __str__(self) -> str:
        return self.name

    def as_core(self) -> core.Category:
        return core.Category(
            self.name,
            self.period_start,
            self.period_end,
            self.rate,
            self.cap,
            self.one_per_enterprise,
        )

    @property
    def rate_percent(self) -> Decimal:
        return (self.rate * 100).normalize()


class Application(models.Model):
    """An enterprise's application for one category of a policy."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    policy = models.ForeignKey(
        SubsidyPolicy,
        verbose_name=_("补贴政策"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    category = models.ForeignKey(
        SubsidyCategory,
        verbose_name=_("补贴类别"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        Organisation,
        verbose_name=_("申报企业"),
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    cost = models.DecimalField(
        _("费用金额（万元）"), max_digits=12, decimal_places=4, validators=NOT_NEGATIVE
    )
    period_start = models.DateField(_("费用发生起始日"))
    period_end = models.DateField(_("费用发生截止日"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    reason = models.TextField(_("审核意见"), blank=True)
    grant = models.DecimalField(
        _("补贴金额（万元）"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("submitted by", "填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补贴申报")
        verbose_name_plural = _("补贴申报")
        ordering = ["policy", "category__sequence", "submitted_at", "pk"]
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise_name} · {self.category}"

    def as_claim(self) -> core.Claim:
        return core.Claim(
            self.enterprise_name,
            self.credit_code,
            self.category.name,
            self.cost,
            self.period_start,
            self.period_end,
        )


class Attachment(models.Model):
    """佐证材料 (申请表, 声明函, 发票…): kept under MEDIA_ROOT, served only through a view that
    checks the application is visible."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("补贴申报"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="subsidies/attachments/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.name


class BlacklistEntry(models.Model):
    """A credit code refused by the credit check (信用中国 …), uploaded by the policy's reviewer."""

    policy = models.ForeignKey(
        SubsidyPolicy,
        verbose_name=_("补贴政策"),
        on_delete=models.CASCADE,
        related_name="blacklist",
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("企业名称"), max_length=128, blank=True)
    source = models.CharField(_("来源"), max_length=128, blank=True)
    reason = models.CharField(_("原因"), max_length=255, blank=True)
    row = models.PositiveIntegerField(_("所在行"), default=0)

    class Meta:
        verbose_name = _("失信名单")
        verbose_name_plural = _("失信名单")
        ordering = ["policy", "row", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "credit_code"], name="unique_blacklist_code_per_policy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.name}"
