"""Target expressions: read what people type into 年度指标值 and 实际完成值 cells.

The cells are typed by hand (``》10亿``, ``满意度99%以上``, ``1小时以内响应``), so ``parse`` reads
a small grammar — label, comparator word or symbol, number, magnitude, unit, 以上/以内 suffix,
trailing words — and falls back to a qualitative expression instead of ever raising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from jixiao.core.money import HUNDRED, to_decimal
from jixiao.core.records import builder


class Comparator(StrEnum):
    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="
    RANGE = "~"


@dataclass(frozen=True, slots=True)
class Expression:
    """One parsed cell; ``comparator is None`` means no number could be read."""

    raw: str
    comparator: Comparator | None
    value: Decimal | None
    upper: Decimal | None
    unit: str
    text: str
    explicit: bool
    approximate: bool

    @property
    def is_quantitative(self) -> bool:
        return self.value is not None

    @property
    def is_qualitative(self) -> bool:
        return self.value is None


# Cells are read table after table: an Expression is set through its slots (records.builder),
# several times faster than the frozen dataclass's own __init__.
_expression = builder(Expression)


# In these tables 》 is written for ≥ and 《 for ≤; full-width forms are folded to ASCII.
_FOLD = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | dict.fromkeys("％﹪", "%")
    | dict.fromkeys("＞﹥", ">")
    | dict.fromkeys("＜﹤", "<")
    | dict.fromkeys("＝═", "=")
    | dict.fromkeys("≧⩾》", "≥")
    | dict.fromkeys("≦⩽《", "≤")
    | dict.fromkeys("～〜∼", "~")
    | dict.fromkeys("－−", "-")
    | {"．": ".", "＋": "+", "／": "/"}
)

_FOLDABLE = re.compile("[" + re.escape("".join(map(chr, _FOLD))) + "]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _tagged(**groups: str) -> dict[str, Comparator]:
    """``GE="a b"`` → ``{"a": GE, "b": GE}``: comparators keyed by how they are written."""
    return {word: Comparator[name] for name, text in groups.items() for word in text.split()}


_SYMBOLS = _tagged(GE=">= => ≥", LE="<= =< ≤", GT=">", LT="<", EQ="== =")
_WORDS = _tagged(
    GE="不低于 不少于 不小于 大于等于 大于或等于 至少 达到",
    GT="大于 超过 高于 多于",
    LE="不超过 不高于 不多于 不大于 小于等于 小于或等于 至多 最多 控制在",
    LT="小于 低于 少于",
    EQ="等于",
)
_SUFFIXES = _tagged(GE="以上 及以上", LE="以下 及以下 以内 之内 内")
_COMPARATORS = _SYMBOLS | _WORDS | _SUFFIXES
_MAGNITUDES = {"万亿": 12, "千万": 7, "百万": 6, "十万": 5, "万": 4, "亿": 8, "千": 3}
_ALIASES = {  # written form → normalized unit
    "百分比": "%",
    "日": "天",
    "小时/日": "小时/天",
    "个小时": "小时",
    "星期": "周",
    "个工作日": "工作日",
    "个月": "月",
}
_UNITS = frozenset(_ALIASES) | _words(
    "% ‰ 个百分点 百分点 元 家 户 家次 户次 次 人次 场次 场 回 人 名 位 个 项 件 篇 份 条 本 期 批"
    " 届 座 台 套 所 辆 笔 张 处 类 种 款 支 单 页 倍 分 点 亩 平方米 平方公里 公里 千米 米 吨"
    " 千克 公斤 克 千瓦时 度 分钟 小时/天 小时 天 工作日 周 月 年"
)
_GROUPS = (_words("次 场 场次 回"), _words("家 户"), _words("分钟 小时 天 周"))
_MINUTES = {"分钟": Decimal(1), "小时": Decimal(60), "天": Decimal(1440), "周": Decimal(10080)}


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so 不超过 wins over 超过 and 场次 over 场."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _quantity(i: int) -> str:
    magnitude = _alternation(m for m in _MAGNITUDES if m != "千") + "|千(?![米克瓦])"
    return (
        rf"(?P<n{i}>[-+]?(?:[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|\.[0-9]+))"
        rf"(?P<m{i}>{magnitude})?(?P<a{i}>余|多)?(?P<u{i}>{_alternation(_UNITS)})?"
    )


_GRAMMAR = re.compile(
    rf"(?P<label>.*?)(?P<word>{_alternation(_WORDS)})?(?P<sym>{_alternation(_SYMBOLS)})?"
    rf"(?P<pre>大约|约)?{_quantity(1)}(?:(?P<sep>-|~|至|到|——|—|–|―){_quantity(2)})?"
    rf"(?P<post>左右)?(?P<suffix>{_alternation(_SUFFIXES)})?(?P<rest>.*)",
    re.DOTALL,
)
# Words after a number that go straight on into another number: a date, 7×24, 1:1, 2024-12.
_COMPOUND = re.compile(r"[:：×xX*/.,\-~]?[0-9]")
_DIGIT = re.compile(r"[0-9]")


def _clean(raw: str) -> str:
    """Drop surrounding whitespace and the trailing 。/. people type out of habit."""
    return raw.strip().rstrip("。.．").strip()


def _compact(text: str) -> str:
    if _FOLDABLE.search(text):  # translate looks every character up: only when one folds
        text = text.translate(_FOLD)
    return "".join(text.split())


def _unit(unit: str | None) -> str:
    return _ALIASES.get(unit, unit) if unit else ""


def _scale(value: Decimal, power: int) -> Decimal:
    """Shift the decimal point exactly (no context rounding): 4.5 × 10⁴ → 45000."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return value
    exponent += power
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


def _number(number: str, magnitude: str | None) -> Decimal:
    value = to_decimal(number)
    return _scale(value, _MAGNITUDES[magnitude]) if magnitude else value


def _qualitative(raw: str) -> Expression:
    return _expression(raw, None, None, None, "", _clean(raw), False, False)


# The commonest cells (``95``, ``≥90%``, ``>150000``, ``1374家``, ``不少于500家``, ``10亿元以上``)
# read without the full grammar, which tries every label length and every comparator word: the
# same Expression, several times faster (tests/core/test_targets.py compares the two readings).
_PLAIN = re.compile(
    r"(?P<word>不少于|不低于|不超过|不高于)?(?P<sym>>=|<=|≥|≤|>|<)?(?P<n1>[0-9]+(?:\.[0-9]+)?)"
    r"(?P<m1>万|亿)?(?P<u1>%|家|户|次|人次|个|项|件|天|小时|分钟|元)?"
    r"(?P<suffix>及以上|及以下|以上|以下|以内)?"
)


def _read(text: str | None) -> Expression:
    """Read one cell; ``None`` and ``""`` give an empty qualitative expression."""
    raw = text or ""
    plain = _PLAIN.fullmatch(raw)  # a plain cell is already clean and compact
    if plain is None:
        compact = _compact(_clean(raw))
        plain = _PLAIN.fullmatch(compact)
        if plain is None:
            return _read_grammar(raw, compact)
    word, sym, n1, m1, u1, suffix = plain.groups()
    written = sym or word or suffix  # as _quantitative: a symbol beats a word beats 以上
    comparator = _COMPARATORS[written] if written else Comparator.EQ
    return _expression(
        raw, comparator, _plain_value(n1, m1), None, u1 or "", "", bool(written), False
    )


def _plain_value(n1: str, m1: str | None) -> Decimal:
    return _scale(Decimal(n1), _MAGNITUDES[m1]) if m1 else Decimal(n1)


def _read_quantity(text: str | None) -> tuple[Decimal | None, str]:
    """``parse(text)``'s value and unit; a plain cell without building its Expression."""
    plain = _PLAIN.fullmatch(text) if text else None
    if plain is not None:
        n1, m1, u1 = plain.group("n1", "m1", "u1")
        return _plain_value(n1, m1), u1 or ""
    expression = parse(text)
    return expression.value, expression.unit


def _read_grammar(raw: str, compact: str) -> Expression:
    """``_read`` by the full grammar (``compact``: the cell cleaned and folded)."""
    match = _GRAMMAR.fullmatch(compact) if _DIGIT.search(compact) else None
    if match is None:
        return _qualitative(raw)
    label = match["label"].rstrip(":：")
    rest = match["rest"].lstrip("，,、：:；;")
    if (label and rest) or _COMPOUND.match(match["rest"]):
        return _qualitative(raw)  # a compound commitment such as 12小时联系，7天内办结
    try:
        return _quantitative(raw, match, label + rest)
    except (ArithmeticError, ValueError):
        return _qualitative(raw)


if TYPE_CHECKING:
    from functools import _lru_cache_wrapper

    def parse(text: str | None) -> Expression:
        """Read one cell; ``None`` and ``""`` give an empty qualitative expression."""

    _parse: _lru_cache_wrapper[Expression]  # the same cache, for cache_info()/cache_clear()

    def quantity(text: str | None) -> tuple[Decimal | None, str]:
        """A cell's number and unit, as ``parse`` reads them (the ratio methods need no more)."""

    _quantities: _lru_cache_wrapper[tuple[Decimal | None, str]]
else:  # the same cells come back table after table: each distinct text is read once
    parse = _parse = lru_cache(maxsize=8192)(_read)
    quantity = _quantities = lru_cache(maxsize=8192)(_read_quantity)


def _quantitative(raw: str, match: re.Match[str], text: str) -> Expression:
    n1, m1, u1, n2, m2, u2 = match.group("n1", "m1", "u1", "n2", "m2", "u2")
    sym, word, suffix, pre, post, a1, a2 = match.group(
        "sym", "word", "suffix", "pre", "post", "a1", "a2"
    )
    approximate = bool(pre or post or a1 or a2)
    value, unit = _number(n1, m1 or (m2 if n2 else None)), _unit(u1)  # 1-2万: 1万 to 2万
    if n2 is not None:
        upper, unit2 = _number(n2, m2), _unit(u2)
        if unit and unit2 and unit != unit2:
            value = convert(value, unit, unit2)  # ValueError → qualitative
        low, high = min(value, upper), max(value, upper)
        return _expression(raw, Comparator.RANGE, low, high, unit2 or unit, text, True, approximate)
    written = sym or word or suffix  # a symbol beats a word beats 以上/以内
    comparator = _COMPARATORS[written] if written else Comparator.EQ
    return _expression(raw, comparator, value, None, unit, text, bool(written), approximate)


def units_compatible(a: str, b: str) -> bool:
    """Whether two units measure the same thing ("" — no unit written — fits anything)."""
    a, b = _unit(a), _unit(b)
    if not a or not b or a == b:
        return True
    return any(a in group and b in group for group in _GROUPS)


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert between time units (1天 = 24小时, 1周 = 7天); identity for other compatible units."""
    source, target = _unit(from_unit), _unit(to_unit)
    if not units_compatible(source, target):
        raise ValueError(f"cannot convert {from_unit!r} to {to_unit!r}")
    if source != target and source in _MINUTES and target in _MINUTES:
        return value * _MINUTES[source] / _MINUTES[target]
    return value


_AFFIRMATIVE = _words(
    "完成 已完成 达到 已达到 达标 已达标 健全 已健全 是 有 100% 全部完成 按时完成"
)
_DONE = _words("完成 已完成 达到 已达到 达标 已达标 全部完成 按时完成")
_NEGATIVE = _words("未完成 否 无 未达到 不健全 未达标 没有 未健全")


@lru_cache(maxsize=8192)
def _key(raw: str) -> str:
    """A cell as compared with another: cleaned, folded, without spaces."""
    return _compact(_clean(raw))


def _verdict(key: str, affirmative: frozenset[str]) -> bool | None:
    if key in affirmative:
        return True
    return False if key in _NEGATIVE else None


def is_met(
    target: Expression, actual: Expression, *, lower_is_better: bool | None = None
) -> bool | None:
    """Whether ``actual`` meets ``target``; ``None`` when the two cannot be compared.

    An empty actual is never met nor failed: nothing has been reported yet.
    """
    target_key, actual_key = _key(target.raw), _key(actual.raw)
    if not actual_key:
        return None
    if target_key == actual_key:
        return True
    if target.value is None:  # (the actual written as the target itself was met above)
        full = actual.comparator is Comparator.EQ and actual.unit == "%" and actual.value == HUNDRED
        return True if full else _verdict(actual_key, _AFFIRMATIVE)
    if actual.value is None:
        return _verdict(actual_key, _DONE)
    if not units_compatible(target.unit, actual.unit):
        return None
    a = convert(actual.value, actual.unit, target.unit) if target.unit else actual.value
    return _compare(target, target.value, a, actual.comparator, lower_is_better)


def _compare(
    target: Expression,
    t: Decimal,
    a: Decimal,
    actual_comparator: Comparator | None,
    lower_is_better: bool | None,
) -> bool:
    """Compare numbers already in the target's unit.

    An actual written as ``>120`` strictly exceeds 120, so it meets a ``>120`` target too.
    """
    match target.comparator:
        case Comparator.GE:
            return a >= t
        case Comparator.GT:
            return a > t or (a == t and actual_comparator is Comparator.GT)
        case Comparator.LE:
            return a <= t
        case Comparator.LT:
            return a < t or (a == t and actual_comparator is Comparator.LT)
        case Comparator.RANGE:
            return t <= a <= (target.upper if target.upper is not None else t)
        case _ if target.explicit:
            return a == t
        case _:
            return a <= t if lower_is_better is True else a >= t
