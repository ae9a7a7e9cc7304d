"""Checking an aliases file for staff: every error with its line, unknown keys refused, warnings."""

from __future__ import annotations

from rag.aliases_check import MAX_ALIASES_BYTES, check_aliases
from tests.conftest import GUIDE

TITLES = ["面向山地城市道路清扫场景的智慧环卫作业系统", "复杂道路智驾关键核心技术研发及应用"]
TEXT = "道路清扫洁净率≥95%，智驾系统"


def test_a_good_file_maps_in_file_order_without_problems() -> None:
    c = check_aliases('# comment\n[topics]\n"自动驾驶" = "智驾"\nsweep = "环卫"\n[terms]\n"cleanliness" = "洁净率"\n'
                      .encode(), TITLES, TEXT)
    assert c.ok and not c.warnings
    assert c.topics == [("自动驾驶", "智驾"), ("sweep", "环卫")] and c.terms == [("cleanliness", "洁净率")]


def test_the_first_guides_own_file_is_clean() -> None:
    from rag.ingest import load_document

    doc = load_document(GUIDE)
    c = check_aliases(GUIDE.with_name(GUIDE.stem + ".aliases.toml").read_bytes(),
                      [p.title for p in doc.projects], GUIDE.read_text(encoding="utf-8"))
    assert c.ok and len(c.topics) > 20 and c.terms


def test_unknown_keys_and_bad_values_are_errors_with_their_lines() -> None:
    src = ('[topics]\n"自动驾驶" = "智驾"\n"number" = 3\n"" = "环卫"\n\n[synonyms]\n"a" = "b"\n'
           '[terms]\n"x" = ["list"]\n')
    c = check_aliases(src.encode(), TITLES, TEXT)
    assert not c.ok
    got = [(p.line, p.message.split("(")[-1]) for p in c.errors]
    assert [line for line, _ in got] == [3, 4, 6, 9]
    assert "unknown key 'synonyms'" in c.errors[2].message and "[topics], [terms]" in c.errors[2].message
    assert c.topics == [("自动驾驶", "智驾")]  # what is valid is still shown


def test_top_level_key_is_unknown_and_named_on_its_line() -> None:
    c = check_aliases('title = "x"\n[topics]\n"a" = "智驾"\n'.encode(), TITLES, TEXT)
    assert [(p.line, "'title'" in p.message) for p in c.errors] == [(1, True)]


def test_toml_syntax_error_and_duplicate_key_give_the_line() -> None:
    assert [p.line for p in check_aliases('[topics]\n"a" = "智驾"\n"b" = 智驾\n'.encode()).errors] == [3]
    dup = check_aliases('[topics]\n"a" = "智驾"\n"a" = "环卫"\n'.encode())
    assert [p.line for p in dup.errors] == [3]


def test_not_utf8_empty_table_types_and_size() -> None:
    assert "UTF-8" in check_aliases("[topics]\n'a' = '智驾'".encode("gbk")).errors[0].message
    assert not check_aliases(b"topics = 3\n").ok
    assert check_aliases(b"").ok  # an empty file is valid: it maps nothing
    assert not check_aliases(b"#" * (MAX_ALIASES_BYTES + 1)).ok


def test_words_the_guide_lacks_are_warnings_not_errors() -> None:
    c = check_aliases('[topics]\n"火箭" = "航天"\n[terms]\n"speed" = "速度"\n'.encode(), TITLES, TEXT)
    assert c.ok and [p.line for p in c.warnings] == [2, 4]


def test_cli_installs_a_good_file_keeps_the_old_and_refuses_a_bad_one(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from click.testing import CliRunner

    from rag.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(GUIDE, corpus / GUIDE.name)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    bad = tmp_path / "bad.toml"
    bad.write_text('[topics]\n"洒水车" = "环卫"\n[extra]\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["aliases", GUIDE.stem, str(bad)])
    assert r.exit_code != 0 and f"{bad}:3:" in r.output and "extra" in r.output
    assert not (corpus / f"{GUIDE.stem}.aliases.toml").exists()
    good = tmp_path / "good.toml"
    for n, text in enumerate(('[topics]\n"洒水车" = "环卫"\n', '[topics]\n"扫路车" = "环卫"\n"x" = "火箭"\n')):
        good.write_text(text, encoding="utf-8")
        r = CliRunner().invoke(main, ["aliases", GUIDE.stem, str(good)])
        assert r.exit_code == 0, r.output
        assert (corpus / f"{GUIDE.stem}.aliases.toml").read_text(encoding="utf-8") == text
        assert len(list((tmp_path / "data" / "removed").glob("*.aliases.toml"))) == n  # the replaced one kept
    assert "warning" in r.output and ":3:" in r.output  # 火箭 is in no title: said, not refused
    assert CliRunner().invoke(main, ["aliases", "no-such-guide", str(good)]).exit_code != 0
