"""The `flask gup …` command group, built from the commands each feature registered."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.cli import AppGroup


def build_cli(app: Flask) -> AppGroup:
    """A fresh `gup` group holding every registered command (one group per application)."""
    from gup.features import registry

    group = AppGroup("gup", help="gup administration commands (Gestion urbaine de proximité).")
    for register in registry(app).cli_commands:
        register(group)
    return group


@contextmanager
def quiet_info_logs() -> Iterator[None]:
    """On a terminal, keep the services' INFO lines from scrolling the output away (logs kept otherwise)."""
    logger = logging.getLogger("gup")
    previous = logger.level
    if sys.stderr.isatty():
        logger.setLevel(max(previous, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(previous)
