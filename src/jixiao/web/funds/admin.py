from django.contrib import admin

from jixiao.web.funds.models import BudgetLine, Project, SpecialFund


@admin.register(SpecialFund)
class SpecialFundAdmin(admin.ModelAdmin[SpecialFund]):
    list_display = ("name", "owner")
    search_fields = ("name", "owner__name")
    autocomplete_fields = ("owner",)


class BudgetLineInline(admin.TabularInline[BudgetLine, Project]):
    model = BudgetLine
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ("name", "owner", "year", "kind", "fund", "sequence")
    list_filter = ("year", "kind")
    search_fields = ("name", "owner__name", "fund__name")
    autocomplete_fields = ("owner", "fund")
    inlines = (BudgetLineInline,)
