"""hoctap as a JupyterHub: one log-in per person, JupyterLab for trainees and trainers.

``config.configure`` fills JupyterHub's configuration; ``hoctap hub`` writes a
``jupyterhub_config.py`` that calls it and runs the hub on 127.0.0.1 under the supervisor of
``hoctap serve``. The demo runs every account as the system user that started the hub and says
so on every page; ``deploy/`` is for a province server.
"""
