"""Fixtures: an app built by the Alembic migrations, a clean database per test, clients and factories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

import config
from gup import create_app
from gup.extensions import db


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'gup-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application on an empty schema built by running every migration."""
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    application = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=url)
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


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after each test (the default themes are put back)."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        db.session.rollback()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "alembic_version":
                    conn.execute(table.delete())
        from gup.agreements.services import ensure_default_themes

        ensure_default_themes()
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


@pytest.fixture
def login(client):
    """Log a user in by writing their session token into the client's session."""
    def _login(user) -> None:
        with client.session_transaction() as sess:
            sess["_user_id"] = user.session_token
            sess["_fresh"] = True
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
