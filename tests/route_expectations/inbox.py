"""Expected audience of « Mes actions » (gup.inbox): referents see their organisation's items, coordinators and
administrators the coordination's; the page answers every signed-in user (an explanation when they have none)."""

from tests.route_expectations.roles import LOGGED

EXPECTED: dict[str, dict[str, set[str]]] = {
    #: referents (organisation), the agreement's coordinator and the admin (coordination); others get the
    #: explanation and the links to the lists, not a refusal
    "inbox.index": {"GET": LOGGED},
    #: anyone signed in may post; each item is then checked by the policy (refused items are reported)
    "inbox.bulk": {"POST": LOGGED},
}
