"""Translation: every string a person reads goes through `_` (gettext, English as the source).

Catalogs live in `crm/locale/<lang>/LC_MESSAGES/rapport.mo`; until a language is chosen with
`use`, or when it has no catalog, the English text is returned unchanged. Only human-readable
text is translated: JSON keys, kind values, ids and option names never are.

Importing this module costs nothing: gettext is loaded by `use`, so a read-only command in
English (`crm review`, run by cron every few minutes) never pays for it.
"""

from pathlib import Path
from typing import Protocol

DOMAIN = "rapport"
LOCALE_DIR = Path(__file__).with_name("locale")


class _Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


_translation: _Catalog | None = None  # None: English, the source


def use(language: str) -> None:
    """Translate into `language` from now on (English when it has no catalog)."""
    global _translation
    import gettext

    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """The message in the reader's language."""
    return message if _translation is None else _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for `count`, as the reader's language counts."""
    if _translation is None:
        return singular if count == 1 else plural
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for extraction where it is stored or tabled; translate it with `_` when shown."""
    return message
