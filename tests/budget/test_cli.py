"""`flask gup budget voting-codes`: a PDF sheet of cards or a CSV, read back; only hashes are stored."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from pypdf import PdfReader

from gup.budget import services
from gup.budget.models import VotingCode
from gup.extensions import db
from tests.budget.conftest import projects_in_vote


def _stored(campaign_id):
    return set(db.session.scalars(sa.select(VotingCode.code_hash).where(VotingCode.campaign_id == campaign_id)))


def test_voting_codes_as_csv(runner, campaign, tmp_path):
    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["gup", "budget", "voting-codes", str(campaign.id), "--count", "25", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "25 codes (lot 1)" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Campagne", "Lot", "Code de vote"]
    codes = [r[2] for r in rows[1:]]
    assert len(set(codes)) == 25 and all(r[:2] == [str(campaign.id), "1"] for r in rows[1:])
    db.session.expire_all()
    assert _stored(campaign.id) == {services.hash_code(c) for c in codes}
    assert not {c.replace("-", "") for c in codes} & _stored(campaign.id)


def test_voting_codes_as_a_pdf_of_cards_that_vote(app, runner, campaign, place, w, tmp_path):
    out = tmp_path / "cartes.pdf"
    result = runner.invoke(args=["gup", "budget", "voting-codes", str(campaign.id), "-n", "13", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert len(reader.pages) == 2  # ten cards a page
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Votre code de vote") == 13
    assert "Budget participatif 2026" in text and "jusqu'à 2 projets" in text and "/budget-participatif" in text
    printed = [line.strip() for line in text.splitlines()
               if len(line.strip()) == 11 and line.strip()[5] == "-"
               and set(line.strip().replace("-", "")) <= set(services.CODE_ALPHABET)]
    assert len(set(printed)) == 13
    db.session.expire_all()
    assert _stored(campaign.id) == {services.hash_code(c) for c in printed}
    # a printed code votes
    a, _b, _c = projects_in_vote(campaign, place, w)
    services.cast_vote(campaign, printed[0], [a.id], now=w["now"])
    db.session.commit()
    assert services.count_votes(campaign)[a.id].online == 1


def test_bad_requests_are_told_in_french_and_store_nothing(runner, campaign, tmp_path):
    def run(*args):
        return runner.invoke(args=["gup", "budget", "voting-codes", *args])

    result = run(str(campaign.id), "--count", "5", "-o", str(tmp_path / "codes.txt"))
    assert result.exit_code != 0 and ".pdf ou .csv" in result.output
    result = run("999999", "--count", "5", "-o", str(tmp_path / "codes.csv"))
    assert result.exit_code != 0 and "introuvable" in result.output
    result = run(str(campaign.id), "--count", "0", "-o", str(tmp_path / "codes.csv"))
    assert result.exit_code != 0 and "nombre de codes" in result.output
    result = run(str(campaign.id), "--count", "3", "-o", str(tmp_path / "missing-dir" / "codes.csv"))
    assert result.exit_code != 0 and "Écriture impossible" in result.output
    db.session.expire_all()
    assert _stored(campaign.id) == set()
