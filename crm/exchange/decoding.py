"""An imported file's bytes as text: UTF-8 or UTF-16 by their byte order mark or their shape, else
the encoding the user names (`--encoding`), else the code page a vCard's CHARSET names, else the
Windows code page the text reads best in: 1251 (Cyrillic), 1250 (Central European: Romanian,
Polish…) or 1252 (Western), which is what Excel and Outlook write in those locales.
"""

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from crm.errors import UserError
from crm.i18n import _
from crm.text import safe_line

# The code pages guessed, in the order a tie goes (Rapport's users write Russian and Romanian).
GUESSED = ("cp1251", "cp1250", "cp1252")
# Letters a code page gives for bytes that, in the texts it is guessed for, are usually another
# page's letters (Romanian ş ţ ă read as cp1252 come out as º þ ã; French à read as cp1250 as ŕ).
_UNLIKELY = {"cp1252": set("ºªþÞãÃðÐõÕ"), "cp1250": set("ŕŔĺĹ"), "cp1251": set()}
_CHARSET = re.compile(rb"CHARSET=\"?([A-Za-z0-9_-]+)", re.IGNORECASE)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec's canonical name ("utf-8", "utf-16-le", "cp1251")
    guessed: bool = False  # picked by `best_code_page`, not named by the file or the user

    @property
    def shown(self) -> str:
        """The encoding as people know it: windows-1251 rather than cp1251."""
        return self.encoding.replace("cp125", "windows-125")


def codec(name: str) -> str:
    """The canonical name of the encoding `name` (windows-1251 → cp1251); UserError if unknown."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise UserError(_("unknown encoding: {name} (for example utf-8, windows-1251, windows-1250)").format(
            name=safe_line(name))) from None


def decode(data: bytes, path: Path, encoding: str | None = None) -> Decoded:
    """The file's text (a leading byte order mark dropped); UserError naming the line and byte of
    the first thing that is not text in the encoding given or found."""
    if encoding is not None:
        name = codec(encoding)
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        return Decoded(_strict(data, name, path), name)
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(_strict(data[len(codecs.BOM_UTF8):], "utf-8", path), "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(_strict(data, "utf-16", path), "utf-16")
    if len(data) >= 2 and (data[0] == 0) != (data[1] == 0):  # ASCII text in UTF-16 without a mark
        return Decoded(_strict(data, "utf-16-be" if data[0] == 0 else "utf-16-le", path),
                       "utf-16-be" if data[0] == 0 else "utf-16-le")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        problem = exc
    named = _named_charset(data)
    if named is not None:
        try:
            return Decoded(data.decode(named), named)
        except UnicodeDecodeError:
            pass
    found = best_code_page(data)
    if found is None:
        raise _not_text(path, data, problem.start, "UTF-8")
    return Decoded(data.decode(found), found, guessed=True)


def best_code_page(data: bytes) -> str | None:
    """The code page of GUESSED the bytes read best in; None if none reads them as words (in no
    page are most of the characters beyond ASCII letters: the text is in some other encoding)."""
    scores = {}
    for name in GUESSED:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        beyond = [c for c in text if not c.isascii()]
        if sum(c.isalpha() for c in beyond) >= 0.8 * len(beyond):
            scores[name] = _plausibility(text, name)
    return max(scores, key=lambda name: (scores[name], -GUESSED.index(name))) if scores else None


def _plausibility(text: str, page: str) -> int:
    """How much `text` looks like words in one script: each letter beyond ASCII counts for it, a
    symbol or an unlikely letter against it, and a word mixing Latin and Cyrillic letters, or
    (for a Latin page) made of nothing but letters beyond ASCII, weighs heavily against."""
    score = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        cyrillic = sum("CYRILLIC" in unicodedata.name(c, "") for c in word)
        latin = sum(c.isascii() and c.isalpha() for c in word)
        if cyrillic and latin:
            score -= 3
        elif page != "cp1251" and len(word) >= 3 and not latin:
            score -= 2
        score += sum(-1 if c in _UNLIKELY[page] else 1 for c in word if not c.isascii())
    score -= sum(1 for c in text if not c.isascii() and not c.isalnum() and unicodedata.category(c) == "So")
    return score


def _named_charset(data: bytes) -> str | None:
    """The single-byte code page a vCard's CHARSET= parameter names, if any names one."""
    for match in _CHARSET.finditer(data):
        try:
            name = codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            continue
        if name not in ("utf-8", "us-ascii") and not name.startswith("utf-"):
            return name
    return None


def _strict(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _not_text(path, data, exc.start, encoding) from None


def _not_text(path: Path, data: bytes, at: int, encoding: str) -> UserError:
    line_start = data.rfind(b"\n", 0, at) + 1
    return UserError(_("{path} is not {encoding} text: line {line}, byte {column} (0x{byte:02x}); name its "
                       "encoding with --encoding (for example windows-1251) or save it as UTF-8").format(
        path=safe_line(path), encoding=encoding.upper() if encoding.startswith("utf") else encoding,
        line=data.count(b"\n", 0, at) + 1, column=at - line_start + 1, byte=data[at]))
