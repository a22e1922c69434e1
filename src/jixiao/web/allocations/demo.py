"""Demo data for 因素法分配, loaded by ``load_demo`` after the seed evaluations: seed 000's
guarantee-fee subsidy (附件一) for 嘉兴市经济和信息化局, read from the example allocation file
and computed (880.73 + 18.40 + 4.90 = 904.03)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jixiao.io.allocation_file import load as load_allocation
from jixiao.io.allocation_file import plain
from jixiao.web.allocations import services
from jixiao.web.allocations.models import AllocationRun, Candidate
from jixiao.web.evaluations.demo import DemoUser
from jixiao.web.funds.models import Project
from jixiao.web.orgs.models import Organisation

USERS: list[DemoUser] = []
EXAMPLE = Path(__file__).resolve().parents[4] / "examples/allocations/000-jiaxing-guarantee.yaml"
OWNER = "嘉兴市经济和信息化局"
PROJECT = "国家中小企业发展专项资金（融资担保降费奖补部分）"


def load(orgs: dict[str, Organisation], example: Path = EXAMPLE) -> AllocationRun:
    """Add this app's demo records; ``orgs`` maps organisation names to the demo organisations."""
    data = plain(load_allocation(example))
    owner = orgs[OWNER]
    run = services.create_run(
        None,
        owner,
        {
            "name": data["name"],
            "year": data["year"],
            "pot": Decimal(data["pot"]),
            "project": Project.objects.filter(owner=owner, name=PROJECT).first(),
            "title": data["title"],
            "candidate_label": data["candidate_label"],
            "rounding": data["rounding"],
            "attributes": data["attributes"],
            "factors": data["factors"],
            "rules": data["rules"],
        },
    )
    Candidate.objects.bulk_create(
        Candidate(
            run=run,
            name=item["name"],
            attributes=item["attributes"],
            cap=Decimal(item["cap"]) if "cap" in item else None,
            position=index,
        )
        for index, item in enumerate(data["candidates"])
    )
    run = AllocationRun.objects.select_related("owner").get(pk=run.pk)
    services.compute(run, None)
    return run
