"""Signals of agreements, for the features and aggregators that show their own parts on an agreement's page."""

from blinker import Namespace

_signals = Namespace()

#: sent with the agreement being shown (keyword arguments: user, today); receivers return a gup.pages.Section
agreement_page = _signals.signal("agreement-page")

#: sent with the agreement after its dates changed (edited start, end or mid-term date, or an amendment that
#: moves the end); keyword argument: actor. Evaluations move their schedule on it.
agreement_dates_changed = _signals.signal("agreement-dates-changed")
