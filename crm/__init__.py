"""Rapport: a terminal CRM for small agencies. The core of this package never imports Textual."""

__version__ = "0.1.0"
