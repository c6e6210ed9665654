"""Fixtures: an app built by the Alembic migrations, a clean database per test, clients and factories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient

import config
from gup import create_app
from gup.extensions import db


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """In CI (CI=1, set by .ci/run) a test never skips itself: a skip for want of a database, a browser or any
    other dependency is reported as a failure. Markers (-m) still choose which suites a run collects."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (nothing may be skipped there): {report.longrepr}"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TEST_DATABASE_URL, else a SQLite file in the session's temporary directory.

    Under pytest-xdist (-n N) each worker gets its own database: the temporary directory is the worker's, and
    on PostgreSQL the worker uses `<database>_<worker>` (e.g. test_gw0), created on the same server if missing.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'gup-test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    parsed = sa.engine.make_url(url)
    if not worker or parsed.get_backend_name() != "postgresql":
        return url
    name = f"{parsed.database}_{worker}"
    maintenance = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as conn:
            if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        maintenance.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


class IsolatedClient(FlaskClient):
    """A test client whose requests never reuse the previous request's logged-in user.

    Tests hold an app context open (for factories); Flask then reuses it for the client's requests, so
    Flask-Login's per-request cache in `g` would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application on an empty schema built by running every migration."""
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    uploads = tmp_path_factory.mktemp("uploads")
    previous_pgoptions = os.environ.get("PGOPTIONS")
    if url.startswith("postgresql"):
        # A test database need not survive a crash of its server: without the WAL flush a COMMIT takes 0.2 ms
        # instead of about 5 ms, and a test commits dozens of times. Visibility and isolation are unchanged;
        # libpq reads PGOPTIONS, so the servers and workers the tests start as subprocesses get it too.
        os.environ["PGOPTIONS"] = f"{previous_pgoptions or ''} -c synchronous_commit=off".strip()
    application = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(uploads))
    application.test_client_class = IsolatedClient
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if previous_pgoptions is None:
        os.environ.pop("PGOPTIONS", None)
    else:
        os.environ["PGOPTIONS"] = previous_pgoptions


_DELETE_STATEMENTS: list[str] | None = None


def _delete_every_row() -> None:
    """DELETE FROM every table but alembic_version, children first, in one transaction.

    PostgreSQL gets the statements in one round trip (psycopg runs a parameterless multi-statement query):
    one `execute` per table cost 80 round trips per test. SQLite runs them on the raw DBAPI cursor.
    """
    global _DELETE_STATEMENTS
    if _DELETE_STATEMENTS is None:
        preparer = db.engine.dialect.identifier_preparer
        _DELETE_STATEMENTS = [f"DELETE FROM {preparer.quote(table.name)}"  # noqa: S608  (our own table names)
                              for table in reversed(db.metadata.sorted_tables) if table.name != "alembic_version"]
    statements = _DELETE_STATEMENTS
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("; ".join(statements))
        else:
            cursor = conn.connection.cursor()
            try:
                for statement in statements:
                    cursor.execute(statement)
            finally:
                cursor.close()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after each test (the default themes are put back)."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        db.session.rollback()
        _delete_every_row()
        from gup.agreements.services import ensure_default_themes, ensure_tfpb_axes

        ensure_default_themes()
        ensure_tfpb_axes()  # the migration's seed of the TFPB axes reference table
        db.session.commit()
        db.session.remove()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask, app_ctx: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


def login_client(client, user) -> None:
    """Log a user in through the real login form (factory users share tests.factories.PASSWORD)."""
    from tests.factories import PASSWORD

    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def login(client):
    """Log a user in with the test client."""
    def _login(user) -> None:
        login_client(client, user)
    return _login


@pytest.fixture
def count_queries(app_ctx):
    """Context manager counting the SQL statements executed inside it."""
    @contextmanager
    def _count() -> Iterator[list[str]]:
        statements: list[str] = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    return _count


@pytest.fixture
def f(app_ctx):
    """The factories module (tests/factories.py), inside an app context."""
    from tests import factories

    return factories


# --- REST API tests: a world with a bearer token per role, and a client that sends them ------------

API_ROLES = ("coordinator", "other_coordinator", "referent1", "referent2", "outsider", "observer", "admin")


@pytest.fixture
def w(f) -> dict[str, Any]:
    """tests.factories.world() plus w["tokens"][role], committed."""
    world = f.world()
    world["tokens"] = {role: f.make_token(world[role]) for role in API_ROLES}
    db.session.commit()
    return world


@pytest.fixture
def api(client, w):
    """api(role, method, url, json=...) sends the request with that role's bearer token (role None: no token)."""
    def _call(role: str | None, method: str, url: str, **kwargs: Any):
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers["Authorization"] = f"Bearer {w['tokens'][role]}"
        return client.open(url, method=method, headers=headers, **kwargs)
    return _call
