"""A YAML reader that keeps numbers exact and remembers on which line each field was written.

JSON is read with the same reader (YAML is a superset for the files we accept), so a bad JSON
case file also gets a line number.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml


class LineDict(dict[str, Any]):
    """A mapping that knows the line of its start and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _ExactLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals and whose mappings are :class:`LineDict`."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    """Exact decimals; ``.nan``/``.inf``/``1:30`` stay text so the schema refuses them by field."""
    text = str(loader.construct_scalar(node))
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        # A plain key is text as written: `no:` and `yes:` must not turn into booleans.
        key = (
            str(key_node.value)
            if isinstance(key_node, yaml.ScalarNode)
            else str(loader.construct_object(key_node, deep=True))
        )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"字段 {key} 重复出现", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """A date or time as YAML reads it; an impossible one (``2023-13-01``) stays text, so the
    schema refuses it by field instead of the reader crashing."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return str(loader.construct_scalar(node))


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_ExactLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_ExactLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load(text: str) -> Any:
    """Parse YAML or JSON text; raises ``yaml.YAMLError`` (with a mark) on bad syntax."""
    return yaml.load(text, Loader=_ExactLoader)


def line_at(document: Any, path: list[str | int]) -> int | None:
    """The line of the deepest field along ``path`` that the document remembers."""
    line: int | None = document.line if isinstance(document, LineDict) else None
    node = document
    for step in path:
        if isinstance(node, LineDict) and isinstance(step, str):
            line = node.line_of(step)
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            if isinstance(node, LineDict):
                line = node.line
        else:
            break
    return line
