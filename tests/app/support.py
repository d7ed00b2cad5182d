"""Helpers for the Pilot tests of the Clients, Client and Incident screens and the forms."""

import importlib.util
from datetime import date
from pathlib import Path

from textual.screen import Screen
from textual.widget import Widget

from crm.app.app import RapportApp, make_app


def start_app(db_path: Path, today: date) -> RapportApp:
    """The real app; while `crm.review` is not written yet, it starts on a blank screen instead."""
    app = make_app(db_path, today)
    if importlib.util.find_spec("crm.review") is None:
        app.get_default_screen = Screen  # type: ignore[method-assign]
    return app


async def settle(app, pilot) -> None:
    """Wait for every worker and the messages they posted (results may start new work)."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def shown(widget: Widget) -> str:
    """What a Static-like widget shows, as plain text."""
    return str(widget.render())
