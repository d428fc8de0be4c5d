"""``python -m hoctap.nbgrader_cli ARGS``: nbgrader's own command line, started faster.

hoctap runs each nbgrader step as a process of its own, as a trainer's ``nbgrader ...`` command
would; this entry point only loads jsonschema's IRI grammar lazily first (hoctap.imports).
"""


def main() -> None:
    from hoctap.imports import defer_iri_grammar

    defer_iri_grammar()
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    nbgrader_main()


if __name__ == "__main__":
    main()
