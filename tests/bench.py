"""Micro-benchmark of the agreement list (/agreements): time per request and SQL queries, 10 vs 200 agreements.

    make bench                      # or: .venv/bin/python -m tests.bench [--requests 30]

Runs the real app (config.TestingConfig) on a temporary SQLite file built by the Alembic migrations, through the
Flask test client (no network), logged in as a coordinator named on every agreement. Each agreement has three
partners, a signatory and two commitments. A query count that grows with the number of agreements means an N+1.
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

import config
from gup import create_app
from gup.extensions import db


def seed(f, coordinator_id: int, organisation_ids: list[int], count: int) -> None:
    from gup.auth.models import User
    from gup.organisations.models import Organisation

    coordinator = db.session.get(User, coordinator_id)
    organisations = [db.session.get(Organisation, i) for i in organisation_ids]
    for _ in range(count):
        agreement = f.make_agreement(coordinators=[coordinator], organisations=organisations)
        f.make_signatory(agreement, organisations[0])
        for org in organisations[1:]:
            f.make_commitment(agreement, org)
    db.session.commit()


def measure(app, client, requests: int) -> dict:
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    response = client.get("/agreements")              # warm-up: templates compiled, caches filled
    assert response.status_code == 200, f"/agreements answered {response.status_code}"
    rows = len(set(re.findall(r"GUP-TEST-\d+", response.get_data(as_text=True))))
    sa.event.listen(engine, "before_cursor_execute", listener)
    timings = []
    try:
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get("/agreements")
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return {"median": statistics.median(timings), "min": min(timings), "queries": len(statements) / requests,
            "rows": rows, "bytes": len(response.data)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per scenario (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gup-bench-") as tmp:
        app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        from flask_migrate import upgrade

        from gup.auth.models import Role
        from tests import factories as f

        logging.disable(logging.INFO)                  # keep warnings and errors, drop alembic's progress lines
        with app.app_context():
            upgrade()
            town = f.make_organisation(name="Ville de Banc")
            organisations = [town, f.make_organisation(name="Bailleur A"), f.make_organisation(name="Bailleur B")]
            coordinator = f.make_user(Role.COORDINATOR, organisation=town)
            db.session.commit()
            token, coordinator_id = coordinator.session_token, coordinator.id
            organisation_ids = [o.id for o in organisations]
            db.session.remove()

        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True

        page_size = app.config["PAGE_SIZE"]
        print(f"GET /agreements, {args.requests} timed requests per line (Flask test client, SQLite file)")
        print(f"{'agreements':>10} {'page size':>9} {'rows shown':>10} {'median ms':>9} {'min ms':>7} "
              f"{'SQL/request':>11} {'KiB':>6}")
        seeded = 0
        for total, size in ((10, page_size), (200, page_size), (200, 200)):
            with app.app_context():
                seed(f, coordinator_id, organisation_ids, total - seeded)
                db.session.remove()
            seeded = total
            app.config["PAGE_SIZE"] = size
            r = measure(app, client, args.requests)
            print(f"{total:>10} {size:>9} {r['rows']:>10} {r['median']:>9.1f} {r['min']:>7.1f} "
                  f"{r['queries']:>11.1f} {r['bytes'] / 1024:>6.0f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
