"""The JSON API: every route, every validation error, escaping, persistence."""

from __future__ import annotations

import pytest

from tests.web.conftest import make_client


def test_ask_returns_the_answer_json_with_an_id(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/ask", json={"question": "项目四出资要求"})
    assert r.status_code == 200
    d = r.json()
    assert d["answered"] and "3000" in d["answer"] and len(d["id"]) == 32
    assert (d["citations"][0]["project"], d["citations"][0]["section"]) == ("项目四", "资助强度")
    assert {"question", "answered", "answer", "citations", "suggestions", "took_ms"} <= set(d)


def test_ask_follow_up_and_top_k(client) -> None:  # type: ignore[no-untyped-def]
    d = client.post("/api/ask", json={"question": "那项目五呢？", "previous": "项目四出资要求", "top_k": 5}).json()
    assert d["citations"][0]["project"] == "项目五" and d["citations"][0]["section"] == "资助强度"
    assert len(d["citations"]) == 5


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"question": ""}, 422, "问题不能为空"),
        ({"question": "   \n"}, 422, "问题不能为空"),
        ({"question": "问" * 501}, 422, "500"),
        ({"question": 42}, 422, "question"),
        ({"question": ["项目四"]}, 422, "question"),
        ({}, 422, "question"),
        ({"question": "项目四", "top_k": 0}, 422, "top_k"),
        ({"question": "项目四", "top_k": "3"}, 422, "top_k"),
        ({"question": "项目四", "previous": 5}, 422, "previous"),
        ({"question": "项目四", "extra": 1}, 422, "extra"),
    ],
)
def test_ask_validation(client, body: dict, status: int, needle: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/ask", json=body)
    assert r.status_code == status
    assert needle in r.json()["error"]


def test_bad_json_is_400(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]


def test_search_ranks_with_each_retrievers_score(client) -> None:  # type: ignore[no-untyped-def]
    d = client.get("/api/search", params={"q": "培养博士", "k": 3}).json()
    assert len(d["hits"]) == 3
    top = d["hits"][0]
    assert top["project"] == "项目三" and top["section"] == "考核指标"
    assert top["bm25"]["rank"] == 1 and top["dense"] is not None
    assert client.get("/api/search", params={"q": "", "k": 3}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "k": 0}).status_code == 422


def test_feedback_is_stored_and_validated(client) -> None:  # type: ignore[no-untyped-def]
    aid = client.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"]
    r = client.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "不清楚"})
    assert r.status_code == 201 and r.json()["ok"]
    assert client.app.state.store.downvotes()[0]["comment"] == "不清楚"
    assert client.post("/api/feedback", json={"answer_id": "nope", "vote": "up"}).status_code == 404
    assert client.post("/api/feedback", json={"answer_id": aid, "vote": "meh"}).status_code == 422
    assert client.post("/api/feedback", json={"answer_id": aid, "vote": "up", "comment": "x" * 2001}).status_code == 422


def test_healthz(client) -> None:  # type: ignore[no-untyped-def]
    d = client.get("/healthz").json()
    assert d["index_loaded"] and d["chunks"] == 49 and d["documents"] == 1 and d["mode"] in ("hybrid", "bm25-only")
    assert d["corpus_version"]


def test_openapi_and_docs_are_local(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/search", "/api/feedback", "/healthz"} <= set(schema["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()


def test_nothing_is_lost_across_restarts(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    with make_client(engine, data, monkeypatch, rate_limit=0) as c:
        aid = c.post("/api/ask", json={"question": "项目六组织方式"}).json()["id"]
        c.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "重启后还在吗"})
    with make_client(engine, data, monkeypatch, rate_limit=0) as c:
        assert c.app.state.store.count("questions") == 1
        assert c.app.state.store.downvotes()[0]["comment"] == "重启后还在吗"


def test_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/healthz", "/doc/2023-chongqing-ai-major-projects-batch1"):
        h = client.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"] and "unsafe-inline" not in h["content-security-policy"]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"


def test_body_limit_and_rate_limit(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with make_client(engine, tmp_path / "d", monkeypatch, rate_limit=6) as c:
        big = {"question": "项目四", "previous": "x" * 20000}
        assert c.post("/api/ask", json=big).status_code == 413
        codes = [c.post("/api/ask", json={"question": "项目四出资要求"}).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[-1] == 429
        r = c.post("/api/ask", json={"question": "项目四出资要求"})
        assert r.status_code == 429 and "Retry-After" in r.headers and r.json()["error"]
        assert c.get("/healthz").status_code == 200  # only answers are limited


def test_documented_shapes_match_what_the_api_returns(client) -> None:  # type: ignore[no-untyped-def]
    from web.schemas import AskOut, ErrorOut, FeedbackOut, HealthOut, SearchOut

    def same(model, data: dict) -> None:  # type: ignore[no-untyped-def]
        model.model_validate(data)
        assert set(data) <= set(model.model_fields), set(data) - set(model.model_fields)

    for q in ("项目四出资要求", "实施周期多久", "申报截止时间是什么时候"):
        same(AskOut, client.post("/api/ask", json={"question": q}).json())
    aid = client.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"]
    same(FeedbackOut, client.post("/api/feedback", json={"answer_id": aid, "vote": "up"}).json())
    same(SearchOut, client.get("/api/search", params={"q": "资助强度"}).json())
    same(HealthOut, client.get("/healthz").json())
    same(ErrorOut, client.post("/api/ask", json={"question": ""}).json())
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    ask_422 = schema["paths"]["/api/ask"]["post"]["responses"]["422"]
    assert ask_422["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_ask_and_search_scoped_to_a_guide(client) -> None:  # type: ignore[no-untyped-def]
    doc = "2023-chongqing-ai-major-projects-batch1"
    d = client.post("/api/ask", json={"question": "项目四出资要求", "doc": doc}).json()
    assert d["answered"] and d["citations"][0]["doc"] == doc
    assert d["citations"][0]["doc_title"] == "2023 年重庆市人工智能重大专项第一批项目申报指南"
    hits = client.get("/api/search", params={"q": "实施周期", "doc": doc}).json()["hits"]
    assert hits and {h["doc"] for h in hits} == {doc}


def test_unknown_guide_is_404_naming_it(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/ask", json={"question": "项目四出资要求", "doc": "no-such-guide"})
    assert r.status_code == 404 and "no-such-guide" in r.json()["error"]
    r = client.get("/api/search", params={"q": "实施周期", "doc": "no-such-guide"})
    assert r.status_code == 404 and "no-such-guide" in r.json()["error"]
    r = client.post("/api/ask", json={"question": "项目四", "doc": 3})
    assert r.status_code == 422 and "doc" in r.json()["error"]
