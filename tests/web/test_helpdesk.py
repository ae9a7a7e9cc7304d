"""Issue #15 on the staff side: what was answered, grouped unanswered, dates, zone, sign-out, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.web.conftest import TOKEN, make_client, soup

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_rows_show_the_answer_its_citation_and_the_understood_as(client) -> None:
    aid = client.post("/api/ask", json={"question": "那项目五呢？", "previous": "项目四出资要求"}).json()["id"]
    client.post("/api/feedback", json={"answer_id": aid, "vote": "down", "comment": "不对"})
    page = soup(client.get("/staff", headers=AUTH).text)
    down = page.select_one("#down + table tbody tr")
    assert "那项目五呢？" in down.text and "接着：项目四出资要求" in down.text
    assert "理解为：项目五 资助强度" in down.select_one(".understood").text
    assert "出处：项目五 · 资助强度" in down.select_one(".cited").text and down.select_one(".given").text.strip()
    recent = page.select_one("#recent + table tbody tr")
    assert "项目五 · 资助强度" in recent.text


def test_unanswered_questions_are_grouped_with_counts(client) -> None:
    for _ in range(3):
        client.post("/api/ask", json={"question": "申报截止时间是什么时候"})
    client.post("/api/ask", json={"question": "联系电话是多少"})
    rows = soup(client.get("/staff", headers=AUTH).text).select("#unanswered + table tbody tr")
    counts = {r.select("td")[2].text: int(r.select_one("td.count").text) for r in rows}
    assert counts == {"申报截止时间是什么时候": 3, "联系电话是多少": 1}


def test_times_in_the_configured_zone_and_the_date_filter(client) -> None:
    store = client.app.state.store
    aid = client.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"]
    # Logged at 20:30 UTC on 1 March: 04:30 on 2 March in Beijing.
    store._conn().execute("UPDATE questions SET asked_at = '2026-03-01 20:30:00.000000' WHERE id = ?", (aid,))
    page = soup(client.get("/staff", headers=AUTH).text)
    assert page.select_one("#recent + table td.when").text == "2026-03-02 04:30"
    assert "Asia/Shanghai" in page.text
    assert "2026-03-02" in [td.text for td in page.select("#days + table tbody td:first-child")]
    on = soup(client.get("/staff", params={"from": "2026-03-02", "to": "2026-03-02"}, headers=AUTH).text)
    assert len(on.select("#recent + table tbody tr")) == 1 and on.select_one("#from")["value"] == "2026-03-02"
    before = soup(client.get("/staff", params={"to": "2026-03-01"}, headers=AUTH).text)
    assert not before.select("#recent + table tbody tr")
    assert client.get("/staff", params={"from": "2026-13-01"}, headers=AUTH).status_code == 400
    assert client.get("/staff", params={"from": "2026-03-02", "to": "2026-03-01"}, headers=AUTH).status_code == 400
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/export.csv", params={"from": "2026-03-02"},
                                                      headers=AUTH).text.lstrip("\ufeff"))))
    assert [r["asked_at"] for r in rows] == ["2026-03-02 04:30"]


def test_lists_go_past_fifty(client) -> None:
    for i in range(55):
        client.post("/api/ask", json={"question": f"项目{i % 7 + 1}出资要求 {i}"})
    page = soup(client.get("/staff", headers=AUTH).text)
    assert len(page.select("#recent + table tbody tr")) == 50
    more = page.select_one("a.more")["href"]
    assert len(soup(client.get(more, headers=AUTH).text).select("#recent + table tbody tr")) == 55


def test_sign_out_drops_the_session(client) -> None:
    client.post("/staff/login", data={"token": TOKEN})
    page = soup(client.get("/staff").text)
    assert page.select_one("form.logout")["action"] == "/staff/logout"
    r = client.post("/staff/logout", follow_redirects=False)
    assert r.status_code == 303 and "guideqa_staff=" in r.headers["set-cookie"]
    assert client.get("/staff").status_code == 401


def test_csv_has_the_answer_citation_and_understood_as(client) -> None:
    client.post("/api/ask", json={"question": "实施周期呢？", "previous": "项目四出资要求"})
    client.post("/api/ask", json={"question": "申报截止时间是什么时候"})
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/export.csv", headers=AUTH).text.lstrip("\ufeff"))))
    assert {"answer_text", "citation", "understood", "previous", "asked_at"} <= set(rows[0])
    assert rows[0]["understood"] == "项目四 实施周期" and rows[0]["citation"] == "项目四 · 实施周期"
    assert rows[0]["previous"] == "项目四出资要求" and "年" in rows[0]["answer_text"]
    assert rows[1]["answer_text"] == "" and rows[1]["citation"] == ""


@pytest.mark.parametrize(("env", "value"), [("RAG_TIMEZONE", "Mars/Olympus"), ("RAG_NOTICE_URL", "javascript:alert(1)")])
def test_bad_settings_are_named(monkeypatch, env: str, value: str) -> None:
    from rag.settings import Settings

    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=env):
        Settings.from_env()


def test_settings_from_the_environment(monkeypatch) -> None:
    from rag.settings import Settings

    monkeypatch.setenv("RAG_HELPDESK_CONTACT", " 023-1234 ")
    monkeypatch.setenv("RAG_NOTICE_URL", "https://example.gov.cn/n")
    monkeypatch.setenv("RAG_TIMEZONE", "UTC")
    s = Settings.from_env()
    assert (s.helpdesk_contact, s.notice_url, s.timezone) == ("023-1234", "https://example.gov.cn/n", "UTC")


def test_staff_view_works_with_a_row_from_before_these_columns(engine, tmp_path, monkeypatch) -> None:
    with make_client(engine, tmp_path / "d", monkeypatch, rate_limit=0) as c:
        aid = c.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"]
        c.app.state.store._conn().execute(
            "UPDATE questions SET answer_text = NULL, citation = NULL, understood = NULL WHERE id = ?", (aid,))
        assert c.get("/staff", headers=AUTH).status_code == 200
