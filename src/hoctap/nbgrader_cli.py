"""``python -m hoctap.nbgrader_cli ARGS``: nbgrader's own command line, started faster.

hoctap runs each nbgrader step as a process of its own, as a trainer's ``nbgrader ...`` command
would; this entry point only loads jsonschema's IRI grammar lazily first (hoctap.imports).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``nbgrader ARGS`` in ``folder``, as a process of its own; its output is captured."""
    env = dict(os.environ)
    # nbgrader shells out to alembic, found beside this interpreter.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "hoctap.nbgrader_cli", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )


def main() -> None:
    from hoctap.imports import defer_iri_grammar

    defer_iri_grammar()
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    nbgrader_main()


if __name__ == "__main__":
    main()
