"""Worst case: the work of an answer is bounded by the question's length, counted in steps, never timed.

The query path ticks the answer's budget (rag/budget.py) in every loop whose length depends on
the question; these tests count those steps for hostile questions built from the product's own
word tables, and check the budget, the error hierarchy and the CLI's over-budget exit.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.answer import _COUNT_WORD, _LONGEST_STOPWORD, _function_word, function_word
from rag.bench.adversarial import BRACKETS, INVISIBLE, NUMERAL_SCRIPTS, hostile_questions, word_tables
from rag.budget import Budget, budget, tick
from rag.errors import (
    EncoderUnavailable,
    GuideQAError,
    IndexUnavailable,
    ParseError,
    QuestionError,
    QuestionTooComplex,
    StoreError,
)
from rag.lexicon import STOPWORDS

TABLES = word_tables()
LIMIT = 500
# Steps per character of question an answer may take (plus a fixed part for the stages). The
# step counts of every loop are linear in the question with small factors; an exponential or
# quadratic path would pass these bounds by orders of magnitude at 500 characters.
PER_CHAR = 40
FIXED = 2000


def _piece(family: str) -> st.SearchStrategy[str]:
    return st.sampled_from(TABLES[family])


# One hostile "word": a piece of any table, a digit of any script, a bracket, an invisible mark.
PIECE = st.one_of(*(_piece(f) for f in sorted(TABLES)), st.sampled_from([c for s in NUMERAL_SCRIPTS for c in s]),
                  st.sampled_from(BRACKETS), st.sampled_from(INVISIBLE))


@st.composite
def hostile(draw: st.DrawFn) -> str:
    """A question up to the length limit: pieces glued, repeated, chained with 或 / 、 or spaced."""
    pieces = draw(st.lists(PIECE, min_size=1, max_size=6))
    sep = draw(st.sampled_from(["", "", " ", "或", "/", "、", "和", "\u200b", "？"]))
    size = draw(st.integers(min_value=1, max_value=LIMIT))
    order = draw(st.lists(st.integers(min_value=0, max_value=len(pieces) - 1), min_size=1, max_size=40))
    unit = sep.join(pieces[i] for i in order) + sep
    text = (unit * (size // max(1, len(unit)) + 1))[:size].strip()
    return text or "项目"


def _old_function_word(term: str) -> bool:
    """The definition function_word must keep: stopwords all the way, a count word may end it."""

    @cache
    def f(t: str) -> bool:
        if t in STOPWORDS or _COUNT_WORD.fullmatch(t):
            return True
        return any(t[:i] in STOPWORDS and f(t[i:]) for i in range(1, len(t)))

    return f(term)


@given(st.lists(st.sampled_from(sorted(STOPWORDS) + ["几件", "多少台", "车", "x", "要的"]), min_size=1, max_size=6)
       .map("".join))
def test_function_word_keeps_its_meaning(term: str) -> None:
    assert function_word(term) == _old_function_word(term)


@pytest.mark.parametrize("term", ["a" * 499, "whomany" * 70 + "zq", "请问需要" * 125, "的" * 500, "几" * 499 + "件"])
def test_function_word_is_linear(term: str) -> None:
    # 'whomany' * 24 + 'zq' took over 100 s and 499 × 'a' overflowed the stack: every split was tried.
    _function_word.cache_clear()
    with budget(None) as b:
        function_word(term)
    assert 0 < b.steps <= len(term) * _LONGEST_STOPWORD


def test_budget_counts_and_abandons() -> None:
    clock = iter([0.0, 0.5, 1.0, 2.0]).__next__
    b = Budget(1.5, clock=clock)  # deadline 1.5 on this clock
    b.tick(3)
    b.tick()
    with pytest.raises(QuestionTooComplex, match="too complex"):
        b.tick()
    assert b.steps == 5
    tick(10)  # no answer in progress: nothing to count, nothing raised


def test_errors_are_one_hierarchy_with_the_old_names() -> None:
    from rag import encoder, index, parse
    from web import store

    assert parse.ParseError is ParseError and index.IndexError_ is IndexUnavailable
    assert encoder.EncoderUnavailable is EncoderUnavailable and store.StoreError is StoreError
    for cls in (ParseError, IndexUnavailable, EncoderUnavailable, QuestionError, QuestionTooComplex, StoreError):
        assert issubclass(cls, GuideQAError)
    # Callers that caught the built-ins before keep catching them.
    assert issubclass(ParseError, ValueError) and issubclass(QuestionError, ValueError)
    assert issubclass(IndexUnavailable, RuntimeError) and issubclass(StoreError, RuntimeError)
    assert issubclass(QuestionTooComplex, QuestionError)


def _steps(engine, question: str) -> int:
    engine.answers.clear()
    _function_word.cache_clear()
    try:
        engine.ask(question)
    except QuestionError as e:
        assert not isinstance(e, QuestionTooComplex), question
    return int(engine.last_steps)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile())
def test_hostile_questions_take_bounded_work(engine, question: str) -> None:
    steps = _steps(engine, question)
    assert steps <= PER_CHAR * len(question) + FIXED, (steps, question)


def test_generated_set_is_hostile_and_bounded(engine) -> None:
    qs = hostile_questions(120)
    assert len(qs) == 120 and all(0 < len(q) <= LIMIT for q in qs)
    assert sum(len(q) >= 450 for q in qs) > 60  # most are near the limit
    worst = max(qs, key=lambda q: _steps(engine, q))
    assert _steps(engine, worst) <= PER_CHAR * len(worst) + FIXED


def test_work_grows_linearly_with_length(engine) -> None:
    # Doubling a hostile question at most about doubles its work (an n² path would quadruple it).
    for unit in ("请问需要", "whomany", "项目四或", "不少于10项以上", "【\u200b项目四考核指标", "的"):
        short = _steps(engine, (unit * 250)[:250])
        long = _steps(engine, (unit * 500)[:500])
        assert long <= 2.5 * short + FIXED, (unit, short, long)


def test_an_answer_over_budget_is_abandoned_and_not_cached(engine) -> None:
    original = engine.settings
    engine.settings = replace(original, answer_budget_s=1e-9)
    try:
        engine.answers.clear()
        with pytest.raises(QuestionTooComplex):
            engine.ask("项目四出资要求")
        assert engine.cached("项目四出资要求") is None
    finally:
        engine.settings = original
    assert engine.ask("项目四出资要求").answered  # the same engine answers once the budget allows


def test_cli_says_too_complex_and_exits_non_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from rag.cli import main
    from tests.conftest import make_settings

    s = make_settings(tmp_path)
    for k, v in {"RAG_CORPUS_DIR": s.corpus_dir, "RAG_INDEX_DIR": s.index_dir, "RAG_EMBED_MODEL": "none",
                 "RAG_ANSWER_BUDGET": "0.000000001"}.items():
        monkeypatch.setenv(k, str(v))
    r = CliRunner().invoke(main, ["ask", "项目四出资要求"], catch_exceptions=False)
    assert r.exit_code == 1 and "too complex" in r.stderr and "Traceback" not in r.output + r.stderr


@pytest.mark.parametrize("value", ["fast", "-1", "nan", "inf"])
def test_a_bad_budget_setting_is_named(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.settings import Settings

    monkeypatch.setenv("RAG_ANSWER_BUDGET", value)
    with pytest.raises(ValueError, match="RAG_ANSWER_BUDGET"):
        Settings.from_env()
    monkeypatch.setenv("RAG_ANSWER_BUDGET", "0.5")
    assert Settings.from_env().answer_budget_s == 0.5
