"""Agreement definition files: import of the shipped file, idempotency, round trip, errors with their lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from gup import ROOT
from gup.agreements import conventions, services
from gup.agreements.conventions import ConventionError, export_convention, import_text, load_convention
from gup.agreements.models import (
    Agreement,
    AgreementStatus,
    Amendment,
    Commitment,
    CommitmentStatus,
    FundingSource,
    Partner,
    Signatory,
    TfpbAxis,
)
from gup.audit.models import AuditEntry
from gup.errors import DomainError
from gup.extensions import db
from gup.organisations.models import Organisation, OrganisationKind
from gup.territory.models import Territory, TerritoryKind

SHIPPED = ROOT / "conventions" / "bellerive-2025.yaml"
REFERENCE = "GUP-BELLERIVE-2025"
MODELS = (Organisation, Territory, Agreement, Partner, Signatory, Amendment, Commitment, AuditEntry)


@pytest.fixture
def text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in MODELS}


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def agreement() -> Agreement:
    return db.session.scalar(sa.select(Agreement).where(Agreement.reference == REFERENCE))


def commitment(reference: str) -> Commitment:
    return db.session.scalar(sa.select(Commitment).where(Commitment.reference == reference))


# --- import of the shipped file ------------------------------------------------------------------------------

def test_import_of_the_shipped_file(app_ctx, text):
    summary = import_text(text)
    db.session.commit()
    assert summary.line() == ("Convention GUP-BELLERIVE-2025 importée : 24 engagements (24 créés, 0 modifiés), "
                              "6 organismes, 14 lieux.")
    a = agreement()
    assert a.status is AgreementStatus.IN_FORCE and a.start_on == date(2025, 1, 1)
    assert a.end_on == date(2030, 12, 31) and a.midterm_on == date(2028, 1, 1)
    assert len(a.commitments) == 24
    assert counts()["Organisation"] == 6
    assert {p.organisation.code: p.referent for p in a.partners}["ville-bellerive"] == \
        "Nadia Benhamou, coordonnatrice GUP"
    assert len(a.partners) == 6 and len(a.signatories) == 5 and a.signed_on == date(2025, 2, 14)
    assert [(am.number, am.new_end_on) for am in a.amendments] == [(1, date(2031, 6, 30))]
    assert a.effective_end_on == date(2031, 6, 30) and a.is_extended
    assert [n.code for n in a.territories] == ["centre-gare", "clos-fleuri", "tilleuls"]  # ordered by name
    assert [t.code for t in a.themes][:3] == ["cleanliness", "waste", "abandoned_vehicles"]

    residence = db.session.scalar(sa.select(Territory).where(Territory.code == "clos-fleuri-res-a"))
    assert residence.kind is TerritoryKind.RESIDENCE and residence.parent.code == "clos-fleuri"
    assert residence.housing_provider.code == "logis-du-val"
    stairwell = db.session.scalar(sa.select(Territory).where(Territory.code == "tilleuls-res-a-b1-a1"))
    assert stairwell.kind is TerritoryKind.STAIRWELL and stairwell.name == "A1"
    assert stairwell.parent.code == "tilleuls-res-a-b1" and stairwell.parent.address == "2 rue des Acacias"
    assert db.session.scalar(sa.select(Territory).where(Territory.code == "tilleuls")).qpv_code == "QN07901M"

    eng01 = commitment("ENG-01")
    assert eng01.partner.organisation.code == "habitat-bellerive" and eng01.theme.code == "cleanliness"
    assert eng01.funding_source is FundingSource.TFPB and eng01.tfpb_axis is TfpbAxis.ENHANCED_MAINTENANCE
    assert eng01.planned_operating_amount == Decimal("48000.00") and eng01.planned_investment_amount is None
    assert (eng01.indicator_baseline, eng01.indicator_target) == (Decimal(2), Decimal(5))
    assert eng01.status is CommitmentStatus.IN_PROGRESS and eng01.progress == 55
    assert commitment("ENG-19").status is CommitmentStatus.WITHDRAWN
    assert summary.as_dict()["stairwells"]["created"] == 17
    # every change is in the audit log
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.entity_type == "Commitment")) == 24


def test_reimport_is_idempotent(app_ctx, text):
    import_text(text)
    db.session.commit()
    before = counts()
    summary = import_text(text)
    db.session.commit()
    assert counts() == before  # no new row, no new audit entry
    assert not summary.changed
    assert summary.commitments.unchanged == 24 and summary.places.unchanged == 14
    assert "Aucune modification" in summary.line()


def test_round_trip_export_import_changes_nothing_and_export_is_stable(app_ctx, text):
    import_text(text)
    db.session.commit()
    exported = export_convention(REFERENCE)
    assert exported == export_convention(REFERENCE)
    assert "planned_operating: 48000.00" in exported and "due_on: 2027-12-31" in exported
    assert "Préfecture du Val-de-Sèvre" in exported  # allow_unicode
    # the export says exactly what the shipped file says
    assert load_convention(exported).data == load_convention(text).data
    before = counts()
    summary = import_text(exported)
    db.session.commit()
    assert counts() == before and not summary.changed
    assert export_convention(REFERENCE) == exported


def test_reimport_writes_only_what_changed(app_ctx, text):
    import_text(text)
    db.session.commit()
    before = counts()["AuditEntry"]
    changed = (text.replace('title: "Rénovation de l\'éclairage public en LED"',
                            'title: "Rénovation de l\'éclairage public en LED (tranche 1)"')
               .replace("Patrick Nguyen, directeur", "Patrick Nguyen, directeur de la régie"))
    # ENG-03 goes back from fulfilled to agreed: not a move the lifecycle allows, but a file is authoritative
    eng03 = changed.index('reference: "ENG-03"')
    changed = changed[:eng03] + changed[eng03:].replace("status: fulfilled", "status: agreed", 1)
    summary = import_text(changed)
    db.session.commit()
    assert (summary.commitments.updated, summary.partners.updated) == (2, 1)
    assert commitment("ENG-13").title.endswith("(tranche 1)")
    assert commitment("ENG-03").status is CommitmentStatus.AGREED
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > 0).order_by(AuditEntry.id)).all()
    new = entries[before:]
    assert sorted(e.entity_type for e in new) == ["Commitment", "Commitment", "Partner"]
    assert all(e.action == "update" for e in new)


def test_records_absent_from_the_file_are_left_untouched(f, text):
    import_text(text)
    extra = f.make_commitment(agreement(), db.session.scalar(sa.select(Organisation)
                                                             .where(Organisation.code == "prefecture")),
                              reference="ENG-99")
    db.session.commit()
    without_eng24 = text[:text.index('  - reference: "ENG-24"')]
    summary = import_text(without_eng24)
    db.session.commit()
    assert not summary.changed
    assert commitment("ENG-24") is not None and db.session.get(Commitment, extra.id) is not None


def test_coordinators_are_added(f, text):
    first, second = f.make_user(), f.make_user()
    import_text(text, coordinators=[first])
    db.session.commit()
    assert agreement().coordinators == [first]
    summary = import_text(text, coordinators=[first, second])
    db.session.commit()
    assert set(agreement().coordinators) == {first, second} and summary.coordinators_added == 1


def test_optional_place_keys_left_out_keep_their_value(app_ctx, text):
    import_text(text)
    db.session.commit()
    import_text(text.replace('            address: "2 rue des Acacias"\n', ""))
    db.session.commit()
    assert db.session.scalar(sa.select(Territory).where(Territory.code == "tilleuls-res-a-b1")).address == \
        "2 rue des Acacias"
    import_text(text.replace('address: "2 rue des Acacias"', "address:"))
    db.session.commit()
    assert db.session.scalar(sa.select(Territory).where(Territory.code == "tilleuls-res-a-b1")).address is None


# --- errors ------------------------------------------------------------------------------------------------------

def _without_line(text: str, needle: str) -> str:
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if needle in line)
    return "".join(lines[:index] + lines[index + 1:])


def _case_bad_date(text):
    bad = text.replace("due_on: 2027-12-31", "due_on: 2027-02-30", 1)
    return bad, line_of(bad, "due_on: 2027-02-30"), "commitments[0].due_on : date invalide (attendu AAAA-MM-JJ)"


def _case_unknown_partner(text):
    bad = text.replace("partner: regie-quartier", "partner: regie", 1)
    return bad, line_of(bad, "partner: regie"), ("commitments[22].partner : organisme « regie » absent de la liste "
                                                 "organisations du fichier")


def _case_unknown_signatory(text):
    bad = text.replace("- organisation: prefecture", "- organisation: prefet")
    return bad, line_of(bad, "organisation: prefet"), "signatories[4].organisation : organisme « prefet » absent"


def _case_missing_key(text):
    bad = _without_line(text, 'title: "Sur-entretien des halls')
    return bad, line_of(bad, 'reference: "ENG-01"'), "commitments[0].title : clé obligatoire manquante"


def _case_tfpb_without_axis(text):
    bad = _without_line(text, "tfpb_axis: waste_bulky_wrecks")
    return bad, line_of(bad, 'reference: "ENG-02"'), "commitments[1].tfpb_axis : axe TFPB obligatoire"


def _case_axis_without_tfpb(text):
    bad = text.replace("    funding_source: mainstream\n    planned_investment: 420000.00",
                       "    funding_source: mainstream\n    tfpb_axis: enhanced_maintenance\n"
                       "    planned_investment: 420000.00")
    return bad, line_of(bad, "tfpb_axis: enhanced_maintenance", 2), "commitments[4].tfpb_axis : l'axe TFPB ne"


def _case_unknown_key(text):
    bad = text.replace('  - reference: "ENG-02"\n', '  - reference: "ENG-02"\n    colour: rouge\n')
    return bad, line_of(bad, "colour: rouge"), "commitments[1].colour : clé inconnue"


def _case_yaml_syntax(text):
    bad = text.replace('signer_title: "Maire de Bellerive"', 'signer_title "Maire de Bellerive"')
    return bad, line_of(bad, 'signer_title "Maire'), "syntaxe YAML invalide"


def _case_bad_enum(text):
    bad = text.replace("kind: epci", "kind: intercommunalite")
    return bad, line_of(bad, "kind: intercommunalite"), "organisations[1].kind : valeur inconnue « intercommunalite »"


def _case_progress(text):
    bad = text.replace("progress: 55", "progress: 155")
    return bad, line_of(bad, "progress: 155"), "commitments[0].progress : doit être compris entre 0 et 100"


def _case_end_before_start(text):
    bad = text.replace("end_on: 2030-12-31", "end_on: 2024-12-31")
    return bad, line_of(bad, "end_on: 2024-12-31"), "end_on : la date de fin doit être postérieure à start_on"


def _case_amount(text):
    bad = text.replace("planned_operating: 22000.00", "planned_operating: 22000.005")
    return bad, line_of(bad, "22000.005"), "commitments[1].planned_operating : deux décimales au plus"


def _case_duplicate_reference(text):
    bad = text.replace('reference: "ENG-24"', 'reference: "ENG-23"')
    return bad, line_of(bad, 'reference: "ENG-23"', 2), "commitments[23].reference : référence « ENG-23 » en double"


def _case_unknown_theme(text):
    bad = text.replace("theme: waste", "theme: dechets", 1)
    return bad, line_of(bad, "theme: dechets"), "commitments[1].theme : thématique inconnue « dechets »"


def _case_provider_not_housing(text):
    bad = text.replace("housing_provider: logis-du-val", "housing_provider: prefecture")
    return bad, line_of(bad, "housing_provider: prefecture"), \
        "neighbourhoods[1].residences[0].housing_provider : « prefecture » n'est pas un bailleur social"


def _case_unknown_predecessor(text):
    bad = text.replace("midterm_on: 2028-01-01\n", 'midterm_on: 2028-01-01\npredecessor: "GUP-BELLERIVE-2019"\n')
    return bad, line_of(bad, "predecessor:"), "predecessor : aucune convention de référence « GUP-BELLERIVE-2019 »"


def _case_duplicate_key(text):
    bad = text.replace("kind: framework\n", "kind: framework\nkind: site\n")
    return bad, line_of(bad, "kind: site"), "kind : clé « kind » en double (déjà présente ligne 4)"


CASES = [_case_bad_date, _case_unknown_partner, _case_unknown_signatory, _case_missing_key, _case_tfpb_without_axis,
         _case_axis_without_tfpb, _case_unknown_key, _case_yaml_syntax, _case_bad_enum, _case_progress,
         _case_end_before_start, _case_amount, _case_duplicate_reference, _case_unknown_theme,
         _case_provider_not_housing, _case_unknown_predecessor, _case_duplicate_key]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__[6:] for c in CASES])
def test_invalid_file_is_rejected_with_line_and_path(app_ctx, text, case):
    bad, line, expected = case(text)
    with pytest.raises(ConventionError) as caught:
        import_text(bad)
    assert f"ligne {line} : {expected}" in "\n".join(caught.value.errors), caught.value.errors
    db.session.commit()
    assert counts()["Agreement"] == 0 and counts()["Organisation"] == 0


def test_all_errors_are_collected_in_line_order(app_ctx, text):
    bad = (text.replace("kind: epci", "kind: intercommunalite").replace("due_on: 2027-12-31", "due_on: demain", 1)
           .replace("partner: regie-quartier", "partner: regie", 1))
    with pytest.raises(ConventionError) as caught:
        load_convention(bad)
    errors = caught.value.errors
    assert len(errors) == 3
    lines = [int(e.split(" ")[1]) for e in errors]
    assert lines == sorted(lines)


def test_empty_and_non_mapping_files(app_ctx):
    with pytest.raises(ConventionError, match="ligne 1 : le fichier est vide"):
        load_convention("# rien\n")
    with pytest.raises(ConventionError, match="ligne 1 : bloc attendu"):
        load_convention("- a\n- b\n")


def test_file_invalid_only_in_its_last_commitment_writes_nothing(app_ctx, text):
    bad = text.replace("due_on: 2027-06-30\n    status: proposed", "due_on: 2027-06-31\n    status: proposed")
    before = counts()
    with pytest.raises(ConventionError) as caught:
        import_text(bad)
    assert caught.value.errors == [f"ligne {line_of(bad, '2027-06-31')} : commitments[23].due_on : date invalide "
                                   "(attendu AAAA-MM-JJ)"]
    db.session.commit()
    assert counts() == before and before["Agreement"] == before["Organisation"] == 0


def _refuse_eng24(monkeypatch):
    real = services.create_commitment

    def create_commitment(agreement, **kwargs):
        if kwargs.get("reference") == "ENG-24":
            raise DomainError("Refusé pour le test.", field="planned_operating_amount")
        return real(agreement, **kwargs)

    monkeypatch.setattr(services, "create_commitment", create_commitment)


def test_service_error_rolls_back_the_whole_import(f, text, monkeypatch):
    kept = f.make_organisation(code="deja-la")  # pending work of the caller survives the rollback
    _refuse_eng24(monkeypatch)
    audit_before = counts()["AuditEntry"]
    with pytest.raises(ConventionError) as caught:
        import_text(text)
    eng24 = line_of(text, 'reference: "ENG-24"')
    amount = line_of(text, "planned_operating: 14500.00")
    assert caught.value.errors == [f"ligne {amount} : commitments[23].planned_operating : Refusé pour le test."]
    assert eng24 < amount
    db.session.commit()  # even if the caller commits, nothing of the import remains
    assert counts()["Agreement"] == 0 and counts()["Commitment"] == 0 and counts()["Territory"] == 0
    assert [o.code for o in db.session.scalars(sa.select(Organisation))] == [kept.code]
    assert counts()["AuditEntry"] == audit_before


def test_failed_reimport_keeps_previous_values(app_ctx, text, monkeypatch):
    import_text(text.replace('  - reference: "ENG-24"', '  - reference: "ENG-25"'))
    db.session.commit()
    _refuse_eng24(monkeypatch)
    with pytest.raises(ConventionError):
        import_text(text.replace("progress: 55", "progress: 60"))
    db.session.commit()
    assert commitment("ENG-01").progress == 55 and commitment("ENG-24") is None


# --- export ------------------------------------------------------------------------------------------------------

def test_export_keeps_to_the_agreement(f, text):
    import_text(text)
    outsider = f.make_organisation(code="hors-convention", name="Bailleur hors convention")
    f.make_territory(code="autre-quartier", name="Autre quartier")
    # a residence of the perimeter managed by a provider that is not a party
    residence = db.session.scalar(sa.select(Territory).where(Territory.code == "tilleuls-res-b"))
    residence.housing_provider = outsider
    db.session.commit()
    exported = export_convention(REFERENCE)
    assert "hors-convention" not in exported and "autre-quartier" not in exported
    data = load_convention(exported).data
    assert [o["code"] for o in data["organisations"]] == ["ville-bellerive", "agglo-bellerive", "habitat-bellerive",
                                                          "logis-du-val", "prefecture", "regie-quartier"]
    tilleuls = data["neighbourhoods"][0]
    assert "housing_provider" not in tilleuls["residences"][1]
    summary = import_text(exported)
    db.session.commit()
    assert not summary.changed and residence.housing_provider is outsider


def test_export_of_a_stairwell_with_its_own_code(f, text):
    import_text(text)
    building = db.session.scalar(sa.select(Territory).where(Territory.code == "centre-gare"))
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=building, code="gare-res", name="Résidence Gare")
    hall = f.make_territory(TerritoryKind.BUILDING, parent=residence, code="gare-bat", name="Bâtiment Gare")
    f.make_territory(TerritoryKind.STAIRWELL, parent=hall, code="gare-cage-nord", name="Nord")
    db.session.commit()
    exported = export_convention(REFERENCE)
    assert "stairwells: [{code: gare-cage-nord, name: Nord}]" in exported
    before = counts()
    assert not import_text(exported).changed and counts() == before


def test_export_of_an_unknown_agreement(app_ctx):
    with pytest.raises(ConventionError, match="aucune convention de référence « NOPE »"):
        export_convention("NOPE")


def test_slug_and_stairwell_code():
    assert conventions.slug("Cage Été 2") == "cage-ete-2"
    assert conventions.stairwell_code("bat-a", "A1") == "bat-a-a1"
    assert conventions.stairwell_code("bat-a", {"code": "x", "name": "X"}) == "x"
    assert OrganisationKind.HOUSING_PROVIDER.value == "housing_provider"
