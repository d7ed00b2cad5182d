"""A one-line bar of numbered steps that shows where the user is in a multi-step flow.

Takes plain labels and the current index. When the labels do not fit the width, steps other
than the current one shrink to their numbers, so the bar stays on one line at 80 columns.
"""

from collections.abc import Sequence

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

SEPARATOR = " › "


class StepBar(Widget):
    """`1 Cool down › 2 What happened › …` with the current step highlighted."""

    DEFAULT_CSS = """
    StepBar { height: 1; padding: 0 1; background: $boost; }
    """

    current: reactive[int] = reactive(0)

    def __init__(self, labels: Sequence[str], current: int = 0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = tuple(labels)
        self.set_reactive(StepBar.current, current)

    def parts(self, width: int) -> list[tuple[str, str]]:
        """(text, state) per step, state "done", "current" or "ahead"; compact when too wide."""
        def state(index: int) -> str:
            return "current" if index == self.current else "done" if index < self.current else "ahead"

        full = [(f"{i + 1} {label}", state(i)) for i, label in enumerate(self.labels)]
        # 2: the current's padding
        if sum(len(text) for text, _ in full) + len(SEPARATOR) * (len(full) - 1) + 2 <= width:
            return full
        return [(text if s == "current" else str(i + 1), s) for i, (text, s) in enumerate(full)]

    def render(self) -> Content:
        styles = {"done": "$text-muted", "current": "bold reverse $text-accent", "ahead": ""}
        pieces: list[Content | str] = []
        for index, (text, state) in enumerate(self.parts(self.content_size.width)):
            if index:
                pieces.append(Content.styled(SEPARATOR, "$text-muted"))
            pieces.append(Content.styled(f" {text} " if state == "current" else text, styles[state]))
        return Content.assemble(*pieces)
