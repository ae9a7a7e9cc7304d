"""The staff view: the token, what it shows, escaping and the CSV export."""

from __future__ import annotations

import csv
import io

from tests.web.conftest import TOKEN, make_client, soup

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_staff_needs_the_token(client) -> None:
    for path in ("/staff", "/staff/export.csv"):
        r = client.get(path)
        assert r.status_code == 401 and "staff-secret" not in r.text
        assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert client.get(path, headers=AUTH).status_code == 200


def test_wrong_token_shows_nothing(client) -> None:
    client.post("/api/ask", json={"question": "一个秘密问题"})
    r = client.get("/staff", headers={"Authorization": "Bearer wrong"})
    assert "一个秘密问题" not in r.text


def test_login_form_sets_a_cookie_that_is_not_the_token(client) -> None:
    assert client.post("/staff/login", data={"token": "nope"}).status_code == 403
    r = client.post("/staff/login", data={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.cookies.get("guideqa_staff")
    assert cookie and TOKEN not in cookie and "httponly" in r.headers["set-cookie"].lower()
    assert client.get("/staff").status_code == 200  # the client keeps the cookie


def test_staff_view_off_without_configured_token(engine, tmp_path, monkeypatch) -> None:
    with make_client(engine, tmp_path / "d", monkeypatch, token=None) as c:
        r = c.get("/staff", headers=AUTH)
        assert r.status_code == 503 and "RAG_STAFF_TOKEN" in r.text


def test_staff_lists_questions_feedback_and_escapes(client) -> None:
    evil = "<script>alert(1)</script>"
    aid = client.post("/api/ask", json={"question": "申报截止时间是什么时候" + evil}).json()["id"]
    client.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "没回答 " + evil})
    html = client.get("/staff", headers=AUTH).text
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    page = soup(html)
    assert "没回答" in page.select_one("td.comment").text
    assert any("申报截止时间" in td.text for td in page.select("#unanswered + table td"))
    assert page.select("#days + table tbody tr")


def test_csv_export_neutralises_formulas(client) -> None:
    aid = client.post("/api/ask", json={"question": "=HYPERLINK(\"http://x\")项目四出资"}).json()["id"]
    client.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "+cmd|' /C calc'!A0"})
    r = client.get("/staff/export.csv", headers=AUTH)
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0]["question"].startswith("'=") and rows[0]["comment"].startswith("'+")
    assert rows[0]["vote"] == "down"


def test_token_once_in_the_address_sets_a_cookie_and_drops_the_token(client) -> None:
    r = client.get("/staff", params={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN.lower() not in cookie
    assert client.get("/staff").status_code == 200
    r = client.get("/staff/export.csv", params={"token": TOKEN}, follow_redirects=False)
    assert r.headers["location"] == "/staff/export.csv"


def test_wrong_token_in_the_address_or_cookie_is_refused(client) -> None:
    r = client.get("/staff", params={"token": "guess"}, follow_redirects=False)
    assert r.status_code == 403 and "set-cookie" not in r.headers
    client.cookies.set("guideqa_staff", "forged")
    assert client.get("/staff").status_code == 403
    assert client.get("/staff/export.csv").status_code == 403


def test_csv_neutralises_every_formula_start(client) -> None:
    from web.csvsafe import neutralise

    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(cell) == "'" + cell
    assert neutralise("项目四") == "项目四" and neutralise(None) == "" and neutralise(0) == "0"
