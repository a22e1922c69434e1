"""The messages of allocations, subsidies, co-funding and pilots are core ``Text``: the same
Chinese as before (the CLI, the exports and the JSON print it), plus a template that the web
app translates (jixiao.web.core_text)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from jixiao.core import credit_code
from jixiao.core.allocation import (
    Allocation,
    AllocationError,
    Candidate,
    Comparator,
    Factor,
    Rule,
    allocate,
)
from jixiao.core.cofunding import CofundingError, CostShare, Level, printed_note
from jixiao.core.cofunding import amount as cofunding_amount
from jixiao.core.pilots.deadlines import Deadline, Status, period_label, periods
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evidence import check_evidence
from jixiao.core.pilots.institutions import (
    Catalogue,
    Institution,
    ServiceOffer,
    check_catalogue,
    require_approvable,
)
from jixiao.core.pilots.programme import Programme, ServiceType
from jixiao.core.pilots.reviews import Action, Review
from jixiao.core.pilots.schedule import SEED_003_SCHEDULE
from jixiao.core.subsidies import Category as SubsidyCategory
from jixiao.core.subsidies import Reason, Refusal, SubsidyError
from jixiao.core.text import Text, joined, render
from jixiao.io.allocation_file import AllocationFileError, from_document
from jixiao.io.allocation_import import import_candidates
from jixiao.io.blacklist import BlacklistError
from jixiao.io.blacklist import read as read_blacklist
from jixiao.io.cases import CaseError

D = Decimal
S = ServiceType


def raised(action: Callable[[], object], kind: type[Exception] = Exception) -> Exception:
    with pytest.raises(kind) as caught:
        action()
    return caught.value


def message_of(error: Exception) -> str:
    message = getattr(error, "message", None)
    return message if isinstance(message, str) else str(error)


def assert_text(message: str, template: str, chinese: str) -> None:
    assert isinstance(message, Text), repr(message)
    assert message.template == template
    assert message == chinese
    assert str.__str__(message) == chinese


# Allocations -------------------------------------------------------------------------------


def run(**changes: object) -> Allocation:
    values: dict[str, object] = {
        "pot": D("100"),
        "candidates": (Candidate("甲", {"余额": D("10")}), Candidate("乙", {"余额": D("30")})),
        "factors": (Factor("余额"),),
        "rules": (),
    }
    values.update(changes)
    return Allocation(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("allocation", "template", "chinese"),
    [
        (run(pot=D("-1")), "分配总额不能为负数（{pot}）", "分配总额不能为负数（-1）"),
        (run(candidates=()), "没有分配对象", "没有分配对象"),
        (
            run(candidates=(Candidate("甲", {"余额": D("1")}), Candidate("甲", {"余额": D("2")}))),
            "分配对象「{name}」重复出现",
            "分配对象「甲」重复出现",
        ),
        (
            run(factors=(Factor("余额", D("0.5")),)),
            "分配因素的权重合计须为 1，实为 {total}",
            "分配因素的权重合计须为 1，实为 0.5",
        ),
        (
            run(rules=(Rule("费率", Comparator.LE, D("1.5")),)),
            "「{name}」缺少条件所需的「{attribute}」",
            "「甲」缺少条件所需的「费率」",
        ),
        (
            run(candidates=(Candidate("甲", {"余额": D("10")}, D("1")),)),
            "符合条件对象的补贴上限合计 {caps} 万元低于分配总额 {pot} 万元",
            "符合条件对象的补贴上限合计 1 万元低于分配总额 100 万元",
        ),
    ],
)
def test_allocation_errors_are_text(allocation: Allocation, template: str, chinese: str) -> None:
    error = raised(lambda: allocate(allocation), AllocationError)
    assert_text(message_of(error), template, chinese)
    assert_text(str(error), template, chinese)  # str() keeps the Text too


def test_a_comparator_error_is_text() -> None:
    error = raised(lambda: Comparator.parse("~"), AllocationError)
    assert_text(
        message_of(error),
        "比较符 {given} 无法识别（可用：{known}）",
        "比较符 '~' 无法识别（可用：<、=、>、≠、≤、≥）",
    )


def test_an_allocation_file_error_is_text() -> None:
    document = {"format": "jixiao-allocation/1", "pot": "十", "factors": [{"attribute": "余额"}]}
    error = raised(lambda: from_document(document, "a.yaml", draft=True), AllocationFileError)
    assert_text(message_of(error), "须为数字，实为 {given}", "须为数字，实为 '十'")


def sheet(tmp_path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    path = tmp_path / "对象.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("rows", "template", "chinese"),
    [
        (
            [["机构名称", "余额"], ["甲", "三千"]],
            "须为数字，实为“{given}”",
            "须为数字，实为“三千”",
        ),
        (
            [["机构名称", "余额"], ["甲", 1], ["甲", 2]],
            "「{name}」与第 {row} 行重复",
            "「甲」与第 2 行重复",
        ),
        (
            [["随便"], ["什么"]],
            "未找到表头：须有一行列标题含“机构名称”（或单位名称、企业名称、名称）",
            "未找到表头：须有一行列标题含“机构名称”（或单位名称、企业名称、名称）",
        ),
    ],
)
def test_allocation_import_errors_are_text(
    tmp_path: Path, rows: list[list[object]], template: str, chinese: str
) -> None:
    path = sheet(tmp_path, rows)
    error = raised(lambda: import_candidates(path, numeric=["余额"]), CaseError)
    assert isinstance(error, CaseError)
    assert_text(error.message, template, chinese)


# Pilots ------------------------------------------------------------------------------------


def test_a_catalogue_breach_is_text() -> None:
    catalogue = Catalogue(
        (Institution("甲公司", (ServiceOffer(S.RECRUITMENT, "招聘会", D("0.6"), D("0.5")),)),)
    )
    too_few, above = check_catalogue(catalogue, [S.RECRUITMENT])
    assert_text(
        too_few.message,
        "“{service}”类服务机构仅 {count} 家，原则上不少于 {minimum} 家（工作指南三（三））",
        "“人才招聘”类服务机构仅 1 家，原则上不少于 2 家（工作指南三（三））",
    )
    assert isinstance(too_few.message, Text)
    assert isinstance(too_few.message.args["service"], Text)  # the label is translated too
    assert_text(
        above.message,
        "“{institution}”的“{product}”价格 {price} 万元高于市场参考价 {market} 万元"
        "（工作指南三（三））",
        "“甲公司”的“招聘会”价格 0.6 万元高于市场参考价 0.5 万元（工作指南三（三））",
    )
    error = raised(lambda: require_approvable(catalogue, [S.RECRUITMENT], {}), PilotError)
    assert isinstance(error, PilotError)
    assert_text(
        error.message,
        "服务机构清单不符合要求，须说明理由后方可审核通过：{listed}",
        f"服务机构清单不符合要求，须说明理由后方可审核通过：{too_few.message}；{above.message}",
    )
    assert_text(str(error), error.message.template, str(error.message))


def test_joined_keeps_each_part_and_the_chinese_separator() -> None:
    items = [Text("缺少{part}", part="甲"), "乙", Text("丙")]
    assert joined(items) == "缺少甲；乙；丙"
    assert joined(items, "、") == "缺少甲、乙、丙"
    assert joined([]) == ""
    assert joined(["单独"]) == "单独"
    english = {"缺少{part}": "Missing: {part}", "{first}；{rest}": "{first}; {rest}", "丙": "C"}
    assert render(joined(items), lambda t: english.get(t, t)) == "Missing: 甲; 乙; C"


def test_a_deadline_title_is_text() -> None:
    programme = Programme("园区精准服务试点", date(2023, 1, 1), date(2024, 12, 31))
    [rule] = [r for r in SEED_003_SCHEDULE if r.code == "quarterly_report"]
    deadline = Deadline("k", rule, "园区", "县", date(2023, 4, 10), "", periods(programme, 3)[0])
    assert_text(
        deadline.title,
        "{title}（{period}）",
        "绩效目标完成情况表（季报）（2023年第1季度）",
    )
    assert period_label(date(2023, 1, 1), date(2023, 6, 30)) == "2023年上半年"
    assert_text(period_label(date(2023, 7, 1), date(2023, 12, 31)), "{year}年度", "2023年度")
    assert Status.DUE.label == "待办" and isinstance(Status.DUE.label, Text)


def test_a_refused_record_is_text() -> None:
    error = raised(lambda: Review().advance(Action.RETURN, date(2023, 5, 1)), PilotError)
    assert isinstance(error, PilotError)
    assert_text(error.message, "当前状态为“{state}”，不能{action}", "当前状态为“草稿”，不能退回")
    check = check_evidence(S.TRAINING, D("1"), (), date(2023, 1, 1), date(2024, 12, 31))
    first = check.messages()[0]
    assert_text(first, "缺少{kind}（附件1）", str(first))
    assert str(first).startswith("缺少") and str(first).endswith("（附件1）")


# Subsidies, credit codes, blacklists ---------------------------------------------------------


def test_subsidy_messages_are_text() -> None:
    error = raised(
        lambda: SubsidyCategory("物流费", date(2022, 6, 30), date(2022, 1, 1), D("0.1"), D("5")),
        SubsidyError,
    )
    assert_text(
        str(error),
        "补贴类别“{name}”的基期起始日晚于截止日",
        "补贴类别“物流费”的基期起始日晚于截止日",
    )
    reason = Reason(Refusal.DUPLICATE, "物流费")
    assert_text(
        reason.message,
        "重复申报：该企业已申报过“{detail}”，每家企业每类补贴只能申报一次",
        "重复申报：该企业已申报过“物流费”，每家企业每类补贴只能申报一次",
    )
    checked = credit_code.check("12345")
    assert_text(
        checked.reason,
        "统一社会信用代码应为18位，实际为{detail}位",
        "统一社会信用代码应为18位，实际为5位",
    )


def test_a_blacklist_error_is_text() -> None:
    content = "统一社会信用代码\n12345\n".encode()
    error = raised(lambda: read_blacklist(content, "名单.csv"), BlacklistError)
    assert_text(
        str(error),
        "{file}：第 {row} 行：{message}",
        "名单.csv：第 2 行：统一社会信用代码应为18位，实际为5位",
    )
    error = raised(lambda: read_blacklist(b"", "名单.xls"), BlacklistError)
    assert_text(str(error), "{file}：{message}", "名单.xls：只能导入 .xlsx 或 .csv 文件")


# Co-funding ----------------------------------------------------------------------------------


def test_cofunding_errors_are_text() -> None:
    error = raised(lambda: CostShare.parse("3:3"), CofundingError)
    assert_text(
        str(error),
        "{field}：{message}",
        "分担比例：须为 省:市:县 三个数，如 3:3:4，实为“3:3”",
    )
    assert isinstance(error, CofundingError)
    assert_text(
        error.message,
        "须为 省:市:县 三个数，如 3:3:4，实为“{given}”",
        "须为 省:市:县 三个数，如 3:3:4，实为“3:3”",
    )
    error = raised(lambda: cofunding_amount("-1", "批复总额"), CofundingError)
    assert str(error) == "批复总额：不能为负数，实为 -1"
    assert Level.PROVINCE.label == "省" and isinstance(Level.PROVINCE.label, Text)


def test_a_printed_note_is_text() -> None:
    note = printed_note(D("582.926"), D("582.92"))
    assert note is not None
    assert_text(
        note.text,
        "报告所列 {printed} 为拨付合计 {exact} {rounding}至 {places} 位小数",
        f"报告所列 582.92 为拨付合计 582.926 {note.rounding.label if note.rounding else ''}"
        "至 2 位小数",
    )
