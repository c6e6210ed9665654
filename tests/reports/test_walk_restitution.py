"""The walk restitution PDF: content, no residents' personal data, constant queries, a look at the layout."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date, time

import pytest
from pypdf import PdfReader

from gup.actions.models import ActionStatus
from gup.extensions import db
from gup.findings.models import FindingKind, FindingStatus
from gup.media.services import store_photo
from gup.reports import walk_restitution_pdf
from gup.reports.data import walk_restitution_data
from gup.walks.models import WalkKind

TODAY = date(2026, 11, 23)
QUOTE = "Le soir on a peur de rentrer"
OTHERS = "Fatima Confidentielle, Jean Anonyme-Voisin"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def walk(f):
    w = f.world()
    walk = f.make_walk(w["agreement"], title="Marche de nuit des Lilas", kind=WalkKind.NIGHT,
                       starts_at=time(20, 30), residents_count=14, other_participants=OTHERS,
                       route_description="Départ place du marché, retour par le parking <sud> & le square.")
    walk.organisations = [w["town"], w["hp1"], w["hp2"]]
    walk.users = [w["coordinator"], w["referent1"]]
    statuses = {
        "Éclairage en panne sous le porche": (w["hp1"], FindingStatus.RESOLVED),
        "Encombrants devant le local vélo": (w["hp1"], FindingStatus.IN_PROGRESS),
        "Trou dans la chaussée rue des Lilas": (w["town"], FindingStatus.PLANNED),
        "Porte du hall qui ne ferme plus": (w["hp2"], FindingStatus.SENT),
        "Banc cassé à l'aire de jeux": (None, FindingStatus.NEW),
        "Tags sur le mur de l'école": (w["hp2"], FindingStatus.REFUSED),
        "Arrêt de bus mal éclairé": (w["town"], FindingStatus.OUT_OF_SCOPE),
    }
    findings = {}
    for description, (org, status) in statuses.items():
        findings[description] = f.make_finding(w["agreement"], org, walkthrough=walk, description=description,
                                               status=status, resident_quote=QUOTE, stop=walk.stops[0],
                                               address="12 rue des Lilas")
    resolved = findings["Éclairage en panne sous le porche"]
    resolved.resolved_on = date(2026, 11, 2)
    resolved.resolution_note = "Ampoules et détecteur remplacés."
    findings["Tags sur le mur de l'école"].refusal_reason = "Le mur appartient à la commune."
    findings["Arrêt de bus mal éclairé"].referral = "Autorité organisatrice des transports"
    action = f.make_action(w["agreement"], w["hp1"], title="Enlèvement des encombrants", due_on=date(2026, 12, 15),
                           status=ActionStatus.IN_PROGRESS)
    action.findings = [findings["Encombrants devant le local vélo"]]
    late = f.make_action(w["agreement"], w["town"], title="Reprise de l'enrobé", due_on=date(2026, 10, 1))
    late.findings = [findings["Trou dans la chaussée rue des Lilas"]]
    store_photo(f.jpeg_bytes(400, 300), finding=resolved, actor=w["coordinator"], now=w["now"])
    store_photo(f.jpeg_bytes(300, 400, color="green"), finding=resolved, actor=w["referent1"], now=w["now"],
                is_resolution=True)
    db.session.commit()
    return {**w, "walk": walk, "findings": findings}


def test_pdf_lists_findings_with_partner_and_sections(walk):
    pdf = walk_restitution_pdf(walk["walk"], today=TODAY)
    assert pdf.startswith(b"%PDF")
    text = flat(text_of(pdf))
    for title in ("Restitution du diagnostic en marchant", "Participants", "Parcours", "Synthèse des constats",
                  "Le parcours, halte par halte", "Points positifs", "Prochaines étapes"):
        assert title in text
    for description, finding in walk["findings"].items():
        assert description in text
        if finding.responsible_organisation is not None:
            assert finding.responsible_organisation.name in text
    assert "Marche de nuit des Lilas" in text and "Marche de nuit" in text
    assert "Enlèvement des encombrants" in text and "Reprise de l'enrobé" in text
    assert "Ampoules et détecteur remplacés." in text
    assert "parking <sud> & le square" in text          # user text escaped, not parsed as markup
    assert "14" in text and "page 1 /" in text


def test_pdf_contains_no_personal_data_of_residents(walk):
    text = flat(text_of(walk_restitution_pdf(walk["walk"], today=TODAY)))
    assert "« Le soir on a peur de rentrer »" in text    # the residents' quotes, typed without names
    for secret in ("Fatima", "Confidentielle", "Anonyme-Voisin",
                   walk["coordinator"].full_name, walk["referent1"].full_name):
        assert secret not in text


def test_data_groups_by_status_then_partner(walk):
    data = walk_restitution_data(walk["walk"], TODAY)
    codes = [s.code for s in data.sections]
    assert codes == ["resolved", "in_progress", "planned", "sent", "new", "refused", "out_of_scope"]
    resolved = data.sections[0]
    assert resolved.partners[0].organisation == "Bailleur Un"
    assert len(resolved.partners[0].findings[0].thumbnails) == 2
    new = next(s for s in data.sections if s.code == "new")
    assert new.partners[0].organisation is None
    assert [s.title for s in data.next_steps] == ["Reprise de l'enrobé", "Enlèvement des encombrants"]
    assert data.next_steps[0].is_overdue
    assert data.professionals_count == 2 and data.residents_count == 14
    assert not hasattr(data, "other_participants")


def test_data_uses_a_constant_number_of_queries(f, count_queries):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    counts = []
    for n in (1, 20):
        while len(walk.findings) < n:
            finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
            f.make_action(w["agreement"], w["hp2"]).findings = [finding]
            store_photo(f.jpeg_bytes(), finding=finding, actor=w["coordinator"], now=w["now"])
        db.session.commit()
        db.session.expire_all()
        with count_queries() as statements:
            data = walk_restitution_data(walk, TODAY)
        assert data.finding_count == n
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_empty_walk_renders(f):
    w = f.world()
    walk = f.make_walk(w["agreement"], residents_count=0)
    walk.stops = []
    db.session.commit()
    text = flat(text_of(walk_restitution_pdf(walk, today=TODAY)))
    assert "Aucun constat n'a été relevé" in text and "Parcours non renseigné." in text


def test_pdf_renders_to_images(walk, tmp_path):
    """pdftoppm reads the file without error (set GUP_PDF_SAMPLE_DIR to keep the pages and look at them)."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils")
    pdf = walk_restitution_pdf(walk["walk"], today=TODAY)
    out_dir = os.environ.get("GUP_PDF_SAMPLE_DIR") or str(tmp_path)
    (tmp_path / "restitution.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "restitution.pdf"), f"{out_dir}/restitution"],
                   check=True, capture_output=True)
    assert any(name.startswith("restitution") and name.endswith(".png") for name in os.listdir(out_dir))


def test_pdf_walks_the_route_stop_by_stop_with_quotes_and_positive_points(f):
    w = f.world()
    walk = f.make_walk(w["agreement"], title="Marche des Acacias")
    first, second = walk.stops[0], walk.stops[1]
    first.name, second.name = "Place du marché", "Parking sud"
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=second, description="Porte du hall cassée",
                   resident_quote="On entre par la fenêtre", status=FindingStatus.SENT)
    f.make_finding(w["agreement"], None, walkthrough=walk, stop=first, description="Bancs neufs très appréciés",
                   kind=FindingKind.STRENGTH, status=FindingStatus.NEW, due_on=None,
                   resident_quote="Enfin un endroit où s'asseoir")
    f.make_finding(w["agreement"], w["town"], walkthrough=walk, description="Dépôt sauvage rue haute",
                   status=FindingStatus.SENT)
    db.session.commit()
    data = walk_restitution_data(walk, TODAY)
    assert [s.position for s in data.by_stop][:2] == [first.position, second.position]
    assert data.by_stop[-1].position is None                    # findings without a stop come last
    assert [e.description for e in data.positives] == ["Bancs neufs très appréciés"]
    assert data.finding_count == 2                              # a positive point is not counted as a problem
    assert all(code != "new" for code, _label, _n in data.summary)
    theme = data.themes[0]
    assert (theme.problems, theme.positives) == (2, 1)
    text = flat(text_of(walk_restitution_pdf(walk, today=TODAY)))
    stop1 = text.index(f"Halte {first.position} : Place du marché")
    stop2 = text.index(f"Halte {second.position} : Parking sud")
    off = text.index("Hors halte")
    assert stop1 < stop2 < off
    assert stop1 < text.index("« Enfin un endroit où s'asseoir »") < stop2
    assert stop2 < text.index("« On entre par la fenêtre »") < off
    assert "Point positif n°" in text and "Problèmes" in text
    positives = text.index("Points positifs Ce que")
    assert text.index("Bancs neufs très appréciés", positives) > positives
    assert "Organisme responsable à désigner" not in text and "Nouveau" not in text
