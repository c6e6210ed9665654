"""HTML routes of walks."""

from gup.walks import bp  # noqa: F401
