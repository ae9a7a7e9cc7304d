"""Every regular expression in rag/ and web/ is free of catastrophic backtracking (regexploit).

Three sources of patterns: literals in the source (regexploit's own Python scanner), patterns
compiled at import (module globals, tables of patterns), and patterns compiled while the engine
answers (f-strings built from the lexicon and from the question's numbers). Each is checked as
`re.search` runs it: with a leading [\\s\\S]* for the start positions tried, which turns an n²
pattern (\\s*\\s*x) into the n³ a 500-character question would pay.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import warnings
from pathlib import Path

import pytest

import rag
import web

ROOT = Path(__file__).resolve().parent.parent


def _parser():
    from regexploit.ast.sre import SreOpParser

    class Parser(SreOpParser):  # type: ignore[misc]
        """regexploit 1.0 predates Python 3.11's possessive repeats and atomic groups.

        Both forbid backtracking into what they matched; reading them as their backtracking
        forms (a++ as a+, (?>x) as (?:x)) can only find more danger, never hide any.
        """

        def from_POSSESSIVE_REPEAT(self, data):  # noqa: N802
            return self.from_MAX_REPEAT(data)

        def from_ATOMIC_GROUP(self, data):  # noqa: N802
            return self.sequence_or_singleton(data)

    return Parser()


def redos(pattern: str, flags: int = 0) -> list[str]:
    """Return regexploit's findings for a pattern as re.search runs it (none: safe)."""
    from regexploit.redos import find

    lead = re.match(r"\(\?[aiLmsux]+\)", pattern)  # global inline flags must stay in front
    head, body = (lead.group(0), pattern[lead.end():]) if lead else ("", pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # As written (anchored use) and as searched (every start position tried).
        return [str(r) for form in (pattern, head + r"[\s\S]*(?:" + body + ")")
                for r in find(_parser().parse_sre(form, flags))]


def _module_patterns() -> dict[str, str]:
    found: dict[str, str] = {}

    def visit(obj: object, where: str, depth: int = 0) -> None:
        if isinstance(obj, re.Pattern):
            found.setdefault(obj.pattern, where)
        elif depth < 3 and isinstance(obj, list | tuple | set | frozenset):
            for x in obj:
                visit(x, where, depth + 1)
        elif depth < 3 and isinstance(obj, dict):
            for x in obj.values():
                visit(x, where, depth + 1)

    for pkg in (rag, web):
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            module = importlib.import_module(m.name)
            for name, value in vars(module).items():
                visit(value, f"{m.name}.{name}")
    return found


def _literal_patterns() -> dict[str, str]:
    from regexploit.languages.python_node_visitor import PythonNodeVisitor

    found: dict[str, str] = {}
    for path in sorted([*(ROOT / "rag").rglob("*.py"), *(ROOT / "web").rglob("*.py")]):
        visitor = PythonNodeVisitor()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        for p in visitor.patterns:
            found.setdefault(p.pattern, f"{path.relative_to(ROOT)}:{p.lineno}")
    return found


def _runtime_patterns(engine, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    from rag.bench.adversarial import hostile_questions

    found: dict[str, str] = {}
    original = re._compile  # type: ignore[attr-defined]

    def recording(pattern, flags):
        if isinstance(pattern, str):
            found.setdefault(pattern, "compiled while answering")
        return original(pattern, flags)

    monkeypatch.setattr(re, "_compile", recording)
    questions = ["项目四出资要求", "哪些项目的授权发明专利不少于10项", "How many patents for project 3?",
                 "各项目的实施周期", "项目二的用户规模超过1000万或者在线人数≥2000吗", *hostile_questions(40)]
    for q in questions:
        engine.answers.clear()
        try:
            engine.ask(q)
        except ValueError:
            pass
    monkeypatch.undo()
    return found


def test_the_check_finds_catastrophic_patterns() -> None:
    # The check can fail: nested and adjacent repeats are found, also when only search makes them cubic.
    assert redos(r"(a+)+$") and redos(r"\s*(?:x)?\s*y") and redos(r"\d+\d+x")
    assert not redos(r"第\s*(\d++)\s*+个") and not redos(r"(?i)[a-z]+@")


def test_no_regular_expression_backtracks_catastrophically(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    patterns = _literal_patterns() | _module_patterns() | _runtime_patterns(engine, monkeypatch)
    assert len(patterns) > 40  # the scan saw the lexicon's compiled patterns, not just literals
    bad = {}
    for p, where in patterns.items():
        try:
            found = redos(p)
        except re.error:
            continue  # a string the Python scanner took for a pattern, which is not one
        if found:
            bad[where] = (p[:160], found[0])
    assert not bad, bad
