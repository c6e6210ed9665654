"""The bare Flask app the benchmarks compare gup with (tests/bench_open311.py, tests/bench_backoffice.py): what
Flask, gunicorn and the database cost alone.

- `POST /reports`: one row inserted with plain SQL (description, lat, long, date), its id answered as JSON;
- `GET /reports?limit=N`: the N newest rows (index on the date) as a JSON list of objects;
- `GET /page?group=G`: one indexed query on a table of 50,000 rows (`items`, seeded by `seed_items`) rendering
  its 20 newest rows of group G in a small Jinja template — the back-office benchmark's baseline
  (tests/bench_backoffice.py).

Its own database, BENCH_BARE_DB: a SQLite file path (with the pragmas gup sets on its engine: WAL,
synchronous=NORMAL, busy_timeout) or a PostgreSQL URL (`postgresql://…` or `postgresql+psycopg://…`: psycopg,
autocommit, the same tables and queries); one connection per worker process (gunicorn's sync workers serve one
request at a time).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, render_template_string, request

SCHEMA = """CREATE TABLE IF NOT EXISTS reports (
    id {serial} PRIMARY KEY, description TEXT NOT NULL, latitude {real}, longitude {real}, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_reports_created ON reports (created_at, id)"""

ITEMS_SCHEMA = """CREATE TABLE IF NOT EXISTS items (
    id {serial} PRIMARY KEY, grp INTEGER NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_items_grp_created ON items (grp, created_at)"""
ITEMS, GROUPS = 50_000, 100
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><table><thead><tr><th>N°</th><th>Titre</th><th>Statut</th><th>Date</th></tr></thead>
<tbody>{% for id, title, status, at in rows %}<tr><td>{{ id }}</td><td>{{ title }}</td><td>{{ status }}</td>
<td>{{ at[:10] }}</td></tr>{% endfor %}</tbody></table></main></body></html>"""

app = Flask(__name__)
_connection: Any = None


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql:", "postgresql+"))


class _Postgres:
    """A psycopg connection (autocommit) spoken to like sqlite3's: `?` placeholders, execute returns a cursor."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)

    def execute(self, sql: str, params: Iterable = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), tuple(params))

    def executescript(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self.conn.execute(statement)

    def executemany(self, sql: str, rows: Iterable) -> None:
        with self.conn.transaction(), self.conn.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), list(rows))

    def close(self) -> None:
        self.conn.close()


def _schema(script: str, postgres: bool) -> str:
    return script.format(serial="SERIAL" if postgres else "INTEGER", real="DOUBLE PRECISION" if postgres else "REAL")


def connect(target: str) -> Any:
    """A connection to the bare database (a SQLite path or a PostgreSQL URL), its `reports` table created."""
    if is_postgres(target):
        conn = _Postgres(target)
        conn.executescript(_schema(SCHEMA, True))
        return conn
    conn = sqlite3.connect(target, timeout=15, isolation_level=None, check_same_thread=False)
    for pragma in ("busy_timeout=15000", "journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    conn.executescript(_schema(SCHEMA, False))
    return conn


def _insert_many(conn: Any, sql: str, rows: Iterable) -> None:
    if isinstance(conn, _Postgres):
        conn.executemany(sql, rows)
    else:
        conn.execute("BEGIN")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")


def seed_items(target: str, count: int = ITEMS) -> None:
    """The `items` table of `count` rows in `GROUPS` groups, with its index (once: a second call adds nothing)."""
    conn = connect(target)
    conn.executescript(_schema(ITEMS_SCHEMA, isinstance(conn, _Postgres)))
    if conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] < count:
        _insert_many(conn, "INSERT INTO items (grp, title, status, created_at) VALUES (?, ?, ?, ?)",
                     ((i % GROUPS, f"Constat n° {i}", ("new", "sent", "resolved")[i % 3],
                       f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00") for i in range(count)))
    conn.close()


def seed_reports(target: str, count: int) -> int:
    """Fill `reports` up to `count` rows (dated before any row posted now); the rows it holds then."""
    conn = connect(target)
    have = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    if have < count:
        _insert_many(conn, "INSERT INTO reports (description, latitude, longitude, created_at) VALUES (?, ?, ?, ?)",
                     ((f"Signalement n° {i}", 48.85 + i % 100 / 1e4, 2.35 + i % 97 / 1e4,
                       f"20{22 + i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00+00:00")
                      for i in range(count - have)))
        have = count
    conn.close()
    return have


def _db() -> Any:
    global _connection
    if _connection is None:
        _connection = connect(os.environ["BENCH_BARE_DB"])
    return _connection


def _json(data: object) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8")


@app.post("/reports")
def post_report() -> Response:
    form = request.form
    cursor = _db().execute("INSERT INTO reports (description, latitude, longitude, created_at) VALUES (?, ?, ?, ?) "
                           "RETURNING id", (form.get("description", ""), float(form.get("lat", 0)),
                                            float(form.get("long", 0)), datetime.now(UTC).isoformat()))
    (row_id,) = cursor.fetchone()
    cursor.close()
    return _json([{"id": row_id}])


@app.get("/reports")
def list_reports() -> Response:
    limit = min(int(request.args.get("limit", 1000)), 1000)
    rows = _db().execute("SELECT id, description, latitude, longitude, created_at FROM reports "
                         "ORDER BY created_at DESC, id DESC LIMIT ?", (limit,))
    return _json([{"id": i, "description": d, "lat": lat, "long": lng, "created_at": at}
                  for i, d, lat, lng, at in rows])


@app.get("/page")
def page() -> str:
    group = int(request.args.get("group", 0))
    rows = _db().execute("SELECT id, title, status, created_at FROM items WHERE grp = ? "
                         "ORDER BY created_at DESC LIMIT 20", (group,)).fetchall()
    return render_template_string(PAGE, title=f"Groupe {group}", rows=rows)
