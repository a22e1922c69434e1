from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "jixiao.web.subsidies"
    label = "subsidies"
    verbose_name = _("补贴申报")
