"""Show a core message in the active language."""

from __future__ import annotations

from django.utils.translation import get_language, gettext

from jixiao.core.text import Text, message_of, render


def localize(text: str) -> str:
    """``text`` translated when it is a core :class:`Text` and the page is not in Chinese."""
    if not isinstance(text, Text):
        return text
    language = get_language() or ""
    if language.startswith("zh"):
        return str.__str__(text)
    return render(text, gettext)


def localize_error(error: BaseException) -> str:
    """An exception's message in the active language."""
    return localize(message_of(error))
