"""The programme, the 绩效目标清单 and its lock (seed 003 五（五）)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pilot_builders import ENTERPRISES, PARK, TARGETS, park, programme

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.programme import (
    PRECISE_SERVICES,
    PUBLIC_SERVICES,
    Category,
    ChangeState,
    County,
    PilotEnterprise,
    PreciseTarget,
    Programme,
    PublicTarget,
    ServiceType,
    TargetBook,
    TargetList,
    liaison_list,
)

S = ServiceType


def test_the_service_items_of_the_seed_in_order() -> None:
    assert [s.label for s in PUBLIC_SERVICES] == [
        "政策宣贯",
        "政务代办",
        "人才招聘",
        "业务培训",
        "组织展会展览",
        "安全生产指导",
        "融资对接",
    ]
    assert [s.label for s in PRECISE_SERVICES] == [
        "企业诊断", "规范提升", "管理提升", "标准化建设", "产业链对接", "产学研合作",
        "人才引育", "法律", "知识产权", "数字化改造", "申报", "其他",
    ]  # fmt: skip
    assert all(s.category is Category.PUBLIC for s in PUBLIC_SERVICES)
    assert all(s.category is Category.PRECISE for s in PRECISE_SERVICES)


@pytest.mark.parametrize("text", ["diagnosis", "企业诊断", "企业诊断服务", " 企业诊断 "])
def test_a_service_is_named_by_code_list_name_or_annex_name(text: str) -> None:
    assert ServiceType.parse(text) is S.DIAGNOSIS


def test_an_unknown_service_is_refused_in_chinese() -> None:
    with pytest.raises(PilotError, match="未知服务项目 '装修'"):
        ServiceType.parse("装修")


def test_target_list_refuses_duplicates_wrong_category_and_negatives() -> None:
    with pytest.raises(PilotError, match="“政策宣贯”重复"):
        TargetList(
            public=(PublicTarget(S.POLICY_BRIEFING, 1, 1), PublicTarget(S.POLICY_BRIEFING, 2, 2))
        )
    with pytest.raises(PilotError, match="“企业诊断”不是普惠性公共服务项目"):
        TargetList(public=(PublicTarget(S.DIAGNOSIS, 1, 1),))
    with pytest.raises(PilotError, match="“政策宣贯”不是精准化个性服务项目"):
        TargetList(precise=(PreciseTarget(S.POLICY_BRIEFING, Decimal(1)),))
    with pytest.raises(PilotError, match="不能为负数"):
        TargetList(public=(PublicTarget(S.TRAINING, -1, 0),))


def test_precise_target_text() -> None:
    assert PreciseTarget(S.INTELLECTUAL_PROPERTY, Decimal(4), "件").text == "4件"
    assert TARGETS.precise_target(S.DIAGNOSIS).text == "为3家试点企业开展全面诊断"  # type: ignore[union-attr]


# The lock ----------------------------------------------------------------------------------


def test_a_draft_may_be_edited_directly() -> None:
    book = TargetBook(TARGETS, ENTERPRISES)
    changed = TargetList(public=(PublicTarget(S.TRAINING, 10, 300),))
    assert book.edit(changed).targets == changed


def test_a_locked_target_list_refuses_a_direct_change() -> None:
    book = park().book
    assert book.locked
    with pytest.raises(PilotError, match="已审核锁定，园区不得擅自调整") as caught:
        book.edit(TargetList())
    assert caught.value.code == "targets_locked"
    with pytest.raises(
        PilotError, match="经县（市、区）经信部门会同财政部门同意后报省经信厅、省财政厅"
    ):
        book.edit(TARGETS, enterprises=ENTERPRISES[:1])


def test_a_change_is_requested_approved_by_the_county_and_reported() -> None:
    book = park().book
    smaller = TargetList(public=(PublicTarget(S.POLICY_BRIEFING, 6, 150),), precise=TARGETS.precise)
    newcomer = PilotEnterprise("丁食品有限公司", ENTERPRISES[0].enterprise_class)
    book = book.request_change(
        smaller, (*ENTERPRISES, newcomer), "场地改造，宣贯场次减少", date(2023, 9, 1)
    )
    assert book.targets == TARGETS  # nothing changes while pending
    assert book.change(1).state is ChangeState.PENDING
    book = book.decide(1, "approve", date(2023, 9, 10), "同意")
    assert book.targets == smaller
    assert newcomer in book.enterprises
    assert [c.number for c in book.unreported] == [1]  # approved, the province not yet told
    book = book.decide(1, "report", date(2023, 9, 12))
    assert book.change(1).state is ChangeState.REPORTED
    assert book.change(1).reported_on == date(2023, 9, 12)
    assert book.unreported == ()


def test_a_rejected_change_leaves_the_targets() -> None:
    book = park().book.request_change(TargetList(), None, "减少目标", date(2023, 9, 1))
    with pytest.raises(PilotError, match="退回调整申请须说明理由"):
        book.decide(1, "reject", date(2023, 9, 2))
    book = book.decide(1, "reject", date(2023, 9, 2), "理由不充分")
    assert book.targets == TARGETS
    assert book.change(1).state is ChangeState.REJECTED
    with pytest.raises(PilotError, match="当前状态为“县（市、区）不同意”，不能报省"):
        book.decide(1, "report", date(2023, 9, 3))


def test_change_request_rules() -> None:
    draft = TargetBook(TARGETS)
    with pytest.raises(PilotError, match="尚未审核锁定"):
        draft.request_change(TargetList(), None, "x", date(2023, 5, 1))
    book = park().book
    with pytest.raises(PilotError, match="须说明调整理由"):
        book.request_change(TargetList(), None, "  ", date(2023, 5, 1))
    book = book.request_change(TargetList(), None, "理由", date(2023, 5, 1))
    with pytest.raises(PilotError, match="已有一项调整申请待"):
        book.request_change(TargetList(), None, "理由", date(2023, 5, 2))
    with pytest.raises(PilotError, match="当前状态为“待县（市、区）审核”，不能报省"):
        book.decide(1, "report", date(2023, 5, 3))
    with pytest.raises(PilotError, match="处理日期早于提交日期"):
        book.decide(1, "approve", date(2023, 4, 30))
    with pytest.raises(PilotError, match="没有编号为 9"):
        book.decide(9, "approve", date(2023, 5, 3))
    with pytest.raises(PilotError, match="已审核通过"):
        book.approve(date(2023, 5, 3))


# Programme ---------------------------------------------------------------------------------


def test_programme_checks_period_parks_and_money() -> None:
    with pytest.raises(PilotError, match="结束日期须晚于开始日期"):
        Programme("x", date(2024, 1, 1), date(2023, 1, 1))
    with pytest.raises(PilotError, match="园区“示范小微企业园”重复"):
        programme(park(), park())
    with pytest.raises(PilotError, match="激励资金须大于0"):
        park("0")
    with pytest.raises(PilotError, match="最多精确到分"):
        park("1.0000001")
    with pytest.raises(PilotError, match="不属于"):
        Programme("x", date(2023, 1, 1), date(2024, 12, 31), (County("别县", (park(),)),))


def test_programme_lookups() -> None:
    world = programme(park("200"), park("150", name="二号园"))
    assert world.park(PARK).money == Decimal(200)
    assert world.total_money == Decimal(350)
    assert world.contains(date(2024, 12, 31)) and not world.contains(date(2025, 1, 1))
    with pytest.raises(PilotError, match="没有名为“三号园”的试点园区"):
        world.park("三号园")
    with pytest.raises(PilotError, match="没有名为“别县”"):
        world.county("别县")
    assert world.park(PARK).is_pilot(ENTERPRISES[0].name)
    assert not world.park(PARK).is_pilot("路人甲公司")


def test_liaison_list_rows_follow_annex_3() -> None:
    world = programme(park("200"), park("150", name="二号园"))
    listing = liaison_list(world.counties[0])
    assert listing.county == "示范县"
    assert [row.unit for row in listing.rows] == ["经信部门", "财政部门", PARK, "二号园"]
    assert listing.rows[0].liaison is not None and listing.rows[0].liaison.name == "李四"
