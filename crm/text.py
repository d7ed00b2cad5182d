"""Making user text harmless on a terminal while keeping it readable.

Names, notes and imported files may hold escape sequences (an OSC 52 clipboard write, a CSI that
clears the screen) or bidi overrides that reorder what the owner reads. Such characters are shown
as visible escapes (``\\x1b``) rather than dropped, so nothing is hidden and nothing is executed.
Stored data stays exactly as given; this runs only at the edge of display.
"""

import re

_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Lone surrogates: undecodable bytes of a file name on the command line. No UTF-8 stream can write
# them (a strict one raises), so they are shown as escapes too.
_SURROGATES = "\ud800-\udfff"
# C0 controls except tab and newline, DEL, C1 controls, bidi controls and lone surrogates.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object) -> str:
    """The text with every terminal-control character shown as a visible escape."""
    return _UNSAFE.sub(_visible, str(text))


def safe_line(text: object) -> str:
    """Like `safe`, for one line of a table: tabs and newlines become spaces."""
    return _UNSAFE_LINE.sub(lambda m: " " if m.group() in "\t\n" else _visible(m), str(text))


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␛ … ␟, the Unicode "control pictures"
    return "\u2421" if code == 0x7F else "\ufffd"  # ␡; C1 and bidi controls: �


def in_place(text: str) -> str:
    """Like `safe`, but each control character becomes one visible character (␛ for ESC).

    For text being edited: the cursor and selection count characters, so positions stay put.
    Tab and newline are kept (editors lay them out themselves).
    """
    return _UNSAFE.sub(_picture, text)


def shorten(text: str, width: int) -> str:
    """The text cut to `width` characters with an ellipsis when longer."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 client", "5,000 clients", "2 touches" (pass the plural when it is not noun + "s")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def cells(text: str) -> int:
    """How many terminal columns `text` takes: wide (CJK, fullwidth) characters take two,
    combining marks none. For plain output that must fit a width; the app measures with Rich."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width

    return sum(0 if combining(ch) else 2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """The text cut to `width` terminal columns, ending in "…" when it was cut."""
    if cells(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for ch in text:
        size = cells(ch)
        if used + size > width - 1:
            break
        kept.append(ch)
        used += size
    return "".join(kept) + "…"


def pad(text: str, width: int) -> str:
    """The text cut to `width` columns (see `fit`) and padded with spaces to exactly that width."""
    text = fit(text, width)
    return text + " " * (width - cells(text))
