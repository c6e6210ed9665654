"""The bare Flask app the Open311 benchmark compares gup with (tests/bench_open311.py): what Flask, gunicorn and
SQLite cost alone.

- `POST /reports`: one row inserted with plain SQL (description, lat, long, date), its id answered as JSON;
- `GET /reports?limit=N`: the N newest rows as a JSON list of objects;
- `GET /page?group=G`: one indexed query on a table of 50,000 rows (`items`, seeded by `seed_items`) rendering
  its 20 newest rows of group G in a small Jinja template — the back-office benchmark's baseline
  (tests/bench_backoffice.py).

Its own SQLite file (BENCH_BARE_DB), with the pragmas gup sets on its engine (WAL, synchronous=NORMAL,
busy_timeout), one connection per worker process (gunicorn's sync workers serve one request at a time).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime

from flask import Flask, Response, render_template_string, request

SCHEMA = """CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY, description TEXT NOT NULL, latitude REAL, longitude REAL, created_at TEXT NOT NULL)"""

ITEMS_SCHEMA = """CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_items_grp_created ON items (grp, created_at)"""
ITEMS, GROUPS = 50_000, 100
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><table><thead><tr><th>N°</th><th>Titre</th><th>Statut</th><th>Date</th></tr></thead>
<tbody>{% for id, title, status, at in rows %}<tr><td>{{ id }}</td><td>{{ title }}</td><td>{{ status }}</td>
<td>{{ at[:10] }}</td></tr>{% endfor %}</tbody></table></main></body></html>"""

app = Flask(__name__)
_connection: sqlite3.Connection | None = None


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    for pragma in ("busy_timeout=15000", "journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(SCHEMA)
    return conn


def seed_items(path: str, count: int = ITEMS) -> None:
    """The `items` table of `count` rows in `GROUPS` groups, with its index (once: a second call adds nothing)."""
    conn = connect(path)
    conn.executescript(ITEMS_SCHEMA)
    if conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] < count:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO items (grp, title, status, created_at) VALUES (?, ?, ?, ?)",
                         ((i % GROUPS, f"Constat n° {i}", ("new", "sent", "resolved")[i % 3],
                           f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00") for i in range(count)))
        conn.execute("COMMIT")
    conn.close()


def _db() -> sqlite3.Connection:
    global _connection
    if _connection is None:
        _connection = connect(os.environ["BENCH_BARE_DB"])
    return _connection


def _json(data: object) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8")


@app.post("/reports")
def post_report() -> Response:
    form = request.form
    cursor = _db().execute("INSERT INTO reports (description, latitude, longitude, created_at) VALUES (?, ?, ?, ?)",
                           (form.get("description", ""), float(form.get("lat", 0)), float(form.get("long", 0)),
                            datetime.now(UTC).isoformat()))
    return _json([{"id": cursor.lastrowid}])


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
