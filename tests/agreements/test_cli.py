"""flask gup agreement import / export and flask gup demo."""

from __future__ import annotations

import sqlalchemy as sa

from gup import ROOT
from gup.agreements.conventions import export_convention
from gup.agreements.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from gup.agreements.models import Agreement, Commitment, CommitmentUpdate, Partner
from gup.audit.models import AuditEntry
from gup.auth.models import Role, User
from gup.auth.services import check_password
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.territory.models import Territory

SHIPPED = ROOT / "conventions" / "bellerive-2025.yaml"
REFERENCE = "GUP-BELLERIVE-2025"
SUMMARY = ("Convention GUP-BELLERIVE-2025 importée : 24 engagements (24 créés, 0 modifiés), 6 organismes, "
           "14 lieux.")


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Organisation, Territory, Agreement, Partner, Commitment, CommitmentUpdate, User,
                          AuditEntry)}


def agreement() -> Agreement | None:
    return db.session.scalar(sa.select(Agreement).where(Agreement.reference == REFERENCE))


def test_import_command(runner, app_ctx):
    result = runner.invoke(args=["gup", "agreement", "import", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "Import des engagements" in result.output  # the progress bar's label
    assert result.output.strip().splitlines()[-1] == SUMMARY
    assert len(agreement().commitments) == 24
    again = runner.invoke(args=["gup", "agreement", "import", str(SHIPPED)])
    assert again.exit_code == 0 and "(0 créés, 0 modifiés)" in again.output and "Aucune modification" in again.output


def test_import_command_with_coordinators(runner, f):
    coordinator = f.make_user(Role.COORDINATOR, email="coord@ville.fr")
    f.make_user(Role.OBSERVER, email="obs@ville.fr")
    db.session.commit()
    refused = runner.invoke(args=["gup", "agreement", "import", str(SHIPPED), "--coordinator", "obs@ville.fr"])
    assert refused.exit_code == 1 and "obs@ville.fr n'a pas le rôle coordinator" in refused.output
    unknown = runner.invoke(args=["gup", "agreement", "import", str(SHIPPED), "--coordinator", "nobody@ville.fr"])
    assert unknown.exit_code == 1 and "aucun compte pour nobody@ville.fr" in unknown.output
    assert agreement() is None
    result = runner.invoke(args=["gup", "agreement", "import", str(SHIPPED), "--coordinator", "coord@ville.fr"])
    assert result.exit_code == 0, result.output
    assert [u.id for u in agreement().coordinators] == [coordinator.id]


def test_import_command_reports_every_error_and_writes_nothing(runner, app_ctx, tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    text = text.replace("due_on: 2027-12-31", "due_on: 2027-02-30", 1).replace("partner: regie-quartier",
                                                                                "partner: regie", 1)
    bad.write_text(text, encoding="utf-8")
    line = next(n for n, content in enumerate(text.splitlines(), start=1) if "2027-02-30" in content)
    before = counts()
    result = runner.invoke(args=["gup", "agreement", "import", str(bad)])
    assert result.exit_code == 1
    assert "2 erreur(s), rien n'a été enregistré" in result.output
    assert f"ligne {line} : commitments[0].due_on : date invalide (attendu AAAA-MM-JJ)" in result.output
    assert "commitments[22].partner : organisme « regie » absent" in result.output
    assert counts() == before


def test_export_command(runner, app_ctx, tmp_path):
    assert runner.invoke(args=["gup", "agreement", "import", str(SHIPPED)]).exit_code == 0
    result = runner.invoke(args=["gup", "agreement", "export", REFERENCE])
    assert result.exit_code == 0
    assert result.stdout == export_convention(REFERENCE)
    target = tmp_path / "out.yaml"
    result = runner.invoke(args=["gup", "agreement", "export", REFERENCE, "-o", str(target)])
    assert result.exit_code == 0 and target.read_text(encoding="utf-8") == export_convention(REFERENCE)
    before = counts()
    reimport = runner.invoke(args=["gup", "agreement", "import", str(target)])
    assert reimport.exit_code == 0 and counts() == before
    missing = runner.invoke(args=["gup", "agreement", "export", "NOPE"])
    assert missing.exit_code == 1 and "aucune convention de référence « NOPE »" in missing.output


def test_help_texts_are_in_english(runner):
    result = runner.invoke(args=["gup", "agreement", "import", "--help"])
    assert result.exit_code == 0 and "Create or update the agreement described in FILE" in result.output
    assert "--coordinator EMAIL" in result.output
    assert "Load the demo data" in runner.invoke(args=["gup", "demo", "--help"]).output


def test_demo_command(runner, app_ctx):
    result = runner.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output
    assert SUMMARY in result.output and "6 créé(s)" in result.output
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    # the staff accounts, plus the demo relay's own account (gup.relays.demo)
    assert set(users) == {email for email, *_rest in DEMO_ACCOUNTS} | {"relais@demo.gup.fr"}
    assert users["relais@demo.gup.fr"].role.value == "relay"
    for email, full_name, role, org_code, _coordinates in DEMO_ACCOUNTS:
        user = users[email]
        assert user.role is role and user.full_name == full_name
        assert (user.organisation.code if user.organisation else None) == org_code
        assert check_password(user, DEMO_PASSWORD)
    assert users["admin@demo.gup.fr"].full_name == "Alex Admin"
    assert [u.email for u in agreement().coordinators] == ["coordination@demo.gup.fr"]
    updates = db.session.scalars(sa.select(CommitmentUpdate)).all()
    assert len([u for u in updates if u.created_at.year == 2026]) == 4  # the others: the 2025 history (evaluations)
    for update in updates:
        assert update.author.organisation_id == update.commitment.partner.organisation_id
        assert update.progress == update.commitment.progress
        assert update.created_at.year in (2025, 2026)

    before = counts()
    again = runner.invoke(args=["gup", "demo"])
    assert again.exit_code == 0, again.output
    assert "rien n'a changé" in again.output
    assert counts() == before


def test_demo_if_empty(runner, f):
    f.make_agreement(reference="GUP-AUTRE")
    db.session.commit()
    result = runner.invoke(args=["gup", "demo", "--if-empty"])
    assert result.exit_code == 0 and "--if-empty" in result.output
    assert agreement() is None and db.session.scalar(sa.select(User.id)) is None


def test_demo_if_empty_on_an_empty_database(runner, app_ctx):
    result = runner.invoke(args=["gup", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert agreement() is not None


def test_demo_welcome_ends_with_the_address_and_the_accounts(runner, app_ctx):
    """`make run`: the address and the demo accounts are the last lines, after the demo's own, on the first run
    and on the next ones (--if-empty)."""
    first = runner.invoke(args=["gup", "demo", "--if-empty", "--welcome", "http://127.0.0.1:5000"])
    assert first.exit_code == 0, first.output
    tail = first.output.rstrip().splitlines()
    start = tail.index("gup est prêt : http://127.0.0.1:5000")
    assert "Importée" not in "".join(tail[start:]) and start > 3
    accounts = [line.split()[0] for line in tail[start + 2:]]
    assert accounts[:2] == ["admin@demo.gup.fr", "coordination@demo.gup.fr"] and "relais@demo.gup.fr" in accounts
    assert f"(mot de passe : {DEMO_PASSWORD})" in tail[start + 1]
    again = runner.invoke(args=["gup", "demo", "--if-empty", "--welcome", "http://127.0.0.1:5000"])
    assert again.output.rstrip().splitlines()[-len(accounts) - 2:] == tail[start:]
