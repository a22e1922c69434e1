from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "jixiao.web.pilots"
    label = "pilots"
    verbose_name = _("园区试点")
