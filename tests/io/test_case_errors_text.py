"""Case-file and 自评表 errors are core Texts: the same Chinese as always, plus the template and
arguments a user interface translates (the web's English comes from the imports catalog)."""

from __future__ import annotations

import gettext
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.text import Text, joined, render
from jixiao.io import cases
from jixiao.io.batch_audit import BatchError, expand_zip
from jixiao.io.cases import CaseError
from jixiao.io.import_selfeval import import_file
from selfeval_tables import write_xlsx, zhuzhou

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "src/jixiao/web/core_text/catalogs/imports/locale/en/LC_MESSAGES/django.po"
GOOD = ROOT / "examples/seeds/004-zhuzhou-warm-enterprise.yaml"


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The imports catalog read with the standard library (no Django in io tests)."""
    compiled = tmp_path_factory.mktemp("catalog") / "imports.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(CATALOG)], check=True)
    with compiled.open("rb") as handle:
        catalog: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {key: value for key, value in catalog.items() if isinstance(key, str) and key}


def in_english(text: str, english: dict[str, str]) -> str:
    return render(text, lambda template: english.get(template, template))


def refused(path: Path) -> CaseError:
    with pytest.raises(CaseError) as caught:
        cases.load(path)
    return caught.value


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_field_names_file_line_and_field(english: dict[str, str]) -> None:
    document = cases.read_document(GOOD)
    del document["indicators"][0]["name"]
    with pytest.raises(CaseError) as caught:
        cases.from_document(document, "株洲.yaml")
    error = caught.value
    assert isinstance(error.message, Text)
    assert error.message.template == "缺少必填字段 {names}"
    assert error.message == "缺少必填字段 name"
    shown = str(error)
    assert isinstance(shown, Text)
    assert shown.template == "文件 {file}，第 {line} 行，字段 {field}：{message}"
    assert error.line and error.field == "indicators[0]"
    assert shown == f"文件 株洲.yaml，第 {error.line} 行，字段 indicators[0]：缺少必填字段 name"
    assert in_english(shown, english) == (
        f"File 株洲.yaml, line {error.line}, field indicators[0]: required field missing: name"
    )


def test_a_yaml_syntax_error_keeps_the_parser_words(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "bad.yaml", "format: jixiao-case/1\nmeta: [unclosed\n"))
    assert isinstance(error.message, Text)
    assert error.message.template == "YAML/JSON 语法错误：{problem}"
    assert str(error).startswith(f"文件 {tmp_path / 'bad.yaml'}，第 ")
    assert str(error) == (
        f"文件 {error.file}，第 {error.line} 行：YAML/JSON 语法错误：{error.message.args['problem']}"
    )


@pytest.mark.parametrize(
    ("name", "content", "template", "chinese"),
    [
        ("notes.txt", "x", "不支持的文件类型 {suffix}，应为 .yaml/.yml/.json", None),
        ("gbk.yaml", None, "不是 UTF-8 编码的文本文件", "不是 UTF-8 编码的文本文件"),
        ("missing.yaml", "", "文件不存在", "文件不存在"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: str | None, template: str, chinese: str | None
) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes("指标".encode("gbk"))
    elif name != "missing.yaml":
        path.write_text(content, encoding="utf-8")
    error = refused(path)
    assert isinstance(error.message, Text) and error.message.template == template
    if chinese is not None:
        assert str(error) == f"文件 {path}：{chinese}"
    else:
        assert str(error) == f"文件 {path}：不支持的文件类型 .txt，应为 .yaml/.yml/.json"


def test_an_unknown_chapter_lists_the_chapters_in_english(english: dict[str, str]) -> None:
    document = cases.read_document(GOOD)
    document["narrative"] = {"overview": "概况", "summary": "多写了一章"}
    with pytest.raises(CaseError) as caught:
        cases.from_document(document, "a.yaml")
    message = caught.value.message
    assert isinstance(message, Text) and message.template == "有未知字段 {names}，应为 {known}"
    assert message.startswith("有未知字段 summary，应为 overview（项目概况）、goals（绩效目标）、")
    shown = in_english(message, english)
    assert shown.startswith("unknown field summary; allowed: overview (Project overview), goals")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in shown), shown


def test_an_unknown_method_lists_the_methods() -> None:
    document = cases.read_document(GOOD)
    leaf = document["indicators"][0]
    while leaf.get("children"):
        leaf = leaf["children"][0]
    leaf["method"] = "guesswork"
    with pytest.raises(CaseError) as caught:
        cases.from_document(document, "a.yaml")
    message = caught.value.message
    assert (
        isinstance(message, Text) and message.template == "未知评分方法 {method}（可用：{known}）"
    )
    assert "'guesswork'（可用：" in message and "、ratio_positive、" in message
    assert caught.value.field.endswith(".method")


def test_the_schema_titles_are_all_translated(english: dict[str, str]) -> None:
    titles = [
        value["title"] for value in cases.schema()["$defs"]["narrative"]["properties"].values()
    ]
    assert titles and all(english.get(title) for title in titles)


def test_a_long_list_translates_without_deep_recursion(english: dict[str, str]) -> None:
    names = [f"k{i}" for i in range(3000)]
    listed = joined(names, "、")
    assert listed == "、".join(names)
    assert in_english(listed, english) == ", ".join(names)
    assert joined(["a"], "、") == "a" and joined([], "、") == ""
    assert joined(["a", "b", "c"], "；") == "a；b；c"


def test_with_field_for_a_page_about_one_record() -> None:
    error = CaseError("f", Text("不能为空"), 3, "meta.title")
    assert error.with_field() == "不能为空（字段 meta.title）"
    assert isinstance(error.with_field(), Text)
    assert CaseError("f", "消息").with_field() == "消息"


def test_an_unreadable_cell_names_sheet_row_and_column(
    tmp_path: Path, english: dict[str, str]
) -> None:
    layout = zhuzhou()
    row = next(r for r, cells in enumerate(layout.rows) if "交办解决企业问题" in cells)
    layout.rows[row][6] = "五分"
    path = write_xlsx(tmp_path / "坏表.xlsx", layout)
    with pytest.raises(CaseError) as caught:
        import_file(path)
    error = caught.value
    assert isinstance(error.message, Text) and error.message.template == "{where}：{message}"
    where = error.message.args["where"]
    assert isinstance(where, Text) and where.template == "工作表「{name}」"
    assert error.message == f"{where}：“分值”一栏的“五分”不是可识别的数字"
    assert str(error) == f"文件 {path}，第 {row + 1} 行，字段 分值：{error.message}"
    assert in_english(error.message, english) == (
        f"sheet “{where.args['name']}”: “五分” in the “分值” column is not a number that can be read"
    )


@pytest.mark.parametrize(
    ("name", "content", "template", "chinese"),
    [
        (
            "old.xls",
            b"x",
            "不支持旧版 {suffix} 格式，请先另存为 {new}",
            "不支持旧版 .xls 格式，请先另存为 .xlsx",
        ),
        ("empty.xlsx", b"", "文件是空的（0 字节）", "文件是空的（0 字节）"),
        (
            "broken.docx",
            b"not a zip",
            "无法打开：{hint}",
            "无法打开：文件已损坏或不是 Word 文件（.docx）",
        ),
        (
            "broken.xlsx",
            b"not a zip",
            "无法打开：{hint}",
            "无法打开：文件已损坏或不是 Excel 文件（.xlsx）；旧版 .xls 请先在 Excel 中另存为 .xlsx",
        ),
    ],
)
def test_office_files_refused_before_reading(
    tmp_path: Path, name: str, content: bytes, template: str, chinese: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CaseError) as caught:
        import_file(path)
    message = caught.value.message
    assert isinstance(message, Text) and message.template == template
    assert message == chinese


def test_a_refused_archive_is_a_text(tmp_path: Path, english: dict[str, str]) -> None:
    archive = tmp_path / "upload.zip"
    archive.write_bytes(b"not a zip at all")
    with pytest.raises(BatchError) as caught:
        expand_zip(archive, tmp_path / "out", "上传.zip")
    shown = str(caught.value)
    assert isinstance(shown, Text) and shown == "上传.zip 不是 zip 压缩包"
    assert in_english(shown, english) == "上传.zip is not a zip archive"

    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as package:
        package.writestr("a.yaml", "x")
    assert expand_zip(many, tmp_path / "ok").sources  # a good archive still opens
