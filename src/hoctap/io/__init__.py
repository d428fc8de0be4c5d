"""Importers and exporters: files in, plain records out, and back."""
