"""The pilot programme of seed 003 as stored records: programme, counties, parks and what each
park does. The rules live in :mod:`jixiao.core.pilots`; these rows only hold the facts, and
``services.py`` turns them into core objects (``to_core``) to check them.

Scoping: every park record belongs to a park :class:`~jixiao.web.orgs.models.Organisation`
(kind 园区) placed under its county's 经信局, so the generic owner scopes of
``orgs.permissions`` give a park its own records, a county (经信局 by organisation tree, 财政局
by region) its parks, and the province's 经信厅 (above the county bureaus) all.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.core.pilots.evidence import EvidenceKind
from jixiao.core.pilots.programme import ChangeState, EnterpriseClass, ServiceType
from jixiao.core.pilots.records import Use
from jixiao.core.pilots.reviews import ReviewState
from jixiao.core.pilots.tranches import Tranche
from jixiao.web.orgs.models import Organisation

MAX_DIGITS, PLACES = 18, 6  # 万元, exact to the 分 (0.000001 万元)

SERVICE_CHOICES = [(s.value, s.label) for s in ServiceType]
EVIDENCE_CHOICES = [(k.value, k.label) for k in EvidenceKind]
REVIEW_CHOICES = [(s.value, s.label) for s in ReviewState]


class Programme(models.Model):
    """The province's programme: period and schedule (the seed's unless ``schedule`` changes it)."""

    owner = models.ForeignKey(
        Organisation, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=128)
    province = models.CharField(pgettext_lazy("region", "省"), max_length=64)
    start = models.DateField(_("实施开始日期"))
    end = models.DateField(_("实施结束日期"))
    schedule = models.JSONField(_("期限表调整"), default=list, blank=True)

    class Meta:
        verbose_name = _("试点项目")
        verbose_name_plural = _("试点项目")
        ordering = ["-start", "pk"]

    def __str__(self) -> str:
        return self.name


class ProgrammeCounty(models.Model):
    """A participating county with its two bureaus and their liaisons (附件3)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("试点项目"), on_delete=models.CASCADE, related_name="counties"
    )
    name = models.CharField(_("县（市、区）"), max_length=64)
    economy = models.ForeignKey(
        Organisation, verbose_name=_("经信部门"), on_delete=models.PROTECT, related_name="+"
    )
    finance = models.ForeignKey(
        Organisation, verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="+"
    )
    economy_liaison = models.JSONField(_("经信部门联络员"), default=dict, blank=True)
    finance_liaison = models.JSONField(_("财政部门联络员"), default=dict, blank=True)

    class Meta:
        verbose_name = _("试点县（市、区）")
        verbose_name_plural = _("试点县（市、区）")
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.name


class Park(models.Model):
    """One park's participation: its money, 绩效目标清单 (locked once the plan is approved), the
    county's tranche decisions and the mid-term evaluation."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("试点项目"), on_delete=models.CASCADE, related_name="parks"
    )
    county = models.ForeignKey(
        ProgrammeCounty,
        verbose_name=_("县（市、区）"),
        on_delete=models.PROTECT,
        related_name="parks",
    )
    owner = models.ForeignKey(
        Organisation, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    money = models.DecimalField(
        _("省级财政激励资金（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES
    )
    targets = models.JSONField(_("绩效目标清单"), default=dict, blank=True)
    locked = models.BooleanField(_("已审核锁定"), default=False)
    approved_on = models.DateField(_("锁定日期"), null=True, blank=True)
    liaison = models.JSONField(_("园区联络员"), default=dict, blank=True)
    # 第二笔资金: the county's decision (四（二）)
    decision_on = models.DateField(_("评估确定日期"), null=True, blank=True)
    decision_grounds = models.TextField(_("评估确定依据"), blank=True)
    decision_share = models.DecimalField(
        _("第二笔资金比例"), max_digits=7, decimal_places=6, null=True, blank=True
    )
    # 中期绩效评价 (附件2) and what it means for the rest of the money
    narratives = models.JSONField(_("工作举措和成效"), default=dict, blank=True)
    mechanism = models.TextField(_("园区形成的长效机制成果"), blank=True)
    mid_term_on = models.DateField(_("中期绩效评价日期"), null=True, blank=True)
    mid_term_ratio = models.DecimalField(
        _("剩余资金拨付比例"), max_digits=7, decimal_places=6, null=True, blank=True
    )
    mid_term_grounds = models.TextField(_("中期绩效评价结果"), blank=True)
    # 终期绩效评价 (五（三）): the province's decision; a recovery is a money flow back
    final_on = models.DateField(_("终期绩效评价日期"), null=True, blank=True)
    final_measures = models.JSONField(_("处理措施"), default=list, blank=True)
    final_grounds = models.TextField(_("终期绩效评价依据"), blank=True)
    final_cut = models.DecimalField(
        _("扣减金额（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES, default=0
    )
    final_recovery = models.DecimalField(
        _("收回金额（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES, default=0
    )
    recovery_payee = models.CharField(_("收回资金收款方"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("试点园区")
        verbose_name_plural = _("试点园区")
        ordering = ["programme", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "owner"], name="unique_pilot_park")
        ]

    def __str__(self) -> str:
        return self.owner.name

    @property
    def name(self) -> str:
        return self.owner.name


class PilotEnterprise(models.Model):
    park = models.ForeignKey(
        Park, verbose_name=_("试点园区"), on_delete=models.CASCADE, related_name="enterprises"
    )
    name = models.CharField(_("企业名称"), max_length=128)
    enterprise_class = models.CharField(
        _("企业类型"),
        max_length=16,
        choices=[(c.value, c.label) for c in EnterpriseClass],
        default=EnterpriseClass.EARLY_STAGE.value,
    )
    diagnosis = models.TextField(_("诊断结论"), blank=True)

    class Meta:
        verbose_name = _("试点企业")
        verbose_name_plural = _("试点企业")
        ordering = ["park", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="unique_pilot_enterprise")
        ]

    def __str__(self) -> str:
        return self.name


class ChangeRequest(models.Model):
    """A change of the locked targets or enterprises: the county decides, then reports it."""

    park = models.ForeignKey(
        Park, verbose_name=_("试点园区"), on_delete=models.CASCADE, related_name="changes"
    )
    number = models.PositiveIntegerField(_("编号"))
    targets = models.JSONField(_("调整后的绩效目标清单"), default=dict)
    enterprises = models.JSONField(_("调整后的试点企业"), default=list)
    reason = models.TextField(_("调整理由"))
    requested_on = models.DateField(_("提交日期"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=[(s.value, s.label) for s in ChangeState],
        default=ChangeState.PENDING.value,
    )
    decided_on = models.DateField(_("审核日期"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    reported_on = models.DateField(_("报省日期"), null=True, blank=True)
    # What the change made, against the targets then in effect, written when it was decided
    # (afterwards the targets in effect already include it): [{part, item, field, before, after}].
    decided_lines = models.JSONField(_("审核时的调整内容"), default=list, blank=True)

    class Meta:
        verbose_name = _("调整申请")
        verbose_name_plural = _("调整申请")
        ordering = ["park", "number"]
        constraints = [
            models.UniqueConstraint(fields=["park", "number"], name="unique_change_number")
        ]

    def __str__(self) -> str:
        return f"{self.park} #{self.number}"


class CatalogueEntry(models.Model):
    """One service product of a partner institution (合作服务机构和服务产品清单)."""

    park = models.ForeignKey(
        Park, verbose_name=_("试点园区"), on_delete=models.CASCADE, related_name="catalogue"
    )
    institution = models.CharField(_("服务机构"), max_length=128)
    service = models.CharField(_("服务类型"), max_length=32, choices=SERVICE_CHOICES)
    product = models.CharField(_("服务产品"), max_length=128)
    price = models.DecimalField(_("价格（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES)
    market_price = models.DecimalField(
        _("市场参考价（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES
    )
    unit = models.CharField(_("计价单位"), max_length=16, default="次")

    class Meta:
        verbose_name = _("服务机构清单条目")
        verbose_name_plural = _("服务机构清单")
        ordering = ["park", "institution", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "institution", "product"], name="unique_catalogue_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution}：{self.product}"


class ServicePlan(models.Model):
    """三（一）: the park's service plan and fund-use plan, reviewed by the county."""

    park = models.OneToOneField(
        Park, verbose_name=_("试点园区"), on_delete=models.CASCADE, related_name="plan"
    )
    schedule = models.TextField(_("服务详细计划和进度安排"), blank=True)
    fund_use = models.TextField(_("资金使用方式"), blank=True)
    internal_rules = models.TextField(_("资金内部管理制度"), blank=True)
    justifications = models.JSONField(_("理由说明"), default=dict, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=REVIEW_CHOICES, default=ReviewState.DRAFT.value
    )
    steps = models.JSONField(_("审核过程"), default=list, blank=True)

    class Meta:
        verbose_name = _("服务计划和资金使用方案")
        verbose_name_plural = _("服务计划和资金使用方案")

    def __str__(self) -> str:
        return f"{self.park}"


class ServiceRecord(models.Model):
    park = models.ForeignKey(
        Park, verbose_name=_("试点园区"), on_delete=models.CASCADE, related_name="records"
    )
    ref = models.CharField(_("编号"), max_length=32)
    service = models.CharField(_("服务项目"), max_length=32, choices=SERVICE_CHOICES)
    on = models.DateField(_("服务日期"))
    cost = models.DecimalField(_("费用（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES)
    institution = models.CharField(_("服务机构"), max_length=128, blank=True)
    enterprises = models.JSONField(_("服务企业"), default=list, blank=True)
    sessions = models.PositiveIntegerField(_("场次"), default=1)
    enterprise_visits = models.PositiveIntegerField(_("家次"), null=True, blank=True)
    quantity = models.DecimalField(
        _("量化成果"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    use = models.CharField(
        _("资金用途"),
        max_length=32,
        choices=[(u.value, u.label) for u in Use],
        default=Use.SERVICE.value,
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["park", "on", "ref"]
        constraints = [models.UniqueConstraint(fields=["park", "ref"], name="unique_record_ref")]

    def __str__(self) -> str:
        return self.ref


class EvidenceFile(models.Model):
    """One piece of 附件1 evidence: its kind, date, and (when uploaded) the file, kept under
    MEDIA_ROOT with a generated name and served only through a permission-checked view."""

    record = models.ForeignKey(
        ServiceRecord, verbose_name=_("服务记录"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("资料类型"), max_length=32, choices=EVIDENCE_CHOICES)
    dated = models.DateField(_("资料日期"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="pilots/evidence/%Y/%m/", blank=True)
    name = models.CharField(_("文件名"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("佐证资料")
        verbose_name_plural = _("佐证资料")
        ordering = ["record", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class QuarterlyReport(models.Model):
    """绩效目标完成情况表 of one quarter: the figures are computed, the review is stored."""

    park = models.ForeignKey(
        Park, verbose_name=_("试点园区"), on_delete=models.CASCADE, related_name="reports"
    )
    start = models.DateField(_("季度开始"))
    end = models.DateField(_("季度结束"))
    state = models.CharField(
        _("状态"), max_length=16, choices=REVIEW_CHOICES, default=ReviewState.DRAFT.value
    )
    steps = models.JSONField(_("审核过程"), default=list, blank=True)
    return_note = models.TextField(_("退回意见"), blank=True)

    class Meta:
        verbose_name = _("季度进度报告")
        verbose_name_plural = _("季度进度报告")
        ordering = ["park", "start"]
        constraints = [
            models.UniqueConstraint(fields=["park", "start"], name="unique_quarterly_report")
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.start}"


class TranchePayment(models.Model):
    """A tranche paid to the park (a money flow county → park), with its grounds."""

    park = models.ForeignKey(
        Park, verbose_name=_("试点园区"), on_delete=models.CASCADE, related_name="payments"
    )
    tranche = models.CharField(
        _("拨付批次"), max_length=16, choices=[(t.value, t.label) for t in Tranche]
    )
    amount = models.DecimalField(_("金额（万元）"), max_digits=MAX_DIGITS, decimal_places=PLACES)
    paid_on = models.DateField(_("拨付日期"))
    payer = models.CharField(_("付款方"), max_length=128)
    payee = models.CharField(_("收款方"), max_length=128)
    grounds = models.TextField(_("拨付依据"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        ordering = ["park", "paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["park", "tranche"], name="unique_tranche_payment")
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.get_tranche_display()}"


class Submission(models.Model):
    """A deadline's document handed in outside the tracked workflows (联络员名单, 资金拨付方案,
    半年总结…); ``key`` is the core deadline key."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("试点项目"), on_delete=models.CASCADE, related_name="submissions"
    )
    key = models.CharField(_("期限"), max_length=255)
    submitted_on = models.DateField(_("报送日期"))

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="unique_submission")
        ]

    def __str__(self) -> str:
        return self.key


class HalfYearSummary(models.Model):
    """A county's 试点工作总结材料 for one half-year (五（四）), uploaded with the checks of the
    evidence files and kept under MEDIA_ROOT with a generated name; the first upload of a period
    counts as handing it in on the deadline panel."""

    county = models.ForeignKey(
        ProgrammeCounty,
        verbose_name=_("县（市、区）"),
        on_delete=models.CASCADE,
        related_name="summaries",
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    file = models.FileField(_("文件"), upload_to="pilots/summaries/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    uploaded_on = models.DateField(_("报送日期"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("试点工作总结材料")
        verbose_name_plural = _("试点工作总结材料")
        ordering = ["county", "period_end", "pk"]

    def __str__(self) -> str:
        return f"{self.county} {self.period_end} {self.name}"
