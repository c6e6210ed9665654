"""Commands of agreements (import, export) and the demo loader — filled in by the conventions work."""


def register(group) -> None:
    """Attach the agreement commands to the gup group."""
