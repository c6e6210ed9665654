"""The expected lifecycles, written out as literal (from, to) pairs, never read from the tables under test.

They follow ../shared/GUIDE.md §3 as the code names the statuses (see the note in test_lifecycles.py for where
the code's names differ from the guide's).
"""

AGREEMENT = {("draft", "signed"), ("signed", "in_force"), ("signed", "draft"), ("in_force", "ended")}

COMMITMENT = {
    ("proposed", "agreed"), ("proposed", "withdrawn"),
    ("agreed", "in_progress"), ("agreed", "withdrawn"), ("agreed", "fulfilled"), ("agreed", "partly_fulfilled"),
    ("agreed", "not_fulfilled"),
    ("in_progress", "fulfilled"), ("in_progress", "partly_fulfilled"), ("in_progress", "not_fulfilled"),
    ("in_progress", "withdrawn"),
    ("fulfilled", "in_progress"), ("partly_fulfilled", "in_progress"), ("not_fulfilled", "in_progress"),
    ("withdrawn", "proposed"),
}

ACTION = {
    ("planned", "in_progress"), ("planned", "done"), ("planned", "blocked"), ("planned", "cancelled"),
    ("in_progress", "done"), ("in_progress", "blocked"), ("in_progress", "cancelled"), ("in_progress", "planned"),
    ("blocked", "planned"), ("blocked", "in_progress"), ("blocked", "cancelled"),
    ("done", "in_progress"), ("cancelled", "planned"),
}

WALK = {("planned", "done"), ("done", "restitution_sent"), ("done", "planned"), ("restitution_sent", "done")}

FINDING = {
    ("new", "sent"), ("new", "out_of_scope"),
    ("sent", "accepted"), ("sent", "refused"), ("sent", "out_of_scope"),
    ("refused", "sent"), ("refused", "out_of_scope"),
    ("accepted", "planned"), ("accepted", "in_progress"), ("accepted", "resolved"),
    ("planned", "in_progress"), ("planned", "resolved"),
    ("in_progress", "planned"), ("in_progress", "resolved"),
    ("resolved", "checked"), ("resolved", "in_progress"),
    ("checked", "in_progress"),
    ("out_of_scope", "sent"),
}

_CLOSE = ("not_our_remit", "duplicate", "rejected")
RESIDENT_REPORT = {
    ("received", "qualified"), ("received", "sent"), *(("received", c) for c in _CLOSE),
    ("qualified", "sent"), *(("qualified", c) for c in _CLOSE),
    ("sent", "in_progress"), ("sent", "resolved"), ("sent", "sent"), *(("sent", c) for c in _CLOSE),
    ("in_progress", "resolved"), ("in_progress", "sent"), *(("in_progress", c) for c in _CLOSE),
    ("resolved", "sent"),
    ("not_our_remit", "received"), ("duplicate", "received"), ("rejected", "received"),
}


def allowed(pairs: set[tuple[str, str]], source, target) -> bool:
    """Whether the literal lifecycle allows source -> target (enum members or their values)."""
    return (getattr(source, "value", source), getattr(target, "value", target)) in pairs
