from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CofundingConfig(AppConfig):
    name = "jixiao.web.cofunding"
    label = "cofunding"
    verbose_name = _("资金分担与拨付")
