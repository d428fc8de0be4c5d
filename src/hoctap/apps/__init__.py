"""Builders for the Voilà apps: each notebook in voila_apps/ imports one and displays it."""
