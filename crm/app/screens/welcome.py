"""First run: what Rapport is, and a way in (demo data, a first client, or straight to work)."""

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from crm.app.work import db_work

if TYPE_CHECKING:
    from crm.app.app import RapportApp

DEMO_CLIENTS = 40
INTRO = (
    "Rapport remembers your clients: promises, complaints, who went quiet.\n"
    "Each week, clear the review: greetings, win-backs, promises due.\n"
    "On a bad day, its wizard helps you sort out an unhappy client."
)


class WelcomeScreen(ModalScreen[None]):
    """Shown when the database has no clients yet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "demo", "Load demo data"),
        Binding("a", "add_client", "Add a first client"),
        Binding("s", "skip", "Skip"),
        Binding("escape", "skip", "Skip", show=False),
    ]

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog welcome"):
            yield Label("Welcome to Rapport", classes="dialog-title")
            yield Static(INTRO, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("d  Demo data", id="demo", variant="primary")
                yield Button("a  Add a client", id="add_client")
                yield Button("s  Skip", id="skip")
            yield Static(f"Demo data: {DEMO_CLIENTS} made-up clients to explore; offered only while empty.",
                         classes="hint", markup=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.run_action(event.button.id or "skip")

    def action_demo(self) -> None:
        from crm.demo import fill_demo

        today = self.rapport.today
        self.query_one(".buttons").disabled = True
        self.notify("Filling the database with demo clients…", markup=False)

        def filled(_: object) -> None:
            self.dismiss(None)
            self.rapport.note_change()
            self.notify(f"Loaded {DEMO_CLIENTS} demo clients.", markup=False)

        def failed(message: str) -> None:
            self.query_one(".buttons").disabled = False
            self.notify(message, severity="error", markup=False)

        db_work(self, lambda: fill_demo(DEMO_CLIENTS, today), filled, group="demo", on_error=failed)

    def action_add_client(self) -> None:
        self.dismiss(None)
        self.rapport.show_clients()

    def action_skip(self) -> None:
        self.dismiss(None)
