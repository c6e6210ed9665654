"""Micro-benchmark of the agreement list (/agreements): time per request and SQL queries, 10 vs 200 agreements.

    make bench                      # or: .venv/bin/python -m tests.bench [--requests 30]

Then the walk restitution PDF (gup.reports.walk_restitution_pdf) for a walk of 50 and 500 findings, each with
a photo and an action: seconds to read the data and build the PDF, pages, SQL queries. Build time must grow
linearly (about ten times longer for ten times more findings), and the query count must not grow.

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


def seed_walk(f, count: int, now) -> int:
    """A walk with `count` findings over two partners, each with a photo and an action."""
    from gup.findings.models import FindingStatus
    from gup.media.services import store_photo

    w = f.world()
    walk = f.make_walk(w["agreement"])
    statuses = list(FindingStatus)
    photo = f.jpeg_bytes(320, 240)
    for i in range(count):
        finding = f.make_finding(w["agreement"], w["hp1"] if i % 2 else w["hp2"], walkthrough=walk,
                                 status=statuses[i % len(statuses)],
                                 description=f"Constat {i} : dépôt d'encombrants au pied de l'immeuble, "
                                             "à enlever et à signaler aux locataires.")
        f.make_action(w["agreement"], w["hp1"], title=f"Action {i}").findings = [finding]
        store_photo(photo, finding=finding, actor=w["coordinator"], now=now)
    db.session.commit()
    return walk.id


def bench_restitution(app, sizes: tuple[int, ...] = (50, 500)) -> None:
    import io

    from pypdf import PdfReader

    from gup.i18n import local_today
    from gup.orm import now_utc
    from gup.reports import walk_restitution_pdf
    from gup.walks.models import Walkthrough
    from tests import factories as f

    print()
    print("Walk restitution PDF (photo and action on every finding)")
    print(f"{'findings':>8} {'seconds':>8} {'s/100 findings':>14} {'pages':>6} {'SQL':>5} {'KiB':>6}")
    for size in sizes:
        with app.app_context():
            walk_id = seed_walk(f, size, now_utc())
            db.session.remove()
        with app.app_context():
            statements: list[str] = []

            def listener(conn, cursor, statement, *args, _into=statements):
                _into.append(statement)

            walk = db.session.get(Walkthrough, walk_id)
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            start = time.perf_counter()
            try:
                pdf = walk_restitution_pdf(walk, today=local_today())
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
            seconds = time.perf_counter() - start
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"{size:>8} {seconds:>8.2f} {seconds * 100 / size:>14.3f} {pages:>6} {len(statements):>5} "
                  f"{len(pdf) / 1024:>6.0f}")
            db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per scenario (default 30)")
    parser.add_argument("--backend", choices=("sqlite",), default="sqlite",
                        help="SQLite only (tests/bench_all.py passes it): an in-process micro-benchmark")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gup-bench-") as tmp:
        app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                         UPLOAD_FOLDER=str(Path(tmp) / "uploads"))
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
        bench_restitution(app)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
