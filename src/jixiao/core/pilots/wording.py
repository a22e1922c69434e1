"""Lists of messages kept translatable: ``joined(["缺少A", "缺少B"])`` is ``"缺少A；缺少B"`` as a
:class:`~jixiao.core.text.Text` whose parts a user interface translates one by one."""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.core.text import Text


def joined(items: Iterable[str], separator: str = "；") -> str:
    """The items joined by ``；`` (or ``、``); each item that is a Text stays translatable."""
    parts = list(items)
    if not parts:
        return ""
    result = parts[-1]
    for part in reversed(parts[:-1]):
        if separator == "、":
            result = Text("{first}、{rest}", first=part, rest=result)
        else:
            assert separator == "；", separator
            result = Text("{first}；{rest}", first=part, rest=result)
    return result
