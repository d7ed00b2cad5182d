"""Clients: every client in a table, filtered as you type, with how each relationship stands.

The rows are loaded once per data change (in a worker) into a cache of plain rows, the first
screenful first so that it shows at once in a big book; a keystroke filters that cache on the spot
(about 10 ms at 50,000 clients, less as the words grow) and hands the matches to a `PagedTable`,
which builds table rows only as far as the user scrolls. Each client's next due item is asked for
as its row is built, a page at a time, and filled in when it comes.
"""

from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from crm import kinds
from crm.app.bindings import TranslatedBindings
from crm.app.screens.forms import EditClientForm, add_client_form, read_client_snapshot
from crm.app.work import db_work
from crm.domain import word
from crm.i18n import N_, NC_, _, ngettext, pgettext
from crm.l10n import format_day
from crm.roster import ClientRow, NextDue, client_rows, filter_rows, next_due
from crm.text import safe_line, shorten
from crm.widgets.health_light import health_cell
from crm.widgets.paged_table import PAGE, PagedTable
from crm.widgets.safe_fields import SafeInput

if TYPE_CHECKING:
    from crm.app.app import RapportApp

# Fixed columns after the name; the name takes what is left of the width (at least NAME_MIN). Headers
# are marked with N_ and translated when the table is laid out; a longer header is cut.
COLUMNS = ((N_("Status"), 8), (N_("Temper."), 9), (N_("Health"), 7), (N_("Touch"), 5), (N_("Inc"), 3),
           (N_("Next due"), 16))
NAME_MIN = 15
CHROME = 2 * (len(COLUMNS) + 1) + 3  # a space either side of each cell, the scrollbar, one spare
# A temperament in its 9-cell column (the form's list of choices has room for the full word).
SHORT_TEMPERAMENTS = {
    "fierce": NC_("temperament, short", "fierce"),
    "balanced": NC_("temperament, short", "balanced"),
    "quiet": NC_("temperament, short", "quiet"),
    "key": NC_("temperament, short", "key"),
    "know-it-all": NC_("temperament, short", "know-all"),
    "compensation-seeker": NC_("temperament, short", "comp-seek"),
    "whiny": NC_("temperament, short", "whiny"),
}
# A status in its 8-cell column (the card and the form have room for the full word).
SHORT_STATUSES = {
    "prospect": NC_("client status, short", "prospect"),
    "active": NC_("client status, short", "active"),
    "departed": NC_("client status, short", "departed"),
    "parted": NC_("client status, short", "parted"),
}
# f cycles through these: all, then the busiest status first.
STATUS_FILTERS: tuple[str | None, ...] = (None, "active", "prospect", "departed", "parted")


def ago(day: date | None, today: date) -> str:
    """How long since `day`, in five characters: today, 12d, 5w, 11mo, 3y."""
    if day is None:
        return _("never")
    days = (today - day).days
    if days <= 0:
        return _("today")
    if days < 14:
        return _("{count}d").format(count=days)
    if days < 60:
        return _("{count}w").format(count=days // 7)
    if days < 730:
        return _("{count}mo").format(count=days * 12 // 365)
    return _("{count}y").format(count=days // 365)


def name_width(screen_width: int) -> int:
    return max(NAME_MIN, screen_width - CHROME - sum(width for _, width in COLUMNS))


ASKING = object()  # a next due item asked for and not come yet


def due_cell(due: NextDue | object | None) -> Text:
    """The Next due cell: the item's day and kind ("!" when overdue), "—" for none, "…" while asked."""
    if not isinstance(due, NextDue):
        return Text("—" if due is None else "…", style="dim")
    mark = "!" if due.overdue else " "
    return Text(f"{mark}{format_day(due.due, 'day')} {kinds.label(due.kind)}", style="bold" if due.overdue else "")


def row_cells(row: ClientRow, due: NextDue | object | None, today: date, width: int) -> tuple[Text, ...]:
    """A table row; user text made safe and cut to the column (DataTable cells as Text, never str)."""
    return (
        Text(shorten(safe_line(row.name), width), style="bold"),
        Text(pgettext(*SHORT_STATUSES[row.status]) if row.status in SHORT_STATUSES else row.status),
        Text(pgettext(*SHORT_TEMPERAMENTS[row.temperament]) if row.temperament in SHORT_TEMPERAMENTS
             else row.temperament),
        health_cell(row.health),
        Text(ago(row.last_touch, today), style="" if row.last_touch else "dim"),
        Text(str(row.open_incidents) if row.open_incidents else "—", style="" if row.open_incidents else "dim"),
        due_cell(due),
    )


class ClientsScreen(TranslatedBindings, Screen[None]):
    """Find a client by typing; open, add or edit one."""

    SECTION_ACTION = "show_clients"  # see RapportApp.check_action
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add"), tooltip=N_("Add a client"), id="clients.add"),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the highlighted client"), id="clients.edit"),
        Binding("f", "cycle_status", N_("Status"), tooltip=N_("Show all / active / prospect / departed / parted"),
                id="clients.status"),
        # Not in the footer: the filter's placeholder says so.
        Binding("slash", "focus_filter", N_("Filter"), key_display="/", show=False, id="clients.filter"),
        Binding("escape", "clear_or_back", N_("Clear/back"), tooltip=N_("Clear the filter, or go back"),
                id="clients.escape"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ClientRow] = []
        self._due: dict[int, NextDue | object | None] = {}  # each built row's next due item (or ASKING)
        self._generation = 0  # of the data the rows and `_due` were read from
        self._matches = 0  # rows shown, for the bar
        self._status_index = 0
        self._loaded = False
        self._stale = False  # data changed while another screen was on top
        self._name_width = 0  # the Client column's width; cells are cut to it
        self._due_column: ColumnKey | None = None

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    @property
    def status(self) -> str | None:
        return STATUS_FILTERS[self._status_index]

    @property
    def table(self) -> "PagedTable[ClientRow]":
        return self.query_one("#clients", PagedTable)

    @property
    def client_id(self) -> int | None:
        """The highlighted client: what edit, open and the wizard act on."""
        row = self.table.item
        return row.id if row else None

    def compose(self) -> ComposeResult:
        yield Header()
        yield SafeInput(placeholder=_("Type to filter: name, company, e-mail, phone, notes  (↓ the list, / back here)"),
                        id="filter", compact=True)
        yield Static(_("Loading…"), id="clients-bar", classes="bar", markup=False)
        yield PagedTable(self._cells, attrgetter("id"), self._ask_due, id="clients", cursor_type="row",
                         zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Clients")
        self.watch(self.app, "data_generation", self.reload, init=False)
        self.query_one("#filter", Input).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self._stale:
            self.reload()
        if self._loaded and self.focused is None:
            self.query_one(DataTable).focus()

    # --- loading and filtering --------------------------------------------------------------

    def reload(self) -> None:
        """Load every row again; while another screen is on top, wait until this one shows. The
        first time, the first screenful is read on its own and shown while the rest loads."""
        self._stale = not self.is_current
        if self._stale:
            return
        today = self.rapport.today
        self._generation += 1
        self._due = {}
        if not self._loaded:
            db_work(self, lambda: client_rows(today, limit=PAGE), self._first_rows, group="clients-first")
        db_work(self, lambda: client_rows(today), self._loaded_rows, group="clients-load")

    def _first_rows(self, rows: list[ClientRow]) -> None:
        if not self._loaded:  # else every row is there already
            self._set_columns()
            self.table.show(rows)

    def _loaded_rows(self, rows: list[ClientRow]) -> None:
        self._rows = rows
        self._loaded = True
        self.refilter(keep_cursor=True)

    def _ask_due(self, rows: Sequence[ClientRow]) -> None:
        """Ask for the next due items of rows just built that do not have theirs."""
        wanted = [row.id for row in rows if row.id not in self._due]
        if not wanted:
            return
        self._due.update(dict.fromkeys(wanted, ASKING))
        today, generation = self.rapport.today, self._generation
        db_work(self, lambda: next_due(wanted, today), lambda found: self._got_due(found, generation),
                group="clients-due", exclusive=False)

    def _got_due(self, found: dict[int, NextDue | None], generation: int) -> None:
        if generation != self._generation:  # read before the data changed: the rows ask again
            return
        self._due.update(found)
        for client_id, due in found.items():
            try:
                self.table.update_cell(str(client_id), self._due_column, due_cell(due))  # type: ignore[arg-type]
            except CellDoesNotExist:
                pass  # filtered out meanwhile: its cell is made from `_due` when it is built again

    def refilter(self, keep_cursor: bool = False) -> None:
        """Show the rows matching the filter and status, the best match highlighted.

        After a reload (`keep_cursor`) the cursor stays on its client if it is still shown.
        """
        matches = filter_rows(self._rows, self.query_one("#filter", Input).value, self.status)
        had_client = self.client_id is not None
        self._matches = len(matches)
        self._set_columns()
        self.table.show(matches, keep_cursor)
        self._show_bar()
        if had_client != (self.client_id is not None):  # only then does the footer change (Edit)
            self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _typed(self) -> None:
        if self._loaded:
            self.refilter()

    def _cells(self, row: ClientRow) -> tuple[Text, ...]:
        return row_cells(row, self._due.get(row.id, ASKING), self.rapport.today, self._name_width)

    def _set_columns(self) -> bool:
        """Lay the columns out for the screen's width; True if they changed."""
        width = name_width(self.size.width)
        if width == self._name_width:
            return False
        self._name_width = width
        table = self.table
        table.clear(columns=True)
        table.add_column(_("Client"), width=width)
        columns = [table.add_column(_(label), width=column_width) for label, column_width in COLUMNS]
        self._due_column = columns[-1]  # Next due: filled in as the items come
        return True

    def on_resize(self) -> None:
        if self._loaded and self._set_columns():
            self.table.rebuild()

    def _show_bar(self) -> None:
        total, matches = len(self._rows), self._matches
        if matches == total and not self.status:
            text = ngettext("{count} client", "{count} clients", total).format(count=f"{total:,}")
        else:
            text = ngettext("{matches} of {count} client", "{matches} of {count} clients", total).format(
                matches=f"{matches:,}", count=f"{total:,}")
            text += f" · {word('client status', self.status)}" if self.status else ""
        status = _("f status: {status}").format(status=word("client status", self.status) if self.status else _("all"))
        self.query_one("#clients-bar", Static).update(f"{text}  ·  {status}")

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.client_id is not None
        return True

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        """Enter in the filter: open the only match, else go to the list."""
        if self._matches == 1 and self.client_id is not None:
            self.rapport.open_client(self.client_id)
        else:
            self.query_one(DataTable).focus()

    def on_key(self, event: Key) -> None:
        if event.key == "down" and self.query_one("#filter", Input).has_focus:
            self.query_one(DataTable).focus()
            event.stop()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.rapport.open_client(int(event.row_key.value))

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_or_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value:
            field.value = ""
            field.focus()
        elif self.status:
            self._status_index = 0
            self.refilter()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_cycle_status(self) -> None:
        self._status_index = (self._status_index + 1) % len(STATUS_FILTERS)
        self.refilter()

    def action_add(self) -> None:
        def added(client_id: int | None) -> None:
            if client_id is not None:
                self.rapport.open_client(client_id)

        self.app.push_screen(add_client_form(self.rapport.today), added)

    def action_edit(self) -> None:
        client_id = self.client_id
        if client_id is None:
            return
        today = self.rapport.today

        def edit(snapshot) -> None:
            self.app.push_screen(EditClientForm(client_id, snapshot, today))

        db_work(self, lambda: read_client_snapshot(client_id), edit, group="clients-edit")
