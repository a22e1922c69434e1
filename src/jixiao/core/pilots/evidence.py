"""附件1 佐证资料清单 as data, and what a service record still lacks.

Two readings of the seed, both stated here: 费用发票 is asked for only when the service cost
something (a free session has no invoice), and 其他证明材料 is never required (it is “other”).
备注1: agreements, reports, standard texts, certificates, recognition documents and ledgers must
be dated inside the two-year period, so those kinds carry a date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from jixiao.core.money import ZERO
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.programme import ServiceType
from jixiao.core.text import Text


class EvidenceKind(StrEnum):
    MEETING_NOTICE = "meeting_notice"
    SIGN_IN = "sign_in"
    EVENT_NOTICE = "event_notice"
    EVENT_PHOTOS = "event_photos"
    INVOICE = "invoice"
    AGENCY_LIST = "agency_list"
    AGENCY_MANDATE = "agency_mandate"
    AGREEMENT = "agreement"
    SAFETY_LEDGER = "safety_ledger"
    DIAGNOSIS_REPORT = "diagnosis_report"
    ENTERPRISE_STATEMENT = "enterprise_statement"
    SERVICE_PHOTOS = "service_photos"
    REPORT_OR_CERTIFICATE = "report_or_certificate"
    CONSULTING_REPORT = "consulting_report"
    STANDARD_TEXT = "standard_text"
    RESULT_PROOF = "result_proof"
    TALENT_PROOF = "talent_proof"
    SOCIAL_INSURANCE = "social_insurance"
    PATENT = "patent"
    ACCEPTANCE_REPORT = "acceptance_report"
    TITLE_DOCUMENT = "title_document"
    OTHER = "other"

    @property
    def label(self) -> str:
        return EVIDENCE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> EvidenceKind:
        key = text.strip()
        for kind in cls:
            if key in (kind.value, kind.label):
                return kind
        known = "、".join(k.label for k in cls)
        raise PilotError(
            "unknown_evidence",
            Text("未知佐证资料 {given}（可用：{known}）", given=repr(text), known=known),
        )


EVIDENCE_LABELS = {
    EvidenceKind.MEETING_NOTICE: Text("会议通知"),
    EvidenceKind.SIGN_IN: Text("签到单"),
    EvidenceKind.EVENT_NOTICE: Text("活动通知"),
    EvidenceKind.EVENT_PHOTOS: Text("活动照片"),
    EvidenceKind.INVOICE: Text("费用发票"),
    EvidenceKind.AGENCY_LIST: Text("代办清单"),
    EvidenceKind.AGENCY_MANDATE: Text("代办委托书"),
    EvidenceKind.AGREEMENT: Text("服务协议"),
    EvidenceKind.SAFETY_LEDGER: Text("安全生产检查记录台账"),
    EvidenceKind.DIAGNOSIS_REPORT: Text("诊断报告"),
    EvidenceKind.ENTERPRISE_STATEMENT: Text("企业开具证明"),
    EvidenceKind.SERVICE_PHOTOS: Text("服务照片"),
    EvidenceKind.REPORT_OR_CERTIFICATE: Text("报告或证书"),
    EvidenceKind.CONSULTING_REPORT: Text("咨询报告"),
    EvidenceKind.STANDARD_TEXT: Text("标准文本"),
    EvidenceKind.RESULT_PROOF: Text("成果证明"),
    EvidenceKind.TALENT_PROOF: Text("高端人才证明材料"),
    EvidenceKind.SOCIAL_INSURANCE: Text("社保单"),
    EvidenceKind.PATENT: Text("专利证书"),
    EvidenceKind.ACCEPTANCE_REPORT: Text("终期（中期）验收报告"),
    EvidenceKind.TITLE_DOCUMENT: Text("称号认定文件"),
    EvidenceKind.OTHER: Text("其他证明材料"),
}

# 备注1: the kinds whose date must fall inside the implementation period.
DATED_KINDS = frozenset(
    {
        EvidenceKind.AGREEMENT,
        EvidenceKind.SAFETY_LEDGER,
        EvidenceKind.DIAGNOSIS_REPORT,
        EvidenceKind.REPORT_OR_CERTIFICATE,
        EvidenceKind.CONSULTING_REPORT,
        EvidenceKind.STANDARD_TEXT,
        EvidenceKind.PATENT,
        EvidenceKind.ACCEPTANCE_REPORT,
        EvidenceKind.TITLE_DOCUMENT,
    }
)


@dataclass(frozen=True, slots=True)
class Checklist:
    """One row of 附件1: the kinds asked for, and the seed's own wording."""

    required: tuple[EvidenceKind, ...]
    printed: str


def _row(printed: str, *kinds: EvidenceKind) -> Checklist:
    return Checklist(kinds, printed)


K = EvidenceKind
_EVENT = (K.EVENT_NOTICE, K.EVENT_PHOTOS, K.INVOICE)
_EVENT_TEXT = "活动通知、照片，场地等费用发票，其他证明材料"
_PRECISE = (K.ENTERPRISE_STATEMENT, K.SERVICE_PHOTOS, K.INVOICE)
_TAIL = "企业开具证明，服务照片，费用发票，其他证明材料"

CHECKLIST: Mapping[ServiceType, Checklist] = MappingProxyType(
    {
        ServiceType.POLICY_BRIEFING: _row(
            "会议通知、签到单、活动照片，专家、场地等费用发票，其他证明材料",
            K.MEETING_NOTICE,
            K.SIGN_IN,
            K.EVENT_PHOTOS,
            K.INVOICE,
        ),
        ServiceType.ADMIN_AGENCY: _row(
            "代办清单，代办委托书，费用发票，其他证明材料",
            K.AGENCY_LIST,
            K.AGENCY_MANDATE,
            K.INVOICE,
        ),
        ServiceType.RECRUITMENT: _row(_EVENT_TEXT, *_EVENT),
        ServiceType.TRAINING: _row(_EVENT_TEXT, *_EVENT),
        ServiceType.EXHIBITION: _row(_EVENT_TEXT, *_EVENT),
        ServiceType.SAFETY_GUIDANCE: _row(
            "服务协议，安全生产检查记录台账，费用发票，其他证明材料",
            K.AGREEMENT,
            K.SAFETY_LEDGER,
            K.INVOICE,
        ),
        ServiceType.FINANCING: _row(_EVENT_TEXT, *_EVENT),
        ServiceType.DIAGNOSIS: _row(
            f"服务协议，诊断报告，{_TAIL}", K.AGREEMENT, K.DIAGNOSIS_REPORT, *_PRECISE
        ),
        ServiceType.COMPLIANCE: _row(
            f"服务协议，报告或证书，{_TAIL}", K.AGREEMENT, K.REPORT_OR_CERTIFICATE, *_PRECISE
        ),
        ServiceType.MANAGEMENT: _row(
            f"服务协议，咨询报告，{_TAIL}", K.AGREEMENT, K.CONSULTING_REPORT, *_PRECISE
        ),
        ServiceType.STANDARDISATION: _row(
            f"服务协议，标准文本，{_TAIL}", K.AGREEMENT, K.STANDARD_TEXT, *_PRECISE
        ),
        ServiceType.SUPPLY_CHAIN: _row(f"服务协议，{_TAIL}", K.AGREEMENT, *_PRECISE),
        ServiceType.RESEARCH: _row(
            f"服务协议，成果证明、{_TAIL}", K.AGREEMENT, K.RESULT_PROOF, *_PRECISE
        ),
        ServiceType.TALENT: _row(
            "服务协议，高端人才证明材料（硕士以上学历证书、高技能证书、副高以上职称证书），"
            "社保单，企业开具证明，费用发票，其他证明材料",
            K.AGREEMENT,
            K.TALENT_PROOF,
            K.SOCIAL_INSURANCE,
            K.ENTERPRISE_STATEMENT,
            K.INVOICE,
        ),
        ServiceType.LEGAL: _row(f"服务协议，{_TAIL}", K.AGREEMENT, *_PRECISE),
        ServiceType.INTELLECTUAL_PROPERTY: _row(
            f"服务协议，专利证书，{_TAIL}", K.AGREEMENT, K.PATENT, *_PRECISE
        ),
        ServiceType.DIGITAL: _row(
            f"服务协议，终期（中期）验收报告，{_TAIL}", K.AGREEMENT, K.ACCEPTANCE_REPORT, *_PRECISE
        ),
        ServiceType.APPLICATION: _row(
            f"服务协议，称号认定文件，{_TAIL}", K.AGREEMENT, K.TITLE_DOCUMENT, *_PRECISE
        ),
        ServiceType.OTHER: _row(f"服务协议，{_TAIL}", K.AGREEMENT, *_PRECISE),
    }
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence a record holds: its kind, its date if it has one, its file."""

    kind: EvidenceKind
    dated: date | None = None
    file: str = ""


@dataclass(frozen=True)
class EvidenceCheck:
    missing: tuple[EvidenceKind, ...] = ()
    undated: tuple[EvidenceKind, ...] = ()
    out_of_period: tuple[Evidence, ...] = ()

    @property
    def complete(self) -> bool:
        return not (self.missing or self.undated or self.out_of_period)

    def messages(self) -> tuple[str, ...]:
        result: list[str] = [Text("缺少{kind}（附件1）", kind=k.label) for k in self.missing]
        result += [Text("{kind}未注明日期（附件1备注1）", kind=k.label) for k in self.undated]
        result += [
            Text(
                "{kind}日期 {dated} 不在两年实施期间内（附件1备注1）",
                kind=e.kind.label,
                dated=str(e.dated),
            )
            for e in self.out_of_period
        ]
        return tuple(result)


def required_kinds(service: ServiceType, cost: Decimal) -> tuple[EvidenceKind, ...]:
    kinds = CHECKLIST[service].required
    return kinds if cost > ZERO else tuple(k for k in kinds if k is not EvidenceKind.INVOICE)


def check_evidence(
    service: ServiceType, cost: Decimal, evidence: Iterable[Evidence], start: date, end: date
) -> EvidenceCheck:
    """What a record of ``service`` costing ``cost`` lacks, against 附件1 and its 备注1."""
    held = tuple(evidence)
    kinds = {e.kind for e in held}
    missing = tuple(k for k in required_kinds(service, cost) if k not in kinds)
    undated = tuple(
        dict.fromkeys(e.kind for e in held if e.kind in DATED_KINDS and e.dated is None)
    )
    outside = tuple(e for e in held if e.dated is not None and not start <= e.dated <= end)
    return EvidenceCheck(missing, undated, outside)
