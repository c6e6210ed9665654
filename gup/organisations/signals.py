"""Signals of organisations, for the features that hold records pointing at an organisation."""

from blinker import Namespace

_signals = Namespace()

#: sent with the organisation before it stops being a housing provider; a receiver returns a French message
#: (why it must stay one) or None
leaving_housing_provider = _signals.signal("organisation-leaving-housing-provider")
