"""Input and TextArea that never send a control character in their text to the terminal.

Textual draws what is in an editor byte for byte: a stored name holding an OSC 52 clipboard write
or a clear-screen sequence, shown in an edit form, would act on the owner's terminal (and a pasted
one too). These show each control character as one visible character (␛ for ESC, see
`crm.text.in_place`) while the value stays exactly what was typed or stored.
"""

from rich.cells import cell_len
from rich.text import Text
from textual.expand_tabs import expand_tabs_inline
from textual.widgets import Input, TextArea

from crm.text import in_place


class SafeInput(Input):
    """An Input that shows control characters as visible ones."""

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(in_place(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        # As drawn: ESC counts one cell (␛), not the none a terminal would give it.
        return cell_len(expand_tabs_inline(in_place(self.value[:position]), 4))


class SafeTextArea(TextArea):
    """A TextArea that shows control characters as visible ones."""

    def get_line(self, line_index: int) -> Text:
        return Text(in_place(self.document.get_line(line_index)), end="", no_wrap=True)
