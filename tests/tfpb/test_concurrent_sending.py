"""Two « Envoyer aux signataires » at the same moment (a double click, two people): one sending, one set of mails.

Each sending is numbered under a unique key (agreement, provider, year, number); the second transaction's insert
waits for the first, then fails, and the service turns that into a refusal. Run on PostgreSQL by CI's second
pass (TEST_DATABASE_URL); on SQLite the loser is refused by the database lock instead."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.errors import DomainError
from gup.extensions import db
from gup.notifications.models import OutboundMail
from gup.organisations.models import Organisation
from gup.tfpb import services
from gup.tfpb.models import TfpbReviewSending

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def test_two_sendings_at_once_queue_one_set_of_mails(app, w, f, tfpb):
    for org in (w["town"], w["hp1"]):
        f.make_signatory(w["agreement"], org)
    db.session.commit()
    agreement_id, provider_id = w["agreement"].id, w["hp1"].id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        with app.app_context():
            agreement, provider = db.session.get(Agreement, agreement_id), db.session.get(Organisation, provider_id)
            services.review_recipients(agreement, provider)  # both read "not sent yet" before either writes
            services.sendings_of(agreement, provider, 2025)
            barrier.wait()
            try:
                services.send_review(agreement, provider, 2025, links={"review_url": "u", "pdf_url": "p"},
                                     actor=None, now=NOW)
                db.session.commit()
                outcomes.append("sent")
            except DomainError:
                db.session.rollback()
                outcomes.append("refused")
            except sa.exc.OperationalError:  # SQLite: the database lock refuses the second writer
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    db.session.expire_all()
    assert sorted(outcomes) == ["refused", "sent"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TfpbReviewSending)) == 1
    recipients = 3  # the town's coordinator and other coordinator, hp1's referent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == recipients
