"""Evaluations tests share the notifications' SMTP fixtures."""

from tests.notifications.conftest import mail_settings, smtp  # noqa: F401  (fixtures)
