from django.contrib import admin

from jixiao.web.indicators.models import Indicator, Template


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("name", "level_path", "unit", "method", "is_builtin")
    list_filter = ("method", "is_builtin")
    search_fields = ("name", "level_path", "description")


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin[Template]):
    list_display = ("name", "framework", "kind", "is_builtin", "updated_at")
    list_filter = ("framework", "kind", "is_builtin")
    search_fields = ("name", "framework", "description")
