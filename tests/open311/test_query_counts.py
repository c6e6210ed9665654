"""Open311 stays fast: a POST costs a bounded number of SQL queries, a GET of the list as many for 10 reports as
for 200 (no N+1), and the intake still leaves its whole trace (audit, status change, public update, mail)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event

from gup.audit.models import AuditEntry, StatusChange
from gup.extensions import db
from gup.hotline.models import Channel, ReportUpdate, ResidentReport
from gup.notifications.models import OutboundMail
from gup.orm import now_utc
from tests.open311.conftest import parse

#: one POST with an e-mail: the key, the category, the response template; the report inserted, its reference
#: set; its public update, status change, acknowledgement mail and audit entries (create, then the reference)
POST_QUERIES = 10


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_one_post_stays_within_its_query_budget_and_leaves_its_whole_trace(o311):
    o311.post(description="Échauffement")  # first request of the process: nothing lazily set up is counted
    with counting() as statements:
        response = o311.post(email="Habitant@Example.org", description="Un canapé rue des Lilas")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(statements) <= POST_QUERIES, "\n".join(statements)
    (answer,) = parse(response, "json", "service_requests")
    reference = answer["service_request_id"]
    report = db.session.scalar(sa.select(ResidentReport).where(ResidentReport.reference == reference))
    assert report.channel is Channel.OPEN311 and report.open311_client_id == o311.client.id
    assert report.contact_email == "habitant@example.org" and report.contact_consent
    assert report.attribute_values == {"kind": "meuble"}
    # the public acknowledgement is the update answered as service_notice
    (update,) = db.session.scalars(sa.select(ReportUpdate).where(ReportUpdate.report_id == report.id))
    assert answer["service_notice"] == update.public_text and report.reference in update.public_text
    changes = db.session.scalars(sa.select(StatusChange).where(StatusChange.entity_type == "ResidentReport",
                                                               StatusChange.entity_id == report.id)).all()
    assert [(c.from_status, c.to_status) for c in changes] == [(None, "received")]
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_type == "ResidentReport",
                                                           AuditEntry.entity_id == report.id)
                               .order_by(AuditEntry.id)).all()
    assert [a.action for a in audit] == ["create", "update"]
    assert audit[0].changes["description"] == [None, "Un canapé rue des Lilas"]
    assert audit[1].changes["reference"] == [None, report.reference]
    mails = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.cause_kind == "resident_report",
                                                             OutboundMail.cause_id == report.id)).all()
    assert [m.to_address for m in mails] == ["habitant@example.org"]


def _list_queries(o311, expected: int) -> int:
    with counting() as statements:
        response = o311.get("requests")
    assert response.status_code == 200
    assert len(parse(response, "json", "service_requests")) == expected
    return len(statements)


def test_listing_requests_costs_the_same_queries_for_10_or_200_reports(o311, f):
    from gup.hotline import services as hotline

    def add(n: int) -> None:
        for i in range(n):
            report = f.make_report(o311.plain, channel=Channel.OPEN311, description=f"Tag n° {i}",
                                   open311_client=o311.client)
            if i % 3 == 0:  # some with a second public update (status_notes and updated_datetime read the last)
                hotline.change_status(report, to=hotline.ReportStatus.QUALIFIED, actor=None, now=now_utc(),
                                      public_text=f"Vérifié n° {i}")
        db.session.commit()

    add(10)
    small = _list_queries(o311, 10)
    add(190)
    assert _list_queries(o311, 200) == small <= 2
    listed = parse(o311.get("requests"), "json", "service_requests")
    checked = next(r for r in listed if r["description"] == "Tag n° 0")
    assert checked["status_notes"] == "Qualifié — Vérifié n° 0"
    assert "a bien été reçu" in checked["service_notice"]
