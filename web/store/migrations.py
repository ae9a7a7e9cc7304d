"""Schema versions and the forward migrations between them, for both backends.

`schema_version` holds one row per applied version. Every start runs `migrate`: inside one
transaction that holds the database's migration lock (an advisory lock on PostgreSQL, the write
lock on SQLite) it reads the version and applies what is missing, so replicas starting together
apply each step exactly once and a failed step leaves the previous version intact. Migrations only
add (columns, indexes, tables): replicas still on the previous release keep working during a
rolling upgrade.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

log = logging.getLogger("guideqa.store")

# Any fixed 64-bit number: the advisory lock every replica takes while it migrates.
PG_LOCK_KEY = 0x6775696465716101

VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL)")

# Version 1 is the schema of the single-machine releases (SQLite, local times), kept verbatim so
# their files are recognised; version 2 adds what a fleet and the staff view need.
SQLITE: dict[int, Sequence[str]] = {
    1: [
        "CREATE TABLE IF NOT EXISTS questions (id TEXT PRIMARY KEY, asked_at TEXT NOT NULL, question TEXT NOT NULL,"
        " previous TEXT, answered INTEGER NOT NULL, answer_json TEXT NOT NULL, took_ms REAL, client TEXT)",
        "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL"
        " REFERENCES questions(id), vote TEXT NOT NULL CHECK (vote IN ('up', 'down')), comment TEXT,"
        " created_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS questions_asked ON questions(asked_at)",
        "CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id)",
    ],
    2: [
        "ALTER TABLE questions ADD COLUMN answer_text TEXT",
        "ALTER TABLE questions ADD COLUMN citation TEXT",
        "ALTER TABLE questions ADD COLUMN understood TEXT",
        "ALTER TABLE questions ADD COLUMN doc TEXT",
        "ALTER TABLE feedback ADD COLUMN client TEXT NOT NULL DEFAULT ''",
        # Version 1 wrote the server's local time; a fleet compares times, so they become UTC.
        "UPDATE questions SET asked_at = datetime(asked_at, 'utc')",
        "UPDATE feedback SET created_at = datetime(created_at, 'utc')",
        "UPDATE questions SET answer_text = json_extract(answer_json, '$.answer'),"
        " understood = coalesce(json_extract(answer_json, '$.resolved'), question),"
        " doc = coalesce(json_extract(answer_json, '$.citations[0].doc'), ''),"
        " citation = coalesce(nullif(trim(coalesce(json_extract(answer_json, '$.citations[0].project'), '') ||"
        " CASE WHEN json_extract(answer_json, '$.citations[0].project') IS NOT NULL AND"
        " json_extract(answer_json, '$.citations[0].section') IS NOT NULL THEN ' · ' ELSE '' END ||"
        " coalesce(json_extract(answer_json, '$.citations[0].section'), '')), ''),"
        " json_extract(answer_json, '$.citations[0].doc'), '')",
        # One vote per answer (docs/security.md), held by the database so replicas cannot race;
        # rows from version 1 have no client and are left as they were (new rows always have one).
        "CREATE UNIQUE INDEX IF NOT EXISTS feedback_once ON feedback(answer_id) WHERE client <> ''",
        "CREATE INDEX IF NOT EXISTS questions_unanswered ON questions(answered, asked_at)",
    ],
    # Version 3: several guides. scope_doc is the guide the question was asked of (the picker's
    # `doc`, '' for all guides); answer_docs the guides the answer cited, first cited first, joined
    # by ',' (a guide id never holds one: rag/ingest.py). Older rows' scope is unknown: ''.
    3: [
        "ALTER TABLE questions ADD COLUMN scope_doc TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE questions ADD COLUMN answer_docs TEXT NOT NULL DEFAULT ''",
        "UPDATE questions SET answer_docs = coalesce((SELECT group_concat(d, ',') FROM"
        " (SELECT json_extract(value, '$.doc') AS d, min(CAST(key AS INTEGER)) AS k"
        " FROM json_each(questions.answer_json, '$.citations') WHERE coalesce(json_extract(value, '$.doc'), '') <> ''"
        " GROUP BY d ORDER BY k)), '')",
        "CREATE INDEX IF NOT EXISTS questions_scope ON questions(scope_doc, asked_at)",
    ],
}

POSTGRES: dict[int, Sequence[str]] = {
    1: [
        "CREATE TABLE IF NOT EXISTS questions (id TEXT PRIMARY KEY, asked_at TIMESTAMPTZ NOT NULL,"
        " question TEXT NOT NULL, previous TEXT, answered BOOLEAN NOT NULL, answer_json JSONB NOT NULL,"
        " took_ms REAL, client TEXT)",
        "CREATE TABLE IF NOT EXISTS feedback (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        " answer_id TEXT NOT NULL REFERENCES questions(id), vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),"
        " comment TEXT, created_at TIMESTAMPTZ NOT NULL)",
        "CREATE INDEX IF NOT EXISTS questions_asked ON questions(asked_at)",
        "CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id)",
    ],
    2: [
        "ALTER TABLE questions ADD COLUMN IF NOT EXISTS answer_text TEXT",
        "ALTER TABLE questions ADD COLUMN IF NOT EXISTS citation TEXT",
        "ALTER TABLE questions ADD COLUMN IF NOT EXISTS understood TEXT",
        "ALTER TABLE questions ADD COLUMN IF NOT EXISTS doc TEXT",
        "ALTER TABLE feedback ADD COLUMN IF NOT EXISTS client TEXT NOT NULL DEFAULT ''",
        "UPDATE questions SET answer_text = answer_json->>'answer',"
        " understood = coalesce(answer_json->>'resolved', question),"
        " doc = coalesce(answer_json#>>'{citations,0,doc}', ''),"
        " citation = coalesce(nullif(concat_ws(' · ', answer_json#>>'{citations,0,project}',"
        " answer_json#>>'{citations,0,section}'), ''), answer_json#>>'{citations,0,doc}', '')"
        " WHERE answer_text IS NULL",
        "CREATE UNIQUE INDEX IF NOT EXISTS feedback_once ON feedback(answer_id) WHERE client <> ''",
        "CREATE INDEX IF NOT EXISTS questions_unanswered ON questions(answered, asked_at)",
    ],
    3: [
        "ALTER TABLE questions ADD COLUMN IF NOT EXISTS scope_doc TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE questions ADD COLUMN IF NOT EXISTS answer_docs TEXT NOT NULL DEFAULT ''",
        "UPDATE questions SET answer_docs = coalesce((SELECT string_agg(d, ',' ORDER BY k) FROM"
        " (SELECT c->>'doc' AS d, min(i) AS k FROM jsonb_array_elements(answer_json->'citations')"
        " WITH ORDINALITY AS t(c, i) WHERE coalesce(c->>'doc', '') <> '' GROUP BY 1) x), '')"
        " WHERE answer_docs = ''",
        "CREATE INDEX IF NOT EXISTS questions_scope ON questions(scope_doc, asked_at)",
    ],
}

LATEST = max(SQLITE)
assert set(SQLITE) == set(POSTGRES), "both backends know the same versions"


def migrate(execute: Callable[[str, tuple], list[tuple]], steps: dict[int, Sequence[str]], now: str) -> int:
    """Apply the missing versions through `execute` (inside the caller's locked transaction).

    Return the version the database is at afterwards. A database newer than this code (a replica
    of an older release starting after an upgrade) is left alone: the changes were additive.
    """
    execute(VERSION_TABLE, ())
    rows = execute("SELECT max(version) FROM schema_version", ())
    current = int(rows[0][0] or 0) if rows else 0
    if current > LATEST:
        log.warning("database schema is version %d, newer than this release's %d: serving anyway "
                    "(migrations only add)", current, LATEST)
        return current
    for version in sorted(v for v in steps if v > current):
        for sql in steps[version]:
            execute(sql, ())
        execute("INSERT INTO schema_version (version, applied_at) VALUES ({mark}, {mark})", (version, now))
        log.info("database schema migrated to version %d", version)
    return max(current, LATEST)
