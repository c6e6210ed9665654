"""Signals of agreements, for the features and aggregators that show their own parts on an agreement's page."""

from blinker import Namespace

_signals = Namespace()

#: sent with the agreement being shown (keyword arguments: user, today); receivers return a gup.pages.Section
agreement_page = _signals.signal("agreement-page")
