"""Find the projects a question names by topic: the distinctive words of project titles."""

from __future__ import annotations

from collections import defaultdict

from rag.parse import CN_DIGITS, Document
from rag.tokenize import Tokenizer

# Title words too general to name one project, even when only one title happens to use them.
GENERIC = frozenset(
    "面向 基于 关键 技术 关键技术 核心 研发 应用 系统 平台 服务 智能 场景 城市 重庆 作业 产业 生成 模型 "
    "大模型 全域 复杂 及 与 和 的 山地 道路 服务平台 智能服务 核心技术".split()
)


def project_number(n: int) -> str:
    """Return the guide's label for project n: 4 → 项目四, 12 → 项目十二."""
    if n <= 10:
        return "项目" + CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return "项目" + (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def topic_words(docs: list[Document], tok: Tokenizer) -> dict[str, set[tuple[str, str]]]:
    """Return word → {(project label, doc)} for title words that name exactly one project of a guide."""
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for d in docs:
        seen: dict[str, set[str]] = defaultdict(set)
        for p in d.projects:
            for w in tok.words(p.title):
                if len(w) >= 2 and w not in GENERIC:
                    seen[w].add(p.label)
        for w, labels in seen.items():
            if len(labels) == 1:
                out[w].add((next(iter(labels)), d.id))
    return dict(out)
