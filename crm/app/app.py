"""The application factory and App class."""

from datetime import date
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class RapportApp(App[None]):
    TITLE = "Rapport"

    def __init__(self, db_path: Path, today: date) -> None:
        super().__init__()
        self.db_path = db_path
        self.today = today

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Welcome to Rapport.", markup=False)
        yield Footer()


def make_app(db_path: Path, today: date) -> RapportApp:
    return RapportApp(db_path, today)
