"""First run: what Rapport is, and a way in (demo data, a first client, or straight to work)."""

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from crm.app.bindings import TranslatedBindings
from crm.app.work import db_work
from crm.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from crm.app.app import RapportApp

DEMO_CLIENTS = 40
INTRO = N_(
    "Rapport remembers your clients: promises, complaints, who went quiet.\n"
    "Each week, clear the review: greetings, win-backs, promises due.\n"
    "On a bad day, its wizard helps you sort out an unhappy client."
)


class WelcomeScreen(TranslatedBindings, ModalScreen[None]):
    """Shown when the database has no clients yet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "demo", N_("Load demo data")),
        Binding("a", "add_client", N_("Add a first client")),
        Binding("s", "skip", N_("Skip")),
        Binding("escape", "skip", N_("Skip"), show=False),
    ]

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog welcome"):
            yield Label(_("Welcome to Rapport"), classes="dialog-title")
            yield Static(_(INTRO), markup=False)
            with Horizontal(classes="buttons"):
                yield Button("d  " + _("Demo data"), id="demo", variant="primary")
                yield Button("a  " + _("Add a client"), id="add_client")
                yield Button("s  " + _("Skip"), id="skip")
            hint = ngettext("Demo data: {count} made-up client to explore; offered only while empty.",
                            "Demo data: {count} made-up clients to explore; offered only while empty.", DEMO_CLIENTS)
            yield Static(hint.format(count=DEMO_CLIENTS), classes="hint", markup=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.run_action(event.button.id or "skip")

    def action_demo(self) -> None:
        from crm.demo import fill_demo

        today = self.rapport.today
        self.query_one(".buttons").disabled = True
        self.notify(_("Filling the database with demo clients…"), markup=False)

        def filled(_: object) -> None:
            self.dismiss(None)
            self.rapport.note_change()
            self.notify(ngettext("Loaded {count} demo client.", "Loaded {count} demo clients.", DEMO_CLIENTS)
                        .format(count=DEMO_CLIENTS), markup=False)

        def failed(message: str) -> None:
            self.query_one(".buttons").disabled = False
            self.notify(message, severity="error", markup=False)

        db_work(self, lambda: fill_demo(DEMO_CLIENTS, today), filled, group="demo", on_error=failed)

    def action_add_client(self) -> None:
        self.dismiss(None)
        self.rapport.show_clients()

    def action_skip(self) -> None:
        self.dismiss(None)
