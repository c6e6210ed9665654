"""Expected audience of the evaluations' routes (HTML, API, public published reports)."""

from tests.route_expectations.roles import COORD, EVERYONE, LOGGED, OWNER, READERS

#: a partner's contribution: the coordination, or the referents of organisations partner to the agreement
CONTRIBUTING = {"coordinator", "referent1", "referent2"}

EXPECTED: dict[str, dict[str, set[str]]] = {
    "evaluations.index": {"GET": LOGGED},
    "evaluations.detail": {"GET": READERS},
    "evaluations.prepare": {"POST": COORD},
    "evaluations.freeze": {"POST": COORD},
    "evaluations.approve": {"POST": COORD},
    "evaluations.publish": {"POST": COORD},
    "evaluations.sections": {"GET": COORD, "POST": COORD},
    "evaluations.contribute": {"GET": CONTRIBUTING, "POST": CONTRIBUTING},
    #: a manual indicator entered by hp1: its referent, or the coordination
    "evaluations.enter_value": {"POST": OWNER},
    "evaluations.report_pdf": {"GET": READERS},
    "evaluations.indicators_csv": {"GET": READERS},
    "evaluations.commitments_pdf": {"GET": READERS},
    "evaluations.tables_zip": {"GET": READERS},
    "evaluations.tfpb_pdf": {"GET": READERS},
    "evaluations.targets": {"GET": COORD, "POST": COORD},
    "evaluations.public_index": {"GET": EVERYONE},
    "evaluations.public_report": {"GET": EVERYONE},
    "api_evaluations.index": {"GET": LOGGED},
    "api_evaluations.detail": {"GET": READERS},
    "api_evaluations.indicators": {"GET": READERS},
    "api_evaluations.report": {"GET": READERS},
}

BODIES = {
    "evaluations.enter_value": lambda params, role: {"__form__": {"indicator_id": params["manual_indicator_id"],
                                                                   "value": "12"}},
}


def params(f, w) -> dict:
    """The sample agreement's 2025 annual review, frozen and published, with a manual indicator entered by hp1."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    from gup.evaluations import services
    from gup.evaluations.models import Evaluation
    from gup.extensions import db
    from gup.indicators import Direction, Unit

    services.sync_schedule(w["agreement"])
    review = db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == w["agreement"].id,
                                                            Evaluation.slot == "annual-2025"))
    indicator = services.save_indicator_target(w["agreement"], code="survey", label="Enquête", unit=Unit.PERCENT,
                                               direction=Direction.HIGHER, baseline=1, target=2,
                                               organisation=w["hp1"], manual=True, actor=w["coordinator"])
    services.freeze(review, actor=w["coordinator"], now=datetime(2026, 3, 1, tzinfo=UTC))
    services.approve(review, approved_on=date(2026, 3, 2), note=None, actor=w["coordinator"],
                     now=datetime(2026, 3, 2, tzinfo=UTC))
    services.publish(review, actor=w["coordinator"], now=datetime(2026, 3, 3, tzinfo=UTC))
    return {"evaluation_id": review.id, "number": 1, "manual_indicator_id": indicator.id}
