"""Expected audience of the failed-mail page (administrators only) and its « Renvoyer » action."""

from __future__ import annotations

from typing import Any

from tests.route_expectations.roles import ADMIN

EXPECTED: dict[str, dict[str, set[str]]] = {
    "notifications.failed_mails": {"GET": ADMIN},
    "notifications.resend": {"POST": ADMIN},
}


def params(f, w) -> dict[str, Any]:
    """A mail the sender gave up on."""
    from gup.extensions import db
    from gup.notifications.services import queue_mail
    from gup.orm import now_utc

    mail = queue_mail(to="habitant@example.org", subject="Votre signalement", body="Bonjour")
    mail.attempts, mail.failed_at, mail.last_error = 5, now_utc(), "SMTPServerDisconnected: gone"
    db.session.flush()
    return {"mail_id": mail.id}
