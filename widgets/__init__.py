"""Reusable Textual widgets that take plain data (no peewee inside)."""
