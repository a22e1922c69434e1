"""Scoring methods, one named class each, registered by code (see ``base.Method``).

Adding a method is adding a class with ``code``, ``title``, a docstring giving its formula and
an ``outcome`` — then a test built from the seed example it cites.
"""

from jixiao.core.scoring import deductions, levels, ratios
from jixiao.core.scoring.base import (
    REGISTRY,
    Method,
    MethodInputError,
    Outcome,
    ScoringContext,
    get,
)

__all__ = [
    "REGISTRY",
    "Method",
    "MethodInputError",
    "Outcome",
    "ScoringContext",
    "deductions",
    "get",
    "levels",
    "ratios",
]
