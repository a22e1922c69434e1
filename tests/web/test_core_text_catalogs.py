"""Every core message template has an English translation in the core_text catalogs."""

from __future__ import annotations

import ast
import gettext
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

from jixiao.core.text import Text
from jixiao.web.core_text.localize import localize

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "src/jixiao/core").rglob("*.py")) + sorted(
    (ROOT / "src/jixiao/io").rglob("*.py")
)
CATALOGS = sorted(
    (ROOT / "src/jixiao/web/core_text/catalogs").glob("*/locale/en/LC_MESSAGES/django.po")
)


def templates_in_sources() -> dict[str, str]:
    """Every constant first argument of a ``Text(...)`` call in core and io → where it is."""
    found: dict[str, str] = {}
    for source in SOURCES:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name == "Text" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, f"{source.relative_to(ROOT)}:{node.lineno}")
    return found


def english_catalog(tmp_path: Path) -> dict[str, str]:
    merged: dict[str, str] = {}
    for number, catalog in enumerate(CATALOGS):
        compiled = tmp_path / f"{number}.mo"
        subprocess.run(["msgfmt", "-o", str(compiled), str(catalog)], check=True)
        with compiled.open("rb") as handle:
            merged.update(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    return {key: value for key, value in merged.items() if isinstance(key, str) and key}


def test_the_core_text_catalogs_are_found() -> None:
    assert {path.parts[-5] for path in CATALOGS} >= {"audit", "explanations", "imports"}


def test_every_core_template_is_translated(tmp_path: Path) -> None:
    english = english_catalog(tmp_path)
    missing = {t: where for t, where in templates_in_sources().items() if not english.get(t)}
    assert not missing, "untranslated core messages:\n" + "\n".join(
        f"{where}: {template}" for template, where in sorted(missing.items(), key=lambda i: i[1])
    )


def test_every_translation_uses_the_same_fields(tmp_path: Path) -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english = english_catalog(tmp_path)
    wrong = {
        template: english[template]
        for template in templates_in_sources()
        if template in english and fields(english[template]) != fields(template)
    }
    assert not wrong, wrong


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "内层 1"), ("en", "内层 1")])
def test_localize_without_a_translation_keeps_the_chinese(language: str, expected: str) -> None:
    with override_settings(LANGUAGE_CODE=language), translation.override(language):
        assert localize(Text("内层 {n}", n="1")) == expected


def test_the_areas_agree_on_shared_messages(tmp_path: Path) -> None:
    """The areas are merged in one order (LOCALE_PATHS), so a template in two areas must read
    the same in both, or one page would show the other's wording."""
    seen: dict[str, dict[str, str]] = {}
    for number, catalog in enumerate(CATALOGS):
        compiled = tmp_path / f"{number}.mo"
        subprocess.run(["msgfmt", "-o", str(compiled), str(catalog)], check=True)
        with compiled.open("rb") as handle:
            entries = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for key, value in entries.items():
            if isinstance(key, str) and key:
                seen.setdefault(key, {})[catalog.parts[-5]] = value
    differing = {key: areas for key, areas in seen.items() if len(set(areas.values())) > 1}
    assert not differing, differing
