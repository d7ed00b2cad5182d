"""The form engine: a modal form of labelled fields, checked as typed, saved in a worker.

Every field is checked as it is typed by the same functions the command line uses (`crm.validate`,
`crm.dates.parse_date`, `crm.money`), so the messages match. Enter (or ctrl+s) saves, Escape
cancels. The form itself runs the save in a worker and closes only when it succeeded: on a
UserError it stays open with the message and everything typed; on a stale edit it says who changed
the record and offers to reload their version without losing what was typed.

The forms themselves (which fields, what saving does) are in `crm.app.screens.forms`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, TextArea

from crm.app.bindings import TranslatedBindings
from crm.app.work import db_work
from crm.dates import parse_date, today_word
from crm.errors import StaleEditError, UserError
from crm.i18n import N_, _
from crm.l10n import format_day
from crm.text import safe_line
from crm.widgets.safe_fields import SafeInput, SafeTextArea

T = TypeVar("T")
Values = dict[str, str]
Check = Callable[[str], object]


class CoreCheck(Validator):
    """A Textual validator around a core check that raises UserError (the CLI's own message)."""

    def __init__(self, check: Check) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except UserError as exc:
            return self.failure(str(exc))
        return self.success()


@dataclass(frozen=True)
class Field:
    """One labelled field: a text input (checked as typed), a choice, or a multi-line text."""

    name: str
    label: str
    value: str = ""
    check: Check | None = None
    choices: Sequence[str] = ()
    long: bool = False  # a TextArea: enter makes a new line, ctrl+s saves
    placeholder: str = ""
    preview: Callable[[str], str] | None = None  # shown beside a valid value (e.g. a parsed date)
    labels: Mapping[str, str] = field(default_factory=dict)  # choice → its words as shown (crm.domain.words)


def date_field(name: str, label: str, today: date, value: str | None = None, *, optional: bool = False) -> Field:
    """A date typed the CLI's way (+3d, friday, 25.12.2026), previewed as the day it means; it
    starts with `value`, else "today" in the reader's language."""

    def check(text: str) -> date | None:
        return optional_date(text, today) if optional else parse_date(text, today)

    return Field(name, label, today_word() if value is None else value, check,
                 placeholder=_("optional: +3m, 25.02.2027 …") if optional else "",
                 preview=lambda text: day_preview(check(text)))


def optional_date(text: str, today: date) -> date | None:
    return parse_date(text, today) if text.strip() else None


def day_preview(day: date | None) -> str:
    """A valid day as the note beside a date field shows it."""
    return format_day(day, "full") if day else ""


@dataclass(frozen=True)
class Stale:
    """The save was refused because someone else changed the record (their name in the message)."""

    message: str


@dataclass(frozen=True)
class _Saved(Generic[T]):
    value: T


def _attempt(save: Callable[[Values], T], values: Values) -> "_Saved[T] | Stale":
    try:
        return _Saved(save(values))
    except StaleEditError as exc:
        return Stale(str(exc))


class FormScreen(TranslatedBindings, ModalScreen[T | None]):
    """A form of `fields` whose `save(values)` runs in a worker; dismissed with its result."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]

    def __init__(
        self, title: str, fields: Sequence[Field], save: Callable[[Values], T], *, about: str | Content = ""
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.form_title = title
        self.fields = {f.name: f for f in fields}
        self.save_values = save
        self.about = about
        self._saving = False
        self._touched: set[str] = set()  # fields changed by the user or blamed by a save

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form") as box:
            box.can_focus = False  # tab goes from field to field
            box.border_title = self.form_title
            if self.about:
                about = self.about if isinstance(self.about, Content) else Content(safe_line(self.about))
                yield Static(about, classes="about")
            for f in self.fields.values():
                with Horizontal(classes="row"):
                    yield Label(f.label)
                    yield self._widget(f)
                yield Static("", id=f"note-{f.name}", classes="note", markup=False)
            yield Static("", id="form-message", markup=False)
            if any(f.long for f in self.fields.values()):
                hint = _("ctrl+s save · tab next field · esc cancel")
            else:
                hint = _("enter save · tab next field · esc cancel")
            yield Static(hint, classes="hint", markup=False)

    def _widget(self, f: Field) -> Input | Select[str] | TextArea:
        wid = f"field-{f.name}"
        if f.choices:
            value = f.value if f.value in f.choices else f.choices[0]
            return Select(((f.labels.get(c, c), c) for c in f.choices), value=value,
                          allow_blank=False,
                          id=wid, compact=True)
        if f.long:
            return SafeTextArea(f.value, id=wid, soft_wrap=True, compact=True, placeholder=f.placeholder,
                                tab_behavior="focus")
        validators = [CoreCheck(f.check)] if f.check else []
        return SafeInput(f.value, placeholder=f.placeholder, validators=validators, validate_on=["changed"],
                         id=wid, compact=True, select_on_focus=False)

    def on_mount(self) -> None:
        for f in self.fields.values():
            self._show_note(f.name)
        # Start in the first field to type in: enter on a choice would open it rather than save.
        typed = [f for f in self.fields.values() if not f.choices] or list(self.fields.values())
        self.query_one(f"#field-{typed[0].name}").focus()

    # --- values and checks ------------------------------------------------------------------

    def values(self) -> Values:
        """What is in the form now, as typed."""
        result: Values = {}
        for name in self.fields:
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, Input):
                result[name] = widget.value
            elif isinstance(widget, TextArea):
                result[name] = widget.text
            else:
                result[name] = str(widget.value)
        return result

    def set_value(self, name: str, value: str) -> None:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = value
        elif isinstance(widget, Select):
            widget.value = value
        self._show_note(name)

    def _problem(self, name: str, value: str) -> str | None:
        check = self.fields[name].check
        if check is None:
            return None
        try:
            check(value)
        except UserError as exc:
            return str(exc)
        return None

    def _show_note(self, name: str) -> None:
        """The field's problem, or a preview of a valid value (a blank field is not blamed until touched)."""
        f = self.fields[name]
        widget = self.query_one(f"#field-{name}")
        note = self.query_one(f"#note-{name}", Static)
        if not isinstance(widget, Input):
            note.display = False
            return
        problem = self._problem(name, widget.value) if widget.value or name in self._touched else None
        text = problem or (f.preview(widget.value) if f.preview else "")
        note.update(safe_line(text or ""))
        note.set_class(problem is not None, "-invalid")
        note.display = bool(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("field-"):
            name = event.input.id.removeprefix("field-")
            if event.value != self.fields[name].value:
                self._touched.add(name)
            self._show_note(name)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    # --- saving -----------------------------------------------------------------------------

    def show_message(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#form-message", Static)
        message.update(safe_line(text))
        message.set_class(error, "-error")

    def action_save(self) -> None:
        if self._saving:
            return
        values = self.values()
        problems = {name: p for name in self.fields if (p := self._problem(name, values[name]))}
        self._touched.update(problems)
        for name in problems:
            self._show_note(name)
        if problems:
            first = next(iter(problems))
            self.show_message(_("{field}: {problem}").format(field=self.fields[first].label, problem=problems[first]))
            self.query_one(f"#field-{first}").focus()
            return
        self._saving = True
        self.show_message(_("Saving…"), error=False)
        db_work(self, lambda: _attempt(self.save_values, values), self._saved, group=f"form-{id(self)}",
                on_error=self._failed)

    def _saved(self, outcome: "_Saved[T] | Stale") -> None:
        self._saving = False
        if isinstance(outcome, Stale):
            self.on_stale(outcome.message)
            return
        self.app.note_change()  # type: ignore[attr-defined]
        self.dismiss(outcome.value)

    def _failed(self, message: str) -> None:
        self._saving = False
        self.show_message(message)

    def on_stale(self, message: str) -> None:
        self.show_message(message)

    def action_cancel(self) -> None:
        self.dismiss(None)
