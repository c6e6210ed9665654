"""HTML routes of actions."""

from gup.actions import bp  # noqa: F401
