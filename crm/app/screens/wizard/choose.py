"""Whose relationship? A name filtered as typed, before the wizard has a client."""

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from crm.clients import ClientName
from crm.i18n import _
from crm.text import safe_line
from crm.widgets.safe_fields import SafeInput

SHOWN = 100


class ClientChooser(Widget):
    """A filter and the matching clients (prospects only when there is nobody else); enter picks."""

    DEFAULT_CSS = """
    ClientChooser { height: 1fr; }
    ClientChooser #choose-list { height: 1fr; }
    """

    @dataclass
    class Chosen(Message):
        client_id: int

    def __init__(self) -> None:
        super().__init__()
        self.clients: list[ClientName] = []

    def compose(self) -> ComposeResult:
        yield Static(_("Whose relationship? Type a name, then enter."), classes="step-title", markup=False)
        yield SafeInput(placeholder=_("client name"), id="choose-filter")
        yield OptionList(id="choose-list")

    def on_mount(self) -> None:
        self.query_one("#choose-filter").focus()

    def show_clients(self, clients: list[ClientName]) -> None:
        self.clients = [c for c in clients if c.status != "prospect"] or clients
        self._filter(self.query_one("#choose-filter", Input).value)

    def _filter(self, text: str) -> None:
        wanted = text.casefold().strip()
        found = [c for c in self.clients if wanted in c.name.casefold()][:SHOWN]
        options = self.query_one("#choose-list", OptionList)
        options.clear_options()
        options.add_options(Option(Content(f"{safe_line(c.name)}  ({c.status})"), id=str(c.id)) for c in found)
        if found:
            options.highlighted = 0

    @on(Input.Changed, "#choose-filter")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()  # a filter, not an answer: nothing to save
        self._filter(event.value)

    @on(Input.Submitted, "#choose-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.pick()

    @on(OptionList.OptionSelected, "#choose-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._chosen(event.option.id)

    def pick(self) -> None:
        """Choose the highlighted client."""
        options = self.query_one("#choose-list", OptionList)
        if options.highlighted is not None:
            self._chosen(options.get_option_at_index(options.highlighted).id)

    def _chosen(self, option_id: str | None) -> None:
        if option_id is not None:
            self.post_message(self.Chosen(int(option_id)))
