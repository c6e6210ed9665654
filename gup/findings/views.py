"""HTML routes of findings."""

from gup.findings import bp  # noqa: F401
