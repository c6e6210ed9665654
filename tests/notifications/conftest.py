"""An SMTP server the application is pointed at, for the outbox tests."""

from __future__ import annotations

import pytest

from tests.smtp_server import smtp_server

MAIL_KEYS = ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_BASE_URL", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_STARTTLS",
             "MAIL_USE_SSL", "MAIL_MAX_ATTEMPTS", "MAIL_RETRY_SECONDS", "MAIL_RETRY_MAX_SECONDS")


@pytest.fixture
def mail_settings(app):
    """Restore the mail settings a test changes."""
    saved = {k: app.config.get(k) for k in MAIL_KEYS}
    yield app.config
    app.config.update(saved)


@pytest.fixture
def smtp(app, mail_settings):
    with smtp_server() as (handler, port):
        mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://gup.test")
        yield handler
