from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RulesetsConfig(AppConfig):
    name = "jixiao.web.rulesets"
    label = "rulesets"
    verbose_name = _("规则集")

    def ready(self) -> None:
        from jixiao.io import rulesets
        from jixiao.web.rulesets import signals  # noqa: F401  (connects the file writers)

        rulesets.use_directory(settings.JIXIAO_RULESETS_DIR)
