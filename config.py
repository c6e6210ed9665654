"""Settings of gup, read from the environment (the only module that reads os.environ)."""

from __future__ import annotations

import os
from datetime import timedelta

_DEV_SECRET = "dev-only-insecure-secret-key"  # noqa: S105  (development only; production refuses it)


def _bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Base settings with safe defaults for development."""

    SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///gup.sqlite3")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "14")))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(24 * 1024 * 1024)))
    WTF_CSRF_TIME_LIMIT = int(os.environ.get("WTF_CSRF_TIME_LIMIT", "7200"))

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("GUP_TIMEZONE", "Europe/Paris")
    GUP_LANGUAGES = ("fr", "en")

    PASSWORD_MIN_LENGTH = 12
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_WINDOW_MINUTES = int(os.environ.get("LOGIN_WINDOW_MINUTES", "15"))
    #: the links mailed to choose a password: the invitation (new account) and « mot de passe oublié »; each works
    #: once (choosing a password, a new invitation or a deactivation makes it stale)
    INVITATION_LINK_HOURS = int(os.environ.get("GUP_INVITATION_LINK_HOURS", "72"))
    RESET_LINK_MINUTES = int(os.environ.get("GUP_RESET_LINK_MINUTES", "60"))
    #: « mot de passe oublié » requests accepted per typed address and per client address within the window
    PASSWORD_RESET_MAX_PER_ADDRESS = int(os.environ.get("GUP_PASSWORD_RESET_MAX_PER_ADDRESS", "3"))
    PASSWORD_RESET_MAX_PER_IP = int(os.environ.get("GUP_PASSWORD_RESET_MAX_PER_IP", "20"))
    PASSWORD_RESET_WINDOW_MINUTES = int(os.environ.get("GUP_PASSWORD_RESET_WINDOW_MINUTES", "60"))
    PAGE_SIZE = 25
    #: « Mes actions »: items per page (a worklist, read top down: longer pages than the lists)
    INBOX_PAGE_SIZE = 50
    DUE_SOON_DAYS = 30

    API_TITLE = "gup API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"
    API_SPEC_OPTIONS = {
        "info": {"description": "API REST de gup (Gestion urbaine de proximité). "
                                "Authentification : en-tête `Authorization: Bearer <jeton>`."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    }

    UPLOAD_FOLDER = os.environ.get("GUP_UPLOAD_FOLDER")  # default: instance/uploads
    MAX_PHOTO_BYTES = int(os.environ.get("GUP_MAX_PHOTO_MB", "10")) * 1024 * 1024
    PHOTO_MAX_SIDE = 1600
    #: pixels of one photo, read from its header before decoding (a 7000 × 7000 PNG of 143 KB is 49 Mpx and
    #: about 370 MB decoded): larger photos are refused with a French message
    PHOTO_MAX_PIXELS = int(os.environ.get("GUP_PHOTO_MAX_MPX", "40")) * 1_000_000
    #: pixels decoded by one request, all its photos together (JPEGs count at their reduced decoding size)
    PHOTO_MAX_PIXELS_PER_REQUEST = int(os.environ.get("GUP_PHOTO_MAX_MPX_PER_REQUEST", "60")) * 1_000_000
    PHOTO_THUMB_SIDE = 320
    #: default due date of a finding, in days after it is logged, per priority [local practice]
    PRIORITY_DUE_DAYS = {"urgent": 7, "this_year": 180, "longer_term": 730}
    #: recurrence: this many findings of one theme at one building or within this distance in this window
    RECURRENCE_COUNT = 3
    RECURRENCE_RADIUS_M = 50
    RECURRENCE_WINDOW_DAYS = 365
    #: evaluations: a walk counts as restituted when its restitution was sent within this many weeks [local practice]
    WALK_RESTITUTION_WEEKS = int(os.environ.get("GUP_WALK_RESTITUTION_WEEKS", "6"))
    #: resident reports: possible duplicates (same category within this radius, or same address) in this window
    DUPLICATE_RADIUS_M = 50
    DUPLICATE_WINDOW_DAYS = 30
    #: months after closure when reporters' contact details are erased; weeks before « is it fixed? »
    CONTACT_RETENTION_MONTHS = int(os.environ.get("GUP_CONTACT_RETENTION_MONTHS", "12"))
    FIXED_QUESTION_WEEKS = 4
    #: resident relays: default mandate length; days after a mandate ends when the relay's contact is erased
    RELAY_MANDATE_MONTHS = int(os.environ.get("GUP_RELAY_MANDATE_MONTHS", "24"))
    RELAY_CONTACT_RETENTION_DAYS = int(os.environ.get("GUP_RELAY_CONTACT_RETENTION_DAYS", "180"))
    #: participatory budgets: days after a proposal is set aside when its author's contact is erased
    BUDGET_CONTACT_RETENTION_DAYS = int(os.environ.get("GUP_BUDGET_CONTACT_RETENTION_DAYS", "90"))
    #: evaluations: seconds one run of the hourly `evaluations.prepare_drafts` may spend before it leaves the
    #: drafts still due to the next run (a backlog of hundreds of drafts is spread over a few hours); 0: no limit
    EVALUATION_DRAFTS_SECONDS = float(os.environ.get("GUP_EVALUATION_DRAFTS_SECONDS", "45"))
    PUBLIC_BASE_URL = os.environ.get("GUP_PUBLIC_BASE_URL", "")  # e.g. https://gup.ville.fr, for e-mail links
    #: the data controller named on the public pages, the « Données personnelles » page and residents' e-mails
    OPERATOR_NAME = os.environ.get("GUP_OPERATOR_NAME", "Coordination de la gestion urbaine de proximité")
    OPERATOR_ADDRESS = os.environ.get("GUP_OPERATOR_ADDRESS", "")  # postal address, for written requests
    HOTLINE_PHONE = os.environ.get("GUP_HOTLINE_PHONE", "")  # the numéro vert, shown on the public pages
    DPO_CONTACT = os.environ.get("GUP_DPO_CONTACT", "")  # e-mail or address of the data protection officer
    #: outgoing mail (SMTP): STARTTLS upgrades a plain connection, SSL is implicit TLS (port 465); login only when
    #: a username is set
    MAIL_SERVER = os.environ.get("GUP_MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("GUP_MAIL_PORT", "25"))
    MAIL_USE_STARTTLS = _bool("GUP_MAIL_STARTTLS")
    MAIL_USE_SSL = _bool("GUP_MAIL_SSL")
    MAIL_USERNAME = os.environ.get("GUP_MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("GUP_MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("GUP_MAIL_SENDER", "gup@localhost")
    MAIL_TIMEOUT = float(os.environ.get("GUP_MAIL_TIMEOUT", "20"))
    #: the outbox tries a mail this many times, waiting MAIL_RETRY_SECONDS × 2^(n−1) (at most the cap) in between
    MAIL_MAX_ATTEMPTS = int(os.environ.get("GUP_MAIL_MAX_ATTEMPTS", "5"))
    MAIL_RETRY_SECONDS = int(os.environ.get("GUP_MAIL_RETRY_SECONDS", "300"))
    MAIL_RETRY_MAX_SECONDS = int(os.environ.get("GUP_MAIL_RETRY_MAX_SECONDS", str(6 * 3600)))
    #: the scheduler process: time zone of the cron triggers; a missed run older than the grace time is dropped
    SCHEDULER_TIMEZONE = os.environ.get("GUP_SCHEDULER_TIMEZONE", "Europe/Paris")
    SCHEDULER_MISFIRE_GRACE_SECONDS = int(os.environ.get("GUP_SCHEDULER_MISFIRE_GRACE_SECONDS", str(7 * 24 * 3600)))
    #: successful job runs are kept this long (failed ones stay)
    SCHEDULER_KEEP_RUNS_DAYS = int(os.environ.get("GUP_SCHEDULER_KEEP_RUNS_DAYS", "30"))
    #: reverse proxies in front of gup that add X-Forwarded-For / X-Forwarded-Proto (0: none, the headers are
    #: ignored; 1: one nginx). Only with it do the login throttle and the rate limits see the client's address.
    TRUSTED_PROXIES = int(os.environ.get("GUP_TRUSTED_PROXIES", "0"))
    RATELIMIT_STORAGE_URI = os.environ.get("GUP_RATELIMIT_STORAGE_URI", "memory://")
    PUBLIC_POST_LIMIT = os.environ.get("GUP_PUBLIC_POST_LIMIT", "5 per minute;30 per hour")
    MAP_TILE_URL = os.environ.get("GUP_MAP_TILE_URL", "")  # e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
    MAP_TILE_ATTRIBUTION = os.environ.get("GUP_MAP_TILE_ATTRIBUTION", "© OpenStreetMap")  # plain text
    #: where the public form's map opens before a point is placed: "lat,lng[,zoom]" (default: France)
    MAP_CENTRE = os.environ.get("GUP_MAP_CENTRE", "46.6,2.4,5")
    #: security headers (gup.security_headers): the CSP is only reported, not enforced, while trying a change;
    #: violation reports go to CSP_REPORT_URI when set; HSTS (seconds, 0 = not sent) only where HTTPS is certain
    CSP_REPORT_ONLY = _bool("GUP_CSP_REPORT_ONLY")
    CSP_REPORT_URI = os.environ.get("GUP_CSP_REPORT_URI", "")
    HSTS_SECONDS = int(os.environ.get("GUP_HSTS_SECONDS", "0"))
    HSTS_INCLUDE_SUBDOMAINS = _bool("GUP_HSTS_INCLUDE_SUBDOMAINS")

    PRODUCTION = False


class DevelopmentConfig(Config):
    """Local development: embedded SQLite database in instance/; mailed links point at `make run`'s address."""

    PUBLIC_BASE_URL = os.environ.get("GUP_PUBLIC_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"


class TestingConfig(Config):
    """Test settings; the database comes from TEST_DATABASE_URL (SQLite file by default)."""

    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite:///gup-test.sqlite3")
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_FAST = True
    PUBLIC_POST_LIMIT = "10000 per minute"  # the rate-limit test lowers it
    PUBLIC_BASE_URL = "http://gup.test"


class ProductionConfig(Config):
    """Production: refuses to start without a real SECRET_KEY."""

    PRODUCTION = True
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    #: one year of HTTPS-only once the cookies are Secure (the site is served over HTTPS); GUP_HSTS_SECONDS=0 stops it
    HSTS_SECONDS = int(os.environ.get("GUP_HSTS_SECONDS", "31536000" if _bool("SESSION_COOKIE_SECURE", True) else "0"))


def check_production(settings: dict) -> None:
    """Raise when a production configuration is unsafe."""
    key = settings.get("SECRET_KEY") or ""
    if key in ("", _DEV_SECRET) or len(key) < 32:
        raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters in production "
                           "(e.g. python -c 'import secrets; print(secrets.token_hex(32))').")
    base = settings.get("PUBLIC_BASE_URL") or ""
    if not base.startswith(("https://", "http://")):
        raise RuntimeError("GUP_PUBLIC_BASE_URL must be set in production to the site's address (e.g. "
                           "https://gup.ville.fr): the links mailed to residents and partners are built from it.")


def config_from_env() -> type[Config]:
    """Pick the configuration class from GUP_ENV (development, production)."""
    name = os.environ.get("GUP_ENV", "development").lower()
    return {"production": ProductionConfig, "testing": TestingConfig}.get(name, DevelopmentConfig)
