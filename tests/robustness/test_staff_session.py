"""Finding 6 of the hostile-network review: staff pages cached, a session cookie without an issue
time (a stolen cookie worked until the token changed), no Secure flag behind HTTPS, no sign-out."""

from __future__ import annotations

import time

from tests.robustness.live import in_process
from tests.web.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_6_no_staff_response_may_be_cached(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        replies = [c.get("/staff", headers=AUTH), c.get("/staff/export.csv", headers=AUTH), c.get("/staff"),
                   c.get("/staff", headers={"Authorization": "Bearer wrong"}),
                   c.post("/staff/login", data={"token": TOKEN}, follow_redirects=False)]
        assert [r.headers.get("cache-control") for r in replies] == ["no-store"] * len(replies)


def test_6_a_session_expires_on_the_server_whatever_the_browser_keeps(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch, staff_session_seconds=3600) as c:
        c.post("/staff/login", data={"token": TOKEN})
        assert c.get("/staff").status_code == 200
        fresh = c.cookies["guideqa_staff"]
        # The same sign-in, as if it had happened two hours ago: the cookie carries its issue time.
        real = time.time
        monkeypatch.setattr("time.time", lambda: real() - 7200)
        c.cookies.clear()
        c.post("/staff/login", data={"token": TOKEN})
        monkeypatch.setattr("time.time", real)
        stolen = c.cookies["guideqa_staff"]
        assert stolen != fresh
        c.cookies.clear()
        c.cookies.set("guideqa_staff", stolen)
        assert c.get("/staff").status_code == 401
        c.cookies.set("guideqa_staff", fresh)
        assert c.get("/staff").status_code == 200


def test_6_cookie_is_secure_over_https_and_only_then(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "a", monkeypatch, trusted_proxies="testclient") as c:
        r = c.post("/staff/login", data={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
        assert "secure" in r.headers["set-cookie"].lower()
        r = c.post("/staff/login", data={"token": TOKEN}, follow_redirects=False)
        assert "secure" not in r.headers["set-cookie"].lower()  # plain http on an intranet still signs in
    with in_process(engine, tmp_path / "b", monkeypatch) as c:  # an untrusted client cannot claim https
        r = c.post("/staff/login", data={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
        assert "secure" not in r.headers["set-cookie"].lower()


def test_6_sign_out_ends_the_session(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        c.post("/staff/login", data={"token": TOKEN})
        assert c.get("/staff").status_code == 200
        r = c.post("/staff/logout", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/staff"
        assert "guideqa_staff" not in c.cookies
        assert c.get("/staff").status_code == 401
