"""Pilot programme files: the example of seed 003 loads; bad files are refused by file, line, field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.pilots.institutions import check_catalogue
from jixiao.core.pilots.programme import ServiceType, TargetState
from jixiao.core.pilots.records import progress, quarters
from jixiao.io.pilot_file import PilotFileError, load

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pilots" / "003-programme.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
PARK = "示例县小微企业创业园"


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def refused(
    tmp_path: Path, old: str, new: str, name: str = "bad.yaml"
) -> tuple[PilotFileError, str]:
    assert old in TEXT, old
    text = TEXT.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PilotFileError) as caught:
        load(path)
    return caught.value, text


def test_the_example_loads() -> None:
    pilot = load(EXAMPLE)
    programme = pilot.programme
    assert (programme.name, programme.province) == (
        "园区精准服务中小微企业财政专项激励试点",
        "浙江省",
    )
    assert (programme.start, programme.end) == (date(2023, 1, 1), date(2024, 12, 31))
    assert [p.name for p in programme.parks] == [PARK, "示例县数字经济产业园"]
    data = pilot.parks[PARK]
    assert data.park.money == Decimal(200)
    assert data.park.book.state is TargetState.APPROVED
    assert data.plan_approved_on == date(2023, 4, 28)
    assert len(data.park.enterprises) == 6
    assert [t.service.label for t in data.park.targets.public] == [
        "政策宣贯",
        "业务培训",
        "融资对接",
    ]
    assert data.park.targets.precise_target(ServiceType.INTELLECTUAL_PROPERTY).unit == "件"  # type: ignore[union-attr]
    assert len(data.records) == 9
    assert len(data.catalogue.institutions) == 8
    breaches = check_catalogue(data.catalogue, data.park.targets.services)
    assert [b.institution for b in breaches] == ["示例工业互联网服务有限公司"]
    assert data.justifications[breaches[0].key].startswith("报价含设备联网硬件")
    assert data.narratives[ServiceType.DIAGNOSIS].measures.startswith("委托两家诊断机构")
    assert data.mechanism.startswith("建立“园区+服务团队")
    county = programme.counties[0]
    assert county.economy_liaison is not None and county.economy_liaison.name == "周明"
    assert pilot.parks["示例县数字经济产业园"].park.book.state is TargetState.DRAFT


def test_the_example_records_read_their_fields() -> None:
    data = load(EXAMPLE).parks[PARK]
    records = {r.ref: r for r in data.records}
    ip = records["J-2023-03"]
    assert (ip.service, ip.on, ip.cost, ip.result) == (
        ServiceType.INTELLECTUAL_PROPERTY, date(2023, 8, 15), Decimal("2.0"), Decimal(4)
    )  # fmt: skip
    assert ip.evidence[0].dated == date(2023, 3, 2)
    assert records["P-2023-01"].visits == 45
    assert records["J-2023-01"].visits == 3


def test_the_example_third_quarter_misses_an_invoice() -> None:
    pilot = load(EXAMPLE)
    data = pilot.parks[PARK]
    report = progress(pilot.programme, data.park, data.records, *quarters(pilot.programme)[2])
    assert report.gaps == (("J-2023-03", ("缺少费用发票（附件1）",)),)


def test_error_message_names_file_line_and_field(tmp_path: Path) -> None:
    error, text = refused(tmp_path, "money: 200 ", "money: 两百 ")
    assert error.line == line_of(text, "money: 两百")
    assert error.field == "counties[0].parks[0].money"
    assert str(error) == (
        f"文件 {tmp_path / 'bad.yaml'}，第 {error.line} 行，字段 counties[0].parks[0].money："
        "须为数字，实为 '两百'"
    )


def test_a_missing_field(tmp_path: Path) -> None:
    error, text = refused(tmp_path, "        money: 150\n", "")
    assert error.message == "缺少必填字段 money"
    assert error.line == line_of(text, "      - name: 示例县数字经济产业园")


def test_an_unknown_field(tmp_path: Path) -> None:
    error, text = refused(
        tmp_path, "        money: 150\n", "        money: 150\n        budget: 3\n"
    )
    assert error.message == "有未知字段 budget"
    assert error.field == "counties[0].parks[1].budget"
    assert error.line == line_of(text, "budget: 3")


def test_wrong_format_and_bad_dates(tmp_path: Path) -> None:
    error, _ = refused(tmp_path, "format: jixiao-pilot/1", "format: jixiao-case/1")
    assert "格式应为 jixiao-pilot/1" in error.message
    error, text = refused(tmp_path, "  start: 2023-01-01", "  start: 2023-13-01")
    assert error.message == "须为日期（如 2023-04-25），实为 '2023-13-01'"
    assert error.line == line_of(text, "start: 2023-13-01")
    error, _ = refused(tmp_path, "  end: 2024-12-31", "  end: 2022-12-31")
    assert error.message == "试点实施周期的结束日期须晚于开始日期"


def test_an_unknown_service(tmp_path: Path) -> None:
    error, text = refused(
        tmp_path, "service: 融资对接, sessions: 4", "service: 园区装修, sessions: 4"
    )
    assert error.message.startswith("未知服务项目 '园区装修'")
    assert error.field == "counties[0].parks[0].targets.public[2].service"
    assert error.line == line_of(text, "园区装修")


def test_a_record_outside_the_period_is_refused_at_its_date(tmp_path: Path) -> None:
    error, text = refused(tmp_path, "date: 2024-03-20", "date: 2025-01-05")
    assert error.message == (
        "服务记录 P-2024-01 不能保存：服务日期 2025-01-05 不在试点实施周期（2023-01-01至2024-12-31）内"
        "（工作指南三（二））"
    )
    assert error.field == "counties[0].parks[0].records[8].date"
    assert error.line == line_of(text, "date: 2025-01-05")


def test_a_forbidden_use_is_refused_with_the_rule(tmp_path: Path) -> None:
    error, text = refused(
        tmp_path, "            cost: 0.8\n", "            cost: 0.8\n            use: 人员工资\n"
    )
    assert "资金不得用于人员工资（工作指南四（四）" in error.message
    assert error.field == "counties[0].parks[0].records[1].use"
    assert error.line == line_of(text, "use: 人员工资")
    error, _ = refused(
        tmp_path, "            cost: 0.8\n", "            cost: 0.8\n            use: 装修\n"
    )
    assert error.message.startswith("取值 '装修' 不在允许范围内")


def test_a_negative_cost_and_a_duplicate_ref(tmp_path: Path) -> None:
    error, _ = refused(tmp_path, "cost: 0.8", "cost: -0.8")
    assert error.message == "服务记录 P-2023-02 不能保存：费用不能为负数"
    error, _ = refused(tmp_path, "ref: P-2023-02", "ref: P-2023-01")
    assert error.message == "服务记录编号 P-2023-01 重复"


def test_a_precise_record_for_an_outsider(tmp_path: Path) -> None:
    error, _ = refused(tmp_path, "enterprises: [示例包装制品有限公司]", "enterprises: [路人甲公司]")
    assert "“路人甲公司”不在园区试点企业名单内" in error.message


def test_an_unjustified_breach_blocks_the_approved_plan(tmp_path: Path) -> None:
    error, _ = refused(tmp_path, "        justifications:\n", "        ignored:\n")
    assert error.message == "有未知字段 ignored"
    start = TEXT.index("        justifications:")
    end = TEXT.index("        records:")
    path = tmp_path / "unjustified.yaml"
    path.write_text(TEXT[:start] + TEXT[end:], encoding="utf-8")
    with pytest.raises(PilotFileError) as caught:
        load(path)
    assert caught.value.message.startswith(
        "服务机构清单不符合要求且未说明理由，服务计划不能审核通过："
    )
    assert "高于市场参考价 10 万元" in caught.value.message
    assert caught.value.field == "counties[0].parks[0].plan_approved_on"


def test_duplicate_targets_are_refused(tmp_path: Path) -> None:
    error, _ = refused(tmp_path, "service: 业务培训, sessions: 6", "service: 政策宣贯, sessions: 6")
    assert error.message == "绩效目标清单中“政策宣贯”重复"
    assert error.field == "counties[0].parks[0].targets"


def test_syntax_errors_and_files(tmp_path: Path) -> None:
    error, _ = refused(tmp_path, "  name: 园区精准", "  name: [园区精准")
    assert error.message.startswith("YAML/JSON 语法错误") and error.line
    with pytest.raises(PilotFileError, match="文件不存在"):
        load(tmp_path / "absent.yaml")
    other = tmp_path / "a.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(PilotFileError, match=r"不支持的文件类型 \.txt"):
        load(other)


# The schedule ------------------------------------------------------------------------------


def with_schedule(tmp_path: Path, block: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(
        TEXT.replace("counties:\n", f"schedule:\n{block}counties:\n", 1), encoding="utf-8"
    )
    return path


def test_by_default_the_seed_s_schedule() -> None:
    from jixiao.core.pilots.schedule import SEED_003_SCHEDULE

    assert load(EXAMPLE).programme.schedule == SEED_003_SCHEDULE


def test_a_file_changes_a_line_and_adds_one(tmp_path: Path) -> None:
    from jixiao.core.pilots.deadlines import deadlines

    path = with_schedule(
        tmp_path,
        "  - {code: mid_term_evaluation, due_months_after: 2}\n"
        "  - {code: liaison_list, day: 20}\n"
        "  - {code: half_year_summary, month: 2, day: 15}\n"
        "  - {code: monthly_briefing, title: 月度服务简报, submitter: 园区, recipient: county, period_months: 1}\n",
    )
    programme = load(path).programme
    due = {}
    for d in deadlines(programme):
        due.setdefault(d.rule.code, []).append(d.due)
    assert due["mid_term_evaluation"] == [date(2024, 2, 29)] * 2  # one per park
    assert due["liaison_list"] == [date(2023, 4, 20)]
    assert due["half_year_summary"] == [date(2023, 2, 15)]  # now a fixed date in the first year
    assert len(due["monthly_briefing"]) == 24 * 2  # two parks
    assert due["quarterly_report"][0] == date(2023, 3, 31)  # untouched


@pytest.mark.parametrize(
    ("block", "field", "words"),
    [
        ("  - {code: liaison_list, day: 31}\n", "schedule[0]", "月日不是有效日期"),
        (
            "  - {code: new_one, title: 新期限}\n",
            "schedule[0]",
            "缺少必填字段 recipient、submitter",
        ),
        ("  - {code: quarterly_report, once: 1}\n", "schedule[0].once", "须为 true 或 false"),
        (
            "  - {code: quarterly_report, period_months: x}\n",
            "schedule[0].period_months",
            "须为整数",
        ),
        ("  - {code: quarterly_report, every: 3}\n", "schedule[0].every", "有未知字段 every"),
        (
            "  - {code: new_one, title: 新, submitter: 市, recipient: 省, month: 5, day: 1}\n",
            "schedule[0].submitter",
            "取值 '市' 不在允许范围内",
        ),
    ],
)
def test_a_bad_schedule_line(tmp_path: Path, block: str, field: str, words: str) -> None:
    with pytest.raises(PilotFileError) as caught:
        load(with_schedule(tmp_path, block))
    assert caught.value.field == field
    assert words in caught.value.message
    text = (tmp_path / "schedule.yaml").read_text(encoding="utf-8")
    assert caught.value.line == line_of(text, "schedule:") + 1  # the line under it


def test_the_documented_example_loads(tmp_path: Path) -> None:
    docs = (EXAMPLE.parents[2] / "docs" / "pilots.md").read_text(encoding="utf-8")
    block = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "docs.yaml"
    path.write_text(block, encoding="utf-8")
    pilot = load(path)
    data = pilot.parks["示例县小微企业创业园"]
    assert [r.ref for r in data.records] == ["J-2023-01"]
    assert pilot.programme.counties[0].economy_liaison.unit == "示例县经济和信息化局"  # type: ignore[union-attr]
    assert len(data.justifications) == 2
