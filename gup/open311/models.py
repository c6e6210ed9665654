"""Client applications allowed to post service requests through Open311."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from gup.extensions import db
from gup.orm import Audited, TimestampMixin, UTCDateTime


class Open311Client(Audited, TimestampMixin, db.Model):
    """Client Open311: a named application with an API key (stored hashed, shown once, revocable)."""

    __tablename__ = "open311_clients"
    __audit_label__ = _l("d'un client Open311")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "name": _l("Nom"),
        "key_prefix": _l("Préfixe de la clé"),
        "revoked_at": _l("Révoquée le"),
        "public_intake": _l("Ses utilisateurs savent que leur description est publiée"),
        "reads_private": _l("Lit les descriptions et adresses non publiées"),
    }
    __audit_exclude__ = frozenset({"created_at", "updated_at", "key_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(sa.String(12))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the application tells its users that what they write (description, address) is published: reports it
    #: posts are published as written (the public-disclosure rule, gup.hotline.disclosure)
    public_intake: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: granted by an administrator: GET answers carry the descriptions and addresses of every report (never
    #: contact details) to this client
    reads_private: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
