"""Signals of resident reports, for the features that show their own parts on a report's back-office page."""

from blinker import Namespace

_signals = Namespace()

#: sent with the report being shown (keyword argument: user); receivers return a gup.pages.Section
report_page = _signals.signal("report-page")
