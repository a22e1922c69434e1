"""统一社会信用代码 (unified social credit identifier), checked by GB 32100-2015.

Eighteen characters from the 31-character set ``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z):

====== =====================================================================
1      登记管理部门代码 (registration authority: 1 机构编制, 5 民政, 9 工商, …)
2      机构类别代码 (kind within that authority: 91 企业, 92 个体工商户, …)
3–8    登记管理机关行政区划码 (six digits, GB/T 2260; the first two name the province)
9–17   主体标识码 = the 组织机构代码 of GB 11714 (eight characters and its own check)
18     校验码: 31 − (Σ value × weight mod 31), 31 → 0, read back through the character set
====== =====================================================================

The checker returns a :class:`Problem` code with its parameters; :func:`describe` gives the
Chinese sentence (the web layer translates the same codes through its catalog).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jixiao.core.text import Text

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(CHARSET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
MODULUS = 31

# GB 11714 组织机构代码: 8 body characters (digits = 0-9, letters A=10 … Z=35) and a check.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 登记管理部门 → its 机构类别 codes (GB 32100-2015 表 1 with the later assignments of the
# national code centre: 外交, 司法行政, 文化, 旅游, 宗教, 工会, 军队, 农业).
AUTHORITIES: dict[str, tuple[str, frozenset[str]]] = {
    "1": ("机构编制", frozenset("1239")),
    "2": ("外交", frozenset("19")),
    "3": ("司法行政", frozenset("1234569")),
    "4": ("文化", frozenset("19")),
    "5": ("民政", frozenset("1239")),
    "6": ("旅游", frozenset("129")),
    "7": ("宗教", frozenset("129")),
    "8": ("工会", frozenset("19")),
    "9": ("工商", frozenset("123")),
    "A": ("中央军委改革和编制办公室", frozenset("19")),
    "N": ("农业", frozenset("1239")),
    "Y": ("其他", frozenset("1")),
}
# Provinces of GB/T 2260 (and 10 for registrations at national level).
PROVINCES = frozenset(
    {"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"}
    | {"37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62"}
    | {"63", "64", "65", "71", "81", "82"}
)


class Problem(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTER = "character"
    AUTHORITY = "authority"
    KIND = "kind"
    REGION = "region"
    ORGANISATION_CODE = "organisation_code"
    CHECK = "check"


@dataclass(frozen=True, slots=True)
class CreditCodeCheck:
    """The outcome: ``code`` normalised (trimmed, upper case); ``problem`` None when valid."""

    code: str
    problem: Problem | None = None
    detail: str = ""  # the offending character or length (never the expected check character:
    # showing it would invite "fixing" a mistyped code by its last character)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def reason(self) -> str:
        return describe(self)


def check_character(first17: str) -> str:
    """The 18th character for the first seventeen (all from :data:`CHARSET`)."""
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(MODULUS - total % MODULUS) % MODULUS]


def organisation_check(body: str) -> str:
    """The GB 11714 check character of an eight-character 组织机构代码 body."""
    total = sum(_org_value(char) * weight for char, weight in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def normalise(text: str) -> str:
    """Trimmed, spaces removed, full-width letters/digits folded, upper case."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if "！" <= ch <= "～" else ch for ch in text if not ch.isspace()
    )
    return folded.upper()


def check(text: str) -> CreditCodeCheck:
    """Check ``text`` as a 统一社会信用代码; the first problem found, in reading order."""
    code = normalise(text)
    if not code:
        return CreditCodeCheck(code, Problem.EMPTY)
    if len(code) != LENGTH:
        return CreditCodeCheck(code, Problem.LENGTH, str(len(code)))
    bad = next((ch for ch in code if ch not in VALUES), None)
    if bad is not None:
        return CreditCodeCheck(code, Problem.CHARACTER, bad)
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        return CreditCodeCheck(code, Problem.AUTHORITY, code[0])
    if code[1] not in authority[1]:
        return CreditCodeCheck(code, Problem.KIND, code[:2])
    if not code[2:8].isdigit() or code[2:4] not in PROVINCES:
        return CreditCodeCheck(code, Problem.REGION, code[2:8])
    if code[16] != organisation_check(code[8:16]):
        return CreditCodeCheck(code, Problem.ORGANISATION_CODE)
    if code[17] != check_character(code[:17]):
        return CreditCodeCheck(code, Problem.CHECK)
    return CreditCodeCheck(code)


def is_valid(text: str) -> bool:
    return check(text).ok


def complete(first16: str) -> str:
    """The full code for its first sixteen characters: both check characters appended (tests,
    demo data and tools that build codes)."""
    body = normalise(first16)
    with_org = body + organisation_check(body[8:16])
    return with_org + check_character(with_org)


MESSAGES: dict[Problem, Text] = {
    Problem.EMPTY: Text("请填写统一社会信用代码"),
    Problem.LENGTH: Text("统一社会信用代码应为18位，实际为{detail}位"),
    Problem.CHARACTER: Text(
        "统一社会信用代码含有不允许的字符“{detail}”（只能是数字和除I、O、S、V、Z以外的大写字母）"
    ),
    Problem.AUTHORITY: Text("统一社会信用代码第1位登记管理部门代码“{detail}”不存在"),
    Problem.KIND: Text("统一社会信用代码第1—2位机构类别代码“{detail}”不存在"),
    Problem.REGION: Text("统一社会信用代码第3—8位行政区划码“{detail}”无效"),
    Problem.ORGANISATION_CODE: Text(
        "统一社会信用代码第9—17位（组织机构代码）校验不通过，请核对是否填错"
    ),
    Problem.CHECK: Text("统一社会信用代码校验位（第18位）不符，请核对是否填错"),
}


def describe(result: CreditCodeCheck) -> str:
    """The Chinese reason for a failed check (a :class:`Text`); empty for a valid code."""
    if result.problem is None:
        return ""
    return Text(MESSAGES[result.problem].template, detail=result.detail)
