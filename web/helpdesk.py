"""What the staff view and its CSV show of a logged question: answer, citation, understood-as,
times in the configured zone (the store keeps UTC), and the date filter's bounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass
class Logged:
    """One logged question as help-desk staff read it."""

    asked_at: str  # in the configured zone
    question: str
    previous: str  # what it followed, when it was a follow-up
    understood: str  # the follow-up as the engine read it; empty when it is the question itself
    answered: bool
    answer: str  # the guide's words; empty when unanswered
    citation: str  # 项目四 · 资助强度
    took_ms: float = 0.0
    scope: str = ""  # the guide asked of (the picker's choice), '' for all guides
    sources: list[str] = field(default_factory=list)  # the guides the answer cites, first cited first


def local(t: datetime | None, tz: ZoneInfo) -> str:
    """Return a stored (UTC) time as 'YYYY-MM-DD HH:MM' in `tz`."""
    if t is None:
        return ""
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def logged(row: dict, tz: ZoneInfo) -> Logged:
    """Return a store row (recent, unanswered, downvotes or export) as staff read it."""
    question = row.get("question") or ""
    understood = row.get("understood") or ""
    answered = bool(row.get("answered", True))
    return Logged(local(row.get("asked_at"), tz), question, row.get("previous") or "",
                  understood if understood != question else "", answered,
                  (row.get("answer_text") or "") if answered else "", (row.get("citation") or "") if answered else "",
                  float(row.get("took_ms") or 0), row.get("scope_doc") or "",
                  [d for d in (row.get("answer_docs") or "").split(",") if d])


def bounds(start: str | None, end: str | None, tz: ZoneInfo) -> tuple[datetime | None, datetime | None, str, str]:
    """Return the UTC window for the days start..end (inclusive, days in `tz`) and the days as given
    back to the form; ValueError for a malformed or reversed date."""
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

    def utc(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)

    return (utc(d0) if d0 else None, utc(d1 + timedelta(days=1)) if d1 else None,
            d0.isoformat() if d0 else "", d1.isoformat() if d1 else "")


def offset_minutes(tz: ZoneInfo) -> int:
    """Return the zone's offset from UTC now, in minutes (for counting questions per local day)."""
    off = datetime.now(tz).utcoffset()
    return int(off.total_seconds() // 60) if off else 0
