"""« Mes actions » by audience: a referent sees their organisation's items, the coordinators of an agreement (and
the administrators, for every agreement) see the coordination's items, such as relay mandates ending soon."""

from __future__ import annotations

import re
from datetime import timedelta

from gup.auth.models import Role
from gup.extensions import db
from gup.features import registry
from gup.i18n import local_today
from gup.inbox import services
from gup.relays import services as relays
from gup.relays.queries import ENDING_SOON_DAYS, ending_soon_for
from gup.territory.models import TerritoryKind
from gup.worklist import COORDINATION, ORGANISATION


def _building(f, agreement):
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    agreement.territories.append(nbh)
    return f.make_territory(TerritoryKind.BUILDING, f.make_territory(TerritoryKind.RESIDENCE, nbh))


def _ending(agreement, actor, building, name, today, *, in_days=ENDING_SOON_DAYS - 10):
    end_on = today + timedelta(days=in_days)
    return relays.create_relay(agreement, actor=actor, person_name=name, territory=building,
                               mandate_start_on=end_on - timedelta(days=700), mandate_end_on=end_on)


def _setup(f, w, today):
    """An ending mandate in the sample agreement, and one in another agreement with its own coordinator."""
    other_coordinator = f.make_user(Role.COORDINATOR, organisation=w["town"])
    other = f.make_agreement(coordinators=[other_coordinator], organisations=[w["town"], w["hp1"]])
    mine = _ending(w["agreement"], w["coordinator"], _building(f, w["agreement"]), "Fin chez nous", today)
    theirs = _ending(other, other_coordinator, _building(f, other), "Fin ailleurs", today)
    _ending(w["agreement"], w["coordinator"], _building(f, w["agreement"]), "Fin lointaine", today, in_days=200)
    finding = f.make_finding(w["agreement"], w["hp1"])
    db.session.commit()
    return {"mine": mine, "theirs": theirs, "other_coordinator": other_coordinator, "finding": finding}


def _relays_in(items):
    return sorted(i.obj.person_name for i in items if i.kind == "relay_mandate")


def test_audiences_of_each_role(f, w):
    f.make_agreement(coordinators=[w["referent2"]], organisations=[w["hp2"]])  # a referent may coordinate too
    db.session.commit()
    assert services.audiences(w["referent1"]) == {ORGANISATION}
    assert services.audiences(w["referent2"]) == {ORGANISATION, COORDINATION}
    assert services.audiences(w["coordinator"]) == {COORDINATION}
    assert services.audiences(w["other_coordinator"]) == set()  # coordinates no agreement
    assert services.audiences(w["admin"]) == {COORDINATION}
    assert services.audiences(w["observer"]) == set()
    assert services.audiences(w["relay"]) == set()


def test_the_relays_provider_is_for_the_coordination(app):
    providers = {p.kind: p for p in registry(app).work_item_providers}
    assert providers["relay_mandate"].audience == COORDINATION
    assert {providers[k].audience for k in ("finding", "action", "report", "evaluation")} == {ORGANISATION}


def test_coordinator_sees_their_agreements_ending_mandates_only(f, w):
    today = local_today()
    data = _setup(f, w, today)
    assert _relays_in(services.my_items(w["coordinator"], today)) == ["Fin chez nous"]
    assert _relays_in(services.my_items(data["other_coordinator"], today)) == ["Fin ailleurs"]
    assert [r.person_name for r in ending_soon_for(w["coordinator"], today)] == ["Fin chez nous"]
    # the organisation's items are not the coordination's: the finding sent to hp1 is not in the coordinator's list
    assert not [i for i in services.my_items(w["coordinator"], today) if i.kind in ("finding", "action", "report")]


def test_admin_sees_every_agreements_ending_mandates(f, w):
    today = local_today()
    _setup(f, w, today)
    assert _relays_in(services.my_items(w["admin"], today)) == ["Fin ailleurs", "Fin chez nous"]
    assert sorted(r.person_name for r in ending_soon_for(w["admin"], today)) == ["Fin ailleurs", "Fin chez nous"]


def test_referent_sees_their_organisations_items_and_no_mandate(f, w):
    today = local_today()
    data = _setup(f, w, today)
    items = services.my_items(w["referent1"], today)
    assert _relays_in(items) == []
    assert [i.key for i in items if i.kind == "finding"] == [f"finding-{data['finding'].id}"]
    assert services.my_items(w["referent2"], today) == []


def test_inbox_page_of_a_coordinator(f, w, client, login):
    today = local_today()
    data = _setup(f, w, today)
    login(w["coordinator"])
    menu = client.get("/").get_data(as_text=True)
    assert 'href="/mes-actions"' in menu
    page = client.get("/mes-actions").get_data(as_text=True)
    assert "Fin chez nous" in page and f"/relays/{data['mine'].id}" in page
    assert "Fin ailleurs" not in page and "Fin lointaine" not in page
    assert "conventions que vous coordonnez" in page
    # nothing movable: no selection column, no bulk form
    assert "Sélection" not in page and 'id="bulk-form"' not in page and "Mettre à jour la sélection" not in page


def test_inbox_page_of_an_admin_and_of_a_referent(f, w, client, login):
    today = local_today()
    data = _setup(f, w, today)
    login(w["admin"])
    page = client.get("/mes-actions").get_data(as_text=True)
    assert "Fin chez nous" in page and "Fin ailleurs" in page and "toutes les conventions" in page
    login(w["referent1"])
    page = client.get("/mes-actions").get_data(as_text=True)
    assert "Fin chez nous" not in page and "Fin ailleurs" not in page
    assert f'value="finding-{data["finding"].id}"' in page and 'id="bulk-form"' in page and "Sélection" in page


def test_menu_entry_audience(f, w, client, login):
    for role, shown in (("referent1", True), ("coordinator", True), ("other_coordinator", True), ("admin", True),
                        ("observer", False)):
        login(w[role])
        assert ('href="/mes-actions"' in client.get("/").get_data(as_text=True)) is shown, role


def test_coordination_items_in_a_constant_number_of_queries(f, w, count_queries):
    today = local_today()
    building = _building(f, w["agreement"])
    other = f.make_agreement(coordinators=[w["coordinator"]])
    theme_nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    other.territories.append(theme_nbh)

    def add(n):
        for i in range(n):
            _ending(w["agreement"], w["coordinator"], building, f"Bâtiment {i}", today)
            relays.create_relay(other, actor=w["coordinator"], person_name=f"Thème {i}", theme_id=f.theme().id,
                                neighbourhood_id=theme_nbh.id, mandate_start_on=today - timedelta(days=600),
                                mandate_end_on=today + timedelta(days=30))
        db.session.commit()

    def run():
        db.session.expire_all()
        with count_queries() as statements:
            items = [i for i in services.my_items(w["coordinator"], today) if i.kind == "relay_mandate"]
            labels = [(i.obj.scope_label, i.obj.agreement.reference, [c.id for c in i.obj.agreement.coordinators])
                      for i in items]
        return len(items), len(labels), len(statements)

    add(1)
    small, _labels, small_queries = run()
    add(6)
    large, _labels, large_queries = run()
    assert (small, large) == (2, 14)
    # constant: the relays provider (up to 4) and each other coordination provider (its first items, its count)
    assert small_queries == large_queries <= 16


def test_ending_soon_for_in_a_constant_number_of_queries(f, w, count_queries):
    today = local_today()
    building = _building(f, w["agreement"])
    sizes = []
    for n in (2, 9):
        for i in range(n):
            _ending(w["agreement"], w["coordinator"], building, f"R{n}-{i}", today)
        db.session.commit()
        db.session.expire_all()
        for user in (w["coordinator"], w["admin"]):
            with count_queries() as statements:
                found = ending_soon_for(user, today)
            sizes.append((user.role.value, len(found), len(statements)))
    assert [s[1] for s in sizes] == [2, 2, 11, 11]
    assert len({s[2] for s in sizes}) == 1, sizes



def test_my_actions_shows_one_page_at_a_time_overdue_first(app, f, w, client, login, monkeypatch):
    """A referent with many items gets INBOX_PAGE_SIZE rows per page (the caption counts them all), the pager
    goes on to the others; the order (overdue first, then by due date) runs across the pages."""
    today = local_today()
    for i in range(5):
        f.make_finding(w["agreement"], w["hp1"], description=f"Sujet-{i}",
                       due_on=today + timedelta(days=10 + i) if i else today - timedelta(days=3))
    db.session.commit()
    monkeypatch.setitem(app.config, "INBOX_PAGE_SIZE", 3)
    login(w["referent1"])
    first = client.get("/mes-actions").get_data(as_text=True)
    assert "5 éléments à traiter — page 1 sur 2" in first
    assert set(re.findall(r"Sujet-(\d)", first)) == {"0", "1", "2"}  # the overdue one leads, then by date
    assert 'href="/mes-actions?page=2"' in first
    second = client.get("/mes-actions?page=2").get_data(as_text=True)
    assert "page 2 sur 2" in second and set(re.findall(r"Sujet-(\d)", second)) == {"3", "4"}
    assert client.get("/mes-actions?page=99").status_code == 200  # past the end: the last page
