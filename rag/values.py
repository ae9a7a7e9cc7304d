"""Values a section takes across the family (公开竞争, 揭榜挂帅, 定向委托) that a question filters by.

哪些不是公开竞争，而是揭榜挂帅或定向委托 asks for the projects whose 组织方式 is one of two values
and not a third: a filter on the rows of a cross answer, not words to score clauses by. The
table is family-wide product knowledge: every guide of this kind organises projects these ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.normalize import normalize, strip_spaces
from rag.roles import FUNDING, ORGANISATION

# Role → value → the words a question or a guide writes it with (normalised, longest first).
SECTION_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    ORGANISATION: {
        "公开竞争": ("公开竞争", "竞争性评审", "竞争性遴选", "竞争择优", "竞争性", "竞争", "公开招标", "招标",
                 "open competition", "competitive"),
        "揭榜挂帅": ("揭榜挂帅", "揭榜", "挂帅", "open call for solutions"),
        "定向委托": ("定向委托", "择优委托", "定向", "委托", "指定", "designated", "commissioned"),
    },
    # Whether the money comes before the work or after its acceptance (哪些项目是后补助).
    FUNDING: {
        "后补助": ("事后补助", "后补助", "事后资助", "后资助", "post-completion", "after acceptance"),
        "前资助": ("事前资助", "前资助", "事前补助", "先期资助", "upfront"),
    },
}
# Words that negate what follows them in the same part of a question (是不是 asks, it does not negate).
NEGATION = re.compile(r"(?<!是)不是|并非|不属于|不采用|不采取|不走|而非|\bnot\b|\brather than\b")
_PARTS = re.compile(r"[,;。?!，；？！]")
# Asking which rows hold a value, rather than what the rows are.
_WHICH = re.compile(r"哪|有没有|有无|是否有|\bwhich\b|\bany\b")
# … unless each project's value is asked as well (分别采用什么组织方式，哪些是揭榜挂帅): every row
# answers both, the wanted value among them.
_EACH = re.compile(r"(?:分别|各自|各是|每个项目|每一个项目)[^,;。?!，；？！]{0,8}(?:什么|啥|哪种|哪一种|怎么|怎样|如何)"
                   r"|\brespectively\b|\beach project\b")


@dataclass(frozen=True)
class ValueFilter:
    """The section values a question wants rows to hold and those it wants them not to."""

    role: str = ""
    wanted: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    named: tuple[str, ...] = field(default=(), compare=False)  # as the question wrote them
    # Whether rows are chosen by the values (哪些是定向委托, 有没有哪个…); a question that only
    # names them (是择优委托还是竞争性评审) is answered by every project's row.
    which: bool = False

    def __bool__(self) -> bool:
        return self.which and bool(self.wanted or self.excluded)

    def admits(self, text: str) -> bool:
        """Return True if a section's text holds a wanted value (any, if none is wanted) and no excluded one."""
        flat = strip_spaces(normalize(text))
        has = {v for v in (*self.wanted, *self.excluded) if _holds(flat, self.role, v)}
        return (not self.wanted or bool(has & set(self.wanted))) and not has & set(self.excluded)


def _holds(flat: str, role: str, value: str) -> bool:
    return any(w in flat for w in SECTION_VALUES[role][value] if not w.isascii())


def value_filter(norm: str) -> ValueFilter:
    """Return the section values a normalised question names, negated ones (不是公开竞争) apart."""
    for role, values in SECTION_VALUES.items():
        wanted: list[str] = []
        excluded: list[str] = []
        named: list[str] = []
        for part in _PARTS.split(norm):
            neg = NEGATION.search(part)
            for value, words in values.items():
                at = min((part.find(w) for w in words if w in part), default=-1)
                if at < 0:
                    continue
                named.append(value)
                (excluded if neg is not None and neg.start() < at else wanted).append(value)
        if wanted or excluded:
            return ValueFilter(role, tuple(dict.fromkeys(wanted)), tuple(dict.fromkeys(excluded)), tuple(named),
                               _WHICH.search(norm) is not None and _EACH.search(norm) is None)
    return ValueFilter()
