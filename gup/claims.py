"""Claims: record that something happened once (a job occurrence, a reminder, a mailing) so that a second run,
or a second process racing the first, does nothing twice."""

from __future__ import annotations

from typing import Any

from gup.extensions import db


def insert_once(model: Any, *, index_elements: list[str] | None = None, **values: Any) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING on the model's unique key: the new row's id, or None when the row was
    already there. A concurrent insert of the same key waits for the other transaction (PostgreSQL's row lock,
    the SQLite file's write lock), then does nothing."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = model.__table__
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=index_elements)
    return db.session.execute(stmt.returning(table.c.id)).scalar()
