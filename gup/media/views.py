"""HTML routes of media."""

from gup.media import bp  # noqa: F401
