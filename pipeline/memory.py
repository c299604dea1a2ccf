"""Translation memory: a persistent SQLite cache of machine translations, plus the
reviewer-approved translations (TMX) that always win over the machine."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL
)
"""


def memory_key(source: str, engine_config: str, glossary_entries: str) -> str:
    """A translation is reusable only for the same source, the same engine configuration
    (``Engine.config_id``: engine, model, route, decoding options, library versions) and
    the same glossary entries."""
    return hashlib.sha256("\x1f".join((source, engine_config, glossary_entries)).encode()).hexdigest()


class Memory:
    """Each committed batch is durable: an interrupted build keeps what it finished."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)
        self.db.commit()

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT target FROM tm WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put_many(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """(key, source, target, engine, model) rows, written in one transaction."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?)", rows)

    def entries(self) -> list[tuple[str, str, str, str]]:
        return self.db.execute("SELECT source, target, engine, model FROM tm ORDER BY source").fetchall()

    def close(self) -> None:
        self.db.close()


def read_tmx(path: Path) -> dict[str, str]:
    """Source -> target pairs of a TMX file (translate-toolkit's reader)."""
    from translate.storage.tmx import tmxfile

    if not path.exists():
        return {}
    with path.open("rb") as f:
        store = tmxfile(f, "fr", "en")
    return {unit.source: unit.target for unit in store.units if unit.source and unit.target}


def write_tmx(path: Path, pairs: dict[str, str]) -> None:
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage="fr", targetlanguage="en")
    for source, target in sorted(pairs.items()):
        store.addtranslation(source, "fr", target, "en")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(store))
