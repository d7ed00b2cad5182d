"""Translation: every string a person reads goes through `_` (gettext, English as the source).

The catalogs are `crm/locale/<lang>/LC_MESSAGES/rapport.po`, the translators' files, kept in the
repository and shipped as they are; `make messages` extracts `crm/locale/rapport.pot` from the code
and merges it into them. The first `use` of a language compiles its `.po` into a `.mo` in the
user's cache directory, named by a hash of the `.po` (so a changed catalog is compiled again and
an unchanged one never is), and later runs read that `.mo` with plain gettext: see
docs/design.md, "Languages". Until a language is chosen with `use`, or when it has no catalog,
the English text is returned unchanged. Only human-readable text is translated: JSON keys, kind
values, ids and option names never are.

Importing this module costs nothing, and English costs nothing either: gettext is loaded by `use`
of another language, so a read-only command in English (`crm review`, run by cron every few
minutes) never pays for it.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

DOMAIN = "rapport"
LOCALE_DIR = Path(__file__).with_name("locale")
ENGLISH = "en"
LANGUAGES = (ENGLISH, "ru", "ro")  # the languages of the UI: English, the source, and the catalogs'


class _Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...
    def pgettext(self, context: str, message: str, /) -> str: ...
    def npgettext(self, context: str, singular: str, plural: str, n: int, /) -> str: ...


_translation: _Catalog | None = None  # None: English, the source
_language = ENGLISH


def use(language: str) -> None:
    """Translate into `language` (one of LANGUAGES) from now on; English when it has no catalog."""
    global _translation, _language
    _language = language if language in LANGUAGES else ENGLISH
    _translation = None if _language == ENGLISH else _catalog(_language)


def language() -> str:
    """The reader's language: the one `use` chose (English until then)."""
    return _language


def _(message: str) -> str:
    """The message in the reader's language."""
    return message if _translation is None else _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for `count`, as the reader's language counts."""
    if _translation is None:
        return singular if count == 1 else plural
    return _translation.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """The message in the reader's language, as meant in `context`: one English word may need
    different translations ("key" of a temperament, a tier, a setting)."""
    return message if _translation is None else _translation.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    """`ngettext` for a message with a context."""
    if _translation is None:
        return singular if count == 1 else plural
    return _translation.npgettext(context, singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for extraction where it is stored or tabled; translate it with `_` when shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair where it is tabled; count it with `ngettext(*pair, n)` when shown.
    (Two `N_` would extract two unrelated messages, which `ngettext` never finds.)"""
    return singular, plural


def NC_(context: str, message: str) -> tuple[str, str]:
    """Mark a message with its context where it is tabled; translate it with `pgettext(*mark)` when
    shown (the context travels with the message, so the two cannot be paired wrongly)."""
    return context, message


# --- choosing the language ---------------------------------------------------------------------


def supported(code: str | None) -> str | None:
    """The UI language a language or locale name means ("ru", "ru_RU.UTF-8", "ro-RO", "RU"), or
    None when it names none of LANGUAGES ("de_DE", "C", "")."""
    if not code:
        return None
    base = code.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def pick(option: str | None = None, configured: str | None = None,
         environ: Mapping[str, str] = os.environ) -> str:
    """The language to speak, first found of: `--lang` (`option`), the settings file's `language`
    (`configured`), $CRM_LANG, the locale (the first of LC_ALL, LC_MESSAGES and LANG that is set,
    as POSIX reads them), English. A value naming no UI language is passed over."""
    for candidate in (option, configured, environ.get("CRM_LANG")):
        if found := supported(candidate):
            return found
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), None)
    return supported(locale) or ENGLISH


# --- catalogs ----------------------------------------------------------------------------------


def catalog_path(language: str) -> Path:
    """The translators' catalog of `language`."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _catalog(language: str) -> _Catalog | None:
    """The compiled catalog of `language`, from the cache when it holds this `.po`'s compilation."""
    import hashlib
    from gettext import GNUTranslations
    from io import BytesIO

    try:
        source = catalog_path(language).read_bytes()
    except OSError:  # no catalog for it: English
        return None
    from crm.occasion_cache import cache_dir

    compiled = cache_dir() / "locale" / f"{DOMAIN}-{language}-{hashlib.sha256(source).hexdigest()[:20]}.mo"
    try:
        with open(compiled, "rb") as handle:
            return GNUTranslations(handle)
    except (OSError, ValueError, UnicodeError, IndexError):  # not compiled yet, or a damaged file: again
        pass
    data = compile_catalog(source)
    _store(compiled, data)
    return GNUTranslations(BytesIO(data))


def compile_catalog(source: bytes) -> bytes:
    """A `.po` file's text as a `.mo` file's bytes (fuzzy and untranslated entries left out, so
    they read as English)."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = BytesIO()
    write_mo(out, read_po(BytesIO(source)))
    return out.getvalue()


def _store(path: Path, data: bytes) -> None:
    """Keep a compiled catalog for the next run; failing to (a read-only home) costs that run the
    compilation again, never a translation. Other hashes' files are left: two installations may
    share one cache directory."""
    from crm.backup import atomic_file
    from crm.errors import UserError

    try:
        with atomic_file(path) as handle:
            handle.write(data)
    except (OSError, UserError):
        pass
