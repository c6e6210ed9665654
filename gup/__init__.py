"""gup: Gestion urbaine de proximité — the application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_object: Any = None, **overrides: Any) -> Flask:
    """Build the Flask application (settings from config.py, then overrides)."""
    import config as settings

    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_path=str(ROOT / "instance"),
                instance_relative_config=True)
    app.config.from_object(config_object or settings.config_from_env())
    app.config.update(overrides)
    if app.config.get("PRODUCTION"):
        settings.check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_errors(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    import gup.models  # noqa: F401  (every model registered before the mappers configure)
    from gup import database
    from gup.auth.loader import init_login
    from gup.extensions import api, babel, csrf, db, limiter, migrate
    from gup.i18n import select_locale

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    init_login(app)
    api.init_app(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    import gup.actions.views  # noqa: F401  (routes attach to their blueprint on import)
    import gup.admin.views  # noqa: F401
    import gup.agreements.views  # noqa: F401
    import gup.auth.views  # noqa: F401
    import gup.findings.views  # noqa: F401
    import gup.hotline.views  # noqa: F401
    import gup.open311.views  # noqa: F401
    import gup.media.views  # noqa: F401
    import gup.organisations.views  # noqa: F401
    import gup.territory.views  # noqa: F401
    import gup.walks.views  # noqa: F401
    from gup.actions import bp as actions_bp
    from gup.actions.api import actions_api
    from gup.admin import bp as admin_bp
    from gup.agreements import bp as agreements_bp
    from gup.agreements.api import agreements_api, commitments_api
    from gup.auth import bp as auth_bp
    from gup.auth.api import me_api
    from gup.extensions import api, csrf
    from gup.findings import bp as findings_bp
    from gup.hotline import bp as hotline_bp
    from gup.hotline.api import resident_reports_api
    from gup.open311 import bp as open311_bp
    from gup.findings.api import findings_api
    from gup.media import bp as media_bp
    from gup.organisations import bp as organisations_bp
    from gup.organisations.api import organisations_api
    from gup.territory import bp as territory_bp
    from gup.territory.api import neighbourhoods_api
    from gup.walks import bp as walks_bp
    from gup.walks.api import walkthroughs_api

    for bp in (auth_bp, admin_bp, agreements_bp, organisations_bp, territory_bp, walks_bp, findings_bp,
               actions_bp, media_bp, hotline_bp):
        app.register_blueprint(bp)
    csrf.exempt(open311_bp)  # machine-to-machine: authenticated by api_key, never by the session cookie
    app.register_blueprint(open311_bp, url_prefix="/open311/v2")
    for blp in (me_api, organisations_api, neighbourhoods_api, agreements_api, commitments_api, walkthroughs_api,
                findings_api, actions_api, resident_reports_api):
        csrf.exempt(blp)
        api.register_blueprint(blp, url_prefix=f"/api/v1{blp.url_prefix or ''}")


def register_template_helpers(app: Flask) -> None:
    from gup import navigation
    from gup.audit.services import ENTITY_LABELS, FIELD_LABELS
    from gup.i18n import register_filters

    register_filters(app)
    navigation.register(app)
    app.jinja_env.globals["audit_labels"] = ENTITY_LABELS
    app.jinja_env.globals["audit_field_labels"] = FIELD_LABELS


def register_errors(app: Flask) -> None:
    from gup.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from gup.cli import gup_cli

    app.cli.add_command(gup_cli)
