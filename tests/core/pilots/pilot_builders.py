"""A small pilot world for the core tests: one county, one park, its targets and helpers.

Importable from the tests in this folder (pytest puts a test's own folder on ``sys.path``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from jixiao.core.pilots.evidence import Evidence, EvidenceKind
from jixiao.core.pilots.institutions import Catalogue, Institution, ServiceOffer
from jixiao.core.pilots.programme import (
    County,
    EnterpriseClass,
    Liaison,
    Park,
    PilotEnterprise,
    PreciseTarget,
    Programme,
    PublicTarget,
    ServiceType,
    TargetBook,
    TargetList,
)
from jixiao.core.pilots.records import ServiceRecord

S = ServiceType
START, END = date(2023, 1, 1), date(2024, 12, 31)
COUNTY = "示范县"
PARK = "示范小微企业园"
ENTERPRISES = (
    PilotEnterprise("甲精密机械有限公司", EnterpriseClass.SPECIALISED, "质量体系不健全"),
    PilotEnterprise("乙电子科技有限公司", EnterpriseClass.EARLY_STAGE, "财务管理不规范"),
    PilotEnterprise("丙新材料有限公司", EnterpriseClass.SPECIALISED, "缺少自主知识产权"),
)
A, B, C = (e.name for e in ENTERPRISES)

TARGETS = TargetList(
    public=(
        PublicTarget(S.POLICY_BRIEFING, 8, 200),
        PublicTarget(S.TRAINING, 6, 150),
    ),
    precise=(
        PreciseTarget(S.DIAGNOSIS, Decimal(3), "家", "为3家试点企业开展全面诊断"),
        PreciseTarget(S.INTELLECTUAL_PROPERTY, Decimal(4), "件"),
    ),
)


def park(money: str = "200", *, locked: bool = True, name: str = PARK) -> Park:
    book = TargetBook(TARGETS, ENTERPRISES)
    if locked:
        book = book.approve(date(2023, 4, 28))
    liaison = Liaison("示范小微企业园", "张三", "主任", "0571-1234567", "13800000000")
    return Park(name, COUNTY, Decimal(money), book, liaison)


def programme(*parks: Park) -> Programme:
    county = County(
        COUNTY,
        parks or (park(),),
        Liaison("经信部门", "李四", "科长", "0571-2222222", "13900000000"),
        Liaison("财政部门", "王五", "副科长", "0571-3333333", "13700000000"),
    )
    return Programme("园区精准服务试点", START, END, (county,), "浙江省")


def offer(service: ServiceType, price: str = "1", market: str = "1.2") -> ServiceOffer:
    return ServiceOffer(service, f"{service.label}服务包", Decimal(price), Decimal(market))


CATALOGUE = Catalogue(
    (
        Institution("甲咨询公司", (offer(S.DIAGNOSIS), offer(S.INTELLECTUAL_PROPERTY))),
        Institution("乙知识产权事务所", (offer(S.DIAGNOSIS), offer(S.INTELLECTUAL_PROPERTY))),
        Institution("丙培训学校", (offer(S.TRAINING), offer(S.POLICY_BRIEFING))),
        Institution("丁会展公司", (offer(S.TRAINING), offer(S.POLICY_BRIEFING))),
    )
)

DIAGNOSIS_EVIDENCE = tuple(
    Evidence(
        kind,
        date(2023, 5, 10)
        if kind in (EvidenceKind.AGREEMENT, EvidenceKind.DIAGNOSIS_REPORT)
        else None,
    )
    for kind in (
        EvidenceKind.AGREEMENT,
        EvidenceKind.DIAGNOSIS_REPORT,
        EvidenceKind.ENTERPRISE_STATEMENT,
        EvidenceKind.SERVICE_PHOTOS,
        EvidenceKind.INVOICE,
    )
)


def diagnosis(ref: str = "R1", on: date = date(2023, 5, 10), **changes: Any) -> ServiceRecord:
    record = ServiceRecord(
        ref,
        S.DIAGNOSIS,
        on,
        Decimal("1.5"),
        "甲咨询公司",
        (A,),
        evidence=DIAGNOSIS_EVIDENCE,
    )
    return replace(record, **changes)


def briefing(ref: str = "P1", on: date = date(2023, 3, 15), visits: int = 40) -> ServiceRecord:
    evidence = tuple(
        Evidence(k)
        for k in (
            EvidenceKind.MEETING_NOTICE,
            EvidenceKind.SIGN_IN,
            EvidenceKind.EVENT_PHOTOS,
            EvidenceKind.INVOICE,
        )
    )
    return ServiceRecord(
        ref,
        S.POLICY_BRIEFING,
        on,
        Decimal("0.3"),
        "丙培训学校",
        enterprise_visits=visits,
        evidence=evidence,
    )


# 万元 amounts exact to the 分 (0.000001 万元), from 1 元 to 10 亿元.
money = st.integers(min_value=100, max_value=100_000 * 10**6).map(lambda n: Decimal(n).scaleb(-6))
