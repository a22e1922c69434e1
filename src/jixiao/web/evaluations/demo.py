"""Demo data: the seed tables placed in a realistic region tree, with one demo user per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from jixiao.web.evaluations.services import import_case_file
from jixiao.web.orgs.models import Membership, Organisation, Region
from jixiao.web.orgs.roles import Role

DEMO_PASSWORD = "jixiao-demo"

Kind = Organisation.Kind

# region path, organisation, kind, parent organisation (same region) or None
ORGANISATIONS: list[tuple[tuple[str, ...], str, str, str | None]] = [
    (("浙江省", "嘉兴市"), "嘉兴市财政局", Kind.FINANCE_BUREAU, None),
    (("浙江省", "嘉兴市"), "嘉兴市经济和信息化局", Kind.DEPARTMENT, None),
    (("浙江省", "嘉兴市"), "嘉兴市新型墙体材料推广中心", Kind.PROJECT_UNIT, "嘉兴市经济和信息化局"),
    (("湖南省", "湘潭市", "湘潭县"), "湘潭县财政局", Kind.FINANCE_BUREAU, None),
    (("湖南省", "湘潭市", "湘潭县"), "湘潭县科技和工业信息化局", Kind.DEPARTMENT, None),
    (("四川省", "绵阳市", "江油市"), "江油市财政局", Kind.FINANCE_BUREAU, None),
    (("四川省", "绵阳市", "江油市"), "江油市工业和信息化局", Kind.DEPARTMENT, None),
    (("四川省", "成都市"), "成都信息工程大学绩效评价组", Kind.EVALUATOR, None),
    (("湖南省", "株洲市"), "株洲市财政局", Kind.FINANCE_BUREAU, None),
    (("湖南省", "株洲市"), "株洲市中小企业发展服务中心", Kind.PROJECT_UNIT, None),
]

# seed case file → owning organisation
EVALUATIONS = {
    "000-jiaxing-platform-self.yaml": "嘉兴市经济和信息化局",
    "000-jiaxing-industry-self.yaml": "嘉兴市经济和信息化局",
    "000-jiaxing-policy.yaml": "嘉兴市经济和信息化局",
    "000-jiaxing-guarantee.yaml": "嘉兴市经济和信息化局",
    "001-xiangtan-service-system.yaml": "湘潭县科技和工业信息化局",
    "002-jiangyou-relief-fund.yaml": "江油市工业和信息化局",
    "004-zhuzhou-warm-enterprise.yaml": "株洲市中小企业发展服务中心",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    organisation: str
    role: str


USERS = [
    DemoUser("jx_admin", "嘉兴经信局管理员", "嘉兴市经济和信息化局", Role.ADMIN),
    DemoUser("jx_editor", "嘉兴经信局填报人", "嘉兴市经济和信息化局", Role.EDITOR),
    DemoUser("jx_viewer", "嘉兴经信局只读用户", "嘉兴市经济和信息化局", Role.VIEWER),
    DemoUser("jx_reviewer", "嘉兴市财政局审核人", "嘉兴市财政局", Role.REVIEWER),
    DemoUser("xt_editor", "湘潭县科工局填报人", "湘潭县科技和工业信息化局", Role.EDITOR),
    DemoUser("jy_editor", "江油市工信局填报人", "江油市工业和信息化局", Role.EDITOR),
    DemoUser("jy_reviewer", "江油市财政局审核人", "江油市财政局", Role.REVIEWER),
    DemoUser(
        "cuit_evaluator", "成都信息工程大学评价人", "成都信息工程大学绩效评价组", Role.EVALUATOR
    ),
    DemoUser("zz_editor", "株洲中小企业服务中心填报人", "株洲市中小企业发展服务中心", Role.EDITOR),
]
ASSIGNMENTS = {"cuit_evaluator": ["002-jiangyou-relief-fund.yaml"]}


def region(path: tuple[str, ...]) -> Region:
    parent: Region | None = None
    for level, name in enumerate(path, 1):
        parent, _ = Region.objects.get_or_create(
            parent=parent, name=name, defaults={"level": level}
        )
    assert parent is not None
    return parent


def is_loaded() -> bool:
    return Organisation.objects.filter(name=ORGANISATIONS[0][1]).exists()


@transaction.atomic
def load(seeds: Path) -> list[DemoUser]:
    """Create the demo tree, users and evaluations; all or nothing."""
    orgs: dict[str, Organisation] = {}
    for path, name, kind, parent in ORGANISATIONS:
        orgs[name] = Organisation.objects.create(
            name=name, kind=kind, region=region(path), parent=orgs[parent] if parent else None
        )
    evaluations = {
        file: import_case_file(seeds / file, orgs[owner]) for file, owner in EVALUATIONS.items()
    }
    user_model = get_user_model()
    for demo in USERS:
        user = user_model.objects.create_user(
            demo.username, password=DEMO_PASSWORD, first_name=demo.name
        )
        Membership.objects.create(user=user, organisation=orgs[demo.organisation], role=demo.role)
        for file in ASSIGNMENTS.get(demo.username, []):
            evaluations[file].evaluators.add(user)
    return USERS
