"""Signals of walks, for the features that show their own parts on a walk's page (findings)."""

from blinker import Namespace

_signals = Namespace()

#: sent with the walk being shown (keyword arguments: user, today); receivers return a gup.pages.Section
walk_page = _signals.signal("walk-page")
