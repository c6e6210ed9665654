"""The bare Flask app the Open311 benchmark compares gup with (tests/bench_open311.py): what Flask, gunicorn and
SQLite cost alone.

- `POST /reports`: one row inserted with plain SQL (description, lat, long, date), its id answered as JSON;
- `GET /reports?limit=N`: the N newest rows as a JSON list of objects.

Its own SQLite file (BENCH_BARE_DB), with the pragmas gup sets on its engine (WAL, synchronous=NORMAL,
busy_timeout), one connection per worker process (gunicorn's sync workers serve one request at a time).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime

from flask import Flask, Response, request

SCHEMA = """CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY, description TEXT NOT NULL, latitude REAL, longitude REAL, created_at TEXT NOT NULL)"""

app = Flask(__name__)
_connection: sqlite3.Connection | None = None


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    for pragma in ("busy_timeout=15000", "journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(SCHEMA)
    return conn


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
