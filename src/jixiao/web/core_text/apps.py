from django.apps import AppConfig


class CoreTextConfig(AppConfig):
    name = "jixiao.web.core_text"
    label = "core_text"
    verbose_name = "Core messages"
