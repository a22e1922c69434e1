from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationsConfig(AppConfig):
    name = "jixiao.web.allocations"
    label = "allocations"
    verbose_name = _("因素法分配")
