"""``python -m hoctap.nbgrader_cli ARGS``: nbgrader's own command line, started faster.

hoctap runs each nbgrader step as a process of its own, as a trainer's ``nbgrader ...`` command
would; this entry point only loads jsonschema's IRI grammar lazily first (hoctap.imports).
"""

from hoctap.imports import defer_iri_grammar

defer_iri_grammar()

from nbgrader.apps.nbgraderapp import main  # noqa: E402

main()
