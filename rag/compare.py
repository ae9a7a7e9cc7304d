"""Numeric conditions in questions (不少于10项, more than 1000万元) and whether a metric meets them."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.normalize import normalize
from rag.units import UNITS, Quantity, cn_value, quantities

# Possessive (++): nothing after a number starts with a digit, so giving digits back can never
# help a match, and trying to made a run of 500 digits cost 0.2 s (rag bench --adversarial).
_N = r"(\d++(?:\.\d++)?|[一二两三四五六七八九十百千]{1,5}+)"
# Chinese numerals a condition may be written in (超过三年); 十 alone is ten, 十二 twelve, 二十 twenty.
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Words before a number, by the comparison they ask for. Strict words stay strict: 超过 10 is
# not met by ≥10, 不少于 10 is. Longer words first, so 不超过 is never read as 超过.
_BEFORE: list[tuple[str, str]] = [
    (">=", r"不少于|不低于|不小于|至少|起码|最少|达到|no less than|not less than|at least|minimum of|min\.?"),
    ("<=", r"不超过|不高于|不大于|不多于|至多|最多|no more than|not more than|at most|up to|maximum of|max\.?"),
    (">", r"超过|大于|高于|多于|more than|greater than|over|above|exceeding|exceeds?"),
    ("<", r"不到|不足|不满|少于|低于|小于|less than|fewer than|under|below"),
    # Exactly this amount (上限正好是一千万元): one figure, however it is written (1000 万元).
    ("==", r"正好是|恰好是|刚好是|正好为|恰好为|刚好为|正好|恰好|刚好|正是|等于|exactly"),
    # Not ≥ or ≤: a question that writes "≥10项" quotes the guide and means that figure.
]
# Words after a number (10项以上, 500万元以内), with up to a short unit between.
_AFTER: list[tuple[str, str]] = [
    (">=", r"及以上|或以上|或者以上|以上|或更多|或者更多|起|\+|or more|and above|or above"),
    ("<=", r"及以下|或以下|以下|以内|之内|or less|or fewer|and below"),
]
# Spaces, then a unit with the spaces after it: one way to read a run of spaces, where
# \s*(?:unit)?\s* had n² (and every digit before them another n: 1.8 s at 500 characters).
_UNIT = r"\s*+(?:(?:万元|亿元|万|亿|项|个|人|家|张|类|辆|条|年|km2|tb|pb|%|[a-z]{1,6})\s*+)?"
# After a number that follows its word: a magnitude and a unit (一千万元, 1亿元, 5千万, 300s), read
# by rag.units so 1亿元 and 10000 万元 are one amount. The same one-way spacing as _UNIT.
_AMOUNT = (r"\s*+(?:个\s*+)?(?:(?:千万|百万|[千万亿])\s*+)?(?:(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
           + r")(?![a-z])\s*+)?")
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
    "==": lambda a, b: abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0),
}
# A word must start a word ("cover 38" is not "over 38"); a sign may follow one (gpu≥800).
# 达到1千万或者更多: a word after the amount that repeats the one before it belongs to the condition.
_AGAIN = "(?:" + "|".join(w for _, w in _AFTER) + ")?"
_PATTERNS = [(op, re.compile(rf"{'(?<![a-z])' * words[0].isalnum()}(?:{words})\s*{_N}({_AMOUNT}){_AGAIN}"))
             for op, words in _BEFORE] + [
    (op, re.compile(rf"{_N}{_UNIT}(?:{words})")) for op, words in _AFTER
]


@dataclass(frozen=True)
class Condition:
    """A number the answer must be compared with: op is one of >=, <=, >, <."""

    op: str
    value: float  # the number as written: 500 of 500万元
    text: str = field(default="", compare=False)  # as the question wrote it: 不超过1000
    # With a magnitude or unit written (1亿元, 一千万元): the amount in its dimension's base unit.
    amount: Quantity | None = field(default=None, compare=False)

    def met_by(self, found: Quantity) -> bool:
        """Return True if a quantity of a metric meets the condition (1亿元 is met by 10000 万元)."""
        if self.amount is None:
            return _OPS[self.op](found.number, self.value)
        if self.amount.dimension and found.dimension and self.amount.dimension != found.dimension:
            return False
        return _OPS[self.op](found.value, self.amount.value)


# 亿元级别, 千万级: an order of magnitude asks for at least one of it (1亿元 and more).
_ORDER = re.compile(r"(千万|百万|[万亿])(元|人次)?(?:级别|量级|级)")


def conditions(text: str) -> tuple[list[Condition], str]:
    """Return the numeric conditions a normalised question states and the text without them."""
    found: list[Condition] = []
    for m in _ORDER.finditer(text):
        read = quantities("1" + m.group(1) + (m.group(2) or ""))
        found.append(Condition(">=", 1.0, m.group(0), read[0] if read else None))
    text = _ORDER.sub(" ", text)
    for op, pat in _PATTERNS:
        for m in pat.finditer(text):
            amount = None
            if m.lastindex == 2 and m.group(2).strip():
                read = quantities(m.group(1) + m.group(2).strip())
                amount = read[0] if read else None
            found.append(Condition(op, _value(m.group(1)), re.sub(r"\s+", "", m.group(0)), amount))
        text = pat.sub(" ", text)
    return found, text


def _value(token: str) -> float:
    if token[0].isdigit():
        return float(token)
    if "百" in token or "千" in token:
        return cn_value(token) or 0.0
    tens, _, ones = token.rpartition("十")
    if "十" not in token:
        return float(_CN.get(token, 0))
    return float(_CN.get(tens, 1) * 10 + _CN.get(ones, 0))


def satisfies(text: str, conds: list[Condition]) -> bool:
    """Return True if some quantity in text meets every condition (one metric: 授权发明专利≥15 项)."""
    return any(all(c.met_by(x) for c in conds) for x in quantities(normalize(text)))
