"""One settings object: paths, model and retrieval weights, read once from the environment."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_MODEL = "intfloat/multilingual-e5-small"


def _root() -> Path:
    # The project root when running from a checkout; the working directory otherwise.
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").exists() else Path.cwd()


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "guideqa"


# Numeric hardening settings read from the environment (docs/security.md).
_HARDENING_ENV = {"RAG_MAX_HEADER_BYTES": "max_header_bytes", "RAG_MAX_HEADERS": "max_headers",
                  "RAG_READ_TIMEOUT": "read_timeout", "RAG_MAX_CONNECTIONS": "max_connections",
                  "RAG_STAFF_SESSION_SECONDS": "staff_session_seconds"}


def _positive(name: str, value: str, kind: type) -> float | int:
    """Return a positive number from an environment variable; ValueError naming it otherwise."""
    try:
        number = kind(value.strip())
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(f"{name} must be a positive {'whole ' if kind is int else ''}number, not {value!r}")
    return number


def zone(name: str) -> ZoneInfo:
    """Return the time zone called `name`; raise ValueError naming it when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"RAG_TIMEZONE must be a time zone name such as Asia/Shanghai, not {name!r}") from e


@dataclass(frozen=True)
class Scoring:
    """Constants of answer scoring, each calibrated on the eval sets; changing one means re-running `rag eval`.

    Sizes that follow a guide's shape (how many sections a project has, how many passages a whole
    guide has) are not here: the engine derives them from the loaded index.
    """

    # Worth about one missing verb (开发, 要求) of a short question: a number question's answer
    # is a span with a number even when a prose section repeats more of the question's words.
    number_bonus: float = 0.35
    # Answers from several guides fit a question equally when their evidence differs by less than
    # this: each gets a row, labelled with its guide's title, rather than one being picked silently.
    fit_tie: float = 0.1
    # Guides that compete for a question asked of all: those among this many best passages, at most
    # max_guide_rows of them (rows of one answer); set with the two-guide eval sets.
    fanout_hits: int = 12
    max_guide_rows: int = 6
    # Section boost of the second and later strong section words (the first gets the whole boost).
    later_section_share: float = 0.5
    # A weak section word (要求) boosts its section by section_boost / this: a hint, not an ask.
    weak_section_divisor: float = 3
    # A section asked of no project is answered by one project only when that project's section
    # holds most of what was asked (哪些项目需要区级财政资助 → 项目一), not merely one word of it.
    single_project_coverage: float = 0.7
    # A project gets a row of a cross answer when its section covers the question at least this
    # share of the best row: 0.7 tolerates one lighter word missing (方言识别或方言支持: 识别 in one
    # project, 支持 in another), not the ask itself; numbers the question names are required.
    row_keep: float = 0.7
    # Within a section, dense similarity (relative to the section's mean) separates clauses the
    # words tie on; at 2.0 one clause's extra similarity outweighs a tie, not a missing word.
    clause_dense_weight: float = 2.0
    # A number question prefers, among clauses that cover it equally, the one holding a digit.
    clause_number_bonus: float = 0.05
    # A when-question (什么时候截止) prefers a clause holding a date over one that repeats its words
    # without one (截止后不再受理): worth half the question's words.
    clause_date_bonus: float = 0.5
    # Credit for a Chinese word whose characters all appear but not together (多少辆车 vs 汽车≥50
    # 辆): Chinese reorders and abbreviates freely; a partial hit is weaker evidence.
    partial: float = 0.5
    # Weight of a question word that is part of a longer question word (操作 of 操作系统); 0.5 and
    # 0.25 score alike on all three question sets, 0 loses a question (docs/eval.md).
    piece_weight: float = 0.5
    # A single Chinese character is ambiguous (车, 人): this share of a word's weight.
    single_char_weight: float = 0.5
    # Words that only describe which project is meant (搞“智能汽车小脑”那个项目，云端要多少张GPU卡)
    # chose the project; within it the clause is chosen by what is asked after them.
    descriptor_weight: float = 0.1


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = field(default_factory=lambda: _root() / "corpus")
    index_dir: Path = field(default_factory=lambda: _root() / "index")
    data_dir: Path = field(default_factory=lambda: _root() / "data")
    embed_model: str = DEFAULT_MODEL
    # The loaded model, kept between processes (rag/model_cache.py); per user, like pip's cache,
    # so every index folder (and rag bench's temporary ones) starts from it.
    model_cache_dir: Path = field(default_factory=_cache_home)
    # int8 Linear layers: a query embeds 2.5x faster on one core (11.9 vs 29.9 ms), answers equal
    # on the eval sets (README). RAG_EMBED_QUANTIZE=0 keeps float32.
    embed_quantize: bool = True
    # "jieba", "bigram" or "both". Raw BM25 hit@1 on the eval set: jieba 0.531, bigram 0.545, both
    # 0.531 (MRR 0.658 / 0.673 / 0.665) — within two questions; answers are identical. Both is kept:
    # jieba gives whole words (资助强度), bigrams catch words jieba cuts differently in query and guide.
    tokenizer: str = "both"
    # bm25s precomputes scores: 0.2 ms against rank-bm25's 19 ms per query at 100x (rag bench).
    bm25_backend: str = "bm25s"
    # Fusion: weighted reciprocal-rank; k=60 is the value from the RRF paper and rarely worth tuning.
    fusion: str = "rrf"
    rrf_k: int = 60
    w_bm25: float = 1.0
    w_dense: float = 1.0
    # Structure from the query: a named project or section adds this much (in RRF units, where
    # rank 1 is worth 1/61 ≈ 0.016), enough to beat any purely textual difference.
    project_boost: float = 0.05
    section_boost: float = 0.03
    # Scoring constants (calibrated on the eval sets, not read from the environment).
    scoring: Scoring = field(default_factory=Scoring)
    # Abstain below this evidence (share of the query's weighted terms found, blended with the
    # dense similarity); calibrated on eval/questions.jsonl.
    min_evidence: float = 0.45
    answer_max_chars: int = 200
    max_question_chars: int = 500
    # Seconds one answer may take before it is abandoned as too complex (HTTP 503, CLI exit 1);
    # the slowest hostile 500-character question takes well under 0.1 s (docs/worst-case.md).
    # RAG_ANSWER_BUDGET; 0 = no limit.
    answer_budget_s: float = 2.0
    suggestions: int = 3
    # Whole answers kept per engine (a help desk repeats itself); 0 turns the cache off.
    query_cache_size: int = 2048
    # Web: answers per client per minute (0 = off; a help desk behind one NAT may need more).
    rate_limit: int = 120
    # No legitimate request is near this: a 500-character question is ~2 KB of JSON.
    max_body_bytes: int = 16 * 1024
    max_comment_chars: int = 2000
    # Hardening (docs/security.md): proxies whose X-Forwarded-For/-Proto are believed (none by
    # default), the HTTP server's limits, and the staff session's lifetime.
    trusted_proxies: str = ""
    max_header_bytes: int = 16 * 1024
    max_headers: int = 100
    read_timeout: float = 20.0
    max_connections: int = 400
    staff_session_seconds: int = 8 * 3600
    # Shown on a card when the guide does not answer, only when staff set them: who to ask
    # (RAG_HELPDESK_CONTACT, e.g. a phone number) and the official call notice (RAG_NOTICE_URL).
    helpdesk_contact: str = ""
    notice_url: str = ""
    # The staff view shows times in this zone (RAG_TIMEZONE); the store keeps UTC.
    timezone: str = "Asia/Shanghai"
    # Staff uploads of a guide (.txt/.pdf/.docx): the second guide is 10 KB as text; a PDF is a few MB.
    max_upload_bytes: int = 10 * 1024 * 1024

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Return settings with RAG_* environment variables applied, then the overrides."""
        env = os.environ
        s = cls()
        if env.get("RAG_EMBED_MODEL"):
            s = replace(s, embed_model=env["RAG_EMBED_MODEL"])
        if env.get("RAG_EMBED_QUANTIZE"):
            s = replace(s, embed_quantize=env["RAG_EMBED_QUANTIZE"].strip().lower() not in ("0", "false", "no", "off"))
        if env.get("RAG_DATA_DIR"):
            s = replace(s, data_dir=Path(env["RAG_DATA_DIR"]))
        if env.get("RAG_CORPUS_DIR"):
            s = replace(s, corpus_dir=Path(env["RAG_CORPUS_DIR"]))
        if env.get("RAG_TOKENIZER"):
            s = replace(s, tokenizer=env["RAG_TOKENIZER"])
        if env.get("RAG_BM25_BACKEND"):
            s = replace(s, bm25_backend=env["RAG_BM25_BACKEND"])
        if env.get("RAG_RATE_LIMIT"):
            value = env["RAG_RATE_LIMIT"].strip()
            if not value.isdigit():
                raise ValueError(f"RAG_RATE_LIMIT must be a whole number of answers per minute (0 = off), "
                                 f"not {value!r}")
            s = replace(s, rate_limit=int(value))
        if env.get("RAG_ANSWER_BUDGET"):
            value = env["RAG_ANSWER_BUDGET"].strip()
            try:
                budget = float(value)
            except ValueError:
                budget = -1.0
            if not 0 <= budget < float("inf"):
                raise ValueError(f"RAG_ANSWER_BUDGET must be seconds per answer (0 = no limit), not {value!r}")
            s = replace(s, answer_budget_s=budget)
        if env.get("RAG_HELPDESK_CONTACT"):
            s = replace(s, helpdesk_contact=env["RAG_HELPDESK_CONTACT"].strip()[:200])
        if env.get("RAG_NOTICE_URL"):
            url = env["RAG_NOTICE_URL"].strip()
            if not re.fullmatch(r"https?://[^\s\"'<>]+", url):
                raise ValueError(f"RAG_NOTICE_URL must be an http(s) address, not {url!r}")
            s = replace(s, notice_url=url)
        if env.get("RAG_TIMEZONE"):
            s = replace(s, timezone=zone(env["RAG_TIMEZONE"].strip()).key)
        if env.get("RAG_INDEX_DIR"):
            s = replace(s, index_dir=Path(env["RAG_INDEX_DIR"]))
        if env.get("RAG_TRUSTED_PROXIES"):
            s = replace(s, trusted_proxies=env["RAG_TRUSTED_PROXIES"].strip())
        for name, key in _HARDENING_ENV.items():
            if env.get(name):
                s = replace(s, **{key: _positive(name, env[name], type(getattr(s, key)))})  # type: ignore[arg-type]
        return replace(s, **overrides)  # type: ignore[arg-type]

    def index_fingerprint(self) -> str:
        """Return a hash of the settings that change what the index contains."""
        keys = {"tokenizer": self.tokenizer, "bm25_backend": self.bm25_backend}
        return hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()[:16]

    def public(self) -> dict:
        d = asdict(self)
        return {k: str(v) if isinstance(v, Path) else v for k, v in d.items()}
