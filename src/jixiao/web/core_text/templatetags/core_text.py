"""``{{ finding.message|localize }}``: a core message in the page's language."""

from django import template

from jixiao.web.core_text.localize import localize as _localize

register = template.Library()


@register.filter
def localize(value: object) -> object:
    return _localize(value) if isinstance(value, str) else value
