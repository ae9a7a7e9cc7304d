"""What the staff view and its CSV show of a logged question: answer, citation, understood-as,
times in the configured zone, and the date filter's bounds in UTC (the store's clock)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

STORED = "%Y-%m-%d %H:%M:%S"


@dataclass
class Logged:
    """One logged question as help-desk staff read it."""

    asked_at: str  # in the configured zone
    question: str
    previous: str
    understood: str  # the follow-up as the engine read it; empty when it is the question itself
    answered: bool
    answer: str  # the guide's words, rows joined; empty when unanswered
    citation: str  # 项目四 · 资助强度, several joined with ；
    note: str
    took_ms: float = 0.0


def local(stored: str | None, tz: ZoneInfo) -> str:
    """Return a stored UTC time as 'YYYY-MM-DD HH:MM' in `tz`; unparseable text as it is."""
    if not stored:
        return ""
    try:
        t = datetime.strptime(stored, STORED).replace(tzinfo=UTC)
    except ValueError:
        return stored
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def logged(row: dict, tz: ZoneInfo) -> Logged:
    """Return a store row (with its answer_json) as staff read it."""
    try:
        a = json.loads(row.get("answer_json") or "{}")
    except ValueError:
        a = {}
    if a.get("rows"):
        answer = "；".join(f"{'、'.join(r.get('projects') or [])}：{r.get('text', '')}" for r in a["rows"])
    else:
        answer = a.get("answer", "")
    seen: list[str] = []
    cites = a.get("citations") or []
    for c in cites if a.get("rows") else cites[:1]:
        label = " · ".join(p for p in (c.get("project"), c.get("section")) if p) or c.get("doc", "")
        if label not in seen:
            seen.append(label)
    question = row.get("question", "")
    resolved = a.get("resolved") or ""
    answered = bool(row.get("answered", a.get("answered")))
    return Logged(local(row.get("asked_at"), tz), question, row.get("previous") or "",
                  resolved if resolved != question else "", answered, answer if answered else "",
                  "；".join(seen) if answered else "", a.get("note", ""), float(row.get("took_ms") or 0))


def bounds(start: str | None, end: str | None, tz: ZoneInfo) -> tuple[str, str, str, str]:
    """Return (since, until) in stored UTC for the days start..end (inclusive) in `tz`, and the
    days as given back for the form; ValueError for a malformed or reversed date."""
    def day(text: str | None) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as e:
            raise ValueError(f"日期应为 YYYY-MM-DD：{text[:20]}") from e

    d0, d1 = day(start), day(end)
    if d0 and d1 and d1 < d0:
        raise ValueError("结束日期早于开始日期")

    def utc(d: date) -> str:
        return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC).strftime(STORED)

    since = utc(d0) if d0 else ""
    until = utc(d1 + timedelta(days=1)) if d1 else "9999"
    return since, until, d0.isoformat() if d0 else "", d1.isoformat() if d1 else ""


def offset_minutes(tz: ZoneInfo) -> int:
    """Return the zone's offset from UTC now, in minutes (for counting questions per local day)."""
    off = datetime.now(tz).utcoffset()
    return int(off.total_seconds() // 60) if off else 0
