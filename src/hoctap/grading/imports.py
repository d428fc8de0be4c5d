"""Import-time work-arounds for third-party packages on hoctap's command-line paths."""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def defer_iri_grammar() -> None:
    """Load rfc3987_syntax when jsonschema first checks an IRI, not when jsonschema is imported.

    jsonschema imports rfc3987_syntax eagerly, which compiles about 35 Earley parsers (≈2 s on
    this machine; jsonschema issue #1428). nbformat, and so nbgrader, pay it on every start,
    though no Jupyter schema has an "iri" format. The proxy keeps the behaviour: the first IRI
    check imports the real module and every check uses it.
    """
    if "rfc3987_syntax" in sys.modules or "jsonschema" in sys.modules:
        return
    real: list[Any] = []
    proxy = types.ModuleType(
        "rfc3987_syntax", "Deferred by hoctap.grading.imports.defer_iri_grammar."
    )

    def is_valid_syntax(term: str, value: str) -> bool:
        if not real:
            del sys.modules["rfc3987_syntax"]
            try:
                real.append(importlib.import_module("rfc3987_syntax"))
            finally:
                sys.modules.setdefault("rfc3987_syntax", proxy)
        return bool(real[0].is_valid_syntax(term, value))

    proxy.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    sys.modules["rfc3987_syntax"] = proxy
