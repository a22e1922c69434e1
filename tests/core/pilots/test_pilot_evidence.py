"""附件1 transcribed as data, and the completeness check of a record's evidence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pilot_builders import DIAGNOSIS_EVIDENCE, END, START

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.evidence import CHECKLIST, Evidence, EvidenceKind, check_evidence
from jixiao.core.pilots.programme import ServiceType

S, K = ServiceType, EvidenceKind


def labels(service: ServiceType) -> list[str]:
    return [k.label for k in CHECKLIST[service].required]


def test_every_service_type_has_its_row() -> None:
    assert set(CHECKLIST) == set(ServiceType)


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        (S.POLICY_BRIEFING, ["会议通知", "签到单", "活动照片", "费用发票"]),
        (S.ADMIN_AGENCY, ["代办清单", "代办委托书", "费用发票"]),
        (S.RECRUITMENT, ["活动通知", "活动照片", "费用发票"]),
        (S.SAFETY_GUIDANCE, ["服务协议", "安全生产检查记录台账", "费用发票"]),
        (S.DIAGNOSIS, ["服务协议", "诊断报告", "企业开具证明", "服务照片", "费用发票"]),
        (S.TALENT, ["服务协议", "高端人才证明材料", "社保单", "企业开具证明", "费用发票"]),
        (S.INTELLECTUAL_PROPERTY, ["服务协议", "专利证书", "企业开具证明", "服务照片", "费用发票"]),
        (S.DIGITAL, ["服务协议", "终期（中期）验收报告", "企业开具证明", "服务照片", "费用发票"]),
        (S.APPLICATION, ["服务协议", "称号认定文件", "企业开具证明", "服务照片", "费用发票"]),
        (S.OTHER, ["服务协议", "企业开具证明", "服务照片", "费用发票"]),
    ],
)
def test_the_rows_of_annex_1(service: ServiceType, expected: list[str]) -> None:
    assert labels(service) == expected


def test_the_printed_wording_is_the_seeds() -> None:
    seed = (
        "服务协议，高端人才证明材料（硕士以上学历证书、高技能证书、副高以上职称证书），"
        "社保单，企业开具证明，费用发票，其他证明材料"
    )
    assert CHECKLIST[S.TALENT].printed == seed
    assert CHECKLIST[S.POLICY_BRIEFING].printed.startswith(
        "会议通知、签到单、活动照片，专家、场地等费用发票"
    )
    assert all(row.printed.endswith("其他证明材料") for row in CHECKLIST.values())
    assert all(K.OTHER not in row.required for row in CHECKLIST.values())


def test_a_full_record_is_complete() -> None:
    check = check_evidence(S.DIAGNOSIS, Decimal("1.5"), DIAGNOSIS_EVIDENCE, START, END)
    assert check.complete and check.messages() == ()


def test_a_diagnosis_without_invoice_shows_what_is_missing() -> None:
    held = [e for e in DIAGNOSIS_EVIDENCE if e.kind is not K.INVOICE]
    check = check_evidence(S.DIAGNOSIS, Decimal("1.5"), held, START, END)
    assert check.missing == (K.INVOICE,)
    assert check.messages() == ("缺少费用发票（附件1）",)


def test_no_invoice_is_asked_for_a_free_service() -> None:
    held = [e for e in DIAGNOSIS_EVIDENCE if e.kind is not K.INVOICE]
    assert check_evidence(S.DIAGNOSIS, Decimal(0), held, START, END).complete


def test_nothing_held_lists_every_kind_in_order() -> None:
    check = check_evidence(S.INTELLECTUAL_PROPERTY, Decimal(2), [], START, END)
    assert [k.label for k in check.missing] == labels(S.INTELLECTUAL_PROPERTY)


def test_agreements_and_reports_must_be_dated_inside_the_period() -> None:
    held = [
        Evidence(K.AGREEMENT, date(2022, 12, 20)),
        Evidence(K.DIAGNOSIS_REPORT),
        Evidence(K.ENTERPRISE_STATEMENT),
        Evidence(K.SERVICE_PHOTOS),
        Evidence(K.INVOICE),
    ]
    check = check_evidence(S.DIAGNOSIS, Decimal(1), held, START, END)
    assert check.missing == ()
    assert check.undated == (K.DIAGNOSIS_REPORT,)
    assert [e.kind for e in check.out_of_period] == [K.AGREEMENT]
    assert check.messages() == (
        "诊断报告未注明日期（附件1备注1）",
        "服务协议日期 2022-12-20 不在两年实施期间内（附件1备注1）",
    )


def test_kinds_are_named_by_code_or_label() -> None:
    assert EvidenceKind.parse("费用发票") is K.INVOICE
    assert EvidenceKind.parse("invoice") is K.INVOICE
    with pytest.raises(PilotError, match="未知佐证资料 '收据'"):
        EvidenceKind.parse("收据")


@given(
    st.sampled_from(list(ServiceType)),
    st.sets(st.sampled_from(list(EvidenceKind))),
    st.decimals(0, 10, places=2),
)
def test_missing_is_what_the_row_asks_minus_what_is_held(
    service: ServiceType, kinds: set[EvidenceKind], cost: Decimal
) -> None:
    held = [Evidence(k, date(2023, 6, 1)) for k in kinds]
    check = check_evidence(service, cost, held, START, END)
    asked = [k for k in CHECKLIST[service].required if cost > 0 or k is not K.INVOICE]
    assert list(check.missing) == [k for k in asked if k not in kinds]
    assert check.undated == () and check.out_of_period == ()
    assert check.complete == (set(asked) <= kinds)
