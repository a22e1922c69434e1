"""Every English catalog of the web UI translates a message the same way.

Django merges the project catalog, the core_text areas and the apps' catalogs into one catalog
per language, so a msgid translated differently in two catalogs shows only one of the two on
every page. A message that means something else in one app carries a context (msgctxt) there.
"""

from __future__ import annotations

import gettext
import subprocess
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

WEB = Path(__file__).resolve().parents[2] / "src/jixiao/web"
CATALOGS = sorted(WEB.glob("**/locale/en/LC_MESSAGES/django.po"))

Key = str | tuple[str, int]


def entries(catalog: Path, tmp_path: Path) -> dict[Key, str]:
    """The catalog as gettext reads it: ``"context\\x04msgid"`` for an entry with a context,
    ``(msgid, n)`` for the plural forms; the header left out."""
    compiled = tmp_path / (str(catalog.relative_to(WEB)).replace("/", "_") + ".mo")
    subprocess.run(["msgfmt", "-o", str(compiled), str(catalog)], check=True)
    with compiled.open("rb") as handle:
        found: dict[Key, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {key: value for key, value in found.items() if key != ""}


def test_every_catalog_is_compared() -> None:
    names = {path.relative_to(WEB).parent.parent.parent.parent.as_posix() for path in CATALOGS}
    assert {".", "pilots", "ledger", "subsidies", "core_text/catalogs/apps"} <= names


def test_a_message_has_one_english_in_every_catalog(tmp_path: Path) -> None:
    seen: dict[Key, dict[str, str]] = {}
    for catalog in CATALOGS:
        where = str(catalog.relative_to(WEB))
        for key, value in entries(catalog, tmp_path).items():
            seen.setdefault(key, {})[where] = value
    differing = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert not differing, "\n".join(
        f"{key!r}: " + "; ".join(f"{where} → {value!r}" for where, value in found.items())
        for key, found in differing.items()
    )


def test_the_unit_of_money_reads_one_way(tmp_path: Path) -> None:
    """万元 is “10k yuan” everywhere, never “10,000 yuan”."""
    wrong = {
        f"{catalog.relative_to(WEB)}: {key!r}": value
        for catalog in CATALOGS
        for key, value in entries(catalog, tmp_path).items()
        if "10,000 yuan" in value
    }
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("context", "message", "english"),
    [
        (None, "项目", "Project"),
        ("change item", "项目", "Item"),
        (None, "单位", "Organization"),
        ("unit of measure", "单位", "Unit"),
        (None, "省", "Provincial"),
        ("region", "省", "Province"),
        (None, "拨付", "Payment"),
        ("verb", "拨付", "Pay"),
        (None, "收回", "Recovery"),
        (None, "填报人", "Editor"),
        ("submitted by", "填报人", "Submitted by"),
        (None, "万元", "10k yuan"),
    ],
)
def test_the_merged_catalog_keeps_each_meaning(
    context: str | None, message: str, english: str
) -> None:
    """What a page shows: the meanings kept apart by a context survive Django's merge, and the
    Chinese stays the msgid."""
    tag = f' context "{context}"' if context else ""
    template = Template('{% load i18n %}{% translate "' + message + '"' + tag + " %}")
    for language, expected in (("en", english), ("zh-hans", message)):
        with translation.override(language):
            assert template.render(Context()) == expected
            if context:
                assert translation.pgettext(context, message) == expected
            else:
                assert translation.gettext(message) == expected
