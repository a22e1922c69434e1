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

from collections.abc import Callable, Iterable, Mapping
from string import Formatter
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


def compiled(template: Text) -> Callable[..., Text]:
    """``compiled(Text(t))(**args)`` is ``Text(t, **args)``, built at the cost of an f-string.

    ``Text`` fills its template with ``str.format``, which costs several times an f-string; the
    audit makes a message for every finding and bench/score_bench.py times it. So the template
    is compiled, once, into a function holding the same text as an f-string. Fields must be
    plain ``{name}``s (no conversion, no format spec), for which an f-string and
    ``str.format`` give the same text.
    """
    source = str.__str__(template)
    fields: dict[str, None] = {}
    for _, name, spec, conversion in Formatter().parse(source):
        if name is None:
            continue
        if not name.isidentifier() or name.startswith("_") or spec or conversion:
            raise ValueError(f"not a plain field {{{name}}} in {source!r}")
        fields[name] = None
    code = (
        f"def make(*, {', '.join(fields)}):\n"
        f"    _made = _new(_Text, f{source!r})\n"
        "    _made.template = _template\n"
        f"    _made.args = {{{', '.join(f'{name!r}: {name}' for name in fields)}}}\n"
        "    return _made\n"
    )
    namespace: dict[str, Any] = {"_new": str.__new__, "_Text": Text, "_template": source}
    exec(code, namespace)
    make: Callable[..., Text] = namespace["make"]
    return make


def joined(items: Iterable[str], separator: str = "；") -> str:
    """The items joined by ``；`` (or ``、``) as a :class:`Text` whose joins translate too;
    each item that is a Text stays translatable. Nested in halves, so translating a long list
    does not recurse deeply."""
    parts = list(items)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    half = len(parts) // 2
    first, rest = joined(parts[:half], separator), joined(parts[half:], separator)
    if separator == "、":
        return Text("{first}、{rest}", first=first, rest=rest)
    if separator != "；":
        raise ValueError(f"a translatable list is joined by ； or 、, not {separator!r}")
    return Text("{first}；{rest}", first=first, rest=rest)


def message_of(error: BaseException) -> str:
    """An exception's message, kept a :class:`Text` when the core wrote one (``str()`` of an
    exception whose argument is a ``Text`` gives a plain string)."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, Text) else str(error)
