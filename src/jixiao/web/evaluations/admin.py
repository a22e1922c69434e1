from django.contrib import admin

from jixiao.web.evaluations.models import Evaluation


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin[Evaluation]):
    list_display = ("title", "owner", "year", "kind", "status", "computed_total", "computed_grade")
    list_filter = ("year", "kind", "status")
    search_fields = ("title", "project", "owner__name")
