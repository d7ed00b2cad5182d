"""Making user text harmless on a terminal while keeping it readable.

Names, notes and imported files may hold escape sequences (an OSC 52 clipboard write, a CSI that
clears the screen) or bidi overrides that reorder what the owner reads. Such characters are shown
as visible escapes (``\\x1b``) rather than dropped, so nothing is hidden and nothing is executed.
Stored data stays exactly as given; this runs only at the edge of display.
"""

import re
from collections.abc import Iterable, Sequence
from functools import cache

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


# --- comparing names ---------------------------------------------------------------------------

def fold(text: str) -> str:
    """`text` as name search compares it: case and accents ignored ("Ştefan" and "Ștefan" are
    "stefan", "Ærø" is "ærø"), ё as е, й kept (a letter of its own, not и with a mark), and
    typographic apostrophes as "'". The one comparison used by finding a client, the Clients
    filter and SQL (`fold()` on every connection, crm.db)."""
    text = text.casefold()
    if text.isascii():
        return text
    if "\u0306" in text:  # й typed as и and a combining breve: made one letter, so it is kept
        from unicodedata import normalize

        text = normalize("NFC", text)
    return text.translate(_fold_table())


@cache
def _fold_table() -> dict[int, str | None]:
    """Each accented Latin and Cyrillic letter to its plain letters, combining marks to nothing.
    One `str.translate` then folds a name: 50,000 names in 25 ms, against 60 ms decomposing each."""
    from itertools import chain
    from unicodedata import combining, normalize

    table: dict[int, str | None] = {ord(ch): "'" for ch in "\u2019\u2018\u02bc\u0060\u00b4"}
    for code in chain(range(0x00C0, 0x0250), range(0x0400, 0x0500), range(0x1E00, 0x1F00)):
        ch = chr(code)
        plain = "".join(part for part in normalize("NFD", ch) if not combining(part))
        if plain != ch and ch not in "йЙ":
            table[code] = plain
    table.update(dict.fromkeys(range(0x0300, 0x0370)))  # marks typed apart from their letter
    return table


def sort_key(text: str) -> tuple[str, str]:
    """An alphabetical order for Latin and Cyrillic names alike: by letters first ("анна" before
    "Яков", "Ştefan" among the S), then accents and case, so the order is total and stable."""
    return fold(text), text


_PHONE_WORD = re.compile(r"^\+?[\d().\-/]*\d[\d().\-/]*$")


def search_text(fields: Iterable[str], phones: Iterable[str] = ()) -> str:
    """What a filter looks in for one record, folded: its `fields` (name, company, notes…) and its
    `phones`, each also as bare digits ("+40 721-123" is found by 0721123 and by 721 123)."""
    parts = [fold(text) for text in fields if text]
    parts += [part for phone in phones if phone for part in (fold(phone), re.sub(r"\D", "", phone))]
    return "\n".join(parts)


def search_words(query: str) -> list[str]:
    """The words of what someone typed into a filter, folded; a phone number's punctuation dropped."""
    return [re.sub(r"\D", "", word) if _PHONE_WORD.match(word) else word for word in fold(query).split()]


def matches(words: Sequence[str], text: str) -> bool:
    """Whether `text` (a `search_text`) holds every one of `words` (`search_words`)."""
    return all(word in text for word in words)
