"""Keep in touch: departed clients and what comes next for each (win-back, greeting).

Parted clients are listed apart as "do not contact": we ended those relationships (PLAYBOOK).
"""

from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from crm.app.work import db_work
from crm.keep_in_touch import KeepRow, keep_in_touch_rows
from crm.text import safe_line, shorten

if TYPE_CHECKING:
    from crm.app.app import RapportApp

def _day(value: date | None, today: date, *, due: bool = False) -> Text:
    """A date cell; a due date already past is marked (in words too, for monochrome terminals)."""
    if value is None:
        return Text("—", style="dim")
    # Within a year of today the year is noise; it is shown only for older or farther dates.
    shown = f"{value:%d %b}" if abs((value - today).days) < 300 else f"{value:%b %Y}"
    if due and value < today:
        return Text(f"{shown} overdue", style="bold")
    return Text(shown)


class KeepInTouchScreen(Screen[None]):
    """Departed clients with last touch, departure, next win-back and next greeting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_client", "Open", tooltip="Open the client", id="keep.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, list[KeepRow]] = {"departed": [], "parted": []}

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Departed — keep in touch, sorted by what comes next", id="departed-title",
                     classes="bar", markup=False)
        yield DataTable(id="departed", cursor_type="row", zebra_stripes=True)
        yield Static("Parted — do not contact", id="parted-title", classes="bar", markup=False)
        yield DataTable(id="parted", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Keep in touch"
        departed = self.query_one("#departed", DataTable)
        departed.add_columns("Client", "Left", "Last touch", "Next win-back", "Next greeting")
        self.query_one("#parted", DataTable).add_columns("Client", "Parted", "Last touch")
        self.watch(self.app, "data_generation", self.reload, init=False)
        self.reload()

    def reload(self) -> None:
        today = self.rapport.today
        db_work(self, lambda: keep_in_touch_rows(today), self._show, group="keep-in-touch")

    def _show(self, rows: tuple[list[KeepRow], list[KeepRow]]) -> None:
        today = self.rapport.today
        departed, parted = rows
        self._rows = {"departed": departed, "parted": parted}
        self._fill("departed", [
            (
                Text(safe_line(r.name)),
                _day(r.since, today),
                _day(r.last_touch, today),
                _day(r.next_winback, today, due=True),
                self._greeting(r, today),
            )
            for r in departed
        ])
        self._fill("parted", [(Text(safe_line(r.name)), _day(r.since, today), _day(r.last_touch, today))
                              for r in parted])
        self.query_one("#departed-title", Static).update(
            f"Departed — {len(departed)}, keep in touch, sorted by what comes next"
            if departed else "Departed — none. Clients who leave show up here for win-backs and greetings."
        )
        self.query_one("#parted-title", Static).update(f"Parted — {len(parted)}, do not contact")

    @staticmethod
    def _greeting(row: KeepRow, today: date) -> Text:
        if row.next_greeting is None:
            return _day(None, today)
        text = _day(row.next_greeting, today, due=True)
        if row.greeting_occasion:
            text.append(f" {shorten(safe_line(row.greeting_occasion), 22)}", style="dim")
        return text

    def _fill(self, table_id: str, cells: list[tuple[Text, ...]]) -> None:
        """Refill a table, keeping the cursor on the same client when it is still there."""
        table = self.query_one(f"#{table_id}", DataTable)
        current = None
        if table.row_count:
            current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        for row, cell in zip(self._rows[table_id], cells):
            table.add_row(*cell, key=str(row.client_id))
        if current is not None and current in {str(r.client_id) for r in self._rows[table_id]}:
            table.move_cursor(row=table.get_row_index(current))

    @property
    def client_id(self) -> int | None:
        """The highlighted client: what the wizard key (w) and `o` are about."""
        table = self.focused if isinstance(self.focused, DataTable) else self.query_one("#departed", DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_open_client(self) -> None:
        if self.client_id is not None:
            self.rapport.open_client(self.client_id)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.rapport.open_client(int(event.row_key.value))
