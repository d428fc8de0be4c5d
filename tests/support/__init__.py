"""Helpers shared by the tests: plain functions, classes and constants, no fixtures.

The fixtures are in tests/conftest.py; test modules import helpers from here and never from
one another or from conftest.

- ``servers``: free ports, PostgreSQL in a temporary directory, ``require`` for system parts.
- ``sheets``: workbooks and CSV files written for imports, and LibreOffice's reading of one.
- ``contests``: a contest file, people on the roster, the server's clock, the answers saved.
- ``roster``: the people the database holds, for comparing before and after an import.
- ``documents``: a PDF's text, page by page.
- ``platform``, ``labsteps``: `hoctap serve` as a process, Chromium, JupyterLab steps.
- ``modules``, ``gradecourse``: the course's module notebooks, a plain nbgrader course.
"""
