"""hoctap's tables: units, the roster, contest entrants and attempts (not the gradebook)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
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
    """One of hoctap.people.units.KINDS; units are ranked within their kind."""
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


class Entrant(Base):
    """Someone taking part in a contest: a person of the roster, or someone who registered."""

    __tablename__ = "entrants"
    __table_args__ = (
        UniqueConstraint("contest", "person_id", name="uq_entrants_contest_person"),
        UniqueConstraint("contest", "phone", name="uq_entrants_contest_phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest: Mapped[str] = mapped_column(String(100), index=True)
    """The contest's name (its definition file's name)."""
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """The roster's person; None for open registration."""
    full_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    unit_name: Mapped[str] = mapped_column(String(200))
    """The unit as shown in results (the roster's unit, or what a registrant wrote)."""
    phone: Mapped[str | None] = mapped_column(String(20))
    """National form, digits only; personal data, masked in public results."""
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    """Consent, asked when entering, to show the name in public results."""
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="entrant", order_by="Attempt.number"
    )


class Attempt(Base):
    """One try at a contest: the questions drawn, the clock, the tab that holds it."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("entrant_id", "number", name="uq_attempts_entrant_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("entrants.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    """1 for the first attempt; the unique pair stops two tabs starting the same one twice."""
    seed: Mapped[str] = mapped_column(String(200))
    """What the questions and option orders were drawn from: the same attempt, the same paper."""
    questions: Mapped[str] = mapped_column(Text)
    """The drawn questions' names, as a JSON list, in the order shown."""
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """Server time after which no answer counts; the earlier of the time limit and closing."""
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When it was handed in, or the deadline when time ran out; None while it is open."""
    holder: Mapped[str] = mapped_column(String(64))
    """The tab (kernel session) allowed to answer; a newer tab takes the attempt over."""

    entrant: Mapped[Entrant] = relationship(back_populates="attempts")
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.id"
    )


class AttemptAnswer(Base):
    """The latest answer to one question of an attempt, saved as soon as it is given."""

    __tablename__ = "attempt_answers"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question", name="uq_attempt_answers_attempt_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    question: Mapped[str] = mapped_column(String(100))
    answer: Mapped[str] = mapped_column(Text)
    """As the grading rules read it: option texts joined by ';', a number, a text."""
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The page's count of changes to this answer: a save that is not newer is refused."""

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class ThrottleHit(Base):
    """One failed try (a wrong code or phone digits, a registration): counted per key in a
    window, so every worker of the contest service sees the same count."""

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SelfAssessment(Base):
    """One line of a unit's yearly self-assessment (Thông tư 22/2020: units assess themselves)."""

    __tablename__ = "self_assessments"
    __table_args__ = (
        UniqueConstraint("unit_id", "period", "key", name="uq_self_assessments_unit_period_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[int] = mapped_column(Integer)
    """The year assessed (1 January to 31 December)."""
    key: Mapped[str] = mapped_column(String(100))
    """The self-assessment line, as the award criteria name it (``self:KEY``)."""
    value: Mapped[float] = mapped_column(Float)
    """1/0 for yes/no lines, a percentage or a score for the others."""
    source: Mapped[str] = mapped_column(String(200))
    """The file it came from."""
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AwardSnapshot(Base):
    """A frozen award ranking: what the judges decided on, kept as it was."""

    __tablename__ = "award_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(Integer, index=True)
    frozen_by: Mapped[str] = mapped_column(String(200))
    frozen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    criteria_digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the criteria file(s) the ranking was made with."""
    criteria_name: Mapped[str] = mapped_column(String(300), default="", server_default="")
    """Which criteria: a file's name, or ``mặc định:`` and the files used for the kinds."""
    table: Mapped[str] = mapped_column(Text)
    """The award table as JSON records, exactly as ranked then."""


class HubAccount(Base):
    """A log-in to the platform's JupyterHub: a roster trainee (named by their code), or a
    trainer or judge. Only a salted scrypt hash of the password is kept."""

    __tablename__ = "hub_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    """trainee, trainer or judge (hoctap.hub.accounts)."""
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Certificate(Base):
    """A certificate issued: to a trainee who passed a module, a contest prize winner, or a unit
    with a group prize. Printing it again reuses the row: same serial, same code, same date."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("year", "number", name="uq_certificates_year_number"),
        UniqueConstraint("kind", "subject", "holder", name="uq_certificates_kind_subject_holder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    """Sequence within the year of issue: 1, 2, 3, ..."""
    serial: Mapped[str] = mapped_column(String(100))
    """The number printed ("2026-00012/GCN"), from ``certificates.serial`` in documents.yaml."""
    code: Mapped[str] = mapped_column(String(16), unique=True)
    """Verification code: 8 letters and digits without look-alikes, random."""
    kind: Mapped[str] = mapped_column(String(20))
    """module, contest (a person's prize) or group (a unit's prize)."""
    subject: Mapped[str] = mapped_column(String(100))
    """The module's id or the contest's name."""
    subject_title: Mapped[str] = mapped_column(String(300))
    holder: Mapped[str] = mapped_column(String(100))
    """Who it belongs to, stably: ``person:ID``, ``entrant:ID`` or ``unit:KEY``."""
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    holder_name: Mapped[str] = mapped_column(String(200))
    unit_name: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(200))
    """What was achieved: "87,5%" of a module, "Nhất", "Giải tập thể"."""
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    """Earned by generated demo people: printed and verified as a sample, never as real."""
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    printed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
