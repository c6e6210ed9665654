"""Expected audience of the participatory budgets' public pages: everyone, signed in or not (the campaign and
project of tests.route_expectations.budget: a campaign taking proposals, a proposal not selected)."""

from tests.route_expectations.roles import EVERYONE

EXPECTED: dict[str, dict[str, set[str]]] = {
    "budget_public.index": {"GET": EVERYONE},
    "budget_public.campaign": {"GET": EVERYONE, "POST": EVERYONE},
    "budget_public.proposal_thanks": {"GET": EVERYONE},
    "budget_public.vote": {"GET": EVERYONE, "POST": EVERYONE},
    "budget_public.vote_thanks": {"GET": EVERYONE},
    "budget_public.results": {"GET": EVERYONE},
    "budget_public.deliveries": {"GET": EVERYONE},
    "budget_public.delivery_photo": {"GET": EVERYONE},
}
