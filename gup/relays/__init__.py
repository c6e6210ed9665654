"""Feature package: resident relays (habitants relais) — mandates per building, stairwell, residence or theme,
consent and contact minimisation, pools of volunteers and auditable random draws, mandate reminders, the relays'
monthly digest, and the representativeness indicators of the « Participation des habitants » section."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("relays", __name__)


def _coordination(user: Any) -> bool:
    from gup.relays.views import coordinates_something

    return coordinates_something(user)


def _relay(user: Any) -> bool:
    return bool(getattr(user, "is_relay", False))


def init_app(app: Any, registry: Any) -> None:
    """Plug relays in: routes, API, menu, jobs (contact erasure, mandate reminders, monthly digest), inbox items,
    indicators and the verify-draw command."""
    import gup.relays.space  # noqa: F401  (routes attach to bp on import; page sections connect)
    import gup.relays.views  # noqa: F401
    from gup.relays import cli, demo, indicators, jobs, worklist
    from gup.relays.api import draws_api, pools_api, relays_api

    registry.blueprints(bp)
    registry.api(relays_api, pools_api, draws_api)
    registry.menu("relays.home", _l("Habitants relais"), current=("relays.",), visible=_coordination, order=47)
    registry.menu("relays.mine", _l("Mon espace relais"), current=("relays.mine", "relays.space", "relays.file_"),
                  visible=_relay, order=1)
    registry.home("relay", "relays.mine")  # a relay's account lands on their phone page
    registry.job("relays.erase_contact_data", jobs.erase_contact_data, trigger="cron", hour=3, minute=20,
                 description="Erase resident relays' contact details a set time after their mandate ended")
    registry.job("relays.mandates_ending", jobs.mandates_ending, trigger="cron", hour=7, minute=10,
                 description="Remind the coordination once of each relay mandate ending within 60 days")
    registry.job("relays.digest", jobs.monthly_digest, trigger="cron", day=1, hour=8, minute=0,
                 description="Mail each relay who consented to e-mail last month's digest of their scope, once")
    registry.work_items(worklist.PROVIDER)
    registry.indicators(indicators.ALL)
    registry.cli(cli.relays_cli)
    registry.demo(demo.load, name="relays", order=45)  # before evaluations freeze the 2025 review
