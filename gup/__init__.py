"""gup: Gestion urbaine de proximité — the application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response

ROOT = Path(__file__).resolve().parent.parent

#: the features, in registration order; each package's `init_app(app, registry)` plugs it in (gup.features)
FEATURES: tuple[str, ...] = (
    "gup.auth",
    "gup.organisations",
    "gup.territory",
    "gup.agreements",
    "gup.walks",
    "gup.findings",
    "gup.actions",
    "gup.tfpb",
    "gup.media",
    "gup.hotline",
    "gup.open311",
    "gup.admin",
    "gup.governance",
    "gup.relays",
    "gup.budget",
    "gup.notifications",  # its sender runs last among the jobs due together (JobSpec.last): it sends what they queued
    # aggregators: they read the features above through what those registered
    "gup.inbox",
    "gup.dashboard",
    "gup.reports",
    "gup.evaluations",
    "gup.demo",
    "gup.scheduler",
)


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

    register_proxy(app)
    register_extensions(app)
    register_features(app)
    register_template_helpers(app)
    register_errors(app)
    register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from their X-Forwarded-*
    headers (werkzeug's ProxyFix); with 0 (the default) the headers are ignored, since anyone can send them."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXIES (GUP_TRUSTED_PROXIES) must be 0 or a positive number of proxies.")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from gup import engine, inputs, security_headers
    from gup.auth.loader import init_login
    from gup.extensions import api, babel, csrf, db, limiter, migrate
    from gup.i18n import select_locale
    from gup.models import import_all

    inputs.init_app(app)  # first: the `int` converter must exist before any route is added
    import_all(FEATURES)  # every model registered before the mappers configure
    db.init_app(app)
    engine.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    init_login(app)
    api.init_app(app)
    limiter.init_app(app)
    security_headers.init_app(app)


def register_features(app: Flask) -> None:
    from gup.features import init_features

    init_features(app, FEATURES)
    import gup.policy_rules  # noqa: F401  (the rules register on gup.policy; features never import them)


def register_template_helpers(app: Flask) -> None:
    from gup import navigation
    from gup.forms_common import error_links
    from gup.i18n import register_filters

    register_filters(app)
    navigation.register(app)
    app.jinja_env.globals["form_error_links"] = error_links  # the linked error summary of every form

    icon = (Path(app.static_folder) / "favicon.svg").read_bytes()

    def favicon() -> Any:
        """Browsers ask /favicon.ico of every site: the SVG icon the pages link to, cached a day."""
        return Response(icon, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    app.add_url_rule("/favicon.ico", "favicon", favicon)


def register_errors(app: Flask) -> None:
    from gup.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from gup.cli import build_cli

    app.cli.add_command(build_cli(app))
