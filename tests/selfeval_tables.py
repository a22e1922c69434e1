"""The seed 自评表 as spreadsheet layouts, written to .xlsx (openpyxl) or .docx (python-docx).

A :class:`Layout` is rows of cell values plus merged ranges; the same layout is written to both
formats so each test covers Excel and Word alike. Messy variants are made by transforming a
layout (blank rows and columns inserted, numbers typed as text, full-width characters, amounts
in 元, a unit column), never by hand-editing a copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import docx
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

D = Decimal
Value = str | int | Decimal | None


@dataclass
class Layout:
    rows: list[list[Value]]
    merges: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # r1, c1, r2, c2 (0-based)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    name: str = "自评表"

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def find(self, text: str) -> tuple[int, int]:
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                if value == text:
                    return r, c
        raise KeyError(text)

    def merge(self, ref: str) -> None:
        """``merge("A1:I1")`` in spreadsheet terms."""
        from openpyxl.utils.cell import range_boundaries

        c1, r1, c2, r2 = range_boundaries(ref)
        assert c1 and r1 and c2 and r2
        self.merges.append((r1 - 1, c1 - 1, r2 - 1, c2 - 1))


def _pad(rows: list[list[Value]], width: int) -> list[list[Value]]:
    return [row + [None] * (width - len(row)) for row in rows]


# The seeds ---------------------------------------------------------------------------------

NOTE = "还有可提升的空间，需进一步优化营商环境。"
GOAL = "营造稳定、公平、透明和可预期的营商生态"


def zhuzhou(*, unit_column: bool = False) -> Layout:
    """Seed 004: 株洲 2020 温暖企业行动, 9 columns A–I, 一级 spanning A:B (绩效指标 | 产出指标)."""

    def leaf(
        name: str, target: str, actual: str, weight: int, score: int, note: str = ""
    ) -> list[Value]:
        return [name, target, actual, weight, score, note or None]

    rows: list[list[Value]] = [
        ["2020年度项目支出绩效自评表"],
        ["部门名称", None, "中小企业发展服务中心"],
        [
            "项目支出名称",
            "专项名称",
            "经济信息产业发展专项资金",
            None,
            None,
            "项目总投资（万元）",
        ],
        [
            None,
            "支出方向名称（子项目）",
            "温暖企业行动",
            None,
            None,
            "其中：财政拨款",
            None,
            D("239.4"),
        ],
        ["项目总实施期："],
        [
            "年度项目资金 (万元)",
            "年度资金总额",
            None,
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分（执行率×分值）",
        ],
        [None, "合计", None, D("239.4"), D("239.4"), D("215.2"), 10, D("0.8989"), D("8.99")],
        [None, "其中：当年财政拨款", None, D("239.4"), D("239.4"), D("215.2")],
        [None, "上年结转资金", None, 0, 0, 0],
        [None, "其他资金", None, 0, 0, 0],
        ["年度总体目标", None, None, None, None, "实际完成情况"],
        ["确保温暖企业行动正常开展并实现预期目标", None, None, None, None, GOAL],
        [
            "一级指标",
            None,
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
    ]
    body: list[tuple[str | None, str | None, str | None, list[Value]]] = [
        ("绩效指标", "产出指标 (50分)", "数量指标", leaf("开展主题活动", "》10", "30", 5, 5)),
        (None, None, None, leaf("交办解决企业问题", "》1000", "5028", 5, 5)),
        (None, None, "质量指标", leaf("涉及范围", "》10", "10个县市区，80余家单位部门", 5, 5)),
        (None, None, None, leaf("服务企业", "》1000家", "》5000家", 5, 5)),
        (
            None,
            None,
            "时效指标",
            leaf("问题办理", "对企业问题12小时联系，7天内办结。", "完成", 10, 10),
        ),
        (None, None, "成本指标", leaf("为企业减负", "》10亿", "》40亿", 10, 10)),
        (None, None, None, leaf("清偿欠款", "》500万", "》3000万", 10, 10)),
        (None, "效益指标 (30分)", "经济效益指标", leaf("新增市场主体", "》3万", "4.5万", 5, 5)),
        (None, None, None, leaf("企业欠款", "》500万", "》3000万", 5, 5)),
        (
            None,
            None,
            "社会效益指标",
            leaf(
                "发展环境",
                "助推株洲经济发展。",
                "营造了和谐、温暖、公平、安全的发展环境",
                6,
                5,
                NOTE,
            ),
        ),
        (None, None, "生态效益指标", leaf("营商环境生态", GOAL, GOAL, 6, 5, NOTE)),
        (
            None,
            None,
            "可持续影响指标",
            leaf("长效机制", "建立服务企业的长效机制", "建立四位一体的帮扶机制", 8, 7, NOTE),
        ),
    ]
    for a, b, c, rest in body:
        rows.append([a, b, c, *rest])
    rows.append(["....."])
    rows.append(
        [
            "满意度指标 (10分)",
            None,
            "服务对象满意度指标",
            "企业满意率",
            "满意度99%以上。",
            "满意度99.49%",
            10,
            10,
        ]
    )
    rows.append([])
    rows.append(["总分", None, None, None, None, None, 100, D("95.99"), "等级：优秀"])
    rows.append(["备注：1. “执行率” = “全年执行数” / “全年预算数”；"])
    rows.append(
        [
            "2. 总分设置为100分，等级划分为：90分（含）—100分为优，80分（含）—90分为良，60分（含）—80分为中，60分以下为差。"
        ]
    )
    layout = Layout(_pad(rows, 9))
    for ref in (
        "A1:I1",
        "A2:B2",
        "C2:I2",
        "A3:A4",
        "C3:E3",
        "F3:G3",
        "H3:I3",
        "C4:E4",
        "F4:G4",
        "H4:I4",
        "A5:I5",
        "A6:A10",
        "B6:C6",
        "B7:C7",
        "B8:C8",
        "B9:C9",
        "B10:C10",
        "A11:E11",
        "F11:I11",
        "A12:E12",
        "F12:I12",
        "A13:B13",
        "A14:A25",  # 绩效指标
        "B14:B20",  # 产出指标 (50分)
        "B21:B25",  # 效益指标 (30分)
        "C14:C15",  # 数量指标
        "C16:C17",  # 质量指标
        "C19:C20",  # 成本指标
        "C21:C22",  # 经济效益指标
        "A26:I26",  # .....
        "A27:B27",  # 满意度指标 (10分)
        "A29:F29",  # 总分
        "A30:I30",
        "A31:I31",
    ):
        layout.merge(ref)
    layout.formats[(6, 7)] = "0.00%"  # 执行率 0.8989 shown as 89.89%
    if unit_column:
        _unit_column(layout)
    return layout


_UNITS = {"》1000家": ("》1000", "家"), "》10亿": ("》10", "亿"), "》500万": ("》500", "万")}
_UNITS |= {"》3万": ("》3", "万")}


def _unit_column(layout: Layout) -> None:
    """A 计量单位 column after 三级指标, the unit taken out of target and actual."""
    header, column = layout.find("三级指标")
    insert_column(layout, column + 1)
    layout.rows[header][column + 1] = "计量单位"
    target_col = column + 2
    for row in layout.rows[header + 1 :]:
        target = row[target_col]
        if isinstance(target, str) and target in _UNITS:
            bare, unit = _UNITS[target]
            row[target_col] = bare
            row[column + 1] = unit
            actual = row[target_col + 1]
            if isinstance(actual, str) and actual.endswith(unit):
                row[target_col + 1] = actual[: -len(unit)]


def platform(*, merged: bool = True) -> Layout:
    """Seed 000: 嘉兴市企业服务平台运营项目 (7 columns, 执行率 as the first row, no budget block)."""
    rows: list[list[Value]] = [
        ["嘉兴市企业服务平台运营项目 项目支出绩效自评表"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评分"],
        ["执行率", None, None, D("154.5"), D("154.5"), 10, 10],
        ["产出指标", "数量指标", "平台年登陆次数（次）", ">150000", 191898, 10, 10],
        ["产出指标", "数量指标", "平台常用用户（家）", ">10000", 12197, 10, 10],
        ["产出指标", "质量指标", "核心系统连续提供服务能力时长", "24小时/天", "24小时/天", 10, 10],
        [
            "产出指标",
            "时效指标",
            "系统（软件）更新升级及时性",
            "24小时升级完毕",
            "24小时升级完毕",
            10,
            10,
        ],
        ["产出指标", "时效指标", "系统故障响应及时性", "1小时以内响应", "1小时以内响应", 10, 10],
        ["产出指标", "成本指标"],
        ["效益指标", "经济效益指标"],
        [],
        ["效益指标", "社会效益指标", "系统重要储存信息丢失率(%)", 0, 0, 15, 15],
        ["效益指标", "生态效益指标"],
        ["效益指标", "可持续影响", "长效管理机制健全性", "健全", "100%", 15, 15],
        ["满意度指标", "服务对象满意度指标", "用户满意度(%)", "≥85", 90, 10, 10],
        ["总分", None, None, None, 100, "评价结论", "优"],
        [
            "注：资金执行率低于91%的项目，自评结论不得为“优”；资金执行率低于50%的项目，自评结论为“中”及以下。"
        ],
    ]
    layout = Layout(_pad(rows, 7), name="企业服务平台")
    if merged:
        for ref in ("A1:G1", "A3:C3", "A4:A9", "A10:A14", "B4:B5", "B7:B8", "A16:D16", "A17:G17"):
            layout.merge(ref)
    else:  # as transcribed: continuation cells simply left blank
        for r in range(4, 14):
            if layout.rows[r][0] in ("产出指标", "效益指标") and r not in (3, 9):
                layout.rows[r][0] = None
        layout.rows[4][1] = layout.rows[7][1] = None
    return layout


def industry() -> Layout:
    """Seed 000: 产业发展及结构调整经费 (published 98.57; 培训合格率 met yet deducted)."""
    rows: list[list[Value]] = [
        ["产业发展及结构调整经费 项目支出绩效自评表"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评分"],
        ["执行率", None, None, D("75.2"), D("75.2"), 10, 10],
        ["产出指标", "数量指标", "培训人数(人)", ">500", 630, 25, 25],
        [None, "质量指标", "培训合格率(%)", 70, 95, 25, D("23.57")],
        [None, "时效指标"],
        [None, "成本指标"],
        ["效益指标", "经济效益指标"],
        [None, "社会效益指标", "淘汰落后产能企业", ">120家", 143, 10, 10],
        [None, "生态效益指标", "腾退“低、散、乱”企业", ">1200家", "1374家", 10, 10],
        [None, "可持续影响", "长效管理机制健全性", "健全", "100%", 10, 10],
        ["满意度指标", "服务对象满意度指标", "培训学员满意度(%)", "≥85", 100, 10, 10],
        ["总分", None, None, None, D("98.57"), "评价结论", "优"],
    ]
    layout = Layout(_pad(rows, 7), name="产业发展")
    layout.merge("A1:G1")
    return layout


def summary_sheet() -> Layout:
    """An unrelated sheet: the department summary (部门绩效自评结果汇总表)."""
    rows: list[list[Value]] = [
        ["部门绩效自评结果汇总表"],
        ["序号", "单位名称", "项目名称", "全年预算数", "全年执行数", "执行率(%)", "自评结论"],
        [1, "嘉兴市经济和信息化局", "企业服务平台运营项目", D("154.5"), D("154.5"), 100, "优"],
        [2, "嘉兴市经济和信息化局", "人才工作经费", D("82.5"), D("64.24"), D("77.86"), "良"],
    ]
    return Layout(_pad(rows, 7), name="汇总")


# Transformations ---------------------------------------------------------------------------


def insert_column(layout: Layout, at: int) -> None:
    for row in layout.rows:
        row.insert(at, None)
    layout.merges = [(r1, c1 + (c1 >= at), r2, c2 + (c2 >= at)) for r1, c1, r2, c2 in layout.merges]
    layout.formats = {(r, c + (c >= at)): f for (r, c), f in layout.formats.items()}


def insert_row(layout: Layout, at: int) -> None:
    layout.rows.insert(at, [None] * layout.width)
    layout.merges = [(r1 + (r1 >= at), c1, r2 + (r2 >= at), c2) for r1, c1, r2, c2 in layout.merges]
    layout.formats = {(r + (r >= at), c): f for (r, c), f in layout.formats.items()}


def map_cells(layout: Layout, change: Callable[[int, int, Value], Value]) -> None:
    for r, row in enumerate(layout.rows):
        for c, value in enumerate(row):
            row[c] = change(r, c, value)


_FULL = str.maketrans("0123456789.%()><=", "０１２３４５６７８９．％（）＞＜＝")


def numbers_as_text(layout: Layout, *, fullwidth: bool = False) -> None:
    """Every number typed as text (a percent-formatted one as ``89.89%``)."""

    def change(r: int, c: int, value: Value) -> Value:
        if isinstance(value, int | Decimal):
            fmt = layout.formats.get((r, c), "")
            text = f"{Decimal(value) * 100:.2f}%" if "%" in fmt else str(value)
            return text.translate(_FULL) if fullwidth else text
        return value

    map_cells(layout, change)
    layout.formats.clear()


def fullwidth_text(layout: Layout) -> None:
    """Targets, labels and headers typed with full-width digits, brackets and spaces."""

    def change(r: int, c: int, value: Value) -> Value:
        if not isinstance(value, str):
            return value
        if value in ("分值", "得分", "三级指标", "年度指标值"):
            return f"{value[0]}　{value[1:]}"  # 分　值
        return value.translate(_FULL)

    map_cells(layout, change)


def amounts_in_yuan(layout: Layout) -> None:
    """The 年度资金 block in 元: header （元）, amounts ×10000 typed as 2,394,000.00."""
    header, _ = layout.find("年初预算数")
    columns = [layout.find(name)[1] for name in ("年初预算数", "全年预算数", "全年执行数")]
    label_row, label_col = layout.find("年度项目资金 (万元)")
    layout.rows[label_row][label_col] = "年度项目资金（元）"
    for row in layout.rows[header + 1 : header + 6]:
        for c in columns:
            value = row[c]
            if isinstance(value, int | Decimal):
                row[c] = f"{Decimal(value) * 10000:,.2f}"


# Writers -----------------------------------------------------------------------------------


def write_xlsx(path: Path, *layouts: Layout) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for layout in layouts:
        sheet = workbook.create_sheet(layout.name)
        for r, row in enumerate(layout.rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    cell = sheet.cell(row=r, column=c, value=value)
                    fmt = layout.formats.get((r - 1, c - 1))
                    if fmt:
                        cell.number_format = fmt
        for r1, c1, r2, c2 in layout.merges:
            sheet.merge_cells(
                f"{get_column_letter(c1 + 1)}{r1 + 1}:{get_column_letter(c2 + 1)}{r2 + 1}"
            )
    workbook.save(path)
    return path


def _docx_text(layout: Layout, r: int, c: int, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and "%" in layout.formats.get((r, c), ""):
        return f"{Decimal(value) * 100:.2f}%"
    return str(value)


def write_docx(
    path: Path, *layouts: Layout, before: tuple[str, ...] = (), title_inside: bool = True
) -> Path:
    """Each layout as a Word table; with ``title_inside=False`` the first row (the title) is
    written as a paragraph above the table, as Word users do."""
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    for layout in layouts:
        layout = copy.deepcopy(layout)
        if not title_inside:
            document.add_paragraph(str(layout.rows[0][0]))
            layout.rows.pop(0)
            layout.merges = [(r1 - 1, c1, r2 - 1, c2) for r1, c1, r2, c2 in layout.merges if r1 > 0]
            layout.formats = {(r - 1, c): f for (r, c), f in layout.formats.items() if r > 0}
        table = document.add_table(rows=len(layout.rows), cols=layout.width)
        # Cells fetched once (table.cell() rebuilds the whole grid on every call); the merged
        # ranges do not overlap, so each fetched cell stays valid while others merge.
        cells = [list(row.cells) for row in table.rows]
        for r, row in enumerate(layout.rows):
            for c, value in enumerate(row):
                text = _docx_text(layout, r, c, value)
                if text:
                    cells[r][c].text = text
        for r1, c1, r2, c2 in layout.merges:
            text = cells[r1][c1].text
            merged = cells[r1][c1].merge(cells[r2][c2])
            merged.text = text
        document.add_paragraph("")
    document.save(str(path))
    return path
