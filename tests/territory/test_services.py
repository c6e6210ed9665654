"""Territory services: the tree's levels, QPV codes, housing providers, unique codes."""

import pytest

from gup.audit.services import history_of
from gup.errors import DomainError
from gup.organisations.models import OrganisationKind
from gup.territory.models import TerritoryKind
from gup.territory.services import create_territory, update_territory

N, R, B, S = TerritoryKind.NEIGHBOURHOOD, TerritoryKind.RESIDENCE, TerritoryKind.BUILDING, TerritoryKind.STAIRWELL


def _node(kind, code, parent=None, **kw):
    return create_territory(kind=kind, code=code, name=kw.pop("name", code.title()), parent=parent,
                            qpv_code=kw.pop("qpv_code", None), address=kw.pop("address", None),
                            housing_provider=kw.pop("housing_provider", None), actor=kw.pop("actor", None))


def test_tree_levels(f):
    hood = _node(N, "tilleuls", qpv_code="QN07901M")
    residence = _node(R, "tilleuls-a", hood)
    building = _node(B, "tilleuls-a-b1", residence, address="2 rue des Acacias")
    stairwell = _node(S, "tilleuls-a-b1-a1", building)
    assert stairwell.parent is building and hood.is_qpv
    for kind, parent in ((N, hood), (R, None), (R, building), (B, hood), (S, residence)):
        with pytest.raises(DomainError) as caught:
            _node(kind, f"x-{kind.value}", parent)
        assert caught.value.field == "parent"
    with pytest.raises(DomainError) as caught:
        update_territory(residence, actor=None, kind=B)  # its parent is a neighbourhood
    assert caught.value.field == "parent"


def test_qpv_code_only_on_neighbourhoods(f):
    hood = _node(N, "clos")
    with pytest.raises(DomainError) as caught:
        _node(R, "clos-a", hood, qpv_code="QN07902M")
    assert caught.value.field == "qpv_code"


def test_housing_provider_must_be_one(f):
    hood = _node(N, "gare")
    town = f.make_organisation(kind=OrganisationKind.MUNICIPALITY)
    with pytest.raises(DomainError) as caught:
        _node(R, "gare-a", hood, housing_provider=town)
    assert caught.value.field == "housing_provider"
    provider = f.make_organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    assert _node(R, "gare-b", hood, housing_provider=provider).housing_provider is provider


def test_unique_code_and_audited_update(f):
    user = f.make_user()
    hood = _node(N, "centre", actor=user)
    other = _node(N, "nord")
    with pytest.raises(DomainError) as caught:
        _node(N, "centre")
    assert caught.value.field == "code"
    with pytest.raises(DomainError) as caught:
        update_territory(other, actor=None, code="centre")
    assert caught.value.field == "code"
    update_territory(hood, actor=user, name="Centre-ville", code="centre", kind=N, parent=None)
    entries = history_of(hood)
    assert entries[0].action == "update" and entries[0].changes == {"name": ["Centre", "Centre-ville"]}
    assert entries[0].actor_id == user.id
