"""Importing the standard 项目支出绩效自评表 from .xlsx and .docx (issue #4 item 3).

The seed tables are laid out as users have them (merged 一级/二级 cells, the 年度资金 block) and
written with openpyxl and python-docx; the parsed case must equal the hand transcription in
examples/seeds and score the seed totals. Messy variants must parse to the same case; broken
files are refused with a Chinese CaseError naming the file (and the row and column).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest

from jixiao.core.audit import Code
from jixiao.core.case import Case
from jixiao.core.review import TableReport, review
from jixiao.io import rulesets, yaml_lines
from jixiao.io.cases import CaseError, from_document, read_document
from jixiao.io.import_grid import MAX_BYTES, excel_text, read_grids
from jixiao.io.import_selfeval import (
    Imported,
    choose_method,
    discover,
    import_file,
    load_any,
    number,
    split_weight,
    tidy,
    to_yaml,
)
from selfeval_tables import (
    D,
    Layout,
    amounts_in_yuan,
    fullwidth_text,
    industry,
    insert_column,
    insert_row,
    numbers_as_text,
    platform,
    summary_sheet,
    write_docx,
    write_xlsx,
    zhuzhou,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"
ZHUZHOU_SEED = SEEDS / "004-zhuzhou-warm-enterprise.yaml"
PLATFORM_SEED = SEEDS / "000-jiaxing-platform-self.yaml"
INDUSTRY_SEED = SEEDS / "000-jiaxing-industry-self.yaml"

Writer = Callable[[Path, Layout], Path]


def xlsx(path: Path, layout: Layout) -> Path:
    return write_xlsx(path.with_suffix(".xlsx"), layout)


def word(path: Path, layout: Layout) -> Path:
    """As Word users have it: the title a paragraph above the table, after the report text."""
    return write_docx(
        path.with_suffix(".docx"),
        layout,
        before=("2020年度市经济信息产业发展专项资金绩效自评报告", "一、基本情况"),
        title_inside=False,
    )


WRITERS = pytest.mark.parametrize("write", [xlsx, word], ids=["xlsx", "docx"])


def scored(path: Path) -> tuple[Imported, TableReport]:
    imported = import_file(path)
    case = from_document(imported.document, str(path))
    return imported, review(case, rulesets.load("national"))


def scores_by_name(report: TableReport) -> dict[str, Decimal | None]:
    assert report.result is not None
    return {s.indicator.name: s.value for s in report.result.scores}


def seed(path: Path) -> dict[str, Any]:
    document = read_document(path)
    assert isinstance(document, dict)
    return document


def without(node: Any, drop: str) -> Any:
    if isinstance(node, dict):
        return {k: without(v, drop) for k, v in node.items() if k != drop}
    if isinstance(node, list):
        return [without(v, drop) for v in node]
    return node


def numbers(node: Any) -> Iterator[object]:
    if isinstance(node, dict):
        for value in node.values():
            yield from numbers(value)
    elif isinstance(node, list):
        for value in node:
            yield from numbers(value)
    elif not isinstance(node, str | bool):
        yield node


def assert_is_zhuzhou_seed(imported: Imported) -> None:
    document, expected = imported.document, seed(ZHUZHOU_SEED)
    assert document["indicators"] == expected["indicators"]
    assert document["budget"] == expected["budget"]
    assert document["published"] == expected["published"]
    for field in ("title", "year", "department", "fund", "project", "kind", "framework"):
        assert document["meta"][field] == expected["meta"][field], field
    assert all(isinstance(n, Decimal | int) for n in numbers(document)), "never a float"


# The seeds ---------------------------------------------------------------------------------


@WRITERS
def test_zhuzhou_table_imports_as_the_seed_transcription(tmp_path: Path, write: Writer) -> None:
    imported = import_file(write(tmp_path / "004", zhuzhou()))
    assert_is_zhuzhou_seed(imported)
    assert imported.leaves == 14
    assert imported.tables == 1


@WRITERS
def test_zhuzhou_scores_95_99_with_8_99_for_execution(tmp_path: Path, write: Writer) -> None:
    _, report = scored(write(tmp_path / "004", zhuzhou()))
    assert report.computed_total == Decimal("95.99") == report.published_total
    assert report.computed_grade == "优"
    assert scores_by_name(report)["执行率"] == Decimal("8.99")


@pytest.mark.parametrize(
    "layout", [platform(), platform(merged=False)], ids=["merged", "blank-continuation"]
)
@WRITERS
def test_platform_table_scores_100(tmp_path: Path, write: Writer, layout: Layout) -> None:
    imported, report = scored(write(tmp_path / "000", layout))
    assert report.computed_total == Decimal("100") == report.published_total
    assert report.computed_grade == "优" == report.published_grade
    assert report.findings == ()
    expected = seed(PLATFORM_SEED)
    assert imported.document["indicators"] == without(expected["indicators"], "facts")
    assert imported.document["budget"] == {"full_year": D("154.5"), "executed": D("154.5")}
    assert imported.document["meta"]["title"] == expected["meta"]["title"]


def test_two_tables_in_one_document_choose_by_index(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "000.docx", summary_sheet(), platform(), industry())
    first = import_file(path)
    assert (first.tables, first.index) == (2, 1)
    second = import_file(path, table=2)
    assert second.document["indicators"] == without(seed(INDUSTRY_SEED)["indicators"], "facts")
    report = review(from_document(second.document, str(path)), rulesets.load("national"))
    assert report.published_total == Decimal("98.57")
    assert report.computed_total == Decimal("100")
    assert Code.MET_BUT_DEDUCTED in {f.code for f in report.findings}
    with pytest.raises(CaseError, match="只有 2 张自评表，没有第 3 张"):
        import_file(path, table=3)


# Messy tables ------------------------------------------------------------------------------


def blank_rows_and_columns(layout: Layout) -> None:
    insert_column(layout, 0)
    insert_column(layout, 5)  # inside the indicator table and the 年度资金 block
    insert_column(layout, layout.width)
    for at in (0, 3, 8, 16, 20, 24):
        insert_row(layout, at)


def synonyms(layout: Layout) -> None:
    renamed = {
        "年度指标值": "指标值",
        "实际完成值": "实际值",
        "分值": "权重",
        "得分": "自评分",
        "偏差原因分析及改进措施": "偏差原因",
    }
    header = layout.find("三级指标")[0]
    layout.rows[header] = [renamed.get(str(v), v) for v in layout.rows[header]]


def as_text(layout: Layout) -> None:
    numbers_as_text(layout)


def as_fullwidth_text(layout: Layout) -> None:
    numbers_as_text(layout, fullwidth=True)
    fullwidth_text(layout)


def everything(layout: Layout) -> None:
    for change in (blank_rows_and_columns, synonyms, amounts_in_yuan, as_fullwidth_text):
        change(layout)


MESSES = {
    "blank-rows-and-columns": blank_rows_and_columns,
    "header-synonyms": synonyms,
    "numbers-as-text": as_text,
    "full-width": as_fullwidth_text,
    "amounts-in-yuan": amounts_in_yuan,
    "everything": everything,
}


@pytest.mark.parametrize("mess", MESSES.values(), ids=MESSES.keys())
@WRITERS
def test_messy_zhuzhou_parses_to_the_same_case(
    tmp_path: Path, write: Writer, mess: Callable[[Layout], None]
) -> None:
    layout = zhuzhou()
    mess(layout)
    imported, report = scored(write(tmp_path / "messy", layout))
    assert report.computed_total == Decimal("95.99")
    assert scores_by_name(report)["执行率"] == Decimal("8.99")
    if mess in (as_fullwidth_text, everything):  # targets are kept as typed (》１０)
        assert imported.document["budget"] == seed(ZHUZHOU_SEED)["budget"]
    else:
        assert_is_zhuzhou_seed(imported)


@WRITERS
def test_unit_column_is_appended_to_target_and_actual(tmp_path: Path, write: Writer) -> None:
    imported = import_file(write(tmp_path / "unit", zhuzhou(unit_column=True)))
    assert_is_zhuzhou_seed(imported)  # 》1000 | 家 → 》1000家, as the seed writes it


def test_unrelated_sheet_first_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "two.xlsx", summary_sheet(), zhuzhou())
    imported = import_file(path)
    assert imported.where == "工作表「自评表」"
    assert_is_zhuzhou_seed(imported)


def test_unrelated_table_first_is_skipped(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "two.docx", summary_sheet(), zhuzhou())
    imported = import_file(path)
    assert imported.where == "第 2 个表格"
    assert_is_zhuzhou_seed(imported)


def test_header_block_in_its_own_word_table(tmp_path: Path) -> None:
    """Word users often split the form: 部门/项目/年度资金 in one table, indicators in the next."""
    layout = zhuzhou()
    split = layout.find("一级指标")[0]
    top = Layout([row[:] for row in layout.rows[:split]])
    top.merges = [m for m in layout.merges if m[2] < split]
    top.formats = dict(layout.formats)
    bottom = Layout([row[:] for row in layout.rows[split:]])
    bottom.merges = [
        (r1 - split, c1, r2 - split, c2) for r1, c1, r2, c2 in layout.merges if r1 >= split
    ]
    path = tmp_path / "split.docx"
    write_docx(path, top)
    # append the second table right after the first, with no paragraph in between
    write_docx(tmp_path / "bottom.docx", bottom)
    first, second = docx.Document(str(path)), docx.Document(str(tmp_path / "bottom.docx"))
    first.tables[0]._tbl.addnext(second.tables[0]._tbl)
    first.save(str(path))
    imported = import_file(path)
    assert_is_zhuzhou_seed(imported)


@WRITERS
def test_header_repeated_on_a_new_page_continues_the_table(tmp_path: Path, write: Writer) -> None:
    layout = zhuzhou()
    header = layout.find("三级指标")[0]
    at = layout.find("满意度指标 (10分)")[0]
    insert_row(layout, at)
    layout.rows[at] = list(layout.rows[header])
    layout.merges.append((at, 0, at, 1))
    imported = import_file(write(tmp_path / "pages", layout))
    assert imported.tables == 1
    assert_is_zhuzhou_seed(imported)


def test_execution_rate_typed_as_a_fraction(tmp_path: Path) -> None:
    layout = zhuzhou()
    layout.formats.clear()  # 0.8989 shown as it is
    imported = import_file(write_xlsx(tmp_path / "fraction.xlsx", layout))
    assert imported.document["budget"]["published_rate"] == Decimal("89.89")


def test_scores_computed_by_formula_are_read_as_shown(tmp_path: Path) -> None:
    """A cached formula result 8.98913… in a 0.00 cell is the printed 8.99."""
    path = write_xlsx(tmp_path / "f.xlsx", zhuzhou())
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook["自评表"]
    sheet["I7"] = 8.989139515455305
    sheet["I7"].number_format = "0.00"
    workbook.save(path)
    imported = import_file(path)
    assert imported.document["indicators"][0]["published_score"] == Decimal("8.99")


# Broken files ------------------------------------------------------------------------------


def refused(path: Path) -> CaseError:
    with pytest.raises(CaseError) as caught:
        import_file(path)
    error = caught.value
    assert error.file == str(path)
    assert str(error).startswith(f"文件 {path}")
    return error


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_corrupt_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"corrupt{suffix}"
    path.write_bytes(b"PK\x03\x04 this is not really a zip" * 20)
    assert "无法打开" in str(refused(path))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_zip_that_is_not_an_office_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"other{suffix}"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "hello")
    assert "已损坏或不是" in str(refused(path))


def test_truncated_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "whole.xlsx", zhuzhou())
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:2000])
    assert "无法打开" in str(refused(cut))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_empty_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert "文件是空的" in str(refused(path))


def test_fifty_megabytes_refused_by_size_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    message = str(refused(path))
    assert "文件过大" in message
    assert "50.0 MB" in message
    assert "20.0 MB" in message
    assert path.stat().st_size > MAX_BYTES


def test_workbook_without_any_self_evaluation_names_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "summary.xlsx", summary_sheet())
    message = str(refused(path))
    assert "没有找到项目支出绩效自评表" in message
    assert "工作表「汇总」" in message


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> Path:
    """A copy of the workbook at ``path`` with its first sheet's XML changed."""
    out = path.with_name(f"changed-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info, data)
    return out


def test_damaged_sheet_xml_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "004.xlsx", zhuzhou())
    damaged = _rewrite_sheet(path, lambda xml: xml[: len(xml) // 2])  # the cells are cut off
    assert "无法打开" in str(refused(damaged))


def test_a_merge_shows_only_its_top_left_value(tmp_path: Path) -> None:
    """Excel shows a merged range's top-left value only, whatever the covered cells hold."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"], sheet["B1"], sheet["C1"] = "左上", "被覆盖", "旁边"
    sheet["B3"] = "独立"
    sheet.merge_cells("E5:F5")  # a placeholder, moved over A1:B1 below (openpyxl would clear B1)
    path = tmp_path / "merged.xlsx"
    book.save(path)
    moved = _rewrite_sheet(path, lambda xml: xml.replace(b'ref="E5:F5"', b'ref="A1:B2"'))
    grid = read_grids(moved)[0]
    assert [c.text for c in grid.rows[0].cells] == ["左上", "左上", "旁边"]
    assert [c.text for c in grid.rows[1].cells] == ["左上", "左上", ""]
    assert {c.origin for row in grid.rows[:2] for c in row.cells[:2]} == {(0, 0)}
    assert [c.text for c in grid.rows[2].cells] == ["", "独立", ""]


def test_empty_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    assert "没有任何内容" in str(refused(path))


def test_word_file_without_a_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("2020年度项目支出绩效自评表")
    path = tmp_path / "text.docx"
    document.save(str(path))
    assert "没有表格" in str(refused(path))


@WRITERS
def test_table_without_indicator_rows_names_the_header_row(tmp_path: Path, write: Writer) -> None:
    layout = zhuzhou()
    header, total = layout.find("一级指标")[0], layout.find("总分")[0]
    layout.rows = layout.rows[: header + 1] + layout.rows[total:]
    layout.merges = [m for m in layout.merges if m[2] <= header]
    error = refused(write(tmp_path / "headers-only", layout))
    assert "没有任何指标行" in str(error)
    expected_row = header + 1 if write is xlsx else header  # the Word title is a paragraph
    assert error.line == expected_row


@WRITERS
def test_unreadable_weight_names_row_and_column(tmp_path: Path, write: Writer) -> None:
    layout = zhuzhou()
    row, column = layout.find("交办解决企业问题")
    layout.rows[row][column + 3] = "五分"
    error = refused(write(tmp_path / "weight", layout))
    assert error.field == "分值"
    assert error.line == (row + 1 if write is xlsx else row)
    assert "“五分”不是可识别的数字" in str(error)
    assert ("工作表「自评表」" if write is xlsx else "第 1 个表格") in str(error)


def test_missing_weight_is_refused(tmp_path: Path) -> None:
    layout = zhuzhou()
    row, column = layout.find("交办解决企业问题")
    layout.rows[row][column + 3] = None
    error = refused(write_xlsx(tmp_path / "blank-weight.xlsx", layout))
    assert (error.line, error.field) == (row + 1, "分值")
    assert "没有填写分值" in str(error)


def test_unreadable_amount_names_row_and_column(tmp_path: Path) -> None:
    layout = zhuzhou()
    row, column = layout.find("合计")
    layout.rows[row][column + 3] = "二百万"  # 全年预算数
    error = refused(write_xlsx(tmp_path / "amount.xlsx", layout))
    assert (error.line, error.field) == (row + 1, "全年预算数")


@pytest.mark.parametrize(("suffix", "advice"), [(".xls", ".xlsx"), (".doc", ".docx")])
def test_old_office_formats_are_refused_with_advice(
    tmp_path: Path, suffix: str, advice: str
) -> None:
    path = tmp_path / f"old{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert f"另存为 {advice}" in str(refused(path))


def test_missing_file(tmp_path: Path) -> None:
    assert "文件不存在" in str(refused(tmp_path / "nowhere.xlsx"))


# Pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, "General", ""),
        (30, "General", "30"),
        (239.4, "General", "239.4"),
        (0.1 + 0.2, "General", "0.3"),
        (0.8989139515455305, "0.00%", "89.89%"),
        (1.0, "0%", "100%"),
        (8.989139515455305, "0.00", "8.99"),
        (2394000.0, "#,##0.00", "2394000.00"),
        (5.0, '0"分"', "5"),
        ("  》10 ", "@", "》10"),
        ("产出指标\n（50分）", "General", "产出指标（50分）"),
        (True, "General", "是"),
    ],
)
def test_excel_text_shows_what_the_sheet_shows(
    value: object, number_format: str, text: str
) -> None:
    assert excel_text(value, number_format) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", D("10")), ("１０分", D("10")), (" 8.99 ", D("8.99")), ("—", None), ("", None)],
)
def test_number(text: str, expected: Decimal | None) -> None:
    assert number(text) == expected


@pytest.mark.parametrize("text", ["十", "abc", "10元", "1O"])
def test_number_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        number(text)


def test_tidy_and_split_weight() -> None:
    assert str(tidy(D("2394000").scaleb(-4))) == "239.4"
    assert str(tidy(D("2000000").scaleb(-4))) == "200"
    assert split_weight("产出指标 (50分)") == ("产出指标", D("50"))
    assert split_weight("效益指标（３０分）") == ("效益指标", D("30"))
    assert split_weight("用户满意度(%)") == ("用户满意度(%)", None)
    assert split_weight("数量指标") == ("数量指标", None)


@pytest.mark.parametrize(
    ("name", "target", "group", "expected"),
    [
        ("开展主题活动", "》10", "数量指标", ("ratio_positive", False)),
        ("平台年登陆次数（次）", ">150000", "数量指标", ("ratio_positive", False)),
        ("用户满意度(%)", "≥85", "", ("ratio_positive", False)),
        ("企业满意率", "满意度99%以上。", "", ("ratio_positive", False)),
        ("核心系统连续提供服务能力时长", "24小时/天", "质量指标", ("ratio_positive", False)),
        ("系统故障响应及时性", "1小时以内响应", "时效指标", ("ratio_negative", False)),
        ("差错率", "≤2%", "", ("ratio_negative", False)),
        ("系统重要储存信息丢失率(%)", "0", "", ("ratio_negative", True)),
        ("人均培训成本", "500元", "成本指标", ("ratio_negative", True)),
        ("目标", "═100%", "", ("ratio_positive", False)),
        ("问题办理", "对企业问题12小时联系，7天内办结。", "", ("qualitative", False)),
        ("长效管理机制健全性", "健全", "", ("qualitative", False)),
    ],
)
def test_methods_are_chosen_like_the_seed_transcriptions(
    name: str, target: str, group: str, expected: tuple[str, bool]
) -> None:
    assert choose_method(name, target, group) == expected


def test_merged_cells_are_expanded_with_their_origin(tmp_path: Path) -> None:
    for path in (
        write_xlsx(tmp_path / "g.xlsx", zhuzhou()),
        write_docx(tmp_path / "g.docx", zhuzhou()),
    ):
        grid = read_grids(path)[0]
        first, second = grid.rows[13], grid.rows[14]  # 开展主题活动, 交办解决企业问题
        assert first.text(1) == second.text(1) == "产出指标 (50分)"
        assert first.cells[1].origin == second.cells[1].origin
        assert [c.text for _, c in first.distinct(0, 2)] == ["绩效指标", "产出指标 (50分)"]


# YAML, load_any, discover ------------------------------------------------------------------


def test_yaml_keeps_numbers_exact_and_chinese_unescaped(tmp_path: Path) -> None:
    imported = import_file(write_xlsx(tmp_path / "004.xlsx", zhuzhou()))
    text = to_yaml(imported.document, "由测试导入")
    assert text.startswith("# 由测试导入\n")
    assert "温暖企业行动" in text and "\\u" not in text
    assert "published_rate: 89.89\n" in text  # a bare number, not a quoted string
    assert "actual: '30'" in text  # a number typed as an actual stays text
    reread = yaml_lines.load(text)
    assert reread["budget"]["published_rate"] == Decimal("89.89")
    assert isinstance(reread["budget"]["published_rate"], Decimal)
    assert reread["indicators"] == imported.document["indicators"]


def test_load_any_reads_office_files_and_case_files(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "004.docx", zhuzhou())
    case = load_any(path)
    assert isinstance(case, Case)
    assert case.file == str(path)
    assert case.published.total == Decimal("95.99")
    assert isinstance(load_any(ZHUZHOU_SEED), Case)


def test_the_import_builds_the_case_once_and_load_any_returns_it(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "004.xlsx", zhuzhou())
    imported = import_file(path)
    assert imported.case == from_document(imported.document, str(path))
    assert load_any(path) == imported.case


def test_discover_finds_office_files_but_not_lock_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.yaml", "b.xlsx", "sub/c.docx", "~$b.xlsx", "notes.txt", "d.JSON"):
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a.yaml", "b.xlsx", "d.JSON", "sub/c.docx"]
    assert list(discover([tmp_path / "b.xlsx"])) == [tmp_path / "b.xlsx"]
