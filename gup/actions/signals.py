"""Signals of actions, for the features whose records actions answer (findings)."""

from blinker import Namespace

_signals = Namespace()

#: sent with the action when a progress update finishes it and asks to resolve what it answers
#: (keyword arguments: actor, now, note); receivers flush, never commit
action_finished = _signals.signal("action-finished")

#: sent with the action to ask whether finishing it could resolve something (receivers return a bool): the
#: progress form then offers « résoudre aussi les constats liés »
offers_resolution = _signals.signal("action-offers-resolution")

#: sent with the action being shown (keyword arguments: user, today); receivers return a gup.pages.Section
action_page = _signals.signal("action-page")
