from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "jixiao.web.ledger"
    label = "ledger"
    verbose_name = _("资金流水")
