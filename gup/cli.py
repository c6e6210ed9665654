"""The `flask gup …` command group; each feature adds its commands."""

from flask.cli import AppGroup

gup_cli = AppGroup("gup", help="gup administration commands (Gestion urbaine de proximité).")


def _register() -> None:
    from gup.agreements.cli import register as agreements_register
    from gup.auth.cli import register as auth_register
    from gup.hotline.cli import register as hotline_register
    from gup.open311.cli import register as open311_register

    auth_register(gup_cli)
    agreements_register(gup_cli)
    open311_register(gup_cli)
    hotline_register(gup_cli)


_register()
