"""Expected audience of the hotline's public routes: everyone, signed in or not."""

from tests.route_expectations.roles import EVERYONE

EXPECTED: dict[str, dict[str, set[str]]] = {
    "hotline.public_report": {"GET": EVERYONE, "POST": EVERYONE},
    "hotline.public_thanks": {"GET": EVERYONE},
    "hotline.public_track_form": {"GET": EVERYONE},
    "hotline.public_track": {"GET": EVERYONE},
    "hotline.public_fixed": {"GET": EVERYONE, "POST": EVERYONE},
    "hotline.public_privacy": {"GET": EVERYONE},
}


def params(f, w) -> dict:
    """A resident report to follow (its reference)."""
    report = f.make_report(now=w["now"])
    return {"reference": report.reference}
