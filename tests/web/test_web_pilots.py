"""The park pilot programme (seed 003) on the web: who sees and does what, locked targets and
change requests, uploads, the quarterly review, tranche gating, deadlines and the exports.

The world is the demo programme (examples/pilots/003-programme.yaml through pilots.demo):
浙江省经济和信息化厅 above 示例县经济和信息化局, 示例县财政局 in the county's region, and two
parks under the county's 经信局: 示例县小微企业创业园 (plan approved 2023-04-28, first tranche
paid) and 示例县数字经济产业园 (plan in draft). Personas: the park's 填报人 and 只读 user, the
other park's 填报人, the county 经信局's and 财政局's 审核人, the province's 审核人, an outsider.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from web_world import make_org, make_region, make_user

from jixiao.core.pilots import programme as core
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.tranches import payment_plan
from jixiao.web.history.models import ActionLog
from jixiao.web.history.services import history_of
from jixiao.web.orgs.models import Organisation, Region
from jixiao.web.orgs.roles import Role
from jixiao.web.pilots import demo, services
from jixiao.web.pilots.models import (
    ChangeRequest,
    EvidenceFile,
    Park,
    Programme,
    QuarterlyReport,
    ServicePlan,
    ServiceRecord,
    TranchePayment,
)

Kind = Organisation.Kind
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class PW:
    programme: Programme
    park: Park
    other: Park
    editor: Any
    viewer: Any
    other_editor: Any
    county: Any
    finance: Any
    province: Any
    outsider: Any


@pytest.fixture(scope="module")
def module_pw(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        orgs: dict[str, Organisation] = {}
        programme = demo.load(orgs)
        hunan = make_region("湖南省", Region.Level.PROVINCE)
        stranger = make_org("湘潭县科技和工业信息化局", Kind.DEPARTMENT, hunan)
        yield PW(
            programme=programme,
            park=Park.objects.get(owner__name=demo.PARK),
            other=Park.objects.get(owner__name="示例县数字经济产业园"),
            editor=make_user("park_editor", orgs[demo.PARK], Role.EDITOR),
            viewer=make_user("park_viewer", orgs[demo.PARK], Role.VIEWER),
            other_editor=make_user("other_park", orgs["示例县数字经济产业园"], Role.EDITOR),
            county=make_user("county_reviewer", orgs["示例县经济和信息化局"], Role.REVIEWER),
            finance=make_user("finance_reviewer", orgs["示例县财政局"], Role.REVIEWER),
            province=make_user("zj_province", orgs[demo.PROVINCE], Role.REVIEWER),
            outsider=make_user("outsider", stranger, Role.EDITOR),
        )
        transaction.set_rollback(True)


@pytest.fixture
def pw(module_pw: PW, db: None) -> PW:
    return copy.deepcopy(module_pw)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name: str, *args: Any) -> str:
    return reverse(f"pilots:{name}", args=args)


def text(response: Any) -> str:
    return response.content.decode()


# Seeing ---------------------------------------------------------------------------------------


def test_each_party_sees_its_part(pw: PW, login: Any) -> None:
    park, other = url("park", pw.park.pk), url("park", pw.other.pk)
    assert login(pw.editor).get(park).status_code == 200
    assert login(pw.viewer).get(park).status_code == 200
    assert login(pw.editor).get(other).status_code == 404
    assert login(pw.other_editor).get(park).status_code == 404
    for user in (pw.county, pw.finance, pw.province):
        client = login(user)
        assert client.get(park).status_code == 200
        assert client.get(other).status_code == 200
    outsider = login(pw.outsider)
    assert outsider.get(park).status_code == 404
    assert outsider.get(url("programme", pw.programme.pk)).status_code == 404
    assert pw.programme.name not in text(outsider.get(url("home")))
    assert login(None).get(park).status_code == 302  # to the login page


def test_the_programme_page_lists_only_visible_parks(pw: PW, login: Any) -> None:
    page = text(login(pw.editor).get(url("programme", pw.programme.pk)))
    assert demo.PARK in page and "示例县数字经济产业园" not in page
    page = text(login(pw.county).get(url("programme", pw.programme.pk)))
    assert demo.PARK in page and "示例县数字经济产业园" in page


@pytest.mark.parametrize(
    "name",
    ["park", "plan", "records", "tranches", "mid_term"],
)
def test_other_park_pages_do_not_exist_for_a_park(pw: PW, login: Any, name: str) -> None:
    assert login(pw.other_editor).get(url(name, pw.park.pk)).status_code == 404
    assert login(pw.outsider).get(url(name, pw.park.pk)).status_code == 404


def test_forbidden_actions_are_403_and_change_nothing(pw: PW, login: Any) -> None:
    logged = ActionLog.objects.count()
    reports = list(QuarterlyReport.objects.values_list("pk", "state"))
    record = {"ref": "X-1", "service": "training", "on": "2023-07-01", "cost": "0.5", "sessions": 1}
    record |= {"use": "service", "institution": "示例职业技能培训学校"}
    for user in (pw.viewer, pw.county, pw.province):
        assert login(user).post(url("records", pw.park.pk), record).status_code == 403
    # the park cannot approve its own plan or report, nor pay itself
    assert (
        login(pw.editor).post(url("plan_action", pw.other.pk), {"action": "approve"}).status_code
        == 404
    )
    editor = login(pw.other_editor)
    assert editor.post(url("plan_action", pw.other.pk), {"action": "approve"}).status_code == 403
    pay = {"form": "pay", "pay-tranche": "second", "pay-on": "2023-09-01"}
    assert login(pw.editor).post(url("tranches", pw.park.pk), pay).status_code == 403
    # the province sees, the county acts
    assert login(pw.province).post(url("tranches", pw.park.pk), pay).status_code == 403
    assert (
        login(pw.province).post(url("report", pw.park.pk, 3), {"action": "approve"}).status_code
        == 403
    )
    # a county reviewer may not submit for the park
    assert (
        login(pw.county).post(url("report", pw.park.pk, 3), {"action": "submit"}).status_code == 403
    )
    assert login(pw.viewer).get(url("targets", pw.park.pk)).status_code == 403
    assert ActionLog.objects.count() == logged
    assert not ServiceRecord.objects.filter(ref="X-1").exists()
    assert list(QuarterlyReport.objects.values_list("pk", "state")) == reports


# Targets -------------------------------------------------------------------------------------


def _targets_form(park: Park, **changes: str) -> dict[str, str]:
    book = services.book_of(park)
    data: dict[str, str] = {
        "enterprises": "\n".join(
            f"{e.name} | {e.enterprise_class.label} | {e.diagnosis}" for e in book.enterprises
        )
    }
    for t in book.targets.public:
        data[f"{t.service.value}_sessions"] = str(t.sessions)
        data[f"{t.service.value}_visits"] = str(t.enterprise_visits)
    for q in book.targets.precise:
        data[f"{q.service.value}_quantity"] = str(q.quantity)
        data[f"{q.service.value}_unit"] = q.unit
        data[f"{q.service.value}_description"] = q.description
    return data | changes


def test_locked_targets_change_only_through_the_county(pw: PW, login: Any) -> None:
    assert pw.park.locked
    before = dict(pw.park.targets)
    editor = login(pw.editor)
    form = _targets_form(pw.park, policy_briefing_sessions="10")
    page = text(editor.post(url("targets", pw.park.pk), form))
    assert "调整申请须说明调整理由" in page
    assert not ChangeRequest.objects.exists()
    editor.post(url("targets", pw.park.pk), form | {"reason": "新增两场政策宣贯"})
    change = ChangeRequest.objects.get(park=pw.park)
    assert change.state == "pending"
    pw.park.refresh_from_db()
    assert pw.park.targets == before  # not in force until the county agrees
    # the park cannot decide its own request
    assert (
        editor.post(url("change_decide", pw.park.pk, 1), {"action": "approve"}).status_code == 403
    )
    county = login(pw.county)
    county.post(url("change_decide", pw.park.pk, 1), {"action": "approve"})
    pw.park.refresh_from_db()
    assert services.target_list(pw.park.targets).public[0].sessions == 10
    county.post(url("change_decide", pw.park.pk, 1), {"action": "report"})
    change.refresh_from_db()
    assert change.state == "reported" and change.reported_on is not None
    codes = set(history_of(pw.park).values_list("action", flat=True))
    assert {"jixiao.pilots.change.requested", "jixiao.pilots.change.approve"} <= codes
    assert "jixiao.pilots.change.report" in codes


def test_draft_targets_are_edited_directly(pw: PW, login: Any) -> None:
    assert not pw.other.locked
    form = _targets_form(pw.other, recruitment_sessions="6", diagnosis_quantity="12")
    response = login(pw.other_editor).post(url("targets", pw.other.pk), form)
    assert response.status_code == 302
    pw.other.refresh_from_db()
    targets = services.target_list(pw.other.targets)
    assert targets.public[0].sessions == 6 and targets.precise[0].quantity == Decimal(12)
    assert not ChangeRequest.objects.exists()


def test_a_bad_enterprise_line_names_the_line(pw: PW, login: Any) -> None:
    form = _targets_form(pw.other, enterprises="示例软件有限公司 | 专精特新\n没有类型的企业")
    page = text(login(pw.other_editor).post(url("targets", pw.other.pk), form))
    assert "第 2 行" in page


# Records and evidence ----------------------------------------------------------------------


RECORD = {
    "ref": "P-2023-09",
    "service": "training",
    "on": "2023-07-20",
    "cost": "0.8",
    "institution": "示例职业技能培训学校",
    "sessions": "1",
    "enterprise_visits": "30",
    "use": "service",
}


def test_a_record_outside_the_period_or_for_wages_is_refused(pw: PW, login: Any) -> None:
    editor = login(pw.editor)
    page = text(editor.post(url("records", pw.park.pk), RECORD | {"on": "2025-01-05"}))
    assert "不在试点实施周期（2023-01-01至2024-12-31）内" in page
    page = text(editor.post(url("records", pw.park.pk), RECORD | {"use": "wages"}))
    assert "资金不得用于人员工资" in page and "工作指南四（四）" in page
    assert not ServiceRecord.objects.filter(ref="P-2023-09").exists()


def test_a_record_shows_the_evidence_it_lacks(pw: PW, login: Any) -> None:
    editor = login(pw.editor)
    response = editor.post(url("records", pw.park.pk), RECORD)
    row = ServiceRecord.objects.get(park=pw.park, ref="P-2023-09")
    assert response.status_code == 302
    page = text(editor.get(url("record", pw.park.pk, row.pk)))
    for kind in ("活动通知", "活动照片", "费用发票"):
        assert f"缺少{kind}（附件1）" in page
    assert history_of(row).filter(action="jixiao.pilots.record.created").exists()


def _upload(name: str, content: bytes, kind: str = "invoice") -> dict[str, Any]:
    return {"kind": kind, "upload": SimpleUploadedFile(name, content)}


def test_uploads_are_checked_and_stored_under_a_generated_name(
    pw: PW, login: Any, media: Any
) -> None:
    row = pw.park.records.get(ref="J-2023-03")
    editor, target = login(pw.editor), url("record", pw.park.pk, row.pk)
    page = text(editor.post(target, _upload("发票.exe", b"MZ...")))
    assert "类型不支持" in page
    page = text(editor.post(target, _upload("发票.pdf", b"not a pdf")))
    assert "已损坏或与扩展名不符" in page
    page = text(editor.post(target, _upload("发票.pdf", PDF + b"0" * (10 * 1024 * 1024))))
    assert "过大" in page
    assert not EvidenceFile.objects.filter(record=row, kind="invoice").exists()
    assert editor.post(target, _upload("../../发票.pdf", PDF)).status_code == 302
    stored = EvidenceFile.objects.get(record=row, kind="invoice")
    assert stored.name == "发票.pdf"
    assert stored.file.name.startswith("pilots/evidence/") and "发票" not in stored.file.name
    assert (media / stored.file.name).read_bytes() == PDF
    download = url("evidence_download", pw.park.pk, row.pk, stored.pk)
    for user in (pw.editor, pw.county, pw.province):
        response = login(user).get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    assert login(pw.other_editor).get(download).status_code == 404
    assert login(pw.outsider).get(download).status_code == 404
    # the county may look, not add
    assert login(pw.county).post(target, _upload("x.pdf", PDF)).status_code == 403


# Quarterly report ------------------------------------------------------------------------------


def test_a_report_is_returned_for_a_missing_invoice_and_approved_once_complete(
    pw: PW, login: Any, media: Any
) -> None:
    q3 = url("report", pw.park.pk, 3)  # 2023-07-01 .. 2023-09-30: J-2023-03 lacks its invoice
    editor, county = login(pw.editor), login(pw.county)
    page = text(editor.get(q3))
    assert "J-2023-03：缺少费用发票（附件1）" in page
    report = QuarterlyReport.objects.get(park=pw.park, start=date(2023, 7, 1))
    assert report.state == "submitted"  # by the demo, on 2023-10-10
    page = text(county.post(q3, {"action": "approve"}, follow=True))
    assert "不能审核通过：服务记录 J-2023-03：缺少费用发票（附件1）" in page
    report.refresh_from_db()
    assert report.state == "submitted"
    county.post(q3, {"action": "return", "note": "J-2023-03 缺少费用发票"})
    report.refresh_from_db()
    assert report.state == "returned" and report.return_note == "J-2023-03 缺少费用发票"
    assert "J-2023-03 缺少费用发票" in text(editor.get(q3))
    row = pw.park.records.get(ref="J-2023-03")
    editor.post(url("record", pw.park.pk, row.pk), _upload("invoice.pdf", PDF))
    editor.post(q3, {"action": "submit"})
    county.post(q3, {"action": "approve"})
    report.refresh_from_db()
    assert report.state == "approved"
    assert [s["action"] for s in report.steps] == ["submit", "return", "submit", "approve"]
    assert history_of(report).count() == 4
    page = text(county.get(q3))
    assert "退回季度进度报告" in page and "季度进度报告审核通过" in page


def test_a_return_needs_a_note(pw: PW, login: Any) -> None:
    q4 = url("report", pw.park.pk, 4)
    login(pw.editor).post(q4, {"action": "submit"})
    page = text(login(pw.county).post(q4, {"action": "return", "note": " "}, follow=True))
    assert "退回须说明原因" in page
    assert QuarterlyReport.objects.get(park=pw.park, start=date(2023, 10, 1)).state == "submitted"


# Plan and catalogue ----------------------------------------------------------------------------


def test_a_catalogue_breach_blocks_the_plan_until_justified(pw: PW, login: Any) -> None:
    editor, county = login(pw.other_editor), login(pw.county)
    entry = {
        "institution": "示例人力资源公司",
        "service": "recruitment",
        "product": "招聘会",
        "price": "0.6",
        "market_price": "0.5",
        "unit": "次",
    }
    editor.post(url("catalogue_add", pw.other.pk), entry)
    plan_page = text(editor.get(url("plan", pw.other.pk)))
    assert "价格 0.6 万元高于市场参考价 0.5 万元" in plan_page
    assert "“人才招聘”类服务机构仅 1 家" in plan_page
    editor.post(url("plan_action", pw.other.pk), {"action": "submit"})
    page = text(county.post(url("plan_action", pw.other.pk), {"action": "approve"}, follow=True))
    assert "不能审核通过：“人才招聘”类服务机构仅 1 家" in page and "且未说明理由" in page
    plan = ServicePlan.objects.get(park=pw.other)
    assert plan.state == "submitted"
    pw.other.refresh_from_db()
    assert not pw.other.locked
    county.post(
        url("plan_action", pw.other.pk), {"action": "return", "note": "请补充计划并说明理由"}
    )
    form = {
        "schedule": "每季度一场招聘会",
        "fund_use": "按合同支付",
        "internal_rules": "资金管理办法",
        "justification_0": "本县仅一家人力资源机构",
        "justification_1": "诊断机构在遴选中",
        "justification_2": "含场地布置，经比价合理",
    }
    editor.post(url("plan", pw.other.pk), form)
    editor.post(url("plan_action", pw.other.pk), {"action": "submit"})
    county.post(url("plan_action", pw.other.pk), {"action": "approve"})
    plan.refresh_from_db()
    pw.other.refresh_from_db()
    assert plan.state == "approved" and pw.other.locked


# Money -------------------------------------------------------------------------------------


def test_tranche_gating_refusals_change_nothing(pw: PW, login: Any) -> None:
    county = login(pw.county)
    logged = ActionLog.objects.count()
    pay_first = {"form": "pay", "pay-tranche": "first", "pay-on": "2023-06-01"}
    page = text(county.post(url("tranches", pw.other.pk), pay_first))
    assert (
        "园区服务计划和资金使用方案尚未审核通过，不能拨付首笔资金（30%）（工作指南四（二））"
        in page
    )
    pay_second = {"form": "pay", "pay-tranche": "second", "pay-on": "2023-09-01"}
    page = text(county.post(url("tranches", pw.park.pk), pay_second))
    assert "尚未确认园区已建立工作机制并实质性推进服务工作" in page
    page = text(county.post(url("tranches", pw.park.pk), pay_first))
    assert "首笔资金（30%）已拨付，不能重复拨付" in page
    assert TranchePayment.objects.count() == 1  # the demo's first tranche
    assert ActionLog.objects.count() == logged


def test_the_second_tranche_after_the_county_decision(pw: PW, login: Any) -> None:
    county = login(pw.county)
    decision = {
        "form": "decision",
        "decision-on": "2023-09-01",
        "decision-share": "40",
        "decision-grounds": "工作机制已建立",
    }
    page = text(county.post(url("tranches", pw.park.pk), decision))
    assert "第二笔资金不得少于园区资金的50%" in page
    county.post(url("tranches", pw.park.pk), decision | {"decision-share": "50"})
    county.post(
        url("tranches", pw.park.pk),
        {"form": "pay", "pay-tranche": "second", "pay-on": "2023-09-05"},
    )
    second = TranchePayment.objects.get(park=pw.park, tranche="second")
    assert second.amount == Decimal(100) and second.grounds == "工作机制已建立"
    first = TranchePayment.objects.get(park=pw.park, tranche="first")
    assert first.amount == Decimal(60)
    ledger = services.ledger_of(pw.park)
    assert ledger.paid_total + ledger.unpaid == pw.park.money
    page = text(
        county.post(
            url("tranches", pw.park.pk),
            {"form": "pay", "pay-tranche": "final", "pay-on": "2024-01-05"},
        )
    )
    assert "中期绩效评价（附件2）尚未完成" in page
    mid = {
        "form": "mid_term",
        "mid_term-on": "2023-12-01",
        "mid_term-ratio": "80",
        "mid_term-grounds": "良",
    }
    page = text(county.post(url("tranches", pw.park.pk), mid))
    assert "实施期满1年（2024-01-01）后方可进行中期绩效评价" in page
    county.post(url("tranches", pw.park.pk), mid | {"mid_term-on": "2024-03-01"})
    county.post(
        url("tranches", pw.park.pk), {"form": "pay", "pay-tranche": "final", "pay-on": "2024-03-10"}
    )
    final = TranchePayment.objects.get(park=pw.park, tranche="final")
    assert final.amount == Decimal(32)  # (200 − 60 − 100) × 80 %
    pw.park.refresh_from_db()
    assert services.ledger_of(pw.park).withheld == Decimal(8)


# Deadlines ---------------------------------------------------------------------------------


def test_due_and_overdue_items_are_shown_and_flagged_upward(pw: PW) -> None:
    ids = {pw.park.owner_id}
    items = services.todo(pw.programme, ids, today=date(2023, 4, 20))
    due = {(item.deadline.rule.code, item.status.value) for _, item in items}
    assert due == {("service_plan", "due"), ("fund_use_plan", "due")}  # Q1 in on 04-10
    # the park's plan was submitted on 2023-04-28: done from then
    assert not services.todo(pw.programme, ids, today=date(2023, 5, 2))
    items = services.todo(pw.programme, {pw.other.owner_id}, today=date(2023, 4, 20))
    due = {(item.deadline.rule.code, item.status.value) for _, item in items}
    assert due == {
        ("service_plan", "due"),
        ("fund_use_plan", "due"),
        ("quarterly_report", "overdue"),
    }
    county_ids = {pw.programme.counties.get().economy_id}
    items = services.todo(pw.programme, county_ids, today=date(2023, 4, 20))
    own = [i for _, i in items if i.deadline.party == "示例县"]
    assert [(i.deadline.rule.code, i.status.value) for i in own] == [
        ("liaison_list", "overdue"),
        ("payment_plan", "due"),
    ]
    flagged = [i for _, i in items if i.deadline.party != "示例县"]
    assert {i.deadline.party for i in flagged} == {"示例县数字经济产业园"}
    assert all(i.flagged_to_name == "示例县" for i in flagged)
    province = services.todo(pw.programme, {pw.programme.owner_id}, today=date(2023, 4, 20))
    assert [(p, i.deadline.rule.code) for p, i in province] == [("浙江省", "liaison_list")]
    # the county hands the list in: it leaves both panels
    services.mark_submitted(
        pw.programme, own[0].deadline.key, county_ids, pw.county, date(2023, 4, 20)
    )
    assert not services.todo(pw.programme, {pw.programme.owner_id}, today=date(2023, 4, 20))


def test_the_home_page_shows_each_party_its_items(pw: PW, login: Any) -> None:
    page = text(login(pw.editor).get(url("home")))
    assert "绩效目标完成情况表（季报）" in page and "已逾期" in page
    page = text(login(pw.county).get(url("home")))
    assert "下级逾期" in page  # the parks' overdue reports, flagged to the county


def test_only_the_owing_party_marks_a_deadline(pw: PW, login: Any) -> None:
    key = "liaison_list/示例县//2023-04-18"
    login(pw.editor).post(url("deadline_submit", pw.programme.pk), {"key": key})
    assert not pw.programme.submissions.exists()
    login(pw.county).post(url("deadline_submit", pw.programme.pk), {"key": key})
    assert pw.programme.submissions.get().key == key


# Exports -------------------------------------------------------------------------------------


def test_the_mid_term_table_exports_from_the_records(pw: PW, login: Any) -> None:
    response = login(pw.county).get(url("mid_term_export", pw.park.pk, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "中期评价表" in "".join(str(c) for c in cells)
    assert "政策宣贯" in cells and "企业诊断" in cells
    response = login(pw.editor).get(url("mid_term_export", pw.park.pk, "docx"))
    document = Document(BytesIO(response.content))
    assert any("政策宣贯" in cell.text for t in document.tables for r in t.rows for cell in r.cells)
    assert login(pw.other_editor).get(url("mid_term_export", pw.park.pk, "xlsx")).status_code == 404


def test_the_liaison_list_is_for_the_county_and_the_province(pw: PW, login: Any) -> None:
    county = pw.programme.counties.get()
    target = url("liaison_export", pw.programme.pk, county.pk, "xlsx")
    for user in (pw.county, pw.finance, pw.province):
        response = login(user).get(target)
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert "周明" in values and demo.PARK in values
    assert login(pw.editor).get(target).status_code == 403
    assert login(pw.outsider).get(target).status_code == 404


def test_the_english_page_renders(pw: PW, login: Any) -> None:
    client = login(pw.county, HTTP_ACCEPT_LANGUAGE="en")
    page = text(client.get(url("park", pw.park.pk)))
    assert "Quarterly progress reports" in page


def test_the_province_decides_after_two_years_and_a_recovery_is_a_money_flow(
    pw: PW, login: Any
) -> None:
    final = {
        "form": "final",
        "final-on": "2024-06-01",
        "final-measures": ["notice", "recover"],
        "final-cut": "0",
        "final-recovery": "20",
        "final-grounds": "目标不达预期",
    }
    assert login(pw.county).post(url("tranches", pw.park.pk), final).status_code == 403
    province = login(pw.province)
    page = text(province.post(url("tranches", pw.park.pk), final))
    assert "实施期满2年（2024-12-31）后方可开展终期绩效评价" in page
    page = text(
        province.post(
            url("tranches", pw.park.pk), final | {"final-on": "2025-02-01", "final-recovery": "100"}
        )
    )
    assert "收回金额 100 万元超过已拨付的资金 60 万元" in page
    pw.park.refresh_from_db()
    assert pw.park.final_on is None
    province.post(url("tranches", pw.park.pk), final | {"final-on": "2025-02-01"})
    pw.park.refresh_from_db()
    assert pw.park.final_measures == ["notice", "recover"]
    assert pw.park.final_recovery == Decimal(20) and pw.park.recovery_payee == "浙江省"
    page = text(province.get(url("tranches", pw.park.pk)))
    assert 'id="recovery"' in page and "通报、收回" in page
    assert history_of(pw.park).filter(action="jixiao.pilots.final.decided").exists()


def test_the_county_payment_plan_adds_up_per_park(pw: PW, login: Any) -> None:
    page = text(login(pw.county).get(url("programme", pw.programme.pk)))
    assert "示例县 资金拨付方案" in page
    rows = payment_plan(
        services.core_programme(pw.programme), "示例县", services.shares_of(pw.park.county)
    )
    assert [(r.park, r.first, r.second, r.rest) for r in rows] == [
        (demo.PARK, Decimal(60), Decimal(100), Decimal(40)),
        ("示例县数字经济产业园", Decimal(45), Decimal(75), Decimal(30)),
    ]
    assert all(r.first + r.second + r.rest == r.total for r in rows)


def test_the_park_writes_the_mid_term_narratives(pw: PW, login: Any) -> None:
    editor = login(pw.editor)
    form = {"mechanism": "园区服务专班每月例会", "training_measures": "精益生产培训两期"}
    page = text(editor.post(url("mid_term", pw.park.pk), form | {"training_results": "很" * 5001}))
    assert "“业务培训”的成效和案例过长（5001 字，上限 5000 字）" in page
    pw.park.refresh_from_db()
    assert "training" not in pw.park.narratives
    assert editor.post(url("mid_term", pw.park.pk), form).status_code == 302
    pw.park.refresh_from_db()
    assert pw.park.narratives["training"] == {"measures": "精益生产培训两期", "results": ""}
    assert login(pw.county).post(url("mid_term", pw.park.pk), form).status_code == 403
    sheet = load_workbook(
        BytesIO(editor.get(url("mid_term_export", pw.park.pk, "xlsx")).content)
    ).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "精益生产培训两期" in values
    assert any("园区服务专班每月例会" in str(v) for v in values)


def test_the_county_cannot_change_the_parks_catalogue(pw: PW, login: Any) -> None:
    entry = {"institution": "某机构", "service": "training", "product": "培训"}
    entry |= {"price": "1", "market_price": "1", "unit": "次"}
    assert login(pw.county).post(url("catalogue_add", pw.other.pk), entry).status_code == 403
    assert login(pw.editor).post(url("catalogue_add", pw.other.pk), entry).status_code == 404
    assert not pw.other.catalogue.exists()
    # a submitted plan freezes the catalogue
    login(pw.other_editor).post(url("plan_action", pw.other.pk), {"action": "submit"})
    page = text(login(pw.other_editor).post(url("catalogue_add", pw.other.pk), entry, follow=True))
    assert "服务计划已提交或已审核通过，不能修改服务机构清单" in page
    assert not pw.other.catalogue.exists()


def test_a_body_far_above_the_limit_is_refused_before_it_is_read(pw: PW, login: Any) -> None:
    row = pw.park.records.get(ref="J-2023-03")
    response = login(pw.editor).post(
        url("record", pw.park.pk, row.pk),
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(12 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "每个文件不超过 10 MB" in text(response)
    assert not EvidenceFile.objects.filter(record=row, kind="invoice").exists()


# The final evaluation export, half-year summaries, what a change request changes --------------


def _decide_final(pw: PW, login: Any, **extra: str) -> None:
    response = login(pw.province).post(
        url("tranches", pw.park.pk),
        {
            "form": "final",
            "final-on": "2025-02-01",
            "final-measures": ["notice", "recover"],
            "final-cut": "0",
            "final-recovery": "20.5",
            "final-grounds": "目标完成率不足60%",
        }
        | extra,
    )
    assert response.status_code == 302


def test_the_final_evaluation_exports_once_decided(pw: PW, login: Any) -> None:
    export = url("final_export", pw.park.pk, "xlsx")
    assert login(pw.editor).get(export).status_code == 404  # nothing decided yet
    _decide_final(pw, login)
    page = text(login(pw.editor).get(url("tranches", pw.park.pk)))
    assert 'id="final-export"' in page and 'class="flow-link"' in page
    response = login(pw.editor).get(export)
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None and ws["A1"].value == "终期绩效评价结果"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows[2][:3] == ["通报", "是", "—"]
    assert rows[3][:3] == ["扣减", "否", "—"]
    assert rows[4][:3] == ["收回", "是", 20.5]
    assert rows[-1] == [200, 60, 0, 20.5, 39.5]  # money, paid, cut, recovered, kept
    docx = login(pw.province).get(url("final_export", pw.park.pk, "docx"))
    table = Document(BytesIO(docx.content)).tables[0]
    assert [c.text for c in table.rows[-1].cells] == ["200", "60", "0", "20.5", "39.5"]
    for user in (pw.other_editor, pw.outsider):
        assert login(user).get(export).status_code == 404
    assert login(pw.editor).get(url("final_export", pw.park.pk, "pdf")).status_code == 404


def _summary(name: str, content: bytes, period: str = "2023-06-30") -> dict[str, Any]:
    return {"period": period, "upload": SimpleUploadedFile(name, content)}


def test_the_county_uploads_its_half_year_summary_and_the_panel_counts_it(
    pw: PW, login: Any, media: Any
) -> None:
    county_row = pw.programme.counties.get()
    page_url = url("summaries", pw.programme.pk, county_row.pk)
    county = login(pw.county)
    page = text(county.get(page_url))
    assert "试点工作总结材料（2023年上半年）" in page and "未报送" in page
    for upload, message in (
        (_summary("总结.exe", b"MZ..."), "类型不支持"),
        (_summary("总结.pdf", b"not a pdf"), "已损坏或与扩展名不符"),
        (_summary("总结.pdf", PDF + b"0" * (10 * 1024 * 1024)), "过大"),
        (_summary("总结.pdf", PDF, period="2023-05-31"), "选择一个有效的选项"),
    ):
        assert message in text(county.post(page_url, upload))
    assert not county_row.summaries.exists()
    key = "half_year_summary/示例县//2023-06-30"
    prog = services.core_programme(pw.programme)
    assert key not in services.submitted_of(pw.programme, prog)
    assert county.post(page_url, _summary("../2023上半年总结.pdf", PDF)).status_code == 302
    stored = county_row.summaries.get()
    assert stored.name == "2023上半年总结.pdf" and stored.period_start == date(2023, 1, 1)
    assert stored.file.name.startswith("pilots/summaries/") and "总结" not in stored.file.name
    assert (media / stored.file.name).read_bytes() == PDF
    assert services.submitted_of(pw.programme, prog)[key] == stored.uploaded_on
    assert history_of(county_row).filter(action="jixiao.pilots.summary.uploaded").exists()
    # the finance bureau of the county may upload too; the province looks and downloads
    assert login(pw.finance).post(page_url, _summary("附件.pdf", PDF)).status_code == 302
    download = url("summary_download", pw.programme.pk, county_row.pk, stored.pk)
    response = login(pw.province).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert login(pw.province).post(page_url, _summary("x.pdf", PDF)).status_code == 403
    for user in (pw.editor, pw.outsider):  # a park does not see the county's part
        assert login(user).get(page_url).status_code == 404
        assert login(user).get(download).status_code == 404
    assert county_row.summaries.count() == 2


def test_half_year_summaries_are_no_longer_marked_by_hand(pw: PW, login: Any) -> None:
    key = "half_year_summary/示例县//2023-06-30"
    login(pw.county).post(url("deadline_submit", pw.programme.pk), {"key": key})
    assert not pw.programme.submissions.exists()


def test_the_county_sees_what_a_change_request_changes(pw: PW, login: Any) -> None:
    book = services.book_of(pw.park)
    public = tuple(
        dataclasses.replace(t, sessions=10) if t.service.label == "政策宣贯" else t
        for t in book.targets.public
    )
    precise = tuple(t for t in book.targets.precise if t.service.label != "数字化改造")
    enterprises = (
        *(
            dataclasses.replace(e, diagnosis="已建立财务制度")
            if e.name == "示例食品有限公司"
            else e
            for e in book.enterprises
        ),
        core.PilotEnterprise("示例新能源有限公司", core.EnterpriseClass.EARLY_STAGE, "初创"),
    )
    services.request_change(
        pw.park,
        core.TargetList(public, precise),
        enterprises,
        "调整宣贯场次，数字化改造改由县统一实施",
        pw.editor,
        date(2023, 9, 1),
    )
    page = text(login(pw.county).get(url("park", pw.park.pk)))
    assert 'id="change-1-diff"' in page
    lines = services.change_lines(pw.park, pw.park.changes.get())
    assert [(x.part, x.item, x.field, x.before, x.after) for x in lines] == [
        ("普惠性公共服务", "政策宣贯", "场次", "8", "10"),
        ("精准化个性服务", "数字化改造", "删除", "量化目标 4家", "—"),
        (
            "试点企业",
            "示例食品有限公司",
            "诊断结论",
            "财务制度不健全，缺少融资渠道",
            "已建立财务制度",
        ),
        ("试点企业", "示例新能源有限公司", "新增", "—", "企业类型 发展初期企业，诊断结论 初创"),
    ]
    for line in lines:
        assert line.item in page and line.after in page
    # once decided, the diff shown is the one kept at the decision (the targets now in force
    # already include the change, so a live diff would be empty)
    services.decide_change(pw.park, 1, "approve", "", pw.county, date(2023, 9, 5))
    pw.park.refresh_from_db()
    assert services.change_lines(pw.park, pw.park.changes.get()) == []
    decided = pw.park.changes.get()
    assert decided.decided_lines == [dataclasses.asdict(line) for line in lines]
    page = text(login(pw.county).get(url("park", pw.park.pk)))
    assert 'id="change-1-diff"' in page and "审核时的调整内容" in page
    for line in lines:
        assert line.item in page and line.after in page
    # reporting it to the province keeps the decided diff
    services.decide_change(pw.park, 1, "report", "", pw.county, date(2023, 9, 6))
    assert pw.park.changes.get().decided_lines == decided.decided_lines


def test_an_unchanged_request_says_so(pw: PW, login: Any) -> None:
    book = services.book_of(pw.park)
    services.request_change(
        pw.park, book.targets, book.enterprises, "核对", pw.editor, date(2023, 9, 1)
    )
    assert services.change_lines(pw.park, pw.park.changes.get()) == []
    assert "无实际调整" in text(login(pw.editor).get(url("park", pw.park.pk)))


def test_an_uploaded_summary_leaves_the_panels(pw: PW, media: Any) -> None:
    county_row = pw.programme.counties.get()
    county_ids = {county_row.economy_id}
    province_ids = {pw.programme.owner_id}

    def codes(ids: set[int], today: date) -> set[tuple[str, str, str]]:
        return {
            (party, item.deadline.rule.code, item.status.value)
            for party, item in services.todo(pw.programme, ids, today=today)
            if item.deadline.rule.code == "half_year_summary"
        }

    assert codes(county_ids, date(2023, 7, 20)) == {("示例县", "half_year_summary", "due")}
    assert codes(province_ids, date(2023, 8, 5)) == {("浙江省", "half_year_summary", "overdue")}
    services.upload_summary(
        county_row,
        date(2023, 6, 30),
        SimpleUploadedFile("总结.pdf", PDF),
        county_ids,
        pw.county,
        date(2023, 7, 25),
    )
    assert codes(county_ids, date(2023, 7, 28)) == set()
    assert codes(province_ids, date(2023, 8, 5)) == set()
    with pytest.raises(PilotError):  # a park does not owe the county's summary
        services.upload_summary(
            county_row,
            date(2023, 6, 30),
            SimpleUploadedFile("总结.pdf", PDF),
            {pw.park.owner_id},
            pw.editor,
        )


def test_the_programme_page_leads_the_county_to_its_summaries(pw: PW, login: Any) -> None:
    county_row = pw.programme.counties.get()
    page = text(login(pw.county).get(url("programme", pw.programme.pk)))
    assert url("summaries", pw.programme.pk, county_row.pk) in page
    assert 'href="#summaries"' in page  # its own summaries are overdue (the period is over)
    page = text(login(pw.editor).get(url("programme", pw.programme.pk)))
    assert url("summaries", pw.programme.pk, county_row.pk) not in page
