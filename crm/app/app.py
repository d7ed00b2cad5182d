"""The application factory and App class: navigation, app-wide state, change detection.

Screens read the database in thread workers (see `crm.app.work`) and reload when
`data_generation` changes: after this session's own writes (`note_change`) and when another
session wrote (PRAGMA data_version polled every few seconds).
"""

from datetime import date
from pathlib import Path

from textual.app import App, ComposeResult
from textual.reactive import reactive
from textual.widgets import Footer, Header, Static


class RapportApp(App[None]):
    TITLE = "Rapport"

    # Bumped whenever the database changed (here or in another session); screens watch it.
    data_generation: reactive[int] = reactive(0)

    def __init__(self, db_path: Path, today: date) -> None:
        super().__init__()
        self.db_path = db_path
        self.today = today

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Welcome to Rapport.", markup=False)
        yield Footer()

    def note_change(self) -> None:
        """Tell every screen the data changed (call after a successful write)."""
        self.data_generation += 1

    # Navigation contract used by every screen.
    def open_client(self, client_id: int) -> None:
        from crm.app.screens.client import ClientScreen

        self.push_screen(ClientScreen(client_id))

    def open_incident(self, incident_id: int) -> None:
        from crm.app.screens.incident import IncidentScreen

        self.push_screen(IncidentScreen(incident_id))


def make_app(db_path: Path, today: date) -> RapportApp:
    return RapportApp(db_path, today)
