"""Section roles: what a numbered heading of any guide in the family is for.

Guides of the family word their headings differently (资助强度 / 支持强度 / 经费支持, 实施周期 /
执行期限 …). A citation keeps the guide's own words; the role is internal: it is what question
words point at (出资 → the funding role) and what `Engine.guides()` reads funding and period
clauses from. A role is named by its canonical heading, the words `SECTION_SYNONYMS` is keyed by.
"""

from __future__ import annotations

from functools import cache

PROBLEM = "拟解决问题"
TARGETS = "考核指标"
ORGANISATION = "组织方式"
ELIGIBILITY = "申报条件"
FUNDING = "资助强度"
PERIOD = "实施周期"
NOTES = "其他说明"
# Sections of the general part (总体要求, 申报须知 …): they belong to no project.
GENERAL = "总则"

# Role → the heading words guides of the family use for it, most specific first within a role.
ROLE_HEADINGS: dict[str, tuple[str, ...]] = {
    PROBLEM: ("拟解决问题", "拟解决的问题", "主要研究内容", "研究内容", "建设内容", "研究任务", "主要任务", "重点任务",
              "研发内容", "攻关内容"),
    TARGETS: ("考核指标", "预期目标", "绩效目标", "预期成果", "考核目标", "技术指标"),
    ORGANISATION: ("组织方式", "组织形式", "遴选方式"),
    ELIGIBILITY: ("申报条件", "申报要求", "申报主体", "申报单位", "申请条件", "申报资格"),
    FUNDING: ("资助强度", "支持强度", "经费支持", "支持方式", "资助方式", "资助额度", "经费额度", "财政支持"),
    PERIOD: ("实施周期", "实施年限", "执行期限", "执行周期", "实施期限", "项目周期"),
    NOTES: ("其他说明", "有关说明", "其他要求", "其他事项", "备注", "说明"),
}
# Single characters or short words that decide a heading no table entry names (项目考核要求 →
# targets), tried in this order: notes before eligibility, so 其他要求 is not 申报要求.
_FALLBACK: tuple[tuple[str, str], ...] = (
    ("其他", NOTES), ("说明", NOTES), ("指标", TARGETS), ("目标", TARGETS), ("成果", TARGETS), ("考核", TARGETS),
    ("绩效", TARGETS),
    ("经费", FUNDING), ("资助", FUNDING), ("资金", FUNDING), ("强度", FUNDING),
    ("周期", PERIOD), ("年限", PERIOD), ("期限", PERIOD),
    ("组织", ORGANISATION), ("条件", ELIGIBILITY), ("主体", ELIGIBILITY), ("要求", ELIGIBILITY),
    ("内容", PROBLEM), ("问题", PROBLEM), ("任务", PROBLEM),
)
ROLES: tuple[str, ...] = tuple(ROLE_HEADINGS)


@cache
def role_of(heading: str | None) -> str | None:
    """Return the role of a project section heading (支持强度 → 资助强度); None if none fits."""
    if not heading:
        return None
    h = heading.strip()
    for role, words in ROLE_HEADINGS.items():
        if h in words:
            return role
    for role, words in ROLE_HEADINGS.items():
        if any(len(w) > 2 and w in h for w in words):
            return role
    for word, role in _FALLBACK:
        if word in h:
            return role
    return None
