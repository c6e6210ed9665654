"""Open311 GeoReport v2 routes (/open311/v2/)."""

from gup.open311 import bp  # noqa: F401
