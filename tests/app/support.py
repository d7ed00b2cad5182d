"""Helpers for the Pilot tests of the Clients, Client and Incident screens and the forms."""

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import TextArea
from textual.worker import WorkerCancelled

from crm.app.app import RapportApp, make_app
from crm.widgets.timeline import Timeline


def start_app(db_path: Path, today: date) -> RapportApp:
    """The real app on `db_path`, with `today` as its date."""
    return make_app(db_path, today)


async def settle(app, pilot) -> None:
    """Wait for every worker and the messages they posted (results may start new work). A worker
    cancelled meanwhile was replaced by a newer one of its group (exclusive): wait for that one."""
    for _ in range(3):
        for _attempt in range(10):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                await pilot.pause()
        await pilot.pause()


async def until(app, pilot, condition: Callable[[], object], what: str, timeout: float = 30.0,
                workers: bool = True) -> None:
    """Settle until `condition()` holds (work that ends on another thread, such as the data_version
    watch). The deadline is generous for a loaded machine; it only costs time when a test fails.
    `workers=False` does not wait for workers (one the test holds back on purpose)."""
    deadline = time.monotonic() + timeout
    while True:
        if workers:
            await settle(app, pilot)
        else:
            await pilot.pause()
        if condition():
            return
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        await pilot.pause(0.05)


async def watching(app, pilot) -> None:
    """Wait until the app's data_version watch has its baseline: writes from now on are noticed."""
    await until(app, pilot, lambda: app.watching_changes, "the data_version watch to start")


def palette_hits(app) -> list[str]:
    """The command palette's hits as shown (prompt and help), in order; [] when it is not open."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return []
    hits = app.screen.query_one(CommandList)
    return [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]


async def palette_offers(app, pilot, *texts: str, highlighted: bool = False) -> list[str]:
    """Wait until the command palette lists a hit holding each of `texts` (it gathers hits in a
    worker and shows them in batches); with `highlighted`, the one enter would run holds texts[0].
    Returns the hits."""
    from textual.command import CommandList

    def ready() -> bool:
        hits = palette_hits(app)
        if not all(any(text in hit for hit in hits) for text in texts):
            return False
        if highlighted:
            index = app.screen.query_one(CommandList).highlighted
            return index is not None and index < len(hits) and texts[0] in hits[index]
        return True

    await until(app, pilot, ready, f"the palette to offer {texts}")
    return palette_hits(app)


def shown(widget: Widget) -> str:
    """What a Static-like widget shows, as plain text."""
    return str(widget.render())


async def fill(pilot, form, **values: str) -> None:
    """Type into a form's fields by name (`#field-NAME`): inputs, text areas and choices."""
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value  # an Input, or a Select's choice
    await pilot.pause()


def timeline_lines(screen: Screen) -> list[str]:
    """The Timeline's entries as shown, newest first."""
    timeline = screen.query_one(Timeline)
    return [str(timeline.get_option_at_index(i).prompt) for i in range(timeline.option_count)]
