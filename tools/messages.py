"""`make messages`: extract the messages of the code into `crm/locale/rapport.pot`, then merge them
into each language's catalog (`crm/locale/<lang>/LC_MESSAGES/rapport.po`), which translators fill.

Run it after adding, changing or removing a string in `_()`, `N_()`, `ngettext()`, `pgettext()` or `NC_()`;
tests/unit/test_catalogs.py fails while the template is stale or a catalog lacks a translation.
Entries are sorted by message and name only their files, so moving code changes no catalog. A
message whose English changed keeps its old translation marked fuzzy (not used until a translator
confirms it); a removed message is dropped (git keeps its history).
"""

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("crm", "widgets")  # the folders whose Python files hold messages
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "N_plural": (1, 2),  # crm.i18n's markers
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "NC_": ((1, "c"), 2)}
COMMENT_TAG = "Translators:"  # a comment starting so, just above a message, is shown to translators
WIDTH = 100
_DATE_LINES = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def template(root: Path = ROOT) -> Catalog:
    """Every message marked in the code under `root`, with the files it is used in."""
    catalog = Catalog(project="Rapport", version="", copyright_holder="Rapport developers",
                      msgid_bugs_address="", charset="utf-8", fuzzy=False)
    for folder in SOURCES:
        for filename, _line, message, comments, context in extract_from_dir(
                root / folder, [("**.py", "python")], keywords=KEYWORDS, comment_tags=(COMMENT_TAG,),
                strip_comment_tags=True):
            catalog.add(message, None, [(f"{folder}/{filename}", None)], auto_comments=comments, context=context)
    return catalog


def render(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=WIDTH, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def write_if_changed(path: Path, text: bytes) -> bool:
    """Write `text` unless the file already says the same but for its dates; whether it wrote."""
    def undated(data: bytes) -> list[bytes]:
        return [line for line in data.splitlines() if not line.startswith(_DATE_LINES)]

    if path.is_file() and undated(path.read_bytes()) == undated(text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return True


def update(root: Path = ROOT) -> list[Path]:
    """Extract the template and merge it into every language's catalog; the files changed."""
    from crm.i18n import DOMAIN, ENGLISH, LANGUAGES

    locale_dir = root / "crm" / "locale"
    pot = template(root)
    changed = [locale_dir / f"{DOMAIN}.pot"] if write_if_changed(locale_dir / f"{DOMAIN}.pot", render(pot)) else []
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="Rapport", version="", charset="utf-8", fuzzy=False,
                              copyright_holder="Rapport developers", msgid_bugs_address="")
        catalog.update(pot)
        if write_if_changed(path, render(catalog)):
            changed.append(path)
    return changed


if __name__ == "__main__":
    for written in update():
        print(f"updated {written.relative_to(ROOT)}")
    sys.exit(0)
