"""统一社会信用代码 by GB 32100-2015: real published codes pass, every single-character change
is caught, and each kind of mistake is named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.credit_code import (
    CHARSET,
    WEIGHTS,
    Problem,
    check,
    check_character,
    complete,
    describe,
    is_valid,
    normalise,
    organisation_check,
)

# Codes published on company registrations and websites (enterprises, 91…), and the style
# example of the brief; each also carries a valid GB 11714 organisation code at 9–17.
REAL = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91350100M000100Y43",
]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code: str) -> None:
    result = check(code)
    assert result.ok, result.reason
    assert result.code == code
    assert describe(result) == ""


def test_the_check_character_by_hand() -> None:
    # 9144030019220382 1 6: Σ value × weight over the first 17, then 31 − Σ mod 31.
    first17 = "91440300192203821"
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    assert (31 - total % 31) % 31 == CHARSET.index("6")
    assert check_character(first17) == "6"


def test_a_remainder_of_zero_gives_the_character_zero() -> None:
    # 31 − 0 = 31 → 0: find such a body among made-up ones and check it is written "0"
    for n in range(1000):
        body = complete(f"91510781MA{n:06d}")
        if body.endswith("0"):
            first17 = body[:17]
            total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
            assert total % 31 == 0
            assert is_valid(body)
            return
    pytest.fail("no body with check character 0 in 1000 tries")


def test_the_organisation_code_check_of_gb_11714() -> None:
    # 19220382 → 1: Σ (1·3 + 9·7 + 2·9 + 2·10 + 0·5 + 3·8 + 8·4 + 2·2) = 164; 11 − 164 mod 11 = 1
    assert organisation_check("19220382") == "1"
    assert organisation_check("70846113") == "6"
    assert organisation_check("M000100Y") == "4"


def test_input_is_normalised() -> None:
    assert check(" 91440300708461136t ").ok
    assert check("９１４４０３００１９２２０３８２１６").ok  # full-width digits
    assert normalise("9144 0300") == "91440300"


@pytest.mark.parametrize(
    ("text", "problem", "words"),
    [
        ("", Problem.EMPTY, "请填写"),
        ("91440300708461136", Problem.LENGTH, "实际为17位"),
        ("91440300708461136TT", Problem.LENGTH, "实际为19位"),
        ("91440300708461I36T", Problem.CHARACTER, "“I”"),
        ("Z1440300708461136T", Problem.CHARACTER, "“Z”"),
        ("B1440300708461136T", Problem.AUTHORITY, "登记管理部门代码“B”"),
        ("94440300708461136T", Problem.KIND, "机构类别代码“94”"),
        ("91990300708461136T", Problem.REGION, "行政区划码“990300”"),
        ("9144A300708461136T", Problem.REGION, "行政区划码"),
        ("91440300708461146T", Problem.ORGANISATION_CODE, "组织机构代码"),
        ("91440300708461136U", Problem.CHECK, "校验位"),
    ],
)
def test_each_mistake_is_named_in_chinese(text: str, problem: Problem, words: str) -> None:
    result = check(text)
    assert result.problem is problem
    assert not result.ok
    assert words in result.reason


def test_the_expected_check_character_is_never_revealed() -> None:
    # Telling it would invite "fixing" a mistyped code by changing only its last character.
    result = check("91440300708461136U")
    assert "T" not in result.reason


def test_complete_builds_valid_codes() -> None:
    assert complete("9144030070846113") == "91440300708461136T"
    assert is_valid(complete("91510781MA6JY001"))


bodies = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=6, max_size=6)
kinds = st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "53", "Y1"])
regions = st.sampled_from(["510781", "110108", "440300", "330100", "350100", "100000"])


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    org_body = draw(st.sampled_from(["MA", "70", "19", "55"])) + draw(bodies)
    code = complete(draw(kinds) + draw(regions) + org_body)
    assert is_valid(code)
    return code


@given(valid_codes(), st.integers(min_value=0, max_value=17), st.data())
def test_changing_any_one_character_breaks_validity(
    code: str, position: int, data: st.DataObject
) -> None:
    replacement = data.draw(st.sampled_from([c for c in CHARSET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid(changed)


@given(valid_codes(), st.integers(min_value=0, max_value=15))
def test_swapping_two_neighbours_that_differ_breaks_validity(code: str, position: int) -> None:
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    assert not is_valid(swapped)
