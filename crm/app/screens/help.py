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

# (section title, module, class name, keys the screen's widgets add, in words)
SCREENS = (
    ("Review", "crm.app.screens.review", "ReviewScreen", [("↑ ↓", "Move"), ("enter", "Open the client")]),
    ("Snooze dialog", "crm.app.screens.review_dialogs", "SnoozeDialog", [("enter", "Snooze to the typed date")]),
    ("Letter draft", "crm.app.screens.review_dialogs", "DraftDialog", []),
    ("Clients", "crm.app.screens.clients", "ClientsScreen", [("↑ ↓", "Move"), ("enter", "Open the client")]),
    ("Client", "crm.app.screens.client", "ClientScreen", []),
    ("Incident", "crm.app.screens.incident", "IncidentScreen", []),
    ("Sort out the relationship", "crm.app.screens.wizard", "WizardScreen",
     [("enter", "Next, from a one-line field"), ("tab", "Next field"), ("space", "Pick a remedy")]),
    ("Keep in touch", "crm.app.screens.keep_in_touch", "KeepInTouchScreen",
     [("enter", "Open the client"), ("tab", "Between departed and parted")]),
)
KEY_WIDTH = 12


def _screen_bindings(module: str, name: str) -> list[Binding] | None:
    """A screen's bindings, or None when that screen isn't part of this build yet."""
    try:
        screen_class = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return list(Binding.make_bindings(screen_class.BINDINGS))


class HelpScreen(Screen[None]):
    """Every key of Rapport, grouped by screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.back", "Close help", key_display="?"),
        Binding("q", "app.back", "Close help", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            yield Static(self._keys(), id="help-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Keys"
        self.query_one("#help-body").focus()

    def _line(self, key: str, description: str) -> Content:
        return Content.assemble(("  " + key).ljust(KEY_WIDTH), "  ", description)

    def _section(self, title: str, bindings: Iterable[Binding], extra: list[tuple[str, str]]) -> list[Content]:
        lines = [Content.styled(title, "bold $text-primary")]
        seen: set[str] = set()
        for binding in bindings:
            if not binding.description or binding.action in seen or binding.action.startswith("app."):
                continue  # app.*: a section key a screen keeps quiet, already listed under Everywhere
            seen.add(binding.action)
            lines.append(self._line(self.app.get_key_display(binding), binding.tooltip or binding.description))
        lines.extend(self._line(key, text) for key, text in extra)
        return lines + [Content("")]

    def _keys(self) -> Content:
        app_bindings = [b for b in Binding.make_bindings(self.app.BINDINGS) if b.action != "help_quit"]
        lines = self._section(
            "Everywhere",
            app_bindings,
            [("^p", "Command palette: every action, jump to a client"), ("^q", "Quit")],
        )
        for title, module, name, extra in SCREENS:
            bindings = _screen_bindings(module, name)
            if bindings is not None:
                lines += self._section(title, bindings, extra)
        return Content("\n").join(lines)
