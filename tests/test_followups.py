"""Follow-ups from eval/followups.jsonl: context is carried only when the question leans on it."""

from __future__ import annotations

import json

import pytest

from rag.query import leans_on_previous, understand
from tests.conftest import ROOT

CASES = [json.loads(line) for line in (ROOT / "eval" / "followups.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_followup_carries_context_only_when_the_question_leans_on_it(engine, case: dict) -> None:
    a = engine.ask(case["q"], previous=case["previous"])
    assert a.answered, a.note
    assert a.carried == case["carried"]
    assert a.citations[0].section == case["section"]
    if len(case["project"]) > 1:
        # Not carried: the same question asked of every project, each cited.
        assert {c.project for c in a.citations if c.section == case["section"]} == set(case["project"])
    else:
        assert a.citations[0].project == case["project"][0]
    # What the chip offers instead ("✕": ask it of every project) is the question on its own.
    if case["carried"]:
        fresh = engine.ask(case["q"])
        assert fresh.carried == "" and fresh.resolved == ""


@pytest.mark.parametrize(("question", "leans"), [
    ("那项目五呢？", True), ("它的实施周期多久", True), ("这个项目的资助强度", True), ("what about project 2?", True),
    ("实施周期", True), ("项目七？", True), ("实施周期多久", False), ("how long?", False), ("资助强度是多少", False),
])
def test_leaning_words(question: str, leans: bool) -> None:
    assert leans_on_previous(understand(question)) is leans
