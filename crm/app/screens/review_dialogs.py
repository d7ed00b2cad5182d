"""Small dialogs of the review: a note for "done", a snooze date, a touch, a letter draft.

Each returns its answer through `dismiss` (None when cancelled) and never touches the database:
the review screen does the writing, so a dialog stays a pure question. A note is checked before
the dialog closes, and a dialog can be reopened with what was typed and why the write failed.
"""

from datetime import date, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from crm import validate
from crm.app.bindings import TranslatedBindings
from crm.app.keys import us_key
from crm.dates import DATE_HELP, add_months, parse_date, today_word
from crm.domain import TOUCH_KINDS, word
from crm.errors import UserError
from crm.i18n import N_, _, ngettext
from crm.l10n import format_day
from crm.text import cells, pad, safe, safe_line
from crm.widgets.safe_fields import SafeInput
from crm.widgets.sentence import sentence


def _about(title: str, client: str) -> Content:
    """"Title — Client", literally."""
    return Content.assemble((safe_line(title), "bold"), " — ", safe_line(client))


def _hint(text: str) -> Static:
    return Static(text, classes="hint", markup=False)


def _error(text: str = "") -> Static:
    return Static(text, id="error", classes="error", markup=False)


def _checked_note(dialog: ModalScreen, value: str) -> str | None:
    """The note as it will be stored, or None with the reason shown in the dialog."""
    try:
        return validate.text(value.strip(), _("note"))
    except UserError as exc:
        dialog.query_one("#error", Static).update(str(exc))
        return None


class NoteDialog(TranslatedBindings, ModalScreen[str | None]):
    """"Done" with an optional note; Enter confirms, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, client: str, note: str = "", error: str = "", *,
                 heading: str | None = None, about: Content | None = None) -> None:
        """`note` and `error`: what was typed and why it could not be saved, when asking again.
        `heading` and `about` replace "Mark done" and "Title — Client" (a batch's question)."""
        super().__init__(classes="dialog-screen")
        self._heading = heading if heading is not None else _("Mark done")
        self._about = about if about is not None else _about(title, client)
        self._note, self._error = note, error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self._heading), classes="dialog-title")
            yield Static(self._about)
            yield SafeInput(self._note, placeholder=_("note (optional)"), id="note")
            yield _error(self._error)
            yield _hint(_("enter done · esc cancel"))

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        note = _checked_note(self, event.value)
        if note is not None:
            self.dismiss(note)

    def action_cancel(self) -> None:
        self.dismiss(None)


def holiday_question(occasion: str, count: int) -> str:
    """"Mark all 26 Christmas Day greetings done?" (the occasion shown literally)."""
    text = ngettext("Mark the {count} {occasion} greeting done?", "Mark all {count} {occasion} greetings done?", count)
    return text.format(count=count, occasion=safe_line(occasion))


def holiday_about(day: date, clients: list[str], shown: int = 3) -> Content:
    """"Mon 30 Nov · Andrei Barbu, Carpați Dental, Cătălin Dobre and 4 more", names literally."""
    names = ", ".join(safe_line(c) for c in clients[:shown])
    more = len(clients) - shown
    if more > 0:
        names = ngettext("{names} and {count} more", "{names} and {count} more", more).format(names=names, count=more)
    return Content.assemble((format_day(day), "$text-muted"), " · ", names)


class SnoozeDialog(TranslatedBindings, ModalScreen[date | None]):
    """Snooze until a date: one key for the usual choices, or type any date."""

    QUICK_KEYS = frozenset({"1", "w", "m"})
    AUTO_FOCUS = ""  # the one-key choices first; any other key starts typing a date
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pick(1)", N_("Tomorrow")),
        Binding("w", "pick(7)", N_("+1 week")),
        Binding("m", "pick_month", N_("+1 month")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, title: str, client: str, today: date) -> None:
        super().__init__(classes="dialog-screen")
        self._about = _about(title, client)
        self._today = today

    def compose(self) -> ComposeResult:
        today = self._today
        quick = [
            ("1", _("tomorrow"), today + timedelta(days=1)),
            ("w", _("in a week"), today + timedelta(days=7)),
            ("m", _("in a month"), add_months(today, 1)),
        ]
        width = max(cells(label) for _key, label, _day in quick) + 4  # the dates in one column
        with Vertical(classes="dialog"):
            yield Label(_("Snooze until…"), classes="dialog-title")
            yield Static(self._about)
            yield Static("\n".join(f"{key}  {pad(label, width)}{format_day(day)}" for key, label, day in quick),
                         markup=False)
            yield SafeInput(placeholder=_("or type a date: friday, +3d, 25.12.2026"), id="until")
            yield _error()
            yield _hint(_("1 / w / m, or type a date and enter · esc cancel"))

    def on_key(self, event: Key) -> None:
        field = self.query_one("#until", Input)
        quick = event.key in self.QUICK_KEYS or us_key(event.key) in self.QUICK_KEYS  # ц is w in ЙЦУКЕН
        if not field.has_focus and event.is_printable and event.character and not quick:
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()

    def action_pick(self, days: int) -> None:
        self.dismiss(self._today + timedelta(days=days))

    def action_pick_month(self) -> None:
        self.dismiss(add_months(self._today, 1))

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        error = self.query_one("#error", Static)
        if not event.value.strip():
            error.update(_("Type a date ({forms}).").format(forms=_(DATE_HELP)))
            return
        try:
            until = parse_date(event.value, self._today)
        except UserError as exc:
            error.update(str(exc))
            return
        if until <= self._today:
            error.update(_("Pick a day after today ({today}).").format(today=format_day(self._today)))
            return
        self.dismiss(until)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TouchDialog(TranslatedBindings, ModalScreen[tuple[str, str, date] | None]):
    """Log a touch: its kind, a note and the day; the note first, Enter confirms."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, client: str, kind: str = "call", note: str = "", error: str = "", *,
                 today: date | None = None, on: str = "") -> None:
        """`note`, `on` and `error`: what was typed and why it could not be saved, when asking
        again. The day defaults to `today`."""
        super().__init__(classes="dialog-screen")
        self._client = client
        self._kind = kind if kind in TOUCH_KINDS else "call"
        self._note, self._error = note, error
        self._today = today or date.today()
        self._on = on or today_word()  # a value the date parser reads, like the command line's

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Log a touch"), classes="dialog-title")
            yield Static(sentence(_("with {client}"), client=Content.styled(safe_line(self._client), "bold")))
            yield Select(((word("touch", k), k) for k in TOUCH_KINDS), value=self._kind, allow_blank=False, id="kind")
            yield SafeInput(self._note, placeholder=_("what was said (optional)"), id="note")
            with Horizontal(id="when"):
                yield Label(_("On"))
                yield SafeInput(self._on, id="on", compact=True, select_on_focus=False)
                yield Static("", id="on-day", markup=False)
            yield _error(self._error)
            yield _hint(_("enter log · tab the day · shift+tab kind · esc cancel"))

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()
        self._show_day(self._on)

    def _day(self, text: str) -> date:
        return parse_date(text, self._today)

    def _show_day(self, text: str) -> None:
        try:
            shown = format_day(self._day(text), "full")
        except UserError as exc:
            shown = str(exc)
        self.query_one("#on-day", Static).update(shown)

    @on(Input.Changed, "#on")
    def _day_changed(self, event: Input.Changed) -> None:
        self._show_day(event.value)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        note = _checked_note(self, self.query_one("#note", Input).value)
        if note is None:
            return
        try:
            on = self._day(self.query_one("#on", Input).value)
        except UserError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss((str(self.query_one("#kind", Select).value), note, on))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DraftDialog(TranslatedBindings, ModalScreen[None]):
    """A letter draft to read, select and copy (c copies it all to the clipboard)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", N_("Copy")),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._text = safe(text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog draft"):
            yield Label(Content(safe_line(self._title)), classes="dialog-title")
            yield TextArea(self._text, read_only=True, soft_wrap=True, id="letter")
            yield _hint(_("c copy all · select with shift+arrows · esc close"))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self._text)
        self.notify(_("Letter copied to the clipboard."), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
