"""Tree-editing controls for the evaluation body (``{% load indicator_tree %}``).

The body's context (rows, evaluation) is all they need: the scoring methods come from the core
registry and the library from the database, so the evaluation views stay as they are.
"""

from __future__ import annotations

from typing import Any

from django import template

from jixiao.web.indicators.models import Indicator, method_choices

register = template.Library()


@register.filter
def tree_position(document: Any, key: str) -> dict[str, bool]:
    """Where the row ``key`` sits among its siblings: first, last, only, root."""
    siblings = document.get("indicators", []) if isinstance(document, dict) else []
    steps = str(key).split(".")
    index = 0
    try:
        for depth, step in enumerate(steps):
            index = int(step)
            if depth < len(steps) - 1:
                siblings = siblings[index].get("children", [])
    except (ValueError, IndexError, AttributeError):
        return {"first": True, "last": True, "only": True, "root": len(steps) == 1}
    count = len(siblings)
    return {
        "first": index == 0,
        "last": index >= count - 1,
        "only": count <= 1,
        "root": len(steps) == 1,
    }


@register.inclusion_tag("indicators/_tree_editor.html", takes_context=True)
def tree_editor(context: template.Context) -> dict[str, Any]:
    """The 添加指标 forms below the grid of an editable evaluation."""
    evaluation = context["evaluation"]
    parents = [
        (key, "\u3000" * indent + score.indicator.label)
        for score, _anchor, key, _flagged, indent in context["rows"]
    ]
    return {
        "evaluation": evaluation,
        "parents": parents,
        "methods": method_choices(),
        "library": list(Indicator.objects.all()),
    }
