"""The weekly review (home): work through what is due like an inbox, one key per decision.

Done and snoozed items leave the list at once and the cursor moves to the item that followed
them; the write runs in a worker and the list reloads quietly afterwards (and when another
session changed data), the cursor staying on its item. D marks a holiday's greetings done at
once, after one question.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from crm import kinds
from crm.app.bindings import TranslatedBindings
from crm.app.screens.forms import PickScreen
from crm.app.screens.review_dialogs import (
    DraftDialog,
    NoteDialog,
    SnoozeDialog,
    TouchDialog,
    holiday_about,
    holiday_question,
)
from crm.app.work import db_work
from crm.clients import log_touch
from crm.drafts import draft_for, has_letter
from crm.i18n import N_, _, ngettext
from crm.l10n import format_day
from crm.review import DueItem, mark_done, mark_done_many, review, snooze
from crm.rules import BIRTHDAY, greet_occasion
from crm.text import safe_line
from crm.widgets.due_list import DueList, due_counter

if TYPE_CHECKING:
    from crm.app.app import RapportApp

HORIZONS = (7, 30)


class ReviewScreen(TranslatedBindings, Screen[None]):
    """Overdue, today, this week (and later): mark done, snooze, log a touch, open, draft."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", N_("Done"), tooltip=N_("Mark done, with an optional note"), id="review.done"),
        Binding("D", "done_holiday", N_("All done"), tooltip=N_("Mark all of this holiday's greetings done"),
                show=False, id="review.done_holiday"),  # the occasion's heading shows the key
        Binding("s", "snooze", N_("Snooze"), tooltip=N_("Snooze: 1 tomorrow, w a week, m a month, or a date"),
                id="review.snooze"),
        Binding("t", "touch", N_("Touch"), tooltip=N_("Log a touch (call, email, …) with the client"),
                id="review.touch"),
        Binding("m", "draft", N_("Draft"), tooltip=N_("The letter for a greeting, win-back or check-in"),
                id="review.draft"),
        Binding("o", "open_client", N_("Open"), tooltip=N_("Open the client"), show=False, id="review.open"),
        Binding("h", "toggle_horizon", N_("7/30d"), tooltip=N_("Look 7 or 30 days ahead"), id="review.horizon"),
        Binding("n", "skip_occasion", N_("No greeting"), show=False, id="review.skip_occasion",
                tooltip=N_("Greet this holiday no more, for any client")),
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
        yield DueList(id="due-list", occasion_hint=_("D: all done"))
        yield Static("", id="review-empty", classes="empty", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Review")
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
        horizon = ngettext("{date} · next {count} day", "{date} · next {count} days", self.days)
        self.query_one("#review-horizon", Static).update(
            horizon.format(date=format_day(today, "full"), count=self.days))
        self.query_one("#review-counter", Static).update(due_counter(self._items, today) if self._loaded else "…")
        empty = self._loaded and not self._items
        self.query_one(DueList).display = not empty
        self.query_one("#review-empty", Static).display = empty
        if empty:
            other = HORIZONS[1] if self.days == HORIZONS[0] else HORIZONS[0]
            clear = ngettext("All clear: nothing due in the next {count} day.",
                             "All clear: nothing due in the next {count} days.", self.days).format(count=self.days)
            keys = ngettext("Press h to look {count} day ahead, c for your clients, k to keep in touch.",
                            "Press h to look {count} days ahead, c for your clients, k to keep in touch.",
                            other).format(count=other)
            self.query_one("#review-empty", Static).update(f"{clear}\n\n{keys}")
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
        if action == "skip_occasion":  # on a birthday too: it says why a birthday stays
            item = self.current
            return item is not None and item.kind == "greeting"
        if action == "done_holiday":  # hidden from the footer; off a holiday it says what it is for
            return self.current is not None
        if action == "draft":
            item = self.current
            return item is not None and has_letter(item)
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
                self._write_away([item], lambda: mark_done(item.id, today, answer),
                                 retry=lambda message: self._ask_done(item, answer, message))

        self.app.push_screen(NoteDialog(item.title, item.client, note, error), confirmed)

    def action_done_holiday(self) -> None:
        """All the greetings listed for the highlighted holiday, done after one question."""
        item = self.current
        if item is None:
            return
        if self._holiday() is None:
            self.notify(_("D marks all of a holiday's greetings done: put the cursor on one of them. "
                          "d marks this item done."), markup=False)
            return
        self._ask_done_holiday(cast("list[DueItem]", self.query_one(DueList).holiday_items(item)))

    def _ask_done_holiday(self, items: list[DueItem], note: str = "", error: str = "") -> None:
        occasion, count = items[0].occasion, len(items)

        def confirmed(answer: str | None) -> None:
            if answer is None:
                return
            today, ids = self.rapport.today, [i.id for i in items]

            def done() -> None:
                text = ngettext("{count} {occasion} greeting marked done.",
                                "{count} {occasion} greetings marked done.", count)
                self.notify(text.format(count=count, occasion=safe_line(occasion)), markup=False)

            self._write_away(items, lambda: mark_done_many(ids, today, answer),
                             retry=lambda message: self._ask_done_holiday(items, answer, message), done=done)

        dialog = NoteDialog(occasion, "", note, error, heading=holiday_question(occasion, count),
                            about=holiday_about(items[0].due, [i.client for i in items]))
        self.app.push_screen(dialog, confirmed)

    def action_snooze(self) -> None:
        item = self.current
        if item is None:
            return

        def chosen(until: date | None) -> None:
            if until is not None:
                today = self.rapport.today
                self._write_away([item], lambda: snooze(item.id, until, today))

        self.app.push_screen(SnoozeDialog(item.title, item.client, self.rapport.today), chosen)

    def _write_away(self, items: Sequence[DueItem], write: Callable[[], object],
                    retry: Callable[[str], None] | None = None, done: Callable[[], None] | None = None) -> None:
        """Take the items off the list now (the cursor goes to the item that followed them) and
        write in a worker; on failure bring them back and say why, in the dialog again (`retry`)
        when there is typed text to keep."""
        ids = {item.id for item in items}
        self._pending |= ids
        self._items = [i for i in self._items if i.id not in ids]
        self.query_one(DueList).remove_items(ids)
        self._show_bar()

        def written(_result: object) -> None:
            self._pending -= ids
            if done is not None:
                done()
            self.rapport.note_change()

        def failed(message: str) -> None:
            self._pending -= ids
            self.reload()
            if retry is not None:
                retry(message)
            else:
                self.notify(message, severity="error", markup=False)

        db_work(self, write, written, group="review-write", exclusive=False, on_error=failed)

    def action_touch(self) -> None:
        if (item := self.current) is not None:
            self._ask_touch(item, kinds.kind(item.kind).done_touch or "call")

    def _ask_touch(self, item: DueItem, kind: str, note: str = "", error: str = "", on: str = "") -> None:
        def logged(answer: tuple[str, str, date] | None) -> None:
            if answer is None:
                return
            kind, note, day = answer

            def done(_touch: object) -> None:
                self.notify(_("Logged a {kind} with {client}.").format(kind=kind, client=safe_line(item.client)),
                            markup=False)
                self.rapport.note_change()  # a quiet client's item leaves the list: the cursor moves on

            db_work(
                self,
                lambda: log_touch(item.client_id, kind=kind, on=day, note=note),
                done,
                group="review-write",
                exclusive=False,
                on_error=lambda message: self._ask_touch(item, kind, note, message, f"{day:%Y-%m-%d}"),
            )

        self.app.push_screen(TouchDialog(item.client, kind, note, error, today=self.rapport.today, on=on), logged)

    def _holiday(self) -> str | None:
        """The holiday of the highlighted greeting (birthdays are always greeted)."""
        item = self.current
        if item is None or item.kind != "greeting" or item.occasion == BIRTHDAY:
            return None
        return item.occasion

    def action_skip_occasion(self) -> None:
        item = self.current
        if item is not None and item.kind == "greeting" and item.occasion == BIRTHDAY:
            self.notify(_("A birthday is one person's own day, not a holiday: it cannot be skipped for "
                          "everyone. Press d once you have greeted them, or s to snooze."), markup=False)
            return
        occasion = self._holiday()
        if occasion is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                db_work(self, lambda: greet_occasion(occasion, greeted=False), lambda _: self._skipped(occasion),
                        group="review-write", exclusive=False)

        self.app.push_screen(PickScreen(_("Greet {holiday} no more?").format(holiday=occasion), [
            (_("Yes: no more greetings for {holiday}, for any client").format(holiday=occasion), True),
            (_("No, keep greeting it"), False),
        ]), answered)

    def _skipped(self, occasion: str) -> None:
        self.notify(_("No more greetings for {holiday}. The palette (ctrl+p) › Greetings brings it back.").format(
            holiday=occasion), markup=False)
        self.rapport.note_change()

    def action_open_client(self) -> None:
        item = self.current
        if item is not None:
            self.rapport.open_client(item.client_id)

    def action_draft(self) -> None:
        item = self.current
        if item is None or not has_letter(item):
            self.notify(_("Letters are drafted for greetings, win-backs and check-ins."), markup=False)
            return
        db_work(self, lambda: draft_for(item), lambda d: self.app.push_screen(DraftDialog(d.title, d.text)),
                group="draft")

    def action_toggle_horizon(self) -> None:
        self.days = HORIZONS[1] if self.days == HORIZONS[0] else HORIZONS[0]
        self._show_bar()
        self.reload()
