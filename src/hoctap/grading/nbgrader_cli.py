"""``python -m hoctap.grading.nbgrader_cli ARGS``: nbgrader's own command line, started faster.

hoctap runs each nbgrader step as a process of its own, as a trainer's ``nbgrader ...`` command
would; this entry point only loads jsonschema's IRI grammar lazily first (hoctap.grading.imports).

``python -m hoctap.grading.nbgrader_cli --release-many MODULE...`` generates and releases several
modules in one process through nbgrader's own API (``NbGraderAPI``): the same steps as
``nbgrader generate_assignment`` then ``nbgrader release_assignment`` for each, without paying
nbgrader's start-up once per step.
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
        [sys.executable, "-m", "hoctap.grading.nbgrader_cli", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )


RELEASE_MANY = "--release-many"


def release_many(modules: list[str]) -> int:
    """Generate and release each module with nbgrader's API, in the course folder (the cwd)."""
    from nbgrader.apps.api import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=os.getcwd()).load_config()
    api = NbGraderAPI(config=config)
    for module in modules:
        for step in (api.generate_assignment, api.release_assignment):
            result = step(module)
            if not result["success"]:
                sys.stderr.write(f"{module}: {result.get('log', '')}{result.get('error', '')}\n")
                return 1
    return 0


def main() -> None:
    from hoctap.grading.imports import defer_iri_grammar

    defer_iri_grammar()
    if sys.argv[1:2] == [RELEASE_MANY]:
        sys.exit(release_many(sys.argv[2:]))
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    nbgrader_main()


if __name__ == "__main__":
    main()
