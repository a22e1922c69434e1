from django.contrib import admin

from jixiao.web.subsidies.models import (
    Application,
    Attachment,
    BlacklistEntry,
    SubsidyCategory,
    SubsidyPolicy,
)


class CategoryInline(admin.TabularInline[SubsidyCategory, SubsidyPolicy]):
    model = SubsidyCategory
    extra = 0


@admin.register(SubsidyPolicy)
class SubsidyPolicyAdmin(admin.ModelAdmin[SubsidyPolicy]):
    list_display = ("name", "year", "owner", "opens_on", "closes_on")
    inlines = (CategoryInline,)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = ("enterprise_name", "credit_code", "category", "status", "grant")
    list_filter = ("status", "policy")


admin.site.register(Attachment)
admin.site.register(BlacklistEntry)
