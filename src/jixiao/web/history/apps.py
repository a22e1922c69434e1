from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "jixiao.web.history"
    label = "history"
    verbose_name = _("操作记录")
