"""Messages the core writes for people, in Chinese, that a user interface can translate.

The core has no gettext (it imports no framework), so a message is built as a :class:`Text`:
a ``str`` holding the Chinese text (what the CLI, the exports and the JSON print) that also
keeps its template and arguments. The web layer looks the template up in its gettext catalog
and fills in the same arguments (``jixiao.web.core_text``); anything else just uses the string.

Templates use ``str.format`` fields, e.g. ``Text("得分 {given} 超出 0–{weight} 的范围",
given="12", weight="10")``. Arguments are shown as they are: pass numbers already formatted
(``show``), and quote the table's own words (names, targets) as data, which stay as written.
An argument may itself be a :class:`Text`; it is translated too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Text(str):
    """A Chinese message that remembers how it was made (see the module docstring)."""

    template: str
    args: Mapping[str, Any]

    def __new__(cls, template: str, /, **args: Any) -> Text:
        self = super().__new__(cls, template.format(**args) if args else template)
        self.template = template
        self.args = args
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, dict(self.args)))


def _rebuild(template: str, args: dict[str, Any]) -> Text:
    return Text(template, **args)


def render(text: str, translate: Any) -> str:
    """``text`` in another language: ``translate(template)`` gives the template's translation.

    A plain ``str``, or a template without a translation, stays as written.
    """
    if not isinstance(text, Text):
        return text
    template: str = translate(text.template)
    if not template or template == text.template:
        return str.__str__(text)
    args = {
        key: render(value, translate) if isinstance(value, Text) else value
        for key, value in text.args.items()
    }
    try:
        return template.format(**args)
    except (KeyError, IndexError, ValueError):  # a broken translation never hides the message
        return str.__str__(text)
