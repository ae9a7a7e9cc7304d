"""Any text at all through the whole query path: an Answer or a clear ValueError, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.query import understand

PIECES = st.sampled_from(["项目四", "項目", "出资", "project 3", "？", "≥", "\u200b", "\u202e", "\x00", "\x1b[31m",
                          "<script>alert(1)</script>", "'; DROP TABLE questions; --", "🙂", "🇨🇳", "ｐｒｏｊｅｃｔ",
                          "=cmd|' /C calc'!A0", "\ufeff", "\r\n", "第", "号", "几", "𠀀", "\udcff"])
TEXT = st.one_of(
    st.text(max_size=600),
    st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=40).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=400, max_size=520),
)


def _ask(engine, text: str, previous: str | None = None) -> None:
    try:
        a = engine.ask(text, previous=previous)
    except ValueError as e:
        assert str(e)  # a message for the user
        stripped = text.strip() if isinstance(text, str) else ""
        assert not stripped or len(stripped) > engine.settings.max_question_chars
        return
    assert isinstance(a.answered, bool) and a.took_ms >= 0
    for c in a.citations:
        assert engine.documents[c.doc].text[c.start : c.end] == c.text
    a.to_json().encode("utf-8")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.one_of(st.none(), TEXT))
def test_any_text_gives_an_answer_or_a_clear_error(engine, text: str, previous: str | None) -> None:
    _ask(engine, text, previous)


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=501, max_value=10_000))
def test_long_pastes_are_refused_clearly(engine, n: int) -> None:
    text = ("项目四出资要求" * n)[:n]
    try:
        engine.ask(text)
    except ValueError as e:
        assert "500" in str(e)
    else:
        raise AssertionError("a paste over the limit must be refused")


@given(st.text(max_size=200))
def test_understand_is_total(text: str) -> None:
    q = understand(text)
    assert all(n > 0 for n in q.project_numbers)
