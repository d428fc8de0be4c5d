"""What a certificate is, as plain data: who earns it, the batch it is printed in, the issued
certificate with its serial number and code. Shared by issuing (certificates) and printing
(certificate_pdf)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U, so a code read aloud or typed cannot be mistaken."""
CODE_LENGTH = 8


@dataclass(frozen=True)
class Recipient:
    """Someone (or a unit) who earns a certificate, with what to print."""

    holder: str
    name: str
    unit: str
    detail: str
    fields: dict[str, object]
    """The template fields (documents.yaml) besides the common ones."""
    person_id: int | None = None
    unit_id: int | None = None
    demo: bool = False
    """Earned by generated demo people (``hoctap demo``): printed as a sample."""


@dataclass(frozen=True)
class Batch:
    """The certificates of one module or one contest."""

    kind: str
    subject: str
    title: str
    recipients: tuple[Recipient, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issued:
    """A certificate ready to print."""

    kind: str
    serial: str
    code: str
    name: str
    unit: str
    subject_title: str
    issued: datetime
    fields: dict[str, object] = field(default_factory=dict)
    new: bool = False
    demo: bool = False


def shown_code(code: str) -> str:
    """ "K7PX3QMD" -> "K7PX-3QMD", easier to read out and type."""
    return f"{code[:4]}-{code[4:]}"


def clean_code(text: str) -> str:
    """A code as typed: any case, with or without dashes or spaces; O read as 0, I and L as 1."""
    code = "".join(text.split()).replace("-", "").upper()
    return code.translate(str.maketrans("OIL", "011"))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
