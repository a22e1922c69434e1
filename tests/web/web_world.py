"""The web tests' small world, with personas in the style of healthchecks' alice/bob/charlie.

The ``world`` and ``login`` fixtures are in conftest.py; the builders and constants are here so
that test modules can import them (``from web_world import seed``).

Regions 浙江省/嘉兴市 and 湖南省/湘潭市/湘潭县; in them::

    嘉兴市财政局 (finance_bureau)           reviewer     审核人: sees 嘉兴's whole region subtree
    嘉兴市经济和信息化局 (department)       owner        填报人, viewer 只读: own + project unit's
      └─ 嘉兴市新型墙体材料推广中心 (project_unit)  unit_editor  填报人: own only
    湘潭县科技和工业信息化局 (department)   outsider     填报人 of another county
    成都信息工程大学绩效评价组 (evaluator)  evaluator    评价人: assigned to the 湘潭 evaluation

Evaluations, imported from examples/seeds through the service layer:
``jx`` (industry seed, owned by the 嘉兴 department), ``unit`` (platform seed, owned by the
project unit) and ``xt`` (湘潭 seed, owned by the 湘潭 department).
``inactive`` is a deactivated 嘉兴 editor; ``nobody`` has an account but no membership.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import import_case_file
from jixiao.web.orgs.models import Membership, Organisation, Region
from jixiao.web.orgs.roles import Role

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "examples" / "seeds"
PASSWORD = "correct-horse-battery"

INDUSTRY_SEED = "000-jiaxing-industry-self.yaml"
PLATFORM_SEED = "000-jiaxing-platform-self.yaml"
XIANGTAN_SEED = "001-xiangtan-service-system.yaml"
ZHUZHOU_SEED = "004-zhuzhou-warm-enterprise.yaml"
GUARANTEE_SEED = "000-jiaxing-guarantee.yaml"
JIANGYOU_SEED = "002-jiangyou-relief-fund.yaml"

Kind = Organisation.Kind


@dataclass
class World:
    zhejiang: Region
    jiaxing: Region
    hunan: Region
    xiangtan_city: Region
    xiangtan_county: Region

    finance: Organisation
    department: Organisation
    unit: Organisation
    xiangtan: Organisation
    evaluator_org: Organisation

    jx: Evaluation
    unit_eval: Evaluation
    xt: Evaluation

    owner: AbstractBaseUser
    viewer: AbstractBaseUser
    reviewer: AbstractBaseUser
    outsider: AbstractBaseUser
    evaluator: AbstractBaseUser
    unit_editor: AbstractBaseUser
    inactive: AbstractBaseUser
    nobody: AbstractBaseUser

    @property
    def evaluations(self) -> dict[str, Evaluation]:
        return {"jx": self.jx, "unit": self.unit_eval, "xt": self.xt}


def seed(name: str) -> Path:
    return SEEDS / name


def make_region(name: str, level: int, parent: Region | None = None) -> Region:
    return Region.objects.create(name=name, level=level, parent=parent)


def make_org(name: str, kind: str, region: Region, parent: Organisation | None = None):
    return Organisation.objects.create(name=name, kind=kind, region=region, parent=parent)


def make_user(username: str, org: Organisation | None = None, role: str = "", **extra):
    user = get_user_model().objects.create_user(username, password=PASSWORD, **extra)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def build_world() -> World:
    zhejiang = make_region("浙江省", Region.Level.PROVINCE)
    jiaxing = make_region("嘉兴市", Region.Level.CITY, zhejiang)
    hunan = make_region("湖南省", Region.Level.PROVINCE)
    xiangtan_city = make_region("湘潭市", Region.Level.CITY, hunan)
    xiangtan_county = make_region("湘潭县", Region.Level.COUNTY, xiangtan_city)

    finance = make_org("嘉兴市财政局", Kind.FINANCE_BUREAU, jiaxing)
    department = make_org("嘉兴市经济和信息化局", Kind.DEPARTMENT, jiaxing)
    unit = make_org("嘉兴市新型墙体材料推广中心", Kind.PROJECT_UNIT, jiaxing, department)
    xiangtan = make_org("湘潭县科技和工业信息化局", Kind.DEPARTMENT, xiangtan_county)
    evaluator_org = make_org("成都信息工程大学绩效评价组", Kind.EVALUATOR, hunan)

    jx = import_case_file(seed(INDUSTRY_SEED), department)
    unit_eval = import_case_file(seed(PLATFORM_SEED), unit)
    xt = import_case_file(seed(XIANGTAN_SEED), xiangtan)

    evaluator = make_user("evaluator", evaluator_org, Role.EVALUATOR)
    xt.evaluators.add(evaluator)

    return World(
        zhejiang=zhejiang,
        jiaxing=jiaxing,
        hunan=hunan,
        xiangtan_city=xiangtan_city,
        xiangtan_county=xiangtan_county,
        finance=finance,
        department=department,
        unit=unit,
        xiangtan=xiangtan,
        evaluator_org=evaluator_org,
        jx=jx,
        unit_eval=unit_eval,
        xt=xt,
        owner=make_user("owner", department, Role.EDITOR, first_name="嘉兴填报人"),
        viewer=make_user("viewer", department, Role.VIEWER),
        reviewer=make_user("reviewer", finance, Role.REVIEWER),
        outsider=make_user("outsider", xiangtan, Role.EDITOR),
        evaluator=evaluator,
        unit_editor=make_user("unit_editor", unit, Role.EDITOR),
        inactive=make_user("inactive", department, Role.EDITOR, is_active=False),
        nobody=make_user("nobody"),
    )
