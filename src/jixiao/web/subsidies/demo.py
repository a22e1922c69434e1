"""Demo data for 补贴申报, loaded by ``load_demo`` after the seed evaluations.

The 江油市中小微企业纾困资金 of seed `002`: four categories over the basis period 2022-01..06.
The seed names the categories and says each has a cap, but prints neither rates nor caps: the
figures below are assumptions (docs/subsidies.md). The enterprises' names come from the seed
(one is invented: 江油示例商贸有限公司, refused by the credit check like the seed's three);
their credit codes are made up, with correct check characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jixiao.core.credit_code import complete
from jixiao.web.evaluations.demo import DemoUser, region
from jixiao.web.funds.models import Project
from jixiao.web.history.services import log_action
from jixiao.web.orgs.models import Organisation
from jixiao.web.orgs.roles import Role
from jixiao.web.subsidies import services
from jixiao.web.subsidies.models import Application, BlacklistEntry, SubsidyCategory, SubsidyPolicy

OWNER = "江油市工业和信息化局"
POLICY = "江油市中小微企业纾困资金"
JIANGYOU = ("四川省", "绵阳市", "江油市")
BASIS = (date(2022, 1, 1), date(2022, 6, 30))
OPENS_ON = date(2022, 7, 24)  # 绵经信企业〔2022〕411号 of that day opened the applications

# name, rate, cap (万元) — assumed, see the module docstring
CATEGORIES = [
    ("物流费", Decimal("0.10"), Decimal(50)),
    ("水电费", Decimal("0.10"), Decimal(30)),
    ("担保费", Decimal("0.50"), Decimal(20)),
    ("防疫支出", Decimal("0.30"), Decimal(10)),
]

LIUHE = "四川六合特种金属材料股份有限公司"
QINGXIANGYUAN = "四川清香园调味品股份有限公司"
LIHANG = "江油立航金属材料有限公司"
REFUSED = "江油示例商贸有限公司"
ENTERPRISES = {
    LIUHE: complete("91510781MA6JY001"),
    QINGXIANGYUAN: complete("91510781MA6JY002"),
    LIHANG: complete("91510781MA6JY003"),
    REFUSED: complete("91510781MA6JY004"),
}
CREDIT_CHECK = "信用中国"
CREDIT_REASON = "列入失信被执行人名单"


@dataclass(frozen=True)
class DemoApplication:
    enterprise: str
    category: str
    cost: Decimal  # 万元, spent 2022-01..06
    decision: str  # "approve", "reject" or "" (left for the reviewer)
    reason: str = ""


APPLICATIONS = [
    DemoApplication(LIUHE, "物流费", Decimal("185.60"), "approve"),
    DemoApplication(QINGXIANGYUAN, "水电费", Decimal("96.40"), "approve"),
    DemoApplication(LIHANG, "担保费", Decimal("12.50"), ""),
    DemoApplication(REFUSED, "防疫支出", Decimal("8.00"), "reject", "未通过“信用中国”网上审核"),
]

USERS: list[DemoUser] = [
    DemoUser("jy_enterprise", "六合特种金属企业填报人", LIUHE, Role.EDITOR),
    DemoUser("jy_enterprise_b", "江油示例商贸企业填报人", REFUSED, Role.EDITOR),
    DemoUser("jy_ind_reviewer", "江油市工信局审核人", OWNER, Role.REVIEWER),
]


def load(orgs: dict[str, Organisation]) -> None:
    """The 江油 policy, its enterprises (added to ``orgs``), blacklist and applications."""
    county = region(JIANGYOU)
    for name in ENTERPRISES:
        orgs[name] = Organisation.objects.create(
            name=name, kind=Organisation.Kind.ENTERPRISE, region=county
        )
    owner = orgs[OWNER]
    policy = SubsidyPolicy.objects.create(
        owner=owner,
        project=Project.objects.filter(owner=owner, name=POLICY).first(),
        name=POLICY,
        year=2022,
        opens_on=OPENS_ON,
    )
    categories = {
        name: SubsidyCategory.objects.create(
            policy=policy,
            name=name,
            period_start=BASIS[0],
            period_end=BASIS[1],
            rate=rate,
            cap=cap,
            sequence=index,
        )
        for index, (name, rate, cap) in enumerate(CATEGORIES, 1)
    }
    log_action("jixiao.subsidy.policy.created", user=None, subject=policy, name=POLICY)
    for demo in APPLICATIONS:
        application = Application.objects.create(
            policy=policy,
            category=categories[demo.category],
            applicant=orgs[demo.enterprise],
            enterprise_name=demo.enterprise,
            credit_code=ENTERPRISES[demo.enterprise],
            cost=demo.cost,
            period_start=BASIS[0],
            period_end=BASIS[1],
        )
        log_action("jixiao.subsidy.application.submitted", user=None, subject=application)
        if demo.decision:
            services.decide(
                application, None, approve=demo.decision == "approve", reason=demo.reason
            )
    BlacklistEntry.objects.create(
        policy=policy,
        credit_code=ENTERPRISES[REFUSED],
        name=REFUSED,
        source=CREDIT_CHECK,
        reason=CREDIT_REASON,
        row=2,
    )
