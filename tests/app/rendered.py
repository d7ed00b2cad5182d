"""What the app would put on the terminal right now, for asserting that user text is harmless.

Headless test apps never write to a terminal, so these render the current screen (with any screens
behind a modal) the way the app's display would: `terminal_output` is the exact string sent to the
terminal (Textual's own style and cursor sequences included), `painted_lines` only the characters
painted in the cells, row by row. User text is literal when it is in `painted_lines` verbatim;
it is harmless when neither holds a control character of its own.
"""

from textual.app import App

# Sequences the app itself never sends but hostile text would: clipboard write (OSC 52), window
# title (OSC 0), clear screen, device status query, hyperlink to the hostile address, bell.
FOREIGN_SEQUENCES = ("\x1b]52;", "\x1b]0;", "\x1b[2J", "\x1b[6n", "\x1b]8;;https://evil", "\x07")


def _update(app: App):
    return app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)


def painted_lines(app: App) -> list[str]:
    """The text in every row of the screen, without styles."""
    return [
        "".join(segment.text for strip in line for segment in strip if not segment.control)
        for line in _update(app).strips
    ]


def painted(app: App) -> str:
    return "\n".join(painted_lines(app))


def terminal_output(app: App) -> str:
    """The full screen as the bytes a terminal would receive."""
    return _update(app).render_segments(app.console)


def leaks(app: App) -> list[str]:
    """Control characters painted as text, and foreign sequences in the terminal output."""
    text, output = painted(app), terminal_output(app)
    found = [f"painted {c!r}" for c in sorted(set(text)) if _control(c)]
    found += [f"sent {s!r}" for s in FOREIGN_SEQUENCES if s in output]
    return found


def _control(char: str) -> bool:
    code = ord(char)
    if char == "\n":
        return False
    return code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069

