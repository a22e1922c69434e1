"""Demo data: the seed tables placed in a realistic region tree, with one demo user per role."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from types import ModuleType

from django.contrib.auth import get_user_model
from django.db import transaction

from jixiao.core.case import DepartmentSummary
from jixiao.io.cases import CaseError
from jixiao.io.cases import load as load_case
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import import_case_file
from jixiao.web.funds.models import BudgetLine, Project, SpecialFund
from jixiao.web.indicators.builtin import ensure_builtin_templates
from jixiao.web.orgs.models import Membership, Organisation, Region
from jixiao.web.orgs.roles import Role

DEMO_PASSWORD = "jixiao-demo"

Kind = Organisation.Kind

# region path, organisation, kind, parent organisation (same region) or None
ORGANISATIONS: list[tuple[tuple[str, ...], str, str, str | None]] = [
    (("浙江省", "嘉兴市"), "嘉兴市财政局", Kind.FINANCE_BUREAU, None),
    (("浙江省", "嘉兴市"), "嘉兴市经济和信息化局", Kind.DEPARTMENT, None),
    (("浙江省", "嘉兴市"), "嘉兴市新型墙体材料推广中心", Kind.PROJECT_UNIT, "嘉兴市经济和信息化局"),
    (("浙江省", "嘉兴市"), "嘉兴市经贸老干部服务中心", Kind.PROJECT_UNIT, "嘉兴市经济和信息化局"),
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


# Special funds (专项资金): name, owning 主管部门, description
FUNDS = [
    (
        "国家中小企业发展专项资金",
        "嘉兴市经济和信息化局",
        "中央财政下达，支持“专精特新”中小企业、融资担保降费奖补等",
    ),
    (
        "湘潭县中小企业服务体系经费",
        "湘潭县科技和工业信息化局",
        "中小企业公共服务体系建设（seed 001）",
    ),
    ("中小微企业纾困资金", "江油市工业和信息化局", "省、市、县按 3:3:4 分担（seed 002）"),
    ("经济信息产业发展专项资金", "株洲市中小企业发展服务中心", "温暖企业行动（seed 004）"),
]

# The 17 projects of 嘉兴市经济和信息化局 2021 come from this summary (one 当年财政拨款 line at
# 市 level each); a row's 单位名称 names its owner. Rows whose project belongs to a fund:
SUMMARY_SEED = "000-jiaxing-summary.yaml"
SUMMARY_FUNDS = {1: "国家中小企业发展专项资金"}

Source, Level = BudgetLine.Source, BudgetLine.Level


@dataclass(frozen=True)
class DemoLine:
    level: str
    full_year: Decimal
    executed: Decimal | None
    initial: Decimal | None = None
    source: str = BudgetLine.Source.CURRENT


@dataclass(frozen=True)
class DemoProject:
    seed: str  # the evaluation it is linked to
    owner: str
    name: str
    year: int
    fund: str
    lines: tuple[DemoLine, ...]
    kind: str = Project.Kind.PROJECT


# 002 江油: 47 enterprises were due 640.58 万元, shared 省:市:县 = 3:3:4; 省 paid only 134.52.
JIANGYOU_DUE = Decimal("640.58")
JIANGYOU_SHARES = {Level.PROVINCE: 3, Level.CITY: 3, Level.COUNTY: 4}
JIANGYOU_PAID = {
    Level.PROVINCE: Decimal("134.52"),
    Level.CITY: Decimal("192.174"),
    Level.COUNTY: Decimal("256.232"),
}

SEED_PROJECTS = [
    DemoProject(
        "001-xiangtan-service-system.yaml",
        "湘潭县科技和工业信息化局",
        "湘潭县中小企业服务体系经费",
        2021,
        "湘潭县中小企业服务体系经费",
        (DemoLine(Level.COUNTY, Decimal(50), None),),  # the seed states no executed figure
    ),
    DemoProject(
        "002-jiangyou-relief-fund.yaml",
        "江油市工业和信息化局",
        "江油市中小微企业纾困资金",
        2023,
        "中小微企业纾困资金",
        tuple(
            DemoLine(
                level,
                JIANGYOU_DUE * share / sum(JIANGYOU_SHARES.values()),
                JIANGYOU_PAID[level],
            )
            for level, share in JIANGYOU_SHARES.items()
        ),
        kind=Project.Kind.POLICY,
    ),
    DemoProject(
        "004-zhuzhou-warm-enterprise.yaml",
        "株洲市中小企业发展服务中心",
        "温暖企业行动",
        2020,
        "经济信息产业发展专项资金",
        (DemoLine(Level.CITY, Decimal("239.4"), Decimal("215.2"), initial=Decimal("239.4")),),
    ),
]


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
EXTENSION_APPS = ["allocations", "subsidies", "cofunding", "pilots"]


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
    load_projects(seeds, orgs, evaluations)
    ensure_builtin_templates(seeds)
    user_model = get_user_model()
    for demo in USERS:
        user = user_model.objects.create_user(
            demo.username, password=DEMO_PASSWORD, first_name=demo.name
        )
        Membership.objects.create(user=user, organisation=orgs[demo.organisation], role=demo.role)
        for file in ASSIGNMENTS.get(demo.username, []):
            evaluations[file].evaluators.add(user)
    for extension in extensions():
        extension.load(orgs)
        for demo in extension.USERS:
            user = user_model.objects.create_user(
                demo.username, password=DEMO_PASSWORD, first_name=demo.name
            )
            Membership.objects.create(
                user=user, organisation=orgs[demo.organisation], role=demo.role
            )
    return all_users()


def extensions() -> list[ModuleType]:
    """The demo modules of the apps built on the evaluations (money flows…), in load order;
    each has ``USERS`` and ``load(orgs)`` and may add organisations to ``orgs``."""
    return [import_module(f"jixiao.web.{app}.demo") for app in EXTENSION_APPS]


def all_users() -> list[DemoUser]:
    """Every demo login, the seed evaluations' and the extensions'."""
    return USERS + [user for extension in extensions() for user in extension.USERS]


def _add_project(
    owner: Organisation,
    name: str,
    year: int,
    lines: tuple[DemoLine, ...],
    *,
    fund: SpecialFund | None = None,
    kind: str = Project.Kind.PROJECT,
    sequence: int = 0,
) -> Project:
    project = Project.objects.create(
        owner=owner, name=name, year=year, fund=fund, kind=kind, sequence=sequence
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            project=project,
            source=line.source,
            level=line.level,
            initial_budget=line.initial,
            full_year_budget=line.full_year,
            executed=line.executed,
        )
        for line in lines
    )
    return project


def load_projects(
    seeds: Path, orgs: dict[str, Organisation], evaluations: dict[str, Evaluation]
) -> list[Project]:
    """Funds, the 17 projects of the 嘉兴 summary and one project per other seed evaluation;
    every evaluation whose project is among them is linked to it."""
    funds = {
        name: SpecialFund.objects.create(name=name, owner=orgs[owner], description=description)
        for name, owner, description in FUNDS
    }
    summary = load_case(seeds / SUMMARY_SEED)
    if not isinstance(summary, DepartmentSummary):
        raise CaseError(str(seeds / SUMMARY_SEED), "不是部门绩效自评结果汇总表")
    year = summary.meta.year
    if year is None:
        raise CaseError(str(seeds / SUMMARY_SEED), "缺少年度", field="meta.year")
    projects = [
        _add_project(
            orgs[row.unit],
            row.project,
            year,
            (DemoLine(Level.CITY, row.full_year_budget, row.executed),),
            fund=funds[SUMMARY_FUNDS[row.no]] if row.no in SUMMARY_FUNDS else None,
            sequence=row.no,
        )
        for row in summary.rows
    ]
    projects += [
        _add_project(
            orgs[spec.owner],
            spec.name,
            spec.year,
            spec.lines,
            fund=funds[spec.fund],
            kind=spec.kind,
        )
        for spec in SEED_PROJECTS
    ]
    by_name = {(p.name, p.year): p for p in projects}
    for evaluation in evaluations.values():
        project = by_name.get((evaluation.project, evaluation.year or 0))
        if project is not None:
            evaluation.fund_project = project
            evaluation.save(update_fields=["fund_project"])
    return projects
