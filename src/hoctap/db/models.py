"""hoctap's tables: units (đơn vị) and the people in the roster; nbgrader's gradebook is apart."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Unit(Base):
    """A đơn vị: the province, a commune, a department, a newspaper, a mass organisation."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    """Stable code: the official code for the province and communes, ours for the others."""
    name: Mapped[str] = mapped_column(String(200))
    """Canonical name, normalised ("Xã Đàm Thủy")."""
    kind: Mapped[str] = mapped_column(String(32), index=True)
    """One of hoctap.units.KINDS; units are ranked within their kind."""
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.id"
    )


class UnitAlias(Base):
    """Another name a unit goes by: an abbreviation, or its name before a rename."""

    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class Person(Base):
    """Someone in the roster: a trainee (báo cáo viên, tuyên truyền viên, phóng viên, ...)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    """Mã học viên: ASCII, usable as a JupyterHub and nbgrader user name."""
    full_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    search_key: Mapped[str] = mapped_column(String(200), index=True)
    """The folded full name (no accents, lower case), for accent-insensitive search."""
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    """National form, digits only ("0912345678"); personal data."""
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    """Recorded consent to publish the person's name (Luật 91/2025/QH15)."""
    consent_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    """Generated demo person, not a real one."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit] = relationship()
