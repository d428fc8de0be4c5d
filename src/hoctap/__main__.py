"""``python -m hoctap`` runs the command line."""

from hoctap.cli import main

main()
