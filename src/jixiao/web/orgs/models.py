"""Region tree (省 → 市 → 县/区), organisations and who works for which."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.web.orgs.roles import Role


class TreeNode(models.Model):
    """A node that keeps the materialised path of its ids ("/1/4/9/"), so subtree queries are
    one ``startswith`` lookup, no recursion. Subclasses declare ``parent``.
    """

    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    parent: models.ForeignKey[TreeNode | None, TreeNode | None]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self)._default_manager.filter(pk=self.pk).update(path=path)


class Region(TreeNode):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        COUNTY = 3, _("县/区")

    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_region_name")
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.parent.full_name}{self.name}" if self.parent else self.name


class Organisation(TreeNode):
    class Kind(models.TextChoices):
        FINANCE_BUREAU = "finance_bureau", _("财政局")
        DEPARTMENT = "department", _("主管部门")
        PROJECT_UNIT = "project_unit", _("项目单位")
        PARK = "park", _("园区")
        EVALUATOR = "evaluator", _("评价机构")
        ENTERPRISE = "enterprise", _("企业")

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unique_org_name_in_region")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sees_subtree(self) -> bool:
        """财政局 and 主管部门 also see what the organisations below them own."""
        return self.kind in {self.Kind.FINANCE_BUREAU, self.Kind.DEPARTMENT}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"
