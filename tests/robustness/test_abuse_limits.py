"""Findings 3, 4 and 5 of the hostile-network review: token guessing, feedback floods and the
rate limit's bypasses (a new X-Forwarded-For per request, /api/search, a table reset)."""

from __future__ import annotations

from tests.robustness.live import in_process
from tests.web.conftest import TOKEN


def _asked(c) -> str:  # type: ignore[no-untyped-def]
    return c.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"]


def test_3_wrong_tokens_lock_the_guesser_out_even_with_the_right_token(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as c:
        codes = [c.post("/staff/login", data={"token": f"guess-{i}"}).status_code for i in range(8)]
        assert codes[:5] == [403] * 5 and codes[-1] == 429
        r = c.post("/staff/login", data={"token": TOKEN}, follow_redirects=False)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1  # locked: not even checked
        # The other ways to send a token are under the same lock.
        assert c.get("/staff", params={"token": "guess"}, follow_redirects=False).status_code == 429
        assert c.get("/staff", headers={"Authorization": "Bearer guess"}).status_code == 429


def test_3_the_lockout_grows_with_each_wrong_token(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from web.limits import SignInThrottle

    clock = [1000.0]
    monkeypatch.setattr("web.limits.time.monotonic", lambda: clock[0])
    t = SignInThrottle(free=2)
    waits = []
    for _ in range(6):
        verdict = t.check("a")
        if not verdict.allowed:
            waits.append(round(verdict.wait))
            clock[0] += verdict.wait  # the guesser waits exactly as long as told, then tries again
        t.failed("a")
    assert waits == [1, 2, 4] and t.check("b").allowed  # another client is not slowed by this one


def test_3_guesses_spread_over_many_addresses_lock_sign_in_globally(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch, trusted_proxies="testclient") as c:
        codes = [c.post("/staff/login", data={"token": "guess"}, headers={"X-Forwarded-For": f"10.1.{i // 250}.{i % 250}"})
                 .status_code for i in range(130)]
        assert codes[0] == 403 and codes[-1] == 429


def test_4_identical_votes_are_stored_once_and_a_second_opinion_is_refused(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch) as client:
        _flood_one_answer(client)


def _flood_one_answer(client) -> None:  # type: ignore[no-untyped-def]
    aid = _asked(client)
    codes = {client.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "没回答"}).status_code
             for _ in range(200)}
    assert codes == {201}
    store = client.app.state.store
    assert store.count("feedback") == 1 and len(store.downvotes()) == 1
    r = client.post("/api/feedback", json={"answer_id": aid, "vote": "up"})
    assert r.status_code == 409 and r.json()["error"]
    for _ in range(5):  # the no-JavaScript form is under the same rule
        client.post("/feedback", data={"answer_id": aid, "vote": "down", "comment": "没回答"})
    assert client.post("/feedback", data={"answer_id": aid, "vote": "up"}).status_code == 409
    assert store.count("feedback") == 1
    assert client.get("/staff", headers={"Authorization": f"Bearer {TOKEN}"}).text.count("没回答") == 1


def test_5_api_search_is_rate_limited(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with in_process(engine, tmp_path / "d", monkeypatch, rate_limit=6) as c:
        codes = [c.get("/api/search", params={"q": "出资"}).status_code for _ in range(10)]
        assert codes[:5] == [200] * 5 and codes[-1] == 429


def test_5_x_forwarded_for_is_believed_only_from_a_trusted_proxy(engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = {"question": "项目四出资要求"}
    with in_process(engine, tmp_path / "a", monkeypatch, rate_limit=6) as c:
        codes = [c.post("/api/ask", json=body, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(10)]
        assert 429 in codes
    with in_process(engine, tmp_path / "b", monkeypatch, rate_limit=6, trusted_proxies="testclient") as c:
        codes = [c.post("/api/ask", json=body, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(10)]
        assert codes == [200] * 10  # behind the proxy each address is its own client


def test_5_a_flood_of_new_clients_does_not_free_a_blocked_one() -> None:
    from web.guard import RateLimiter

    limiter = RateLimiter(6)
    while limiter.allow("abuser")[0]:
        pass
    for i in range(120_000):  # more distinct clients than the table keeps, while the abuser keeps asking
        limiter.allow(f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}")
        if i % 1000 == 0:
            assert not limiter.allow("abuser")[0], i
