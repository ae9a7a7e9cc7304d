"""Findings 7-10 of the hostile-network review: unbounded `previous`, redirects built from the Host
header, cross-site form posts, and errors outside the documented shapes or headers."""

from __future__ import annotations

import pytest

from tests.robustness.live import in_process
from tests.web.conftest import TOKEN

Q = "项目四出资要求"


def _previous_stored(c) -> list[int]:  # type: ignore[no-untyped-def]
    db = c.app.state.store._conn()
    return [len(r[0] or "") for r in db.execute("SELECT previous FROM questions")]


def test_7_previous_is_limited_like_the_question_on_every_form(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    long = "长" * 65_000
    with in_process(engine, tmp_path / "d", monkeypatch, max_body_bytes=1024 * 1024) as c:
        c.get("/", params={"q": Q, "previous": long[:2000]})  # in the address: within the 16 KB header limit
        c.post("/", data={"question": Q, "previous": long})
        c.post("/fragment/answer", data={"question": Q, "previous": long})
        assert c.post("/api/ask", json={"question": Q, "previous": long}).status_code == 422
        lengths = _previous_stored(c)
        assert len(lengths) == 3 and max(lengths) <= 500


def test_7_feedback_form_fields_are_limited(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        assert c.post("/feedback", data={"answer_id": "x" * 5000, "vote": "up"}).status_code == 422
        assert c.post("/staff/login", data={"token": "x" * 5000}).status_code == 403


@pytest.mark.parametrize("path", ["/staff/", "/doc/", "/static"])
def test_8_redirects_never_copy_the_host_header(engine, tmp_path, monkeypatch, path: str) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        r = c.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
        assert "evil.example" not in r.headers.get("location", "")
        assert "evil.example" not in r.text


def test_8_sign_in_redirects_are_relative(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        r = c.get("/staff/", headers={"Host": "evil.example"}, follow_redirects=False)
        if r.status_code in (301, 302, 307, 308):
            assert r.headers["location"].startswith("/")
        r = c.post("/staff/login", data={"token": TOKEN}, headers={"Host": "evil.example"}, follow_redirects=False)
        assert r.headers["location"] == "/staff"


FORMS = [("/", {"question": Q}), ("/fragment/answer", {"question": Q}), ("/staff/login", {"token": TOKEN}),
         ("/feedback", {"answer_id": "ANSWER", "vote": "down", "comment": "csrf"}), ("/staff/logout", {})]


@pytest.mark.parametrize(("path", "form"), FORMS)
def test_9_cross_site_form_posts_are_refused(engine, tmp_path, monkeypatch, path: str, form: dict) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        aid = c.post("/api/ask", json={"question": Q}).json()["id"]
        form = {k: aid if v == "ANSWER" else v for k, v in form.items()}
        before = c.app.state.store.count("questions")
        for hostile in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                        {"Referer": "http://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"}):
            r = c.post(path, data=form, headers=hostile, follow_redirects=False)
            assert r.status_code == 403, (hostile, r.status_code)
            assert "set-cookie" not in r.headers
        assert c.app.state.store.count("questions") == before and c.app.state.store.count("feedback") == 0
        # The same form from the site's own page works, with or without the script.
        own = {"Origin": "http://testserver", "Referer": "http://testserver/", "Sec-Fetch-Site": "same-origin"}
        assert c.post(path, data=form, headers=own, follow_redirects=False).status_code in (200, 303)


def test_10_an_unexpected_error_keeps_the_documented_shape_and_headers(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("a bug")

        monkeypatch.setattr(engine, "ask", boom)
        raw = TestClient(c.app, raise_server_exceptions=False)
        r = raw.post("/api/ask", json={"question": Q})
        assert r.status_code == 500 and r.headers["content-type"].startswith("application/json")
        assert r.json()["error"] and "a bug" not in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"
        r = raw.get("/", params={"q": Q})
        assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
        assert "<h1>" in r.text and "a bug" not in r.text and "content-security-policy" in r.headers


def test_10_invalid_utf8_and_unknown_routes_answer_error_json(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        r = c.post("/api/ask", content=b'{"question": "\xff\xfe\xfa"}', headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500 and set(r.json()) == {"error"}
        for r in (c.get("/api/nothing-here"), c.get("/api/ask"), c.delete("/api/feedback")):
            assert r.status_code in (404, 405) and set(r.json()) == {"error"}, r.text
        r = c.get("/no-such-page")
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        r = c.post("/feedback", data={"vote": "up"})  # a page form missing a field: the page, not JSON
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")


def test_10_healthz_shows_no_filesystem_paths(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    real = engine.status

    def status():  # type: ignore[no-untyped-def]
        return replace(real(), model="/srv/models/multilingual-e5-small+int8",
                       dense_reason="model folder /srv/models/x is unreadable", stale="corpus unreadable: '/srv/corpus'")

    monkeypatch.setattr(engine, "status", status)
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        body = c.get("/healthz").json()
        assert "/srv" not in str(body) and body["model"] == "multilingual-e5-small+int8"
