"""Shared test setup.

pytest (``--import-mode=prepend``, the default) puts this directory on ``sys.path`` because this
file lives here, so any test can ``from builders import leaf, group, tree, ctx``.
"""
