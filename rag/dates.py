"""When-questions (什么时候截止, by when) and the clauses that answer them: those holding a date.

A question after a point in time is answered by a date or a clock time, whatever words surround
it: 网上填报什么时候截止 is answered by 填报时间为 5 月 6 日 9:00 至 6 月 9 日 17:00, which never
says 截止. Words that only say which end of a window is meant (截止, 之前, 开始) are met by the date.
"""

from __future__ import annotations

import re

# Asking for a point in time, not a duration (多久, 多长时间 ask a period: rag/units.py).
WHEN = re.compile(
    r"什么时候|什么时间|啥时候|哪天|哪一天|哪日|几号|几月|几点|何时|何日|什么日子|哪个日子|什么日期|哪个时间|"
    r"截止日期|截止时间|截至日期|截至时间|申报时间|填报时间|起止时间|哪年|哪月|"
    r"\bwhen\b|what date|which date|what time|by when|\bdeadline|\bdue date|\bwindow\b"
)
# A date or clock time as guides write them: 2026 年 6 月 9 日, 5 月 20 日前, 17:00.
DATE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年\s*\d{1,2}\s*月|(?<!\d)\d{1,2}:\d{2}(?!\d)")
# Words of a when-question that place the asked date relative to an event (截止, 之前): the date
# itself answers them, so a clause holding the date need not repeat them.
TIME_RELATIONS = frozenset(
    "截止 截至 之前 以前 前 之后 以后 后 开始 结束 为止 起 止 时候 时间 日期 何时 哪天 几号 几月 天 日 号 月 几时".split()
)


# A calendar date asked outright (哪年哪月开始, which date): a length (不超过 3 年) does not answer it.
DATE_ASK = re.compile(r"哪年|哪月|几月几|几号|哪天|哪一天|具体日期|起止日期|起止时间|what date|which date|start date|"
                      r"which month|which year")


def asks_date(norm: str) -> bool:
    """Return True if a normalised question asks for a calendar date, not only for a time."""
    return DATE_ASK.search(norm) is not None


def asks_when(norm: str) -> bool:
    """Return True if a normalised question asks for a date or time (什么时候截止, by when)."""
    return WHEN.search(norm) is not None


# A window of two dates or times (3 月 1 日 9:00 至 3 月 31 日 17:00, 5 月 6 日—6 月 5 日).
_WINDOW = re.compile(r"(?:[日号月]|\d:\d{2})\s*(?:至|到|—|－|-|~|～)\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*[月:]")


def has_range(text: str) -> bool:
    """Return True if a text states a window from one date or time to another."""
    return _WINDOW.search(text) is not None


def has_date(text: str) -> bool:
    """Return True if a text states a date or a clock time."""
    return DATE.search(text) is not None


# A period as guides write it: a range of months (2025 年 12 月至 2028 年 11 月) or a length (不超过 3 年).
_RANGE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?\s*(?:至|到|—|－|-|~|～)\s*"
                    r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_LENGTH = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?|[一二两三四五六七八九十]{1,3})\s*(?:个)?\s*(年|月)")
_YEAR = re.compile(r"\d{4}\s*年")


def period_months(text: str) -> float | None:
    """Return how many months a period clause spans (a range counts both end months), or None.

    2025 年 12 月至 2028 年 11 月 → 36; 不超过 3 年 → 36; 18 个月 → 18. A lone end date (至 2028 年
    11 月) gives no length: None.
    """
    m = _RANGE.search(text)
    if m:
        y1, m1, y2, m2 = (int(g) for g in m.groups())
        months = (y2 - y1) * 12 + (m2 - m1) + 1
        return float(months) if months > 0 else None
    if _YEAR.search(text):
        return None
    m = _LENGTH.search(text)
    if not m:
        return None
    from rag.units import cn_value

    n = float(m.group(1)) if m.group(1)[0].isdigit() else cn_value(m.group(1))
    if n is None:
        return None
    return n * 12 if m.group(2) == "年" else n
