from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "jixiao.web.summaries"
    label = "summaries"
    verbose_name = _("汇总")
