"""Quantities with units and magnitudes, normalised so both sides of a comparison agree.

1亿元 = 10000万元 = 1e8 元, 5千万 = 5e7, 300s = 5 分钟, 50km2 = 50 平方公里, 1亿人次 = 10000万人次.
The unit table is family-wide (what guides of this kind measure), not one guide's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# Unit → (dimension, factor to the dimension's base unit). Longer spellings are matched first.
UNITS: dict[str, tuple[str, float]] = {
    "元": ("money", 1.0),
    "平方公里": ("area", 1.0), "平方千米": ("area", 1.0), "km2": ("area", 1.0), "km²": ("area", 1.0),
    "平方米": ("area", 1e-6), "m2": ("area", 1e-6), "m²": ("area", 1e-6), "亩": ("area", 1 / 1500),
    "毫秒": ("time", 1e-3), "ms": ("time", 1e-3), "秒钟": ("time", 1.0), "秒": ("time", 1.0), "s": ("time", 1.0),
    "分钟": ("time", 60.0), "min": ("time", 60.0), "小时": ("time", 3600.0), "h": ("time", 3600.0),
    "天": ("time", 86400.0),
    "纳米": ("length", 1e-9), "nm": ("length", 1e-9), "微米": ("length", 1e-6), "μm": ("length", 1e-6),
    "毫米": ("length", 1e-3), "mm": ("length", 1e-3), "厘米": ("length", 1e-2), "cm": ("length", 1e-2),
    "公里": ("length", 1e3), "千米": ("length", 1e3), "km": ("length", 1e3), "米": ("length", 1.0), "m": ("length", 1.0),
    "kb": ("data", 1e-9), "mb": ("data", 1e-6), "gb": ("data", 1e-3), "tb": ("data", 1.0), "pb": ("data", 1e3),
    "tflops": ("compute", 1e-3), "pflops": ("compute", 1.0), "eflops": ("compute", 1e3),
    "fps": ("rate", 1.0), "帧": ("rate", 1.0), "qps": ("qps", 1.0),
    # 多少度 asks a slope (坡度≥15°) or a temperature (≥120℃, °c once folded): one dimension, so a
    # project measuring neither sets no such target.
    "°c": ("degree", 1.0), "度": ("degree", 1.0), "°": ("degree", 1.0),
    "人次": ("visits", 1.0), "人": ("people", 1.0), "名": ("people", 1.0), "位": ("people", 1.0),
    "%": ("percent", 1.0),
}
# Magnitude words between a number and its unit: 5千万, 1亿, 10000万.
MAGNITUDES = {"千": 1e3, "万": 1e4, "亿": 1e8, "千万": 1e7, "百万": 1e6}
_CN_NUM = "零一二两三四五六七八九十百千万亿"
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# A number (digits, grouped by thousands as a PDF may space them: 2 000; or Chinese numerals), an optional magnitude, an optional measure word (十个亿)
# and an optional unit. ASCII units must end a word: 30fps, not the s of "seconds".
QUANTITY = re.compile(
    rf"(?<![\d.a-z])(\d{{1,3}}(?:[ ,]\d{{3}})+(?![\d.])|\d+(?:\.\d+)?|[{_CN_NUM}]+)\s*(?:个)?\s*(千万|百万|[千万亿])?\s*"
    rf"(?:({_UNIT_RE})(?![a-z]))?"
)
# How people ask for a dimension without writing a unit (多大一块地方 is an area).
SPOKEN_DIMENSIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:铺开|划出|覆盖)?多大(?:一?块|一?片)?(?:的)?(?:地方|面积|范围|区域|地盘|地|田)|铺开多大|划出多大"
                r"|多少(?:地方|面积)|占地|面积(?:最|更)?(?:大|小)"), "area"),
    (re.compile(r"几秒|多少秒|多少毫秒|几分钟|多少分钟|几个小时|多少小时|多长时间|多久|多快|多少时间"), "time"),
    (re.compile(r"多远|多长距离|多少公里|几公里|多宽|多少厘米"), "length"),
    (re.compile(r"多少帧|几帧"), "rate"),
    # 坏掉的比例要降到多少 is a percentage (损耗率≤8%), 多陡的坡 a slope in degrees.
    (re.compile(r"比例|占比|比率|百分比|百分之几|几成|多少个点"), "percent"),
    (re.compile(r"多陡|多少度的坡|坡度多大"), "degree"),
]


@dataclass(frozen=True)
class Quantity:
    """A number in its dimension's base unit; dimension '' when no unit was written."""

    value: float
    dimension: str
    text: str
    at: int = field(default=0, compare=False)  # offset in the text it was read from
    number: float = field(default=0.0, compare=False)  # as written, before magnitude and unit: 1000 of 1000 万元


@lru_cache(maxsize=4096)
def cn_value(token: str) -> float | None:
    """Return the value of a Chinese numeral (一千, 十二), or None when it is none cn2an reads."""
    import cn2an

    try:
        # 一万万 is an old way to write 一亿, which cn2an does not read.
        return float(cn2an.cn2an(token.replace("万万", "亿"), "smart"))
    except (ValueError, KeyError, IndexError, TypeError):  # not a numeral cn2an reads (一些, 万一)
        return None


def quantities(text: str) -> list[Quantity]:
    """Return the quantities written in a (normalised, lower-case) text, in order."""
    out = []
    for m in QUANTITY.finditer(text):
        number, magnitude, unit = m.group(1), m.group(2), m.group(3)
        if number[0].isdigit():
            value: float | None = float(number.replace(" ", "").replace(",", ""))
        else:
            if not magnitude and not unit or len(number) == 1 and number in "万亿千百":
                continue  # a bare Chinese character (一, 万) is a word more often than a number
            value = cn_value(number)
        if value is None:
            continue
        written = value
        value *= MAGNITUDES.get(magnitude or "", 1.0)
        dim, factor = UNITS.get(unit or "", ("", 1.0))
        out.append(Quantity(value * factor, dim, m.group(0).strip(), m.start(), written))
    return out


def dimensions(text: str) -> set[str]:
    """Return the dimensions of the quantities a text states."""
    return {q.dimension for q in quantities(text) if q.dimension}


_ASKED_UNIT = re.compile(rf"(?:多少|几|什么|多大)\s*(?:万|亿|千)?\s*({_UNIT_RE})(?![a-z])")


def asked_units(question: str) -> dict[str, str]:
    """Return dimension → the unit a question asks its number in (多少平方公里 → area: 平方公里)."""
    return {UNITS[u][0]: u for u in _ASKED_UNIT.findall(question)}


def asked_dimensions(question: str, spoken: bool = True) -> set[str]:
    """Return the dimensions a question asks for: a unit it names (多少TB) or a spoken measure."""
    dims = set(asked_units(question))
    if spoken:
        dims |= {dim for pat, dim in SPOKEN_DIMENSIONS if pat.search(question)}
    return dims | {w for d in dims for w in WIDER.get(d, ())}


# A dimension a question asks that a wider one answers: 服务多少人 is met by 1000 万人次.
WIDER = {"people": ("visits",)}


def same_value(a: Quantity, b: Quantity) -> bool:
    """Return True if two quantities are one amount (1亿元 and 10000万元; 5分钟 and 300s)."""
    if a.dimension and b.dimension and a.dimension != b.dimension:
        return False
    return abs(a.value - b.value) <= 1e-9 * max(abs(a.value), abs(b.value), 1.0)
