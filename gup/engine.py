"""Database engine set-up, once per application: SQLite pragmas for a web server and its local-date function,
and the audit listener."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import event

from gup.extensions import db


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    for pragma in ("busy_timeout=15000", "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()
    # SQLite has no time zones: gup_local_date(stored UTC timestamp, zone name) is the local date (Python's zoneinfo)
    dbapi_conn.create_function("gup_local_date", 2, _local_date, deterministic=True)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local_date(value: str | None, zone: str) -> str | None:
    """The date ('YYYY-MM-DD') in `zone` of a timestamp SQLite stores (UTC, naive text); NULL for NULL."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(_zone(zone)).date().isoformat()


def init_app(app: Flask) -> None:
    """Configure the engine once it exists (SQLite only gets the pragmas) and install the audit log."""
    from flask_sqlalchemy.session import Session

    from gup.audit.services import register
    from gup.inputs import clean_text_columns

    with app.app_context():
        if db.engine.dialect.name == "sqlite" and not event.contains(db.engine, "connect", _sqlite_pragmas):
            event.listen(db.engine, "connect", _sqlite_pragmas)
    register(Session, db.Model.registry)
    if not event.contains(Session, "before_flush", clean_text_columns):
        event.listen(Session, "before_flush", clean_text_columns)
