"""The outbox migration carries the rows over: report_id becomes the generic cause, and back on downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from gup.extensions import db
from gup.notifications.models import OutboundMail

BEFORE = "c013ced47768"  # resident reports and the hotline's outbox


def test_outbox_rows_survive_a_downgrade_and_upgrade(app, f):
    with app.app_context():
        report = f.make_report(contact_email="awa@example.org", contact_consent=True)
        failed = f.make_report(contact_email="bad@example.org", contact_consent=True)
        db.session.commit()
        ack = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.cause_id == report.id)).one()
        gone = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.cause_id == failed.id)).one()
        gone.attempts, gone.failed_at = 3, datetime(2026, 11, 2, tzinfo=UTC)
        loose = OutboundMail(to_address="x@example.org", subject="s", body="b")
        db.session.add(loose)
        db.session.commit()
        ids, report_id, failed_id = (ack.id, gone.id, loose.id), report.id, failed.id
        db.session.remove()
        try:
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT id, report_id, attempts FROM outbound_mails ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(ids[0], report_id, 0), (ids[1], failed_id, 5), (ids[2], None, 0)]
        finally:
            upgrade()
        mails = {m.id: m for m in db.session.scalars(sa.select(OutboundMail))}
        assert (mails[ids[0]].cause_kind, mails[ids[0]].cause_id) == ("resident_report", report_id)
        assert mails[ids[0]].locale == "fr" and mails[ids[0]].failed_at is None
        assert (mails[ids[1]].cause_id, mails[ids[1]].failed_at) == (failed_id, mails[ids[1]].created_at)
        assert (mails[ids[2]].cause_kind, mails[ids[2]].cause_id) == (None, None)
        db.session.remove()
