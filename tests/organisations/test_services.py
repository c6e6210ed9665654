"""Organisation services: unique codes, French messages, audit trail, no write when nothing changes."""

import pytest
import sqlalchemy as sa

from gup.audit.models import AuditEntry
from gup.audit.services import history_of
from gup.errors import DomainError
from gup.extensions import db
from gup.organisations.models import OrganisationKind
from gup.organisations.services import create_organisation, update_organisation
from gup.territory.models import TerritoryKind


def _audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def test_create_and_update_are_audited_with_the_actor(f):
    admin = f.make_user()
    org = create_organisation(code="ville-x", name="  Ville de X ", kind=OrganisationKind.MUNICIPALITY, actor=admin)
    assert (org.code, org.name, org.is_active) == ("ville-x", "Ville de X", True)
    update_organisation(org, actor=admin, name="Commune de X", is_active=False)
    entries = history_of(org)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].actor_id == admin.id and entries[0].changes["name"] == ["Ville de X", "Commune de X"]


def test_duplicate_or_invalid_code_is_refused(f):
    create_organisation(code="bailleur-a", name="A", kind=OrganisationKind.HOUSING_PROVIDER, actor=None)
    other = create_organisation(code="bailleur-b", name="B", kind=OrganisationKind.HOUSING_PROVIDER, actor=None)
    with pytest.raises(DomainError) as caught:
        create_organisation(code="bailleur-a", name="A bis", kind=OrganisationKind.OTHER, actor=None)
    assert caught.value.field == "code" and "déjà utilisé" in caught.value.message
    with pytest.raises(DomainError) as caught:
        update_organisation(other, actor=None, code="bailleur-a")
    assert caught.value.field == "code"
    with pytest.raises(DomainError) as caught:
        create_organisation(code="Bailleur C", name="C", kind=OrganisationKind.OTHER, actor=None)
    assert caught.value.field == "code"


def test_same_values_write_nothing(f):
    org = create_organisation(code="asso", name="Asso", kind=OrganisationKind.ASSOCIATION, actor=None)
    db.session.commit()
    before = _audit_count()
    update_organisation(org, actor=None, code="asso", name="Asso", kind=OrganisationKind.ASSOCIATION, is_active=True)
    db.session.commit()
    assert _audit_count() == before


def test_a_provider_managing_places_stays_a_provider(f):
    provider = f.make_organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    hood = f.make_territory()
    f.make_territory(TerritoryKind.RESIDENCE, parent=hood, housing_provider=provider)
    with pytest.raises(DomainError) as caught:
        update_organisation(provider, actor=None, kind=OrganisationKind.OTHER)
    assert caught.value.field == "kind"


def test_unknown_field_is_a_programming_error(f):
    org = f.make_organisation()
    with pytest.raises(TypeError):
        update_organisation(org, actor=None, colour="red")
