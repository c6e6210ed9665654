"""The TFPB list pages, CSV, API list and review page issue the same number of queries for few or many rows."""

from __future__ import annotations

from gup.extensions import db
from tests.tfpb.helpers import abatement, action, qpv


def test_lists_and_review_use_a_constant_number_of_queries(client, login, api, w, f, count_queries):
    places = [qpv(f, w["agreement"], f"QPV {i}", f"QN0000{i}M") for i in range(3)]
    db.session.commit()
    counts: dict[str, list[int]] = {}
    agreement_id, hp1 = w["agreement"].id, w["hp1"].id
    for n in (1, 30):
        for i in range(n - (1 if n == 30 else 0)):
            axis = ("staff_presence", "enhanced_maintenance", "community_life")[i % 3]
            action(w["agreement"], (w["hp1"], w["hp2"])[i % 2], places[i % 3], axis=axis, amount=str(100 + i))
        for i, place in enumerate(places[: 1 if n == 1 else 3]):
            for provider in (w["hp1"], w["hp2"]):
                abatement(w["agreement"], provider, place, amount=str(1000 + i))
        db.session.commit()
        for role, url in (("coordinator", "/tfpb"), ("coordinator", "/tfpb.csv"), ("referent1", "/tfpb"),
                          ("coordinator", f"/agreements/{agreement_id}/tfpb/abatements"),
                          ("coordinator", f"/agreements/{agreement_id}/tfpb/review/{hp1}/2025")):
            login(w[role])
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.setdefault(f"{role} {url}", []).append(len(statements))
        with count_queries() as statements:
            assert api("referent1", "GET", "/api/v1/tfpb-actions?page_size=50").status_code == 200
        counts.setdefault("api", []).append(len(statements))
    for page, (small, large) in counts.items():
        assert small == large, f"{page}: {small} queries for few rows, {large} for many"
