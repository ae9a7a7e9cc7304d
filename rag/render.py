"""Render an Answer as terminal text (the web renders the same object with templates)."""

from __future__ import annotations

from rag.types import Answer


def render_text(ans: Answer) -> str:
    """Return the answer, its citations and any note, for `rag ask`."""
    lines = []
    if ans.answered:
        if ans.rows:
            for labels, text in ans.rows:
                lines.append(f"{'、'.join(labels)}：{text}")
        else:
            lines.append(ans.answer)
        lines.append("")
        for i, c in enumerate(ans.citations, 1):
            title = f" {c.project_title}" if c.project_title and i == 1 and not ans.rows else ""
            lines.append(f"  [{i}] {c.project or ''}{title} · {c.section or ''}  ({c.doc}:{c.start}-{c.end})")
    else:
        lines.append("指南中没有找到这个问题的答案。 (The guide does not answer this.)")
        if ans.suggestions:
            lines.append("相关章节 / nearest sections: " + "；".join(ans.suggestions))
    if ans.note:
        lines.append(f"注：{ans.note}")
    lines.append(f"({ans.took_ms:.1f} ms)")
    return "\n".join(lines)
