"""In Russian and Romanian no English source text is left on screen: every screen and dialog a user
reaches is rendered at 80×24 and searched for the English of each message in the catalog
(crm/locale/rapport.pot).

A message counts as left in English when a piece of its English (the text between placeholders,
at least four letters) is painted, unless a translation in the language's catalog holds that same
piece (a word the language shares: Romanian "Client", "Status", "date"). The data is typed in the test's language, so
no English comes from it; kind values (crm.domain's vocabulary), ids and proper names are shown as
stored and are not searched for.
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crm import domain, i18n, kinds
from crm.clients import ClientFields, add_client, change_status, log_touch
from crm.i18n import use
from crm.incidents import compensate, open_incident
from crm.promises import add_promise

from .rendered import painted
from .support import palette_hits, settle, start_app, until

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.ENGLISH]
PROPER_NAMES = {"Rapport"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_BOXES = re.compile("[\u2500-\u259f]")  # borders, scrollbars, block elements between words


def _catalog(path: Path, language: str | None = None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=language)


def _texts(value) -> tuple[str, ...]:
    """A message's id or string: its plural forms, or the one text."""
    if isinstance(value, (tuple, list)):
        return tuple(v for v in value if v)
    return (value,) if value else ()


def _vocabulary() -> set[str]:
    words = {name for name in vars(domain).values() if isinstance(name, str)}
    for values in vars(domain).values():
        if isinstance(values, tuple):
            words |= {v for v in values if isinstance(v, str)}
    return words | {k.name for k in kinds.kinds()}


def english_pieces(language: str) -> set[str]:
    """The English pieces of the messages that the language does not write the same way: a piece
    found in any of its translations is a word it shares (Romanian "Contact", "Note", "date")."""
    translated = " ".join(" ".join(_texts(m.string)) for m in _catalog(i18n.catalog_path(language), language)
                          if m.id and not m.fuzzy)
    skip = _vocabulary() | PROPER_NAMES
    pieces: set[str] = set()
    for message in _catalog(ROOT / "crm" / "locale" / "rapport.pot"):
        for text in _texts(message.id):
            for part in _PLACEHOLDER.split(text):
                for line in part.split("\n"):
                    piece = line.strip(" ·—:;,.()…!?\"'“”-»›")
                    if sum(c.isalpha() for c in piece) >= 4 and piece not in skip:
                        pieces.add(piece)
    return {piece for piece in pieces
            if piece not in translated or not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", translated)}


def flowing(screen: str) -> str:
    """The painted screen as one line of words: borders and runs of blanks are one space."""
    return " ".join(_BOXES.sub(" ", screen).split())


def left_in_english(screen: str, pieces: set[str]) -> list[str]:
    """The pieces painted on `screen`, sorted."""
    text = flowing(screen)
    found = []
    for piece in sorted(pieces):
        # A long sentence may wrap beside other text (a dialog over a list): its first words tell.
        shown = " ".join(piece.split()[:4]) if len(piece) > 30 else piece
        if re.search(rf"(?<!\w){re.escape(shown)}(?!\w)", text):
            found.append(piece)
    return found


@dataclass
class Book:
    """A few clients, typed in the test's language, so every screen has something to show."""

    client: int
    incident: int


def fill(language: str, today) -> Book:
    words = {
        "ru": ("Анна Смирнова", "Ромашка", "Позвонить насчёт макета", "Сорванный срок", "Они недовольны",
               "Борис Петров", "Виктор Орлов", "Поговорили о новом заказе"),
        "ro": ("Ana Popescu", "Florărie", "Sunăm despre machetă", "Termen ratat", "Sunt nemulțumiți",
               "Bogdan Ionescu", "Victor Marin", "Am vorbit despre comanda nouă"),
    }[language]
    name, company, promise, title, complaint, departed, parted, note = words
    client = add_client(ClientFields(name=name, company=company, country=language.upper()),
                        today=today - timedelta(days=200))
    add_promise(client, promise, due=today, on=today - timedelta(days=3))
    log_touch(client, kind="call", on=today - timedelta(days=20), note=note)
    incident = open_incident(client, title, severity="high", on=today - timedelta(days=5), words=complaint)
    compensate(incident, kind="discount", amount=Decimal(150), currency="EUR", on=today)
    for who, action in ((departed, "depart"), (parted, "part")):
        other = add_client(ClientFields(name=who), today=today - timedelta(days=400))
        change_status(other, action, on=today - timedelta(days=60))
    return Book(client, incident)


Visit = Callable[..., Awaitable[None]]


async def _review(app, pilot, book: Book) -> None:
    app.show_review()


async def _touch_dialog(app, pilot, book: Book) -> None:
    app.show_review()
    await settle(app, pilot)
    await pilot.press("t")


async def _clients(app, pilot, book: Book) -> None:
    app.show_clients()


async def _client_form(app, pilot, book: Book) -> None:
    app.show_clients()
    await settle(app, pilot)
    await pilot.press("down", "a")


async def _client(app, pilot, book: Book) -> None:
    app.open_client(book.client)


async def _incident(app, pilot, book: Book) -> None:
    app.open_incident(book.incident)


async def _keep_in_touch(app, pilot, book: Book) -> None:
    app.show_keep_in_touch()


async def _help(app, pilot, book: Book) -> None:
    app.action_help()


async def _palette(app, pilot, book: Book) -> None:
    await pilot.press("ctrl+p")
    await until(app, pilot, lambda: palette_hits(app), "the palette's commands")


async def _wizard(app, pilot, book: Book) -> None:
    app.open_wizard(client_id=book.client)


VISITS: dict[str, Visit] = {
    "review": _review,
    "touch dialog": _touch_dialog,
    "clients": _clients,
    "a form (new client)": _client_form,
    "client": _client,
    "incident": _incident,
    "keep in touch": _keep_in_touch,
    "help": _help,
    "palette": _palette,
    "wizard, first step": _wizard,
}



@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_english_is_left_on_any_screen(language, db, db_path, today):
    pieces = english_pieces(language)
    use(language)
    book = fill(language, today)  # what the app writes for them (an offer, a resolution) is in their language
    app = start_app(db_path, today)
    left: dict[str, list[str]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        for name, visit in VISITS.items():
            while len(app.screen_stack) > 1:  # dialogs and the palette too: back to the Review
                app.pop_screen()
            await settle(app, pilot)
            await visit(app, pilot, book)
            await settle(app, pilot)
            if found := left_in_english(painted(app), pieces):
                left[name] = found
    assert not left, f"{language}: English left on screen: {left}"



@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_english_is_left_on_the_welcome(language, db, db_path, today):
    pieces = english_pieces(language)
    use(language)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        found = left_in_english(painted(app), pieces)
    assert not found, f"{language}: English left on the welcome: {found}"


def test_english_left_on_screen_is_found():
    """The search itself: a wrapped sentence, a word inside another, a shared word."""
    pieces = {"Nothing recorded yet", "Open", "Mark done, with an optional note", "due"}
    screen = "│ Mark done, with an  │\n│ optional note │ Opened ║ Nothing recorded yet. 3 due"
    assert left_in_english(screen, pieces) == ["Mark done, with an optional note", "Nothing recorded yet", "due"]


# --- the vocabulary, dates and columns in the reader's language ---------------------------------

WORDS = {  # what a form shows for stored values, and a date field's first value
    "ru": {"tier": "обычный", "temperament": "уравновешенный", "status": "активный", "choice": "вспыльчивый",
           "severity": "средняя", "touch": "звонок", "today": "сегодня", "event": "жалоба", "high": "высокая"},
    "ro": {"tier": "obișnuit", "temperament": "echilibrat", "status": "activ", "choice": "irascibil",
           "severity": "medie", "touch": "apel", "today": "azi", "event": "reclamație", "high": "ridicată"},
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_form_s_choices_and_first_date_read_in_the_reader_s_language(language, db, db_path, today):
    from textual.widgets import Input, Select

    use(language)
    book = fill(language, today)
    words = WORDS[language]
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await _client_form(app, pilot, book)
        await until(app, pilot, lambda: app.screen.query("#field-temperament"), "the new client form")
        screen = flowing(painted(app))
        assert all(words[k] in screen for k in ("tier", "temperament", "status")), screen
        assert not {"regular", "balanced", "active"} & set(screen.split())
        temperament = app.screen.query_one("#field-temperament", Select)
        temperament.focus()
        await pilot.press("enter")  # the list of choices opens
        await until(app, pilot, lambda: temperament.expanded, "the temperament's choices")
        assert words["choice"] in flowing(painted(app))
        await pilot.press("escape", "escape")
        while len(app.screen_stack) > 1:
            app.pop_screen()
        app.open_client(book.client)
        await settle(app, pilot)
        await pilot.press("i")  # a new incident: a severity and a date typed as today
        await until(app, pilot, lambda: app.screen.query("#field-severity"), "the incident form")
        assert words["severity"] in flowing(painted(app))
        assert app.screen.query_one("#field-on", Input).value == words["today"]
        await pilot.press("escape")
        app.open_incident(book.incident)  # its card says the stored "high" in the reader's words
        await settle(app, pilot)
        assert words["high"] in flowing(painted(app)) and "high" not in flowing(painted(app)).split()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_timeline_names_its_kinds_in_the_reader_s_language(language, db, db_path, today):
    use(language)
    book = fill(language, today)
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(book.client)
        await settle(app, pilot)
        screen = flowing(painted(app))
    assert WORDS[language]["touch"] in screen and WORDS[language]["event"] in screen  # the call, the incident
    assert WORDS[language]["status"] in screen and WORDS[language]["temperament"] in screen  # the card
    assert not {"call", "complaint", "compensation", "active", "balanced", "green"} & set(screen.split())


@pytest.mark.parametrize("language", [*LANGUAGES, "en"])
async def test_keep_in_touch_dates_fit_their_columns_at_80(language, db, db_path, today):
    """Departures a year and more ago are written with their year ("нояб. 2025 г."): never cut."""
    from crm.l10n import format_day

    use(language)
    shown = []
    for n, days in enumerate((400, 430, 500, 650)):
        other = add_client(ClientFields(name=f"C{n}"), today=today - timedelta(days=days + 300))
        log_touch(other, kind="call", on=today - timedelta(days=days + 10))
        change_status(other, "depart", on=today - timedelta(days=days))
        left, touched = today - timedelta(days=days), today - timedelta(days=days + 10)
        shown.append((format_day(left, "month"), format_day(touched, "month")))
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_keep_in_touch()
        await settle(app, pilot)
        await until(app, pilot, lambda: "C3" in painted(app), "the departed clients")
        rows = [line for line in painted(app).splitlines() if re.search(r"\bC\d\b", line)]
    assert len(rows) == 4
    for row, (left, touched) in zip(rows, shown, strict=True):  # the last column may cut an occasion's name
        assert left in row and touched in row, row
