"""Demo data for 园区试点, loaded by ``load_demo`` after the seed evaluations: seed 003's
programme from examples/pilots/003-programme.yaml (the county, parks, enterprises, institutions
and records there are illustrative), with 浙江省经济和信息化厅 as the province, the county's
经信局 and 财政局, and its parks as organisations of kind 园区 under the county's 经信局."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

from jixiao.core.pilots.reviews import Action, Review
from jixiao.core.pilots.schedule import SEED_003_SCHEDULE
from jixiao.core.pilots.tranches import Tranche
from jixiao.io.pilot_file import PilotFile
from jixiao.io.pilot_file import load as load_pilot
from jixiao.web.evaluations.demo import DemoUser, region
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.roles import Role
from jixiao.web.pilots import services
from jixiao.web.pilots.models import (
    CatalogueEntry,
    EvidenceFile,
    Park,
    PilotEnterprise,
    Programme,
    ProgrammeCounty,
    ServicePlan,
    ServiceRecord,
)

EXAMPLE = Path(__file__).resolve().parents[4] / "examples/pilots/003-programme.yaml"
PROVINCE = "浙江省经济和信息化厅"
CITY = "示例市"  # the example county's city: illustrative, like the county
PARK = "示例县小微企业创业园"
Kind = Organisation.Kind

USERS: list[DemoUser] = [
    DemoUser("zj_province", "浙江省经信厅审核人", PROVINCE, Role.REVIEWER),
    DemoUser("county_reviewer", "示例县经信局审核人", "示例县经济和信息化局", Role.REVIEWER),
    DemoUser("county_finance", "示例县财政局审核人", "示例县财政局", Role.REVIEWER),
    DemoUser("park_editor", "示例县小微企业创业园填报人", PARK, Role.EDITOR),
]

PLAN_TEXT = {  # the file holds no plan text; illustrative, like the file's records
    "schedule": "2023年5月起逐家诊断试点企业，每季度组织政策宣贯和培训，2024年完成数字化改造",
    "fund_use": "按服务合同向服务机构支付，专款专用，独立核算",
    "internal_rules": "园区试点资金管理办法（园区管委会印发）",
}


def _organisation(
    orgs: dict[str, Organisation], name: str, kind: str, path: tuple[str, ...], parent: str | None
) -> Organisation:
    org = orgs.get(name) or Organisation.objects.create(
        name=name, kind=kind, region=region(path), parent=orgs[parent] if parent else None
    )
    orgs[name] = org
    return org


def load(orgs: dict[str, Organisation], example: Path = EXAMPLE) -> Programme:
    """Add the programme, its organisations (to ``orgs``) and the parks' records."""
    pilot = load_pilot(example)
    meta = pilot.programme
    province = _organisation(orgs, PROVINCE, Kind.DEPARTMENT, (meta.province,), None)
    schedule = [] if meta.schedule == SEED_003_SCHEDULE else services.schedule_doc(meta.schedule)
    programme = Programme.objects.create(
        owner=province,
        name=meta.name,
        province=meta.province,
        start=meta.start,
        end=meta.end,
        schedule=schedule,
    )
    for county in meta.counties:
        path = (meta.province, CITY, county.name)
        economy_name = (county.economy_liaison and county.economy_liaison.unit) or (
            f"{county.name}经济和信息化局"
        )
        finance_name = (county.finance_liaison and county.finance_liaison.unit) or (
            f"{county.name}财政局"
        )
        economy = _organisation(orgs, economy_name, Kind.DEPARTMENT, path, PROVINCE)
        finance = _organisation(orgs, finance_name, Kind.FINANCE_BUREAU, path, None)
        row = ProgrammeCounty.objects.create(
            programme=programme,
            name=county.name,
            economy=economy,
            finance=finance,
            economy_liaison=_liaison(county.economy_liaison),
            finance_liaison=_liaison(county.finance_liaison),
        )
        for park in county.parks:
            owner = _organisation(orgs, park.name, Kind.PARK, path, economy_name)
            _load_park(programme, row, owner, pilot, park.name)
    return programme


def _liaison(liaison: object) -> dict[str, str]:
    return dataclasses.asdict(liaison) if dataclasses.is_dataclass(liaison) else {}  # type: ignore[arg-type]


def _load_park(
    programme: Programme,
    county: ProgrammeCounty,
    owner: Organisation,
    pilot: PilotFile,
    name: str,
) -> None:
    data = pilot.parks[name]
    park = Park.objects.create(
        programme=programme,
        county=county,
        owner=owner,
        money=data.park.money,
        targets=services.targets_doc(data.park.targets),
        liaison=_liaison(data.park.liaison),
        narratives={
            s.value: {"measures": n.measures, "results": n.results}
            for s, n in data.narratives.items()
        },
        mechanism=data.mechanism,
    )
    PilotEnterprise.objects.bulk_create(
        PilotEnterprise(
            park=park, name=e.name, enterprise_class=e.enterprise_class.value, diagnosis=e.diagnosis
        )
        for e in data.park.enterprises
    )
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(
            park=park,
            institution=institution.name,
            service=offer.service.value,
            product=offer.product,
            price=offer.price,
            market_price=offer.market_price,
            unit=offer.unit,
        )
        for institution in data.catalogue.institutions
        for offer in institution.offers
    )
    review = Review()
    if data.plan_approved_on is not None:
        review = review.advance(Action.SUBMIT, data.plan_approved_on).advance(
            Action.APPROVE, data.plan_approved_on
        )
        park.locked, park.approved_on = True, data.plan_approved_on
        park.save(update_fields=["locked", "approved_on"])
    ServicePlan.objects.create(
        park=park,
        justifications=dict(data.justifications),
        state=review.state.value,
        steps=[
            {"action": s.action.value, "on": s.on.isoformat(), "note": s.note} for s in review.steps
        ],
        **PLAN_TEXT,
    )
    for record in data.records:
        row = ServiceRecord.objects.create(
            park=park,
            ref=record.ref,
            service=record.service.value,
            on=record.on,
            cost=record.cost,
            institution=record.institution,
            enterprises=list(record.enterprises),
            sessions=record.sessions,
            enterprise_visits=record.enterprise_visits,
            quantity=record.quantity,
            use=record.use.value,
            note=record.note,
        )
        EvidenceFile.objects.bulk_create(
            EvidenceFile(record=row, kind=e.kind.value, dated=e.dated, name=e.file)
            for e in record.evidence
        )
    if data.plan_approved_on is not None:
        _report(park)
        # the county paid the first 30 % a fortnight after the approval
        services.pay_tranche(
            park, Tranche.FIRST, date.fromordinal(data.plan_approved_on.toordinal() + 14), None
        )


def _report(park: Park) -> None:
    """The park's first three quarterly reports, submitted ten days after each quarter; the
    county approved the first two (evidence complete) and has the third to review (J-2023-03
    lacks its invoice)."""
    quarters = services.quarter_list(services.core_programme(park.programme))[:3]
    for number, (start, end) in enumerate(quarters, 1):
        services.report_action(park, start, end, Action.SUBMIT, "", None, end + timedelta(days=10))
        if number < 3:
            services.report_action(
                park, start, end, Action.APPROVE, "", None, end + timedelta(days=20)
            )
