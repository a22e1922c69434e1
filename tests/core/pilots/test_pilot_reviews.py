"""County review of the service plan and of the quarterly reports: submit, return, resubmit, approve."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from pilot_builders import CATALOGUE, TARGETS, diagnosis, programme

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evidence import EvidenceKind
from jixiao.core.pilots.institutions import Catalogue
from jixiao.core.pilots.records import progress, quarters
from jixiao.core.pilots.reviews import (
    Action,
    Review,
    ReviewState,
    ServicePlan,
    plan_blockers,
    report_blockers,
)

WORLD = programme()
PARK = WORLD.parks[0]
PLAN = ServicePlan(
    "4月起每月一次政策宣贯……", CATALOGUE, "服务费按合同分期支付", "资金专账核算，园区主任审批", {}
)


def test_a_plan_with_its_parts_and_a_sound_catalogue_may_be_approved() -> None:
    assert plan_blockers(PLAN, TARGETS.services) == ()
    review = Review().advance(Action.SUBMIT, date(2023, 4, 24))
    review = review.advance(
        Action.APPROVE, date(2023, 4, 28), blockers=plan_blockers(PLAN, TARGETS.services)
    )
    assert review.state is ReviewState.APPROVED
    assert (review.submitted_on, review.approved_on) == (date(2023, 4, 24), date(2023, 4, 28))


def test_a_plan_missing_parts_or_with_a_breach_is_blocked() -> None:
    thin = replace(PLAN, fund_use=" ", internal_rules="", catalogue=Catalogue())
    blockers = plan_blockers(thin, TARGETS.services)
    assert blockers[:3] == ("缺少资金使用方式", "缺少资金内部管理制度", "缺少合作服务机构清单")
    assert (
        "“企业诊断”类服务机构仅 0 家，原则上不少于 2 家（工作指南三（三）），且未说明理由"
        in blockers
    )
    review = Review().advance(Action.SUBMIT, date(2023, 4, 24))
    with pytest.raises(PilotError, match="不能审核通过：缺少资金使用方式；") as caught:
        review.advance(Action.APPROVE, date(2023, 4, 28), blockers=blockers)
    assert caught.value.code == "blocked"


def test_a_quarterly_report_returned_for_a_missing_invoice_and_resubmitted() -> None:
    held = tuple(e for e in diagnosis().evidence if e.kind is not EvidenceKind.INVOICE)
    q2 = quarters(WORLD)[1]
    records = [diagnosis("R1", date(2023, 5, 10), evidence=held)]
    report = progress(WORLD, PARK, records, *q2)
    assert report_blockers(report) == ("服务记录 R1：缺少费用发票（附件1）",)
    review = Review().advance(Action.SUBMIT, date(2023, 6, 30))
    with pytest.raises(PilotError, match="不能审核通过：服务记录 R1：缺少费用发票"):
        review.advance(Action.APPROVE, date(2023, 7, 5), blockers=report_blockers(report))
    with pytest.raises(PilotError, match="退回须说明原因"):
        review.advance(Action.RETURN, date(2023, 7, 5))
    review = review.advance(Action.RETURN, date(2023, 7, 5), "请补充R1的费用发票")
    assert review.state is ReviewState.RETURNED
    records = [diagnosis("R1", date(2023, 5, 10))]  # the invoice is added
    report = progress(WORLD, PARK, records, *q2)
    review = review.advance(Action.SUBMIT, date(2023, 7, 8))
    review = review.advance(Action.APPROVE, date(2023, 7, 10), blockers=report_blockers(report))
    assert [s.action for s in review.steps] == [
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
        Action.APPROVE,
    ]
    assert review.steps[1].note == "请补充R1的费用发票"
    assert review.submitted_on == date(2023, 6, 30)  # the deadline counts the first submission


def test_transitions_not_in_the_table_are_refused() -> None:
    with pytest.raises(PilotError, match="当前状态为“草稿”，不能审核通过"):
        Review().advance(Action.APPROVE, date(2023, 5, 1))
    approved = (
        Review().advance(Action.SUBMIT, date(2023, 5, 1)).advance(Action.APPROVE, date(2023, 5, 2))
    )
    with pytest.raises(PilotError, match="当前状态为“审核通过”，不能提交"):
        approved.advance(Action.SUBMIT, date(2023, 5, 3))
    with pytest.raises(PilotError, match="早于上一步"):
        Review().advance(Action.SUBMIT, date(2023, 5, 2)).advance(Action.APPROVE, date(2023, 5, 1))
    assert Review().approved_on is None and Review().submitted_on is None
