"""The words for jixiao.core's refusal and credit-code codes, through the app's catalog.

The core keeps the same sentences in Chinese for the CLI and files; here they are gettext
messages so an English page reads English.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import subsidies
from jixiao.core.credit_code import CreditCodeCheck, Problem
from jixiao.core.subsidies import Reason, Refusal

CREDIT_CODE: dict[Problem, Promise] = {
    Problem.EMPTY: gettext_lazy("请填写统一社会信用代码"),
    Problem.LENGTH: gettext_lazy("统一社会信用代码应为18位，实际为%(detail)s位"),
    Problem.CHARACTER: gettext_lazy(
        "统一社会信用代码含有不允许的字符“%(detail)s”（只能是数字和除I、O、S、V、Z以外的大写字母）"
    ),
    Problem.AUTHORITY: gettext_lazy("统一社会信用代码第1位登记管理部门代码“%(detail)s”不存在"),
    Problem.KIND: gettext_lazy("统一社会信用代码第1—2位机构类别代码“%(detail)s”不存在"),
    Problem.REGION: gettext_lazy("统一社会信用代码第3—8位行政区划码“%(detail)s”无效"),
    Problem.ORGANISATION_CODE: gettext_lazy(
        "统一社会信用代码第9—17位（组织机构代码）校验不通过，请核对是否填错"
    ),
    Problem.CHECK: gettext_lazy("统一社会信用代码校验位（第18位）不符，请核对是否填错"),
}

REFUSALS: dict[Refusal, Promise] = {
    Refusal.BLACKLISTED: gettext_lazy("未通过信用审查：该企业列入失信名单（%(detail)s）"),
    Refusal.DUPLICATE: gettext_lazy(
        "重复申报：该企业已申报过“%(detail)s”，每家企业每类补贴只能申报一次"
    ),
    Refusal.OUTSIDE_PERIOD: gettext_lazy("费用发生期间不在补贴基期内（%(detail)s）"),
    Refusal.NEGATIVE_AMOUNT: gettext_lazy("费用金额不能为负数"),
    Refusal.NO_COST: gettext_lazy("费用金额须大于零"),
    Refusal.UNKNOWN_CATEGORY: gettext_lazy("本政策没有补贴类别“%(detail)s”"),
}

# Which form field each refusal belongs to.
FIELDS: dict[Refusal, str] = {
    Refusal.INVALID_CREDIT_CODE: "credit_code",
    Refusal.BLACKLISTED: "credit_code",
    Refusal.DUPLICATE: "category",
    Refusal.OUTSIDE_PERIOD: "period_start",
    Refusal.NEGATIVE_AMOUNT: "cost",
    Refusal.NO_COST: "cost",
    Refusal.UNKNOWN_CATEGORY: "category",
}


def credit_code_message(result: CreditCodeCheck) -> str:
    if result.problem is None:
        return ""
    return str(CREDIT_CODE[result.problem]) % {"detail": result.detail}


def refusal_message(reason: Reason, code_check: CreditCodeCheck | None = None) -> str:
    """The reason in the user's language; an invalid code says which part is wrong."""
    if reason.refusal is Refusal.INVALID_CREDIT_CODE:
        return credit_code_message(code_check) if code_check else _("统一社会信用代码无效")
    if reason.refusal is Refusal.OUTSIDE_PERIOD and reason.detail == subsidies.REVERSED_PERIOD:
        return _("费用发生起始日晚于截止日")
    return str(REFUSALS[reason.refusal]) % {"detail": reason.detail}
