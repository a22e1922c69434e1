"""Core messages: Chinese strings that keep their template for translation."""

from __future__ import annotations

import json
import pickle

from jixiao.core.text import Text, render


def test_a_text_is_the_chinese_string() -> None:
    text = Text("得分 {given} 超出 0–{weight} 的范围", given="12", weight="10")
    assert text == "得分 12 超出 0–10 的范围"
    assert isinstance(text, str)
    assert json.dumps(text, ensure_ascii=False) == '"得分 12 超出 0–10 的范围"'
    assert text.template == "得分 {given} 超出 0–{weight} 的范围"
    assert dict(text.args) == {"given": "12", "weight": "10"}


def test_a_text_survives_pickling() -> None:
    text = Text("外层 {inner}", inner=Text("内层 {n}", n="1"))
    copy = pickle.loads(pickle.dumps(text))
    assert copy == text and copy.template == text.template
    assert copy.args["inner"].template == "内层 {n}"


def test_render_translates_nested_texts_and_keeps_data() -> None:
    english = {"外层 {inner}": "outer {inner}", "内层 {n}": "inner {n}"}
    text = Text("外层 {inner}", inner=Text("内层 {n}", n="“健全”"))
    assert render(text, lambda template: english.get(template, template)) == "outer inner “健全”"


def test_render_keeps_the_chinese_without_a_usable_translation() -> None:
    text = Text("内层 {n}", n="1")
    assert render(text, lambda template: template) == "内层 1"
    assert render(text, lambda template: "broken {missing}") == "内层 1"
    assert render("普通文字", lambda template: "x") == "普通文字"
