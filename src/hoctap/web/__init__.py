"""The contest's web pages, for the many: server-rendered, no kernel per taker.

Tornado (the server Jupyter runs on) with Jinja2 templates, a client of ``hoctap.contest.
sessions`` like every other front end. It runs alone (``hoctap web``, ``hoctap serve``) or as a
JupyterHub service (``HubOAuthenticated``), in as many worker processes as the machine needs:
workers share nothing but the database.
"""
