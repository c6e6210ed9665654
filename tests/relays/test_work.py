"""What relays do: their account and phone page, reports for their neighbours (channel relay), walk invitations and
the small actions entrusted to them."""

from __future__ import annotations

import io
import re
from datetime import date

import sqlalchemy as sa

from gup.actions.models import ActionStatus, ActionUpdate
from gup.auth.models import Role, User
from gup.extensions import db
from gup.hotline.models import Channel, ReportStatus, ResidentReport
from gup.notifications.models import OutboundMail
from gup.relays import services, work
from gup.relays.models import EndReason, InvitationStatus, RelayAction, RelayReport, RelayWalkInvitation
from tests.factories import PASSWORD, jpeg_bytes


def _relay(w, territory, **kw):
    kw.setdefault("mandate_start_on", date(2026, 1, 1))
    return services.create_relay(w["agreement"], actor=w["coordinator"], person_name=kw.pop("name", "Awa Diallo"),
                                 territory=territory, email=kw.pop("email", "awa@example.org"),
                                 consent_given_on=date(2026, 1, 1), consent_channels=["email"], **kw)


def _with_account(w, territory, **kw):
    relay = _relay(w, territory, **kw)
    work.create_account(relay, actor=w["coordinator"], now=w["now"], password=PASSWORD)
    db.session.commit()
    return relay


def test_opening_an_account_mails_the_invitation_and_needs_email_consent(client, login, w, place):
    relay = _relay(w, place["b1"])
    other = services.create_relay(w["agreement"], actor=w["coordinator"], person_name="Sans accord",
                                  territory=place["b2"], email="sans@example.org", mandate_start_on=date(2026, 1, 1))
    db.session.commit()
    login(w["coordinator"])
    assert client.post(f"/relays/{relay.id}/account").status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "awa@example.org"))
    assert user is not None and user.role is Role.RELAY and user.organisation_id is None
    assert relay.user_id == user.id
    mail = db.session.scalar(sa.select(OutboundMail).where(OutboundMail.to_address == "awa@example.org"))
    assert mail is not None
    # without consent to e-mail contact: a French message, no account
    page = client.post(f"/relays/{other.id}/account", follow_redirects=True)
    assert "pour être contacté·e par courriel avant d&#39;ouvrir son compte" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "sans@example.org")) is None


def test_a_relay_lands_on_their_phone_page_and_sees_only_its_menu(client, login, w, place, f):
    relay = _with_account(w, place["b2"])
    neighbour = f.make_report(territory=place["b2"], neighbourhood=place["nbh"], contact_name="Voisine Durand",
                              contact_email="voisine@example.org", contact_consent=True)
    db.session.commit()
    login(relay.user)
    home = client.get("/", follow_redirects=True)
    html = home.get_data(as_text=True)
    assert home.request.path == f"/relais/{relay.id}"
    assert "Signaler un problème pour mes voisins" in html
    nav = re.search(r'<nav[^>]*class="[^"]*main-nav.*?</nav>', html, re.S) or re.search(r"<nav.*?</nav>", html, re.S)
    assert "Mon espace relais" in nav.group(0)
    for other in ("Tableau de bord", "Conventions", "Signalements", "Constats", "Actions"):
        assert f">{other}<" not in nav.group(0), other
    # the stairwell under the building is offered, the neighbouring building is not
    assert "Cage 1" in html and "Bâtiment A" not in html
    # the back office shows a relay nothing: not even their own building's reports, nor a neighbour's name
    queue = client.get("/signalements").get_data(as_text=True)
    assert neighbour.reference not in queue and "Voisine Durand" not in queue
    assert client.get(f"/signalements/{neighbour.id}").status_code == 403


def test_a_relays_report_enters_the_triage_queue_with_channel_relay(client, login, w, place, f):
    relay = _with_account(w, place["b2"])
    category = f.make_category(label="Propreté des parties communes")
    db.session.commit()
    login(relay.user)
    response = client.post(f"/relais/{relay.id}/signaler", data={
        "category_id": category.id, "territory_id": place["s1"].id, "address": "3e étage",
        "description": "La cage 1 n'a pas été nettoyée depuis deux semaines.",
        "photos": [(io.BytesIO(jpeg_bytes(gps=True)), "cage.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    report = db.session.scalar(sa.select(ResidentReport).order_by(ResidentReport.id.desc()))
    assert report.channel is Channel.RELAY and report.status is ReportStatus.RECEIVED
    assert report.territory_id == place["s1"].id and report.neighbourhood_id == place["nbh"].id
    assert report.contact_email is None and report.contact_name is None  # no neighbour's personal data
    assert len(report.photos) == 1
    link = db.session.get(RelayReport, report.id)
    assert link.relay_id == relay.id and link.filed_by_id == relay.user_id
    # the coordination's triage queue lists it as a relay's report
    login(w["coordinator"])
    queue = client.get("/signalements").get_data(as_text=True)
    assert report.reference in queue
    detail = client.get(f"/signalements/{report.id}").get_data(as_text=True)
    assert "Habitant relais" in detail
    # and the relay's page lists it with its state
    login(relay.user)
    page = client.get(f"/relais/{relay.id}").get_data(as_text=True)
    assert report.reference in page and "Reçu" in page


def test_a_place_outside_the_scope_is_refused_and_nothing_is_lost(client, login, w, place, f):
    relay = _with_account(w, place["b2"])
    category = f.make_category()
    db.session.commit()
    login(relay.user)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ResidentReport))
    response = client.post(f"/relais/{relay.id}/signaler", data={
        "category_id": category.id, "territory_id": place["b1"].id, "description": "Texte conservé\x00 ici"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Texte conservé" in html  # what was typed is shown again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResidentReport)) == before
    # a category that does not exist: a French error too
    response = client.post(f"/relais/{relay.id}/signaler", data={
        "category_id": "abc", "territory_id": place["b2"].id, "description": "x"})
    assert response.status_code == 422 and "Choisissez une catégorie." in response.get_data(as_text=True)


def test_the_coordination_files_a_report_on_a_relays_behalf(client, login, w, place, f):
    relay = _relay(w, place["b1"])  # no account: the relay phoned the coordination
    category = f.make_category()
    db.session.commit()
    login(w["coordinator"])
    assert client.get(f"/relais/{relay.id}/signaler").status_code == 200
    response = client.post(f"/relais/{relay.id}/signaler", data={
        "category_id": category.id, "territory_id": place["b1"].id, "description": "Porte du hall cassée"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/relays/{relay.id}")
    link = db.session.scalar(sa.select(RelayReport).where(RelayReport.relay_id == relay.id))
    assert link.report.channel is Channel.RELAY and link.filed_by_id == w["coordinator"].id
    # a referent may not file for a relay
    login(w["referent1"])
    assert client.post(f"/relais/{relay.id}/signaler", data={}).status_code == 403


def test_ending_the_mandate_closes_the_account(client, login, w, place):
    relay = _with_account(w, place["b1"])
    user = relay.user
    login(user)
    assert client.get(f"/relais/{relay.id}").status_code == 200
    services.end_mandate(relay, reason=EndReason.MOVED, on=date(2026, 11, 1), actor=w["coordinator"])
    db.session.commit()
    assert user.is_active_account is False
    assert client.get(f"/relais/{relay.id}").status_code in (302, 401, 403)


def test_erasing_a_relays_contact_anonymises_their_account(w, place):
    from gup.relays import jobs

    relay = _with_account(w, place["b1"], mandate_end_on=date(2026, 2, 1))
    user = relay.user
    services.end_mandate(relay, reason=EndReason.TERM, on=date(2026, 2, 1), actor=w["coordinator"])
    db.session.commit()
    assert user.email == "awa@example.org"  # kept while the retention period runs
    assert jobs.erase_contact_data(w["now"].replace(year=2027, month=6)) == 1
    db.session.commit()
    assert relay.email is None
    assert user.email != "awa@example.org" and "awa" not in user.email
    assert user.password_hash is None and user.is_active_account is False
    assert db.session.scalar(sa.select(User).where(User.email == "awa@example.org")) is None


def test_withdrawing_consent_anonymises_the_account_at_once(w, place):
    relay = _with_account(w, place["b1"])
    user = relay.user
    services.withdraw_consent(relay, on=date(2026, 3, 1), actor=w["coordinator"])
    db.session.commit()
    assert "awa@example.org" != user.email and user.is_active_account is False


def test_another_relays_page_is_refused(client, login, w, place):
    mine = _with_account(w, place["b1"])
    theirs = _with_account(w, place["b2"], name="Autre", email="autre@example.org")
    login(mine.user)
    assert client.get(f"/relais/{theirs.id}").status_code == 403
    assert client.post(f"/relais/{theirs.id}/signaler", data={}).status_code == 403


def test_relays_are_invited_to_a_walk_and_recorded_as_participants(client, login, w, place, f):
    relay = _relay(w, place["b1"])
    walk = f.make_walk(w["agreement"], place["nbh"])
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Habitants relais invités" in page and "Awa Diallo" in page
    assert client.post(f"/walks/{walk.id}/relays", data={"relay_ids": [relay.id]}).status_code == 302
    invitation = db.session.scalar(sa.select(RelayWalkInvitation).where(RelayWalkInvitation.relay_id == relay.id))
    assert invitation.status is InvitationStatus.INVITED
    assert client.post(f"/relay-invitations/{invitation.id}",
                       data={f"p{invitation.id}-status": "attended"}).status_code == 302
    db.session.refresh(invitation)
    assert invitation.status is InvitationStatus.ATTENDED
    assert "1 habitant·e relais présent·e" in client.get(f"/walks/{walk.id}").get_data(as_text=True)
    # inviting twice or a stranger id invites nobody more
    client.post(f"/walks/{walk.id}/relays", data={"relay_ids": [relay.id, 999999]})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RelayWalkInvitation)) == 1


def test_a_relay_of_another_neighbourhood_is_not_offered(w, place, f):
    from gup.territory.models import TerritoryKind

    other_nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Autre quartier")
    w["agreement"].territories.append(other_nbh)
    far = _relay(w, f.make_territory(TerritoryKind.BUILDING, other_nbh, name="Tour Z"), name="Loin")
    near = _relay(w, place["s1"], name="Proche")
    walk = f.make_walk(w["agreement"], place["nbh"])
    offered = work.invitable_relays(walk)
    assert near in offered and far not in offered


def test_an_entrusted_action_is_reported_on_by_its_relay(client, login, w, place, f):
    relay = _with_account(w, place["b1"])
    other = _with_account(w, place["b2"], name="Autre", email="autre@example.org")
    action = f.make_action(w["agreement"], w["town"], title="Fresque participative du hall")
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Confiée aux habitants relais" in page
    assert client.post(f"/actions/{action.id}/relays", data={"relay_ids": [relay.id]}).status_code == 302
    assert db.session.scalar(sa.select(RelayAction).where(RelayAction.action_id == action.id)).relay_id == relay.id
    # the relay sees it on their page and reports its progress
    login(relay.user)
    assert "Fresque participative du hall" in client.get(f"/relais/{relay.id}").get_data(as_text=True)
    response = client.post(f"/relais/actions/{action.id}/avancement",
                           data={f"a{action.id}-note": "Murs préparés avec les enfants",
                                 f"a{action.id}-progress": "40"})
    assert response.status_code == 302
    db.session.refresh(action)
    assert action.progress == 40 and action.status is ActionStatus.IN_PROGRESS
    update = db.session.scalar(sa.select(ActionUpdate).where(ActionUpdate.action_id == action.id))
    assert update.author_id == relay.user_id and update.note == "Murs préparés avec les enfants"
    # another relay may not
    login(other.user)
    assert client.post(f"/relais/actions/{action.id}/avancement",
                       data={f"a{action.id}-note": "x"}).status_code == 403
    # done
    login(relay.user)
    client.post(f"/relais/actions/{action.id}/avancement",
                data={f"a{action.id}-note": "Fresque inaugurée", f"a{action.id}-done": "y"})
    db.session.refresh(action)
    assert action.status is ActionStatus.DONE and action.progress == 100
