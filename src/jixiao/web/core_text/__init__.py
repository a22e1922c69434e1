"""Translating the core's messages (:class:`jixiao.core.text.Text`) through gettext.

The core writes Chinese; its templates are msgids in the catalogs under ``catalogs/*/locale``
(in ``LOCALE_PATHS``). ``localize`` shows a message in the active language.
"""
