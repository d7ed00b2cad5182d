"""The weekly review (home): work through what is due like an inbox, one key per decision.

Done and snoozed items leave the list at once and the cursor moves to the next one; the write
runs in a worker and the list reloads quietly afterwards (and when another session changed data).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from crm.app.screens.forms import PickScreen
from crm.app.screens.review_dialogs import DraftDialog, NoteDialog, SnoozeDialog, TouchDialog
from crm.app.work import db_work
from crm.clients import log_touch
from crm.models import Client, Contact
from crm.review import DueItem, mark_done, review, snooze
from crm.rules import BIRTHDAY, greet_occasion
from crm.text import safe_line
from crm.widgets.due_list import DueList, due_counter

if TYPE_CHECKING:
    from crm.app.app import RapportApp

HORIZONS = (7, 30)
# Due kinds with a letter to send, and the letter template each one uses.
LETTER_KINDS = {"greeting": "greeting", "winback": "winback", "checkin": "checkin"}
# The touch kind a "log a touch" dialog proposes for each due kind.
TOUCH_FOR_KIND = {"greeting": "greeting", "winback": "call", "checkin": "call", "quiet": "call"}


@dataclass(frozen=True)
class Draft:
    title: str
    text: str


def letter_kind(item: DueItem) -> str:
    """The letter template for an item: a birthday greeting has its own."""
    kind = LETTER_KINDS[item.kind]
    return "birthday" if kind == "greeting" and "birthday" in item.occasion.lower() else kind


def draft_for(item: DueItem) -> Draft:
    """The letter for an item, in the client's language, to the decision-maker if there is one."""
    from crm.letters import draft_letter

    client = Client.get_by_id(item.client_id)
    contact = (
        Contact.select()
        .where(Contact.client == item.client_id)
        .order_by(Contact.decision_maker.desc(), Contact.id)
        .first()
    )
    text = draft_letter(
        letter_kind(item),
        language=client.language or "en",
        client_name=client.name,
        occasion=item.occasion,
        contact_name=contact.name if contact else "",
    )
    return Draft(f"Draft: {item.title} — {client.name}", text)


class ReviewScreen(Screen[None]):
    """Overdue, today, this week (and later): mark done, snooze, log a touch, open, draft."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", "Done", tooltip="Mark done, with an optional note", id="review.done"),
        Binding("s", "snooze", "Snooze", tooltip="Snooze: 1 tomorrow, w a week, m a month, or a date",
                id="review.snooze"),
        Binding("t", "touch", "Touch", tooltip="Log a touch (call, email, …) with the client", id="review.touch"),
        Binding("m", "draft", "Draft", tooltip="The letter for a greeting, win-back or check-in",
                id="review.draft"),
        Binding("o", "open_client", "Open", tooltip="Open the client", show=False, id="review.open"),
        Binding("h", "toggle_horizon", "7/30d", tooltip="Look 7 or 30 days ahead", id="review.horizon"),
        Binding("n", "skip_occasion", "No greeting", show=False, id="review.skip_occasion",
                tooltip="Greet this holiday no more, for any client"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.days = HORIZONS[0]
        self._items: list[DueItem] = []
        self._pending: set[str] = set()  # written just now: keep them out of a reload racing the write
        self._loaded = False

    @property
    def rapport(self) -> "RapportApp":
        return cast("RapportApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review-bar", classes="bar"):
            yield Static("", id="review-horizon", markup=False)
            yield Static("", id="review-counter", markup=False)
        yield DueList(id="due-list")
        yield Static("", id="review-empty", classes="empty", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Review"
        self.watch(self.app, "data_generation", self.reload, init=False)
        self._show_bar()
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one(DueList).focus()

    def reload(self) -> None:
        today, days = self.rapport.today, self.days
        db_work(self, lambda: review(today, days), self._show, group="review")

    def _show(self, items: list[DueItem]) -> None:
        self._loaded = True
        self._items = [item for item in items if item.id not in self._pending]
        self.query_one(DueList).show_items(self._items, self.rapport.today)
        self._show_bar()

    def _show_bar(self) -> None:
        today = self.rapport.today
        self.query_one("#review-horizon", Static).update(f"{today:%a %d %b %Y} · next {self.days} days")
        self.query_one("#review-counter", Static).update(due_counter(self._items, today) if self._loaded else "…")
        empty = self._loaded and not self._items
        self.query_one(DueList).display = not empty
        self.query_one("#review-empty", Static).display = empty
        if empty:
            other = HORIZONS[1] if self.days == HORIZONS[0] else HORIZONS[0]
            self.query_one("#review-empty", Static).update(
                f"All clear: nothing due in the next {self.days} days.\n\n"
                f"Press h to look {other} days ahead, c for your clients, k to keep in touch."
            )
        self.refresh_bindings()

    @property
    def current(self) -> DueItem | None:
        if not self._items:
            return None
        return cast("DueItem | None", self.query_one(DueList).highlighted_item)

    @property
    def client_id(self) -> int | None:
        """The highlighted item's client: what the wizard key (w) is about."""
        item = self.current
        return item.client_id if item else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"done", "snooze", "touch", "open_client"}:
            return self.current is not None
        if action == "skip_occasion":
            return self._holiday() is not None
        if action == "draft":
            item = self.current
            return item is not None and item.kind in LETTER_KINDS
        return True

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_open_client()

    # --- actions ----------------------------------------------------------------------------

    def action_done(self) -> None:
        if (item := self.current) is not None:
            self._ask_done(item)

    def _ask_done(self, item: DueItem, note: str = "", error: str = "") -> None:
        def confirmed(answer: str | None) -> None:
            if answer is not None:
                today = self.rapport.today
                self._write_away(item, lambda: mark_done(item.id, today, answer),
                                 retry=lambda message: self._ask_done(item, answer, message))

        self.app.push_screen(NoteDialog(item.title, item.client, note, error), confirmed)

    def action_snooze(self) -> None:
        item = self.current
        if item is None:
            return

        def chosen(until: date | None) -> None:
            if until is not None:
                today = self.rapport.today
                self._write_away(item, lambda: snooze(item.id, until, today))

        self.app.push_screen(SnoozeDialog(item.title, item.client, self.rapport.today), chosen)

    def _write_away(self, item: DueItem, write: Callable[[], object],
                    retry: Callable[[str], None] | None = None) -> None:
        """Take the item off the list now, write in a worker; on failure bring it back and say
        why, in the dialog again (`retry`) when there is typed text to keep."""
        self._pending.add(item.id)
        self._items = [i for i in self._items if i.id != item.id]
        self.query_one(DueList).remove_item(item.id)
        self._show_bar()

        def written(_: object) -> None:
            self._pending.discard(item.id)
            self.rapport.note_change()

        def failed(message: str) -> None:
            self._pending.discard(item.id)
            self.reload()
            if retry is not None:
                retry(message)
            else:
                self.notify(message, severity="error", markup=False)

        db_work(self, write, written, group="review-write", exclusive=False, on_error=failed)

    def action_touch(self) -> None:
        if (item := self.current) is not None:
            self._ask_touch(item, TOUCH_FOR_KIND.get(item.kind, "call"))

    def _ask_touch(self, item: DueItem, kind: str, note: str = "", error: str = "") -> None:
        def logged(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            kind, note = answer
            today = self.rapport.today

            def done(_: object) -> None:
                self.notify(f"Logged a {kind} with {safe_line(item.client)}.", markup=False)
                self.rapport.note_change()

            db_work(
                self,
                lambda: log_touch(item.client_id, kind=kind, on=today, note=note),
                done,
                group="review-write",
                exclusive=False,
                on_error=lambda message: self._ask_touch(item, kind, note, message),
            )

        self.app.push_screen(TouchDialog(item.client, kind, note, error), logged)

    def _holiday(self) -> str | None:
        """The holiday of the highlighted greeting (birthdays are always greeted)."""
        item = self.current
        if item is None or item.kind != "greeting" or item.occasion == BIRTHDAY:
            return None
        return item.occasion

    def action_skip_occasion(self) -> None:
        occasion = self._holiday()
        if occasion is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                db_work(self, lambda: greet_occasion(occasion, greeted=False), lambda _: self._skipped(occasion),
                        group="review-write", exclusive=False)

        self.app.push_screen(PickScreen(f"Greet {occasion} no more?", [
            (f"Yes: no more greetings for {occasion}, for any client", True),
            ("No, keep greeting it", False),
        ]), answered)

    def _skipped(self, occasion: str) -> None:
        self.notify(f"No more greetings for {occasion}. The palette (ctrl+p) › Greetings brings it back.",
                    markup=False)
        self.rapport.note_change()

    def action_open_client(self) -> None:
        item = self.current
        if item is not None:
            self.rapport.open_client(item.client_id)

    def action_draft(self) -> None:
        item = self.current
        if item is None or item.kind not in LETTER_KINDS:
            self.notify("Letters are drafted for greetings, win-backs and check-ins.", markup=False)
            return
        db_work(self, lambda: draft_for(item), lambda d: self.app.push_screen(DraftDialog(d.title, d.text)),
                group="draft")

    def action_toggle_horizon(self) -> None:
        self.days = HORIZONS[1] if self.days == HORIZONS[0] else HORIZONS[0]
        self._show_bar()
        self.reload()
