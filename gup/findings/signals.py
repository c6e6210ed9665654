"""Signals of findings, for the features that show their own parts on a finding's page (hotline)."""

from blinker import Namespace

_signals = Namespace()

#: sent with the finding being shown (keyword argument: user); receivers return a gup.pages.Section
finding_page = _signals.signal("finding-page")
