"""The command palette (ctrl+p): every action of the app and of the screen it was opened on (keys
the footer leaves out too), and a jump to any client by name.

Client names come from the database in a thread worker when the palette opens. Names are user
text: hits are built as `rich.text.Text` (Textual would parse a plain string as markup).
"""

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.worker import WorkerCancelled, WorkerFailed

from crm.clients import ClientName, client_names
from crm.i18n import N_, _
from crm.models import database
from crm.text import safe_line

if TYPE_CHECKING:
    from crm.app.app import RapportApp

MATCH_STYLE = Style(reverse=True)
# A client hit's help, by status (a sentence each: a status word alone reads badly in other languages).
STATUS_HELP = {
    "prospect": N_("Open this prospect client"),
    "active": N_("Open this active client"),
    "departed": N_("Open this departed client"),
    "parted": N_("Open this parted client"),
}


def highlighted(matcher: Matcher, candidate: str) -> Text:
    """`candidate` literally (never as markup), with the fuzzy-matched letters reversed."""
    text = Text(candidate)
    _, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            text.stylize(MATCH_STYLE, offset, offset + 1)
    return text


class RapportCommands(Provider):
    """Rapport's actions ("Go to: Review", "Client: Acme", …) for the command palette."""

    _clients: list[ClientName]

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    async def startup(self) -> None:
        worker = self.app.run_worker(_load_clients, thread=True, group="palette", exit_on_error=False)
        try:
            self._clients = await worker.wait()
        except (WorkerFailed, WorkerCancelled):
            self._clients = []  # the actions still work; the failure is in the log

    def actions(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.rapport
        client_id = app.screen_client_id()
        return [
            (_("Go to: Review"), app.show_review, _("The weekly review: what is due (r)")),
            (_("Go to: Clients"), app.show_clients, _("All clients, filtered as you type (c)")),
            (_("Go to: Keep in touch"), app.show_keep_in_touch, _("Departed clients: win-backs and greetings (k)")),
            (
                _("Sort out the relationship… (wizard)"),
                partial(app.open_wizard, client_id=client_id),
                _("The wizard for an unhappy client (w)"),
            ),
            (_("Toggle dark/light theme"), app.action_toggle_theme, _("Remembered for next time (ctrl+t)")),
            (_("Backups: how many to keep, and where"), app.backup_settings,
             _("A copy of the database is made once a day when the app starts")),
            (_("Greetings: holidays not greeted…"), app.greeting_settings,
             _("Greet again a holiday you stopped greeting (n on a greeting in the review)")),
            (_("Help: keys"), app.action_help, _("Every key, screen by screen (?)")),
            (_("Quit"), app.exit, _("Leave Rapport (ctrl+q)")),
        ]

    def screen_commands(self) -> list[tuple[str, Callable[[], object], str]]:
        """What the keys of the screen under the palette do, those kept out of its footer too."""
        commands, seen = [], set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if (active.node is not self.screen or not active.enabled or not binding.description
                    or binding.action.startswith("app.") or binding.action in seen):
                continue  # the app's keys are in actions(); a widget's (↑, ↓) are no actions
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            commands.append((binding.tooltip or binding.description,
                             partial(self.app.run_action, binding.action, active.node),
                             _("On this screen ({key})").format(key=key)))
        return commands

    def client_commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.rapport
        hit = _("Client: {name}")  # translated once: the palette builds these at every keystroke
        helps = {status: _(text) for status, text in STATUS_HELP.items()}
        return [
            (hit.format(name=safe_line(c.name)), partial(app.open_client, c.id), helps.get(c.status, ""))
            for c in self._clients
        ]

    async def discover(self) -> Hits:
        for name, command, help_text in self.screen_commands() + self.actions():
            yield DiscoveryHit(Text(name), command, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self.screen_commands() + self.actions() + self.client_commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), command, text=name, help=help_text)


def _load_clients() -> list[ClientName]:
    with database.connection_context():
        return client_names()
