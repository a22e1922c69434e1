"""The pure domain: money, target expressions, indicator trees, scoring, rule sets and audit.

Nothing here imports Django, ``jixiao.io`` or ``jixiao.web``, and nothing reads files or the
network (an import-linter contract checks it).
"""
