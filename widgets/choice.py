"""Answers picked with one key: `Choice`, the options side by side on one line, and `PickList`,
one option per line (for options that need words to be recognised).

Both take plain (value, label) pairs and hold a `value`. The first letter of an option picks it
(y for Yes; again, the next one with that letter), and no other letter leaks out to the app's
keys (c for Clients would leave the form). `Choice`: ← and → move the answer, a click picks the
option under the mouse, enter posts `Choice.Submitted` (a form moves on with it). `PickList`: ↑
and ↓, enter posts OptionList's `OptionSelected`. Labels are shown literally.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from crm.i18n import N_
from crm.text import cells, safe_line

GAP = "  "


class Choice(Widget, can_focus=True):
    """`Low  Medium  [High]  Off the scale`: one answer of a few, picked in place."""

    DEFAULT_CSS = """
    Choice { height: 1; width: 1fr; }
    Choice > .choice--picked { background: $primary-muted; text-style: bold; }
    Choice:focus > .choice--picked { background: $accent; color: $text; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"choice--picked"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", N_("Previous answer"), show=False),
        Binding("right", "move(1)", N_("Next answer"), show=False),
        Binding("enter", "submit", N_("Go on"), show=False),
    ]

    value: reactive[str] = reactive("")

    @dataclass
    class Changed(Message):
        choice: "Choice"
        value: str

        @property
        def control(self) -> "Choice":
            return self.choice

    @dataclass
    class Submitted(Message):
        choice: "Choice"

        @property
        def control(self) -> "Choice":
            return self.choice

    def __init__(self, options: Sequence[tuple[str, str]], value: str | None = None, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        if not options:
            raise ValueError("a Choice needs at least one option")
        self.options = tuple((key, safe_line(label)) for key, label in options)
        keys = [key for key, _ in self.options]
        self.set_reactive(Choice.value, value if value in keys else keys[0])

    def validate_value(self, value: str) -> str:
        keys = [key for key, _ in self.options]
        return value if value in keys else self.value

    def watch_value(self, old: str, new: str) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    @property
    def index(self) -> int:
        return [key for key, _ in self.options].index(self.value)

    def render(self) -> Content:
        picked = self.get_visual_style("choice--picked", partial=True)
        parts: list[Content] = []
        for key, label in self.options:
            text = f" {label} "
            parts.append(Content.styled(text, picked) if key == self.value else Content(text))
        return Content(GAP).join(parts)

    def action_move(self, step: int) -> None:
        self.value = self.options[(self.index + step) % len(self.options)][0]

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return _takes_letter(character)

    def on_key(self, event: events.Key) -> None:
        if (found := _by_letter(event, [label for _, label in self.options], self.index)) is not None:
            self.value = self.options[found][0]

    def on_click(self, event: events.Click) -> None:
        x = 0
        for key, label in self.options:
            width = cells(label) + 2  # columns, as drawn: a wide character takes two
            if x <= event.x < x + width:
                self.value = key
                return
            x += width + len(GAP)


def _takes_letter(character: str | None) -> bool:
    """Letters answer (and so are kept from the app's one-letter keys, which the footer then hides)."""
    return character is not None and len(character) == 1 and character.isalpha()


def _by_letter(event: events.Key, labels: Sequence[str], current: int) -> int | None:
    """The index of the next label after `current` starting with the typed letter, if any; a letter
    is used up either way."""
    if not _takes_letter(event.character):
        return None
    letter = (event.character or "").casefold()
    event.stop()
    event.prevent_default()
    count = len(labels)
    for offset in range(1, count + 1):
        index = (current + offset) % count
        if labels[index].strip().casefold().startswith(letter):
            return index
    return None


class PickList(OptionList):
    """One option per line; the highlighted one is the answer (`value`), enter goes on.

    Options are (value, name, more): the name is what a letter finds, `more` follows it in muted
    text (a temperament's behaviour, say), both literally."""

    def __init__(self, options: Sequence[tuple[str, str, str]], value: str | None = None, *,
                 id: str | None = None) -> None:
        super().__init__(*(Option(Content.assemble(Content.styled(safe_line(name), "bold"),
                                                   Content.styled(f" — {safe_line(more)}" if more else "",
                                                                  "$text-muted")), id=key)
                           for key, name, more in options), id=id)
        self.names = [name for _, name, _ in options]
        self._initial = value

    def on_mount(self) -> None:
        self.value = self._initial or ""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return _takes_letter(character)

    def on_key(self, event: events.Key) -> None:
        if (found := _by_letter(event, self.names, self.highlighted or 0)) is not None:
            self.highlighted = found

    @property
    def value(self) -> str:
        index = self.highlighted
        return str(self.get_option_at_index(index).id) if index is not None else ""

    @value.setter
    def value(self, key: str) -> None:
        try:
            self.highlighted = self.get_option_index(key)
        except OptionDoesNotExist:  # an unknown key (an old value): the first option
            self.highlighted = 0


class Checklist(OptionList):
    """Lines to tick off (`☐ Listen.` → `☑ Listen.`): space or enter ticks the highlighted one.

    Long lines wrap under themselves; `ticked` holds the indices ticked."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "select", N_("Tick"), show=False)]

    def __init__(self, lines: Sequence[str] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ticked: set[int] = set()
        self.show_lines(lines)

    def show_lines(self, lines: Sequence[str], ticked: set[int] | None = None) -> None:
        """Replace the lines (and which are ticked)."""
        self.lines = tuple(safe_line(line) for line in lines)
        self.ticked = set(ticked or ())
        self.clear_options()
        self.add_options(Option(self._prompt(i)) for i in range(len(self.lines)))
        if self.lines:
            self.highlighted = 0

    def _prompt(self, index: int) -> Content:
        done = index in self.ticked
        return Content.assemble(Content.styled("☑ " if done else "☐ ", "$text-success" if done else ""),
                                Content.styled(self.lines[index], "$text-muted strike" if done else ""))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.ticked ^= {event.option_index}
        self.replace_option_prompt_at_index(event.option_index, self._prompt(event.option_index))
        self.post_message(self.Ticked(self))

    @dataclass
    class Ticked(Message):
        checklist: "Checklist"

        @property
        def control(self) -> "Checklist":
            return self.checklist
