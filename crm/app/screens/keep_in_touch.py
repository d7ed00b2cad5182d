"""Keep in touch: departed clients and what comes next for each (win-back, greeting).

Parted clients are listed apart as "do not contact": we ended those relationships (docs/method.md).
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from crm import i18n
from crm.app.bindings import TranslatedBindings
from crm.app.work import db_work
from crm.i18n import N_, _
from crm.keep_in_touch import KeepRow, keep_in_touch_rows
from crm.l10n import format_day
from crm.text import cells, safe_line
from crm.widgets.paged_table import PagedTable

if TYPE_CHECKING:
    from crm.app.app import RapportApp

CLIENT_ID = attrgetter("client_id")
# Column widths (cells): every column but the last is fixed; the last takes what is left of the
# screen, and a value longer than its column is cut with "…" (a DataTable would clip it silently).
# The date columns are as wide as the reader's language writes its longest date ("Nov 2025",
# "нояб. 2025 г."), and the client's gives way to them down to CLIENT_LEAST.
CLIENT_WIDTH, CLIENT_LEAST, DAY_WIDTH, TOUCH_WIDTH, DUE_WIDTH = 18, 12, 8, 10, 13  # "Голубев и партнёры"
# Column headers (N_, translated when the table is built); a longer header is cut.
DEPARTED_COLUMNS = (N_("Client"), N_("Left"), N_("Last touch"), N_("Next win-back"))
PARTED_COLUMNS = (N_("Client"), N_("Parted"), N_("Last touch"))
LAST_LEAST = 12
TABLE_CHROME = 2  # the vertical scrollbar's gutter


@dataclass(frozen=True)
class Widths:
    client: int
    day: int  # left or parted on
    touch: int  # last touch
    due: int  # next win-back: a date and its "!" mark
    greeting: int  # the rest: a date, its mark and the occasion


def widths(screen: int, language: str | None = None) -> Widths:
    """The departed table's columns at `screen` cells, dates in `language` (the reader's when None)."""
    longest = _longest_date(language or i18n.language())
    day, touch, due = max(DAY_WIDTH, longest), max(TOUCH_WIDTH, longest), max(DUE_WIDTH, longest + 1)
    room = screen - TABLE_CHROME - 2 * (len(DEPARTED_COLUMNS) + 1) - day - touch - due  # a space either side
    client = max(min(CLIENT_WIDTH, room - LAST_LEAST), CLIENT_LEAST)
    return Widths(client, day, touch, due, max(room - client, LAST_LEAST))


@cache
def _longest_date(language: str) -> int:
    """The cells of the longest date `_day` writes in `language`: a day, or a month and year."""
    return max(cells(format_day(date(2026, month, 28), style, language))  # type: ignore[arg-type]
               for month in range(1, 13) for style in ("day", "month"))


def _cut(text: Text) -> Text:
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


def _day(value: date | None, today: date, *, due: bool = False) -> Text:
    """A date cell; a due date already past is marked "!" and bold, as on the Clients screen (the mark
    reads on monochrome terminals too)."""
    if value is None:
        return Text("—", style="dim")
    # Within a year of today the year is noise; it is shown only for older or farther dates.
    shown = format_day(value, "day" if abs((value - today).days) < 300 else "month")
    if due and value < today:
        return _cut(Text(f"!{shown}", style="bold"))
    return _cut(Text(f" {shown}" if due else shown))  # due dates line up, marked or not; a long one is cut


class KeepInTouchScreen(TranslatedBindings, Screen[None]):
    """Departed clients with last touch, departure, next win-back and next greeting."""

    SECTION_ACTION = "show_keep_in_touch"  # see RapportApp.check_action
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_client", N_("Open"), tooltip=N_("Open the client"), id="keep.open"),
    ]

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Departed — keep in touch, sorted by what comes next"), id="departed-title",
                     classes="bar", markup=False)
        yield PagedTable(self._departed_cells, CLIENT_ID, id="departed", cursor_type="row", zebra_stripes=True)
        yield Static(_("Parted — do not contact"), id="parted-title", classes="bar", markup=False)
        yield PagedTable(self._parted_cells, CLIENT_ID, id="parted", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Keep in touch")
        fit = widths(self.app.size.width)
        departed = self.query_one("#departed", DataTable)
        for label, width in zip((*DEPARTED_COLUMNS, N_("Next greeting")),
                                (fit.client, fit.day, fit.touch, fit.due, fit.greeting), strict=True):
            departed.add_column(_(label), width=width)
        parted = self.query_one("#parted", DataTable)
        for label, width in zip(PARTED_COLUMNS, (fit.client, fit.day, fit.touch), strict=True):
            parted.add_column(_(label), width=width)
        self.watch(self.app, "data_generation", self.reload, init=False)
        self.reload()

    def reload(self) -> None:
        today = self.rapport.today
        db_work(self, lambda: keep_in_touch_rows(today), self._show, group="keep-in-touch")

    def _show(self, rows: tuple[list[KeepRow], list[KeepRow]]) -> None:
        departed, parted = rows
        self.query_one("#departed", PagedTable).show(departed, keep_cursor=True)
        self.query_one("#parted", PagedTable).show(parted, keep_cursor=True)
        self.query_one("#departed-title", Static).update(
            _("Departed — {count}, keep in touch, sorted by what comes next").format(count=f"{len(departed):,}")
            if departed else _("Departed — none. Clients who leave show up here for win-backs and greetings.")
        )
        self.query_one("#parted-title", Static).update(
            _("Parted — {count}, do not contact").format(count=f"{len(parted):,}"))

    def _departed_cells(self, row: KeepRow) -> tuple[Text, ...]:
        today = self.rapport.today
        return (
            _cut(Text(safe_line(row.name))),
            _day(row.since, today),
            _day(row.last_touch, today),
            _day(row.next_winback, today, due=True),
            self._greeting(row, today),
        )

    def _parted_cells(self, row: KeepRow) -> tuple[Text, ...]:
        today = self.rapport.today
        return _cut(Text(safe_line(row.name))), _day(row.since, today), _day(row.last_touch, today)

    @staticmethod
    def _greeting(row: KeepRow, today: date) -> Text:
        if row.next_greeting is None:
            return _day(None, today)
        text = _day(row.next_greeting, today, due=True)
        if row.greeting_occasion:
            text.append(f" {safe_line(row.greeting_occasion)}", style="dim")
        return _cut(text)

    @property
    def client_id(self) -> int | None:
        """The highlighted client: what the wizard key (w) and `o` are about."""
        table = self.focused if isinstance(self.focused, PagedTable) else self.query_one("#departed", PagedTable)
        row = table.item
        return row.client_id if row else None

    def action_open_client(self) -> None:
        if self.client_id is not None:
            self.rapport.open_client(self.client_id)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.rapport.open_client(int(event.row_key.value))
