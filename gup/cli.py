"""The `flask gup …` command group, built from the commands each feature registered."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup


def build_cli(app: Flask) -> AppGroup:
    """A fresh `gup` group holding every registered command (one group per application)."""
    from gup.features import registry

    group = AppGroup("gup", help="gup administration commands (Gestion urbaine de proximité).")
    for register in registry(app).cli_commands:
        register(group)
    return group
