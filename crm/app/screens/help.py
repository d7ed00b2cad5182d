"""Help: every key, screen by screen, read from the screens' own bindings so it never goes stale."""

import importlib
from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from crm.app.bindings import TranslatedBindings, translated
from crm.i18n import N_, _

# (section title, module, class name, keys the screen's widgets add, in words); texts marked with
# N_ and translated when the help is shown
SCREENS = (
    (N_("Review"), "crm.app.screens.review", "ReviewScreen", [("↑ ↓", N_("Move")), ("enter", N_("Open the client"))]),
    (N_("Snooze dialog"), "crm.app.screens.review_dialogs", "SnoozeDialog",
     [("enter", N_("Snooze to the typed date"))]),
    (N_("Letter draft"), "crm.app.screens.review_dialogs", "DraftDialog", []),
    (N_("Clients"), "crm.app.screens.clients", "ClientsScreen",
     [("↑ ↓", N_("Move")), ("enter", N_("Open the client"))]),
    (N_("Client"), "crm.app.screens.client", "ClientScreen", []),
    (N_("Incident"), "crm.app.screens.incident", "IncidentScreen", []),
    (N_("Sort out the relationship"), "crm.app.screens.wizard", "WizardScreen",
     [("enter", N_("Next, from a one-line field")), ("tab", N_("Next field")), ("space", N_("Pick a remedy"))]),
    (N_("Keep in touch"), "crm.app.screens.keep_in_touch", "KeepInTouchScreen",
     [("enter", N_("Open the client")), ("tab", N_("Between departed and parted"))]),
)
# App keys listed apart: ^p with its own words below, ctrl+c only says how to quit.
UNLISTED_APP_ACTIONS = {"help_quit", "command_palette"}
KEY_WIDTH = 12


def _screen_bindings(module: str, name: str) -> list[Binding] | None:
    """A screen's bindings, or None when that screen isn't part of this build yet."""
    try:
        screen_class = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return list(Binding.make_bindings(screen_class.BINDINGS))


class HelpScreen(TranslatedBindings, Screen[None]):
    """Every key of Rapport, grouped by screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.back", N_("Close help"), key_display="?"),
        Binding("q", "app.back", N_("Close help"), show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            yield Static(self._keys(), id="help-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Keys")
        self.query_one("#help-body").focus()

    def _line(self, key: str, description: str) -> Content:
        return Content.assemble(("  " + key).ljust(KEY_WIDTH), "  ", description)

    def _section(self, title: str, bindings: Iterable[Binding], extra: list[tuple[str, str]]) -> list[Content]:
        lines = [Content.styled(_(title), "bold $text-primary")]
        seen: set[str] = set()
        for binding in map(translated, bindings):
            if not binding.description or binding.action in seen or binding.action.startswith("app."):
                continue  # app.*: a section key a screen keeps quiet, already listed under Everywhere
            seen.add(binding.action)
            lines.append(self._line(self.app.get_key_display(binding), binding.tooltip or binding.description))
        lines.extend(self._line(key, _(text)) for key, text in extra)
        return [*lines, Content("")]

    def _keys(self) -> Content:
        app_bindings = [b for b in Binding.make_bindings(self.app.BINDINGS) if b.action not in UNLISTED_APP_ACTIONS]
        lines = self._section(
            N_("Everywhere"),
            app_bindings,
            [("^p", N_("Command palette: every action, jump to a client")), ("^q", N_("Quit"))],
        )
        for title, module, name, extra in SCREENS:
            bindings = _screen_bindings(module, name)
            if bindings is not None:
                lines += self._section(title, bindings, extra)
        return Content("\n").join(lines)
