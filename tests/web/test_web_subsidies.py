"""补贴申报 in the web app: personas and their forbidden paths, the application form's checks,
uploads, the reviewer's decisions, the all-or-nothing blacklist import, the duplicate rule,
the 公示 list and its exports, and the history of every change.

The world (江油 of seed `002`)::

    四川省/绵阳市/江油市
      江油市财政局 (finance_bureau)            fin_reviewer 审核人: supervises the policy
      江油市工业和信息化局 (department)        owner 填报人 (sees all, cannot decide),
                                               dept_reviewer 审核人, dept_viewer 只读
      六合 (enterprise)                        ent 填报人, ent_viewer 只读
      清香园 (enterprise)                      ent2 填报人
    四川省/绵阳市/涪城区
      涪城示例企业 (enterprise)                far 填报人: another county, sees nothing
    湖南省/湘潭市/湘潭县: 湘潭县科工局           outsider 填报人
    nobody: an account without membership
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook, load_workbook
from web_world import make_org, make_region, make_user

from jixiao.core.credit_code import complete
from jixiao.web.evaluations.demo import region
from jixiao.web.history.models import ActionLog
from jixiao.web.history.services import history_of
from jixiao.web.orgs.models import Membership, Organisation, Region
from jixiao.web.orgs.roles import Role
from jixiao.web.subsidies import demo
from jixiao.web.subsidies.models import Application, BlacklistEntry, SubsidyCategory, SubsidyPolicy
from jixiao.web.subsidies.services import (
    ApplicationInput,
    approved_total,
    decide,
    submit_application,
)

Kind = Organisation.Kind
D = Decimal
START, END = date(2022, 1, 1), date(2022, 6, 30)
LIUHE = complete("91510781MA6JY001")
QXY = complete("91510781MA6JY002")
BAD = complete("91510781MA6JY004")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Subsidies:
    policy: SubsidyPolicy
    logistics: SubsidyCategory
    utilities: SubsidyCategory
    epidemic: SubsidyCategory
    liuhe: Organisation
    qxy: Organisation
    far_enterprise: Organisation
    owner: Any
    dept_reviewer: Any
    dept_viewer: Any
    fin_reviewer: Any
    ent: Any
    ent_viewer: Any
    ent2: Any
    far: Any
    outsider: Any
    nobody: Any


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def w(db: Any, media: Path) -> Subsidies:
    sichuan = make_region("四川省", Region.Level.PROVINCE)
    mianyang = make_region("绵阳市", Region.Level.CITY, sichuan)
    jiangyou = make_region("江油市", Region.Level.COUNTY, mianyang)
    fucheng = make_region("涪城区", Region.Level.COUNTY, mianyang)
    hunan = make_region("湖南省", Region.Level.PROVINCE)
    xiangtan = make_region("湘潭县", Region.Level.COUNTY, make_region("湘潭市", 2, hunan))
    finance = make_org("江油市财政局", Kind.FINANCE_BUREAU, jiangyou)
    department = make_org("江油市工业和信息化局", Kind.DEPARTMENT, jiangyou)
    liuhe = make_org("四川六合特种金属材料股份有限公司", Kind.ENTERPRISE, jiangyou)
    qxy = make_org("四川清香园调味品股份有限公司", Kind.ENTERPRISE, jiangyou)
    far_enterprise = make_org("涪城示例企业", Kind.ENTERPRISE, fucheng)
    other_department = make_org("湘潭县科技和工业信息化局", Kind.DEPARTMENT, xiangtan)
    policy = SubsidyPolicy.objects.create(
        owner=department, name="江油市中小微企业纾困资金", year=2022, opens_on=date(2022, 7, 24)
    )

    def category(name: str, rate: str, cap: str, seq: int, once: bool = True) -> SubsidyCategory:
        return SubsidyCategory.objects.create(
            policy=policy,
            name=name,
            period_start=START,
            period_end=END,
            rate=D(rate),
            cap=D(cap),
            sequence=seq,
            one_per_enterprise=once,
        )

    return Subsidies(
        policy=policy,
        logistics=category("物流费", "0.10", "50", 1),
        utilities=category("水电费", "0.10", "30", 2),
        epidemic=category("防疫支出", "0.30", "10", 4, once=False),
        liuhe=liuhe,
        qxy=qxy,
        far_enterprise=far_enterprise,
        owner=make_user("owner", department, Role.EDITOR),
        dept_reviewer=make_user("dept_reviewer", department, Role.REVIEWER),
        dept_viewer=make_user("dept_viewer", department, Role.VIEWER),
        fin_reviewer=make_user("fin_reviewer", finance, Role.REVIEWER),
        ent=make_user("ent", liuhe, Role.EDITOR),
        ent_viewer=make_user("ent_viewer", liuhe, Role.VIEWER),
        ent2=make_user("ent2", qxy, Role.EDITOR),
        far=make_user("far", far_enterprise, Role.EDITOR),
        outsider=make_user("outsider", other_department, Role.EDITOR),
        nobody=make_user("nobody"),
    )


def pdf(name: str = "申请表.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(w: Subsidies, org: Organisation | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant": (org or w.liuhe).pk,
        "enterprise_name": (org or w.liuhe).name,
        "credit_code": LIUHE,
        "category": w.logistics.pk,
        "cost": "185.60",
        "period_start": "2022-01-01",
        "period_end": "2022-06-30",
        "attachments": [pdf()],
    }
    data.update(changes)
    return data


def apply_url(w: Subsidies) -> str:
    return f"/subsidies/{w.policy.pk}/apply/"


def make_application(
    w: Subsidies, org: Organisation | None = None, code: str = LIUHE, **kw: Any
) -> Application:
    org = org or w.liuhe
    data = ApplicationInput(
        applicant=org,
        category=kw.get("category", w.logistics),
        enterprise_name=org.name,
        credit_code=code,
        cost=D(kw.get("cost", "185.60")),
        period_start=START,
        period_end=END,
    )
    return submit_application(w.policy, data, [pdf()], w.ent)


# Seeing --------------------------------------------------------------------------------------


def test_the_policy_list_by_persona(w: Subsidies, login: Any) -> None:
    for user in (w.owner, w.dept_viewer, w.fin_reviewer, w.ent, w.ent_viewer, w.ent2):
        page = login(user).get("/subsidies/")
        assert page.status_code == 200
        assert "江油市中小微企业纾困资金" in page.content.decode()
    for user in (w.far, w.outsider, w.nobody):
        page = login(user).get("/subsidies/")
        assert page.status_code == 200
        assert "江油市中小微企业纾困资金" not in page.content.decode()
    assert login(None).get("/subsidies/").status_code == 302


def test_outsiders_get_404_everywhere(w: Subsidies, login: Any) -> None:
    application = make_application(w)
    attachment = application.attachments.get()
    urls = [
        f"/subsidies/{w.policy.pk}/",
        apply_url(w),
        f"/subsidies/{w.policy.pk}/blacklist/",
        f"/subsidies/{w.policy.pk}/notice/",
        f"/subsidies/{w.policy.pk}/notice.xlsx",
        f"/subsidies/{w.policy.pk}/history/",
        f"/subsidies/applications/{application.pk}/",
        f"/subsidies/applications/{application.pk}/attachments/{attachment.pk}/",
    ]
    evaluator = make_user(
        "evaluator", make_org("评价组", Kind.EVALUATOR, w.liuhe.region), Role.EVALUATOR
    )
    inactive = make_user("inactive", w.policy.owner, Role.ADMIN, is_active=False)
    for user in (w.far, w.outsider, w.nobody, evaluator):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        decided = client.post(
            f"/subsidies/applications/{application.pk}/decide/", {"decision": "approve"}
        )
        assert decided.status_code == 404
    assert login(inactive).get(urls[0]).status_code == 302  # logged out: to the login page
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_an_enterprise_sees_only_its_own_applications(w: Subsidies, login: Any) -> None:
    mine = make_application(w)
    theirs = make_application(w, w.qxy, QXY, category=w.utilities, cost="96.40")
    page = login(w.ent).get(f"/subsidies/{w.policy.pk}/").content.decode()
    assert "我的申报" in page and w.liuhe.name in page and w.qxy.name not in page
    assert login(w.ent).get(f"/subsidies/applications/{theirs.pk}/").status_code == 404
    assert login(w.ent_viewer).get(f"/subsidies/applications/{mine.pk}/").status_code == 200
    # the owner's side pages are not for applicants: seen policy, so 403
    for url in ("blacklist/", "notice/", "notice.xlsx", "history/"):
        assert login(w.ent).get(f"/subsidies/{w.policy.pk}/{url}").status_code == 403


def test_owner_and_finance_bureau_see_every_application(w: Subsidies, login: Any) -> None:
    make_application(w)
    make_application(w, w.qxy, QXY, category=w.utilities, cost="96.40")
    for user in (w.owner, w.dept_viewer, w.fin_reviewer, w.dept_reviewer):
        page = login(user).get(f"/subsidies/{w.policy.pk}/").content.decode()
        assert w.liuhe.name in page and w.qxy.name in page, user


# Applying ------------------------------------------------------------------------------------


def test_an_enterprise_applies_with_an_attachment(w: Subsidies, login: Any, media: Path) -> None:
    response = login(w.ent).post(apply_url(w), form_data(w))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/subsidies/applications/{application.pk}/"
    assert application.credit_code == LIUHE
    assert application.cost == D("185.60")
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_by == w.ent
    attachment = application.attachments.get()
    assert attachment.name == "申请表.pdf" and attachment.size == len(PDF)
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media) and stored.read_bytes() == PDF
    download = login(w.fin_reviewer).get(
        f"/subsidies/applications/{application.pk}/attachments/{attachment.pk}/"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    log = history_of(application).get()
    assert log.action == "jixiao.subsidy.application.submitted"
    assert log.user == w.ent
    assert log.data["after"]["cost"] == "185.6"


def test_those_who_cannot_apply(w: Subsidies, login: Any) -> None:
    for user in (w.owner, w.fin_reviewer, w.ent_viewer):  # seen policy, no enterprise to edit
        assert login(user).get(apply_url(w)).status_code == 403
        assert login(user).post(apply_url(w), form_data(w)).status_code == 403
    assert not Application.objects.exists()


def test_applying_for_someone_elses_enterprise_is_refused(w: Subsidies, login: Any) -> None:
    response = login(w.ent).post(apply_url(w), form_data(w, org=w.qxy))
    assert response.status_code == 400
    assert "您不能以该企业名义申报" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"credit_code": LIUHE[:-1] + ("0" if LIUHE[-1] != "0" else "1")}, "校验位（第18位）不符"),
        ({"credit_code": "9151078"}, "应为18位，实际为7位"),
        ({"credit_code": ""}, "请填写统一社会信用代码"),
        ({"cost": "-3"}, "费用金额不能为负数"),
        ({"cost": "0"}, "费用金额须大于零"),
        ({"cost": "abc"}, "费用金额须为数字"),
        ({"period_start": "2021-12-01"}, "费用发生期间不在补贴基期内（2022-01-01—2022-06-30）"),
        ({"period_end": "2021-12-01"}, "费用发生截止日不能早于起始日"),
        ({"period_start": "2022/13/01"}, "日期格式应为"),
        ({"enterprise_name": ""}, "请填写企业名称"),
        ({"enterprise_name": "=HYPERLINK(1)"}, "企业名称不能以 =、+、-、@ 开头"),
        ({"category": "999999"}, "本政策没有该补贴类别"),
        ({"attachments": []}, "请上传佐证材料"),
    ],
)
def test_field_errors_are_chinese_and_nothing_is_saved(
    w: Subsidies, login: Any, changes: dict[str, Any], message: str
) -> None:
    response = login(w.ent).post(apply_url(w), form_data(w, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("发票.exe", b"MZ\x90\x00"), "类型不支持"),
        (SimpleUploadedFile("发票.pdf", b"<html>not a pdf</html>"), "已损坏或与扩展名不符"),
        (SimpleUploadedFile("照片.png", b"\xff\xd8\xff\xe0 a jpeg"), "已损坏或与扩展名不符"),
        (SimpleUploadedFile("空.pdf", b""), "上传的文件是空的"),
    ],
)
def test_uploads_are_type_checked(
    w: Subsidies, login: Any, media: Path, upload: SimpleUploadedFile, message: str
) -> None:
    response = login(w.ent).post(apply_url(w), form_data(w, attachments=[pdf(), upload]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert not list(media.rglob("*.*"))  # nothing stored


def test_uploads_are_size_checked(w: Subsidies, login: Any, settings: Any) -> None:
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    response = login(w.ent).post(apply_url(w), form_data(w, attachments=[big]))
    assert response.status_code == 400
    assert "过大：每个文件不超过 10 MB" in response.content.decode()
    assert not Application.objects.exists()


def test_an_oversized_request_is_refused_before_reading(w: Subsidies, login: Any) -> None:
    response = login(w.ent).post(
        apply_url(w),
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "上传的文件过大" in response.content.decode()


def test_a_blacklisted_code_is_refused_at_submission(w: Subsidies, login: Any) -> None:
    BlacklistEntry.objects.create(policy=w.policy, credit_code=BAD, source="信用中国", row=2)
    response = login(w.ent).post(apply_url(w), form_data(w, credit_code=BAD))
    assert response.status_code == 400
    page = response.content.decode()
    assert "申报未被受理" in page
    assert "未通过信用审查：该企业列入失信名单（信用中国）" in page
    assert not Application.objects.exists()
    refused = history_of(w.policy).get()
    assert refused.action == "jixiao.subsidy.application.refused"
    assert refused.user == w.ent and refused.data["credit_code"] == BAD


def test_the_duplicate_rule(w: Subsidies, login: Any) -> None:
    client = login(w.ent)
    assert client.post(apply_url(w), form_data(w)).status_code == 302
    again = client.post(apply_url(w), form_data(w, cost="10"))
    assert again.status_code == 400
    assert "重复申报：该企业已申报过“物流费”" in again.content.decode()
    assert Application.objects.count() == 1
    # another category is fine; a category allowing several applications too
    assert client.post(apply_url(w), form_data(w, category=w.utilities.pk)).status_code == 302
    for _ in range(2):
        assert client.post(apply_url(w), form_data(w, category=w.epidemic.pk)).status_code == 302
    # once rejected, the enterprise may apply again in that category
    decide(
        Application.objects.get(category=w.logistics),
        w.dept_reviewer,
        approve=False,
        reason="材料不全",
    )
    assert client.post(apply_url(w), form_data(w)).status_code == 302
    assert Application.objects.count() == 5


def test_outside_the_application_window(w: Subsidies, login: Any) -> None:
    w.policy.closes_on = date(2022, 8, 31)
    w.policy.save()
    response = login(w.ent).post(apply_url(w), form_data(w))
    assert response.status_code == 400
    assert "不在申报期内（2022-07-24 至 2022-08-31）" in response.content.decode()
    assert not Application.objects.exists()
    page = login(w.ent).get(f"/subsidies/{w.policy.pk}/").content.decode()
    assert "我要申报" not in page


# Review --------------------------------------------------------------------------------------


def test_reviewers_approve_and_the_grant_is_computed(w: Subsidies, login: Any) -> None:
    application = make_application(w)
    response = login(w.dept_reviewer).post(
        f"/subsidies/applications/{application.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.grant == D("18.56")
    assert application.decided_by == w.dept_reviewer
    log = history_of(application).first()
    assert log is not None and log.action == "jixiao.subsidy.application.approved"
    assert log.data["before"]["status"] == "submitted"
    assert log.data["after"]["grant"] == "18.56"
    assert approved_total(w.policy) == D("18.56")
    page = login(w.ent).get(f"/subsidies/applications/{application.pk}/").content.decode()
    assert "状态：已提交 → 已通过" in page and "补贴金额（万元）：— → 18.56" in page


def test_the_finance_bureau_reviewer_may_reject_with_a_reason(w: Subsidies, login: Any) -> None:
    application = make_application(w)
    client = login(w.fin_reviewer)
    url = f"/subsidies/applications/{application.pk}/decide/"
    client.post(url, {"decision": "reject", "reason": ""})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED  # a reason is required
    page = client.get(f"/subsidies/applications/{application.pk}/").content.decode()
    assert "驳回时必须填写理由" in page
    client.post(url, {"decision": "reject", "reason": "未通过“信用中国”网上审核"})
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.reason == "未通过“信用中国”网上审核"
    assert application.grant is None
    again = client.post(url, {"decision": "approve"}, follow=True)
    assert "该申报已审核（未通过），不能再次审核" in again.content.decode()


def test_only_reviewers_decide(w: Subsidies, login: Any) -> None:
    application = make_application(w)
    url = f"/subsidies/applications/{application.pk}/decide/"
    for user in (w.owner, w.dept_viewer, w.ent, w.ent_viewer):
        assert login(user).post(url, {"decision": "approve"}).status_code == 403, user
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_code_blacklisted_after_submission_cannot_be_approved(w: Subsidies, login: Any) -> None:
    application = make_application(w)
    BlacklistEntry.objects.create(policy=w.policy, credit_code=LIUHE, source="信用中国", row=2)
    page = login(w.dept_reviewer).get(f"/subsidies/applications/{application.pk}/")
    assert "该企业已列入失信名单，不能通过。" in page.content.decode()
    response = login(w.dept_reviewer).post(
        f"/subsidies/applications/{application.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "该企业已列入失信名单（信用中国），不能通过，请驳回" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_grants_of_one_enterprise_share_the_cap(w: Subsidies) -> None:
    first = make_application(w, category=w.epidemic, cost="20")
    second = make_application(w, category=w.epidemic, cost="20")
    assert decide(first, w.dept_reviewer, approve=True).grant == D("6.00")
    assert decide(second, w.dept_reviewer, approve=True).grant == D("4.00")
    assert approved_total(w.policy) == D("10.00")


# Blacklist import ----------------------------------------------------------------------------


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_blacklist(client: Any, w: Subsidies, name: str, content: bytes) -> Any:
    return client.post(
        f"/subsidies/{w.policy.pk}/blacklist/", {"upload": SimpleUploadedFile(name, content)}
    )


def test_the_reviewer_imports_a_blacklist(w: Subsidies, login: Any) -> None:
    BlacklistEntry.objects.create(policy=w.policy, credit_code=QXY, row=2)
    content = xlsx(
        [
            ["统一社会信用代码", "企业名称", "来源", "原因"],
            [BAD, "江油示例商贸有限公司", "信用中国", "失信被执行人"],
            [LIUHE, "六合", "信用中国", "重大税收违法"],
        ]
    )
    response = upload_blacklist(login(w.dept_reviewer), w, "名单.xlsx", content)
    assert response.status_code == 302
    entries = list(w.policy.blacklist.values_list("credit_code", "source", "row"))
    assert entries == [(BAD, "信用中国", 2), (LIUHE, "信用中国", 3)]  # replaced, not added
    log = history_of(w.policy).get()
    assert log.action == "jixiao.subsidy.blacklist.imported"
    assert log.data == {"file": "名单.xlsx", "before": {"entries": 1}, "after": {"entries": 2}}
    page = login(w.dept_viewer).get(f"/subsidies/{w.policy.pk}/blacklist/").content.decode()
    assert "江油示例商贸有限公司" in page and "导入名单" not in page


def test_the_blacklist_import_is_all_or_nothing(w: Subsidies, login: Any) -> None:
    BlacklistEntry.objects.create(policy=w.policy, credit_code=QXY, row=2)
    wrong = LIUHE[:-1] + ("0" if LIUHE[-1] != "0" else "1")
    content = f"统一社会信用代码,企业名称\n{BAD},甲\n{wrong},乙\n".encode("gbk")
    response = upload_blacklist(login(w.fin_reviewer), w, "名单.csv", content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "名单.csv：第 3 行：统一社会信用代码校验位（第18位）不符" in page
    assert "名单未作任何改动" in page
    assert list(w.policy.blacklist.values_list("credit_code", flat=True)) == [QXY]
    assert not history_of(w.policy).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.xls", b"\xd0\xcf\x11\xe0", "只能导入 .xlsx 或 .csv 文件"),
        ("名单.xlsx", b"not a zip", "文件已损坏或不是 Excel"),
        ("名单.csv", "企业名称\n甲\n".encode(), "找不到“统一社会信用代码”列"),
    ],
)
def test_unusable_blacklist_files(
    w: Subsidies, login: Any, name: str, content: bytes, message: str
) -> None:
    response = upload_blacklist(login(w.dept_reviewer), w, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not w.policy.blacklist.exists()


def test_only_reviewers_import_the_blacklist(w: Subsidies, login: Any) -> None:
    content = f"统一社会信用代码\n{BAD}\n".encode()
    for user in (w.owner, w.dept_viewer, w.ent):
        assert upload_blacklist(login(user), w, "x.csv", content).status_code == 403
    for user in (w.far, w.outsider):
        assert upload_blacklist(login(user), w, "x.csv", content).status_code == 404
    assert not w.policy.blacklist.exists()


# 公示 list -----------------------------------------------------------------------------------


def approved_world(w: Subsidies) -> None:
    decide(make_application(w), w.dept_reviewer, approve=True)  # 18.56
    decide(
        make_application(w, w.qxy, QXY, category=w.utilities, cost="96.40"),
        w.dept_reviewer,
        approve=True,
    )  # 9.64
    rejected = make_application(w, w.qxy, QXY, category=w.epidemic, cost="8")
    decide(rejected, w.dept_reviewer, approve=False, reason="材料不全")
    make_application(w, category=w.utilities, cost="40")  # still submitted


def test_the_notice_lists_the_approved_and_totals(w: Subsidies, login: Any) -> None:
    approved_world(w)
    page = login(w.owner).get(f"/subsidies/{w.policy.pk}/notice/").content.decode()
    assert "江油市中小微企业纾困资金补贴资金公示名单" in page
    assert page.count("<tr><td>") == 2
    assert '<strong id="notice-total">28.20</strong>' in page
    assert approved_total(w.policy) == D("28.20")


def test_the_notice_exports_to_excel_and_word(w: Subsidies, login: Any) -> None:
    approved_world(w)
    client = login(w.fin_reviewer)
    xlsx_response = client.get(f"/subsidies/{w.policy.pk}/notice.xlsx")
    assert xlsx_response.status_code == 200
    assert "attachment" in xlsx_response["Content-Disposition"]
    sheet = load_workbook(BytesIO(xlsx_response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[2] == ["序号", "企业名称", "统一社会信用代码", "补贴类别", "补贴金额（万元）"]
    assert rows[3] == ["1", w.liuhe.name, LIUHE, "物流费", 18.56]
    assert rows[4] == ["2", w.qxy.name, QXY, "水电费", 9.64]
    assert rows[5][0] == "合计" and rows[5][4] == 28.2
    docx_response = client.get(f"/subsidies/{w.policy.pk}/notice.docx")
    table = Document(BytesIO(docx_response.content)).tables[0]
    assert [c.text for c in table.rows[-1].cells][-1] == "28.20"
    assert client.get(f"/subsidies/{w.policy.pk}/notice.pdf").status_code == 404


def test_the_policy_page_shows_the_approved_total(w: Subsidies, login: Any) -> None:
    approved_world(w)
    page = login(w.dept_reviewer).get(f"/subsidies/{w.policy.pk}/").content.decode()
    assert '<strong id="approved-total">28.20</strong>' in page
    pending = login(w.dept_reviewer).get(f"/subsidies/{w.policy.pk}/?status=submitted")
    assert pending.content.decode().count('name="decision" value="approve"') == 1


def test_every_change_is_in_the_history(w: Subsidies, login: Any) -> None:
    approved_world(w)
    actions = sorted(ActionLog.objects.values_list("action", flat=True))
    assert actions.count("jixiao.subsidy.application.submitted") == 4
    assert actions.count("jixiao.subsidy.application.approved") == 2
    assert actions.count("jixiao.subsidy.application.rejected") == 1
    page = login(w.owner).get(f"/subsidies/{w.policy.pk}/history/")
    assert page.status_code == 200


def test_the_english_pages(w: Subsidies, login: Any) -> None:
    make_application(w)
    client = login(w.ent)
    client.post("/i18n/setlang/", {"language": "en", "next": "/subsidies/"})
    page = client.get(f"/subsidies/{w.policy.pk}/").content.decode()
    assert "My applications" in page and "Rate (%)" in page and "Subsidy category" in page
    response = client.post(apply_url(w), form_data(w, cost="-1"))
    assert "The cost cannot be negative" in response.content.decode()


# Creating a policy ---------------------------------------------------------------------------


def policy_data(w: Subsidies, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "owner": w.policy.owner_id,
        "name": "江油市稳岗补贴",
        "year": "2023",
        "opens_on": "2023-03-01",
        "closes_on": "2023-04-30",
        "categories-TOTAL_FORMS": "4",
        "categories-INITIAL_FORMS": "0",
        "categories-MIN_NUM_FORMS": "0",
        "categories-MAX_NUM_FORMS": "20",
        "categories-0-name": "物流费",
        "categories-0-period_start": "2022-07-01",
        "categories-0-period_end": "2022-12-31",
        "categories-0-rate_percent": "10",
        "categories-0-cap": "50",
        "categories-0-one_per_enterprise": "on",
        "categories-1-name": "防疫支出",
        "categories-1-period_start": "2022-07-01",
        "categories-1-period_end": "2022-12-31",
        "categories-1-rate_percent": "30",
        "categories-1-cap": "10",
    }
    data.update(changes)
    return data


def test_the_department_creates_a_policy_with_categories(w: Subsidies, login: Any) -> None:
    response = login(w.owner).post("/subsidies/new/", policy_data(w))
    policy = SubsidyPolicy.objects.get(name="江油市稳岗补贴")
    assert response.status_code == 302
    assert response["Location"] == f"/subsidies/{policy.pk}/"
    categories = list(policy.categories.values_list("name", "rate", "cap", "one_per_enterprise"))
    assert categories == [
        ("物流费", D("0.1"), D("50"), True),
        ("防疫支出", D("0.3"), D("10"), False),
    ]
    log = history_of(policy).get()
    assert log.action == "jixiao.subsidy.policy.created" and log.user == w.owner
    assert log.data["after"]["categories"][1]["rate"] == "0.3"
    # enterprises of the region see it and may apply
    assert "江油市稳岗补贴" in login(w.ent).get("/subsidies/").content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"categories-1-name": "物流费"}, "补贴类别重名：物流费"),
        ({"categories-0-rate_percent": "120"}, "补贴比例须大于 0 且不超过 100"),
        ({"categories-0-rate_percent": "0"}, "补贴比例须大于 0 且不超过 100"),
        ({"categories-0-cap": "-1"}, "上限不能为负数"),
        ({"categories-0-period_end": "2022-01-01"}, "基期截止日不能早于起始日"),
        ({"categories-0-cap": ""}, "请填写每家企业上限"),
        ({"closes_on": "2023-01-01"}, "申报截止日期不能早于开始日期"),
        ({"name": ""}, "请填写政策名称"),
        (
            {"name": "江油市中小微企业纾困资金", "year": "2022"},
            "已有名为“江油市中小微企业纾困资金”的补贴政策",
        ),
    ],
)
def test_bad_policies_are_refused_and_nothing_is_created(
    w: Subsidies, login: Any, changes: dict[str, Any], message: str
) -> None:
    response = login(w.owner).post("/subsidies/new/", policy_data(w, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SubsidyPolicy.objects.count() == 1 and SubsidyCategory.objects.count() == 3


def test_a_policy_needs_a_category(w: Subsidies, login: Any) -> None:
    data = {k: v for k, v in policy_data(w).items() if not k.startswith("categories-0")}
    data = {k: v for k, v in data.items() if not k.startswith("categories-1")}
    response = login(w.owner).post("/subsidies/new/", data)
    assert response.status_code == 400
    assert "请至少填写一个补贴类别" in response.content.decode()


def test_who_may_create_policies(w: Subsidies, login: Any) -> None:
    for user in (w.dept_viewer, w.dept_reviewer, w.fin_reviewer, w.ent, w.far, w.nobody):
        assert login(user).get("/subsidies/new/").status_code == 403, user
        assert login(user).post("/subsidies/new/", policy_data(w)).status_code == 403
    # an editor of another department cannot create one for 江油's
    response = login(w.outsider).post("/subsidies/new/", policy_data(w))
    assert response.status_code == 400
    assert "您不能为该单位创建补贴政策" in response.content.decode()
    assert SubsidyPolicy.objects.count() == 1
    assert "新建补贴政策" in login(w.owner).get("/subsidies/").content.decode()
    assert "新建补贴政策" not in login(w.ent).get("/subsidies/").content.decode()


def test_an_enterprise_of_another_region_cannot_apply_even_when_member_elsewhere(
    w: Subsidies, login: Any
) -> None:
    # ``far`` also edits 六合 in 江油: they may apply for 六合, never for their 涪城 enterprise
    Membership.objects.create(user=w.far, organisation=w.liuhe, role=Role.EDITOR)
    client = login(w.far)
    response = client.post(apply_url(w), form_data(w, org=w.far_enterprise))
    assert response.status_code == 400
    assert "您不能以该企业名义申报" in response.content.decode()
    assert client.post(apply_url(w), form_data(w)).status_code == 302


# The demo ------------------------------------------------------------------------------------


def test_the_demo_policy(db: Any) -> None:
    owner = make_org(demo.OWNER, Kind.DEPARTMENT, region(demo.JIANGYOU))
    orgs = {owner.name: owner}
    demo.load(orgs)
    policy = SubsidyPolicy.objects.get(name=demo.POLICY)
    assert [c.name for c in policy.categories.all()] == ["物流费", "水电费", "担保费", "防疫支出"]
    assert {user.organisation for user in demo.USERS} <= set(orgs)
    assert all(orgs[name].kind == Kind.ENTERPRISE for name in demo.ENTERPRISES)
    statuses = dict(policy.applications.values_list("enterprise_name", "status"))
    assert statuses[demo.REFUSED] == Application.Status.REJECTED
    assert statuses[demo.LIHANG] == Application.Status.SUBMITTED
    assert approved_total(policy) == D("28.20")  # 185.6 × 10 % + 96.4 × 10 %
    assert list(policy.blacklist.values_list("credit_code", flat=True)) == [
        demo.ENTERPRISES[demo.REFUSED]
    ]
