"""Hostile text for any test: markup, terminal escapes, bidi controls, injections, odd Unicode.

- `HOSTILE`: strings every field that takes free text must store exactly and show harmlessly.
  Each is at most 200 characters with no whitespace at either end, so it is also a valid name
  (names are stripped and capped at 200), a company, a note, an incident title or event text.
- `LONG_TEXT`: 100,000 characters, the most a note may hold; refused as a name.
- `REFUSED`: text no field stores (a NUL; a lone surrogate, which is what undecodable bytes
  on the command line become).
- `raw_controls(text)`: the characters in `text` that would act on a terminal, for asserting
  that output is safe.
"""

import re

HOSTILE: list[str] = [
    # Rich/Textual markup: styles silently, an unbalanced close tag crashes, @click runs actions.
    "[bold]bold[/bold] client",
    "[/]",
    "[/bold] unbalanced",
    "[link=https://evil.example]click me[/link]",
    "[@click=app.quit]quit[/]",
    "[red",
    "\\[escaped] and \\\\[double]",
    "$name ${name} {name} {0} %s %(name)s",
    # Terminal escape sequences: clipboard write, clear screen, title, hyperlink, colours, C1 CSI.
    "\x1b]52;c;aGVsbG8=\x07clipboard",
    "\x1b[2J\x1b[Hcleared",
    "\x1b]0;pwned title\x07",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x1b[31mred\x1b[0m",
    "\x1b[6n device status",
    "\x9b2J c1 csi",
    "\x07bell",
    "over\rwritten",
    "back\x08\x08space",
    "del\x7f",
    "vertical\x0btab\x0cfeed",
    # Bidi controls and invisible characters that reorder or hide what is read.
    "\u202eevil.exe\u202c",
    "\u2066isolate\u2069 \u200fmark",
    "zero\u200bwidth\ufeffbom",
    # Injections for other layers: SQL, shell, HTML, spreadsheet formulas.
    "Robert'); DROP TABLE client;--",
    "$(rm -rf ~) `id`",
    "<script>alert(1)</script>",
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd",
    "-2+3+cmd",
    # Unicode that breaks naive width or case handling.
    "Ünïcödé Ñame 日本語 🎉",
    "👨\u200d👩\u200d👧 family",
    "e\u0301 combining",
    "مرحبا بالعالم",
    "ǅ ß İ ﬁ",
    "multi\nline\ttext",
    "x" * 200,
]

LONG_TEXT = "long " * 19_999 + "long."  # 100,000 characters, no whitespace at the ends
assert len(LONG_TEXT) == 100_000

REFUSED: list[str] = ["nul\x00byte", "bad\udcffutf8"]

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def raw_controls(text: str) -> set[str]:
    """Characters in `text` that a terminal would act on (tab and newline are fine)."""
    return set(_CONTROLS.findall(text))
