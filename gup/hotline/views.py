"""HTML routes of the hotline: public form, tracking page, back office."""

from gup.hotline import bp  # noqa: F401
