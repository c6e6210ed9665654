"""The Alembic chain builds the schema the models describe (no pending autogenerate diff)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gup.extensions import db


def test_models_and_migrations_agree(app_ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ, run `flask db migrate`: {diff}"


def test_default_themes_are_seeded(app_ctx):
    from gup.agreements.queries import all_themes

    codes = {t.code for t in all_themes()}
    assert {"cleanliness", "public_lighting", "tranquillity", "participation"} <= codes


def test_sqlite_is_configured_for_a_web_server(app_ctx):
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_production_refuses_default_secret_key():
    import pytest

    import config
    from gup import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.ProductionConfig, SECRET_KEY=config.Config.SECRET_KEY,
                   SQLALCHEMY_DATABASE_URI="sqlite://")
    # mailed links need the site's address: production refuses to start without it
    with pytest.raises(RuntimeError, match="GUP_PUBLIC_BASE_URL"):
        create_app(config.ProductionConfig, SECRET_KEY="x" * 40, PUBLIC_BASE_URL="",
                   SQLALCHEMY_DATABASE_URI="sqlite://")


def test_downgrade_and_upgrade_keep_every_row(app, f):
    """Rebuilding a table (SQLite batch mode) must not cascade into the tables that reference it: migrations run
    with foreign keys off (migrations/env.py) and every row survives a round trip through this session's
    migrations, on SQLite and PostgreSQL."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from gup.hotline import services
    from gup.orm import now_utc

    with app.app_context():
        w = f.world()
        f.make_token(w["referent1"])
        category = f.make_category(default_organisation=w["hp1"])
        report = f.make_report(category)
        services.route_report(report, to=w["hp1"], actor=w["coordinator"], now=now_utc())
        db.session.commit()

        def counts() -> dict[str, int]:
            with db.engine.connect() as conn:
                return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                        for t in db.metadata.sorted_tables}

        before = counts()
        db.session.remove()
        try:
            downgrade(revision="bb996a97915d")
        finally:
            upgrade()
        after = counts()
        assert after == before
        with db.engine.connect() as conn:
            if db.engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.session.remove()
