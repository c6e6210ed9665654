"""Photos uploaded from the field, stored re-encoded without metadata."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.auth.models import User
from gup.extensions import db
from gup.orm import UTCDateTime, now_utc


class Photo(db.Model):
    """Photo: a re-encoded JPEG and its thumbnail, attached to a finding or to an action update."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    thumbnail_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    is_resolution: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    uploaded_by: Mapped[User | None] = relationship()
    finding: Mapped[Finding | None] = relationship(back_populates="photos")  # noqa: F821

    def __str__(self) -> str:
        return f"Photo n° {self.id}"
