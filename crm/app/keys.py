"""Key bindings shared by screens, and the keyboard layouts every one-letter key works in.

Layouts: a key is bound once, by the letter it has on a US keyboard ("d"), and also fires from the
same physical key in the Russian ЙЦУКЕН layout ("в"; shifted, "D" and "В"), and in the Romanian
standard one where it differs. One table says what each layout types on each key (LAYOUTS); the
app looks a key that nothing is bound to up in it and tries the US key instead (`RapportApp.
_check_bindings`), so every screen, dialog and widget, and a key the user rebinds in the keymap,
gets its twins without saying so. A key the other layout types that is itself on the US keyboard
("." where US has "/") is left alone: on a US keyboard it means itself. Typing into a field is
unaffected: a field takes its letters before any binding is looked at.
"""

from functools import cache

from textual.binding import Binding
from textual.keys import _character_to_key

from crm.i18n import N_

_SECTIONS = (
    Binding("r", "app.show_review", N_("Review"), show=False),
    Binding("c", "app.show_clients", N_("Clients"), show=False),
    Binding("k", "app.show_keep_in_touch", N_("Keep in touch"), show=False),
)

# What each key of the main block types, row by row, without and with shift: the US layout, then
# each other layout on the same physical keys. Romanian standard (SR 13392:2004) is QWERTY: only
# the keys right of the letters and the one left of 1 differ (ă î â ș ț, „ ”).
US = ("`1234567890-=" "qwertyuiop[]\\" "asdfghjkl;'" "zxcvbnm,./",
      "~!@#$%^&*()_+" "QWERTYUIOP{}|" 'ASDFGHJKL:"' "ZXCVBNM<>?")
LAYOUTS: dict[str, tuple[str, str]] = {
    "ru": ("ё1234567890-=" "йцукенгшщзхъ\\" "фывапролджэ" "ячсмитьбю.",
           'Ё!"№;%:?*()_+' "ЙЦУКЕНГШЩЗХЪ/" "ФЫВАПРОЛДЖЭ" "ЯЧСМИТЬБЮ,"),
    "ro": ("„1234567890-=" "qwertyuiopăîâ" "asdfghjklșț" "zxcvbnm,./",
           "”!@#$%^&*()_+" "QWERTYUIOPĂÎÂ" "ASDFGHJKLȘȚ" "ZXCVBNM;:?"),
}


@cache
def twins() -> dict[str, str]:
    """Each character another layout types where the US layout types something else, with that
    US character ("в" → "d", "В" → "D", "ș" → ";"); characters on the US keyboard are left out."""
    found: dict[str, str] = {}
    for rows in LAYOUTS.values():
        for row, us_row in zip(rows, US, strict=True):
            for typed, us in zip(row, us_row, strict=True):
                if typed != us and not typed.isascii():
                    found[typed] = us
    return found


@cache
def _twin_keys() -> dict[str, str]:
    """`twins` as Textual names the keys ("в" → "d", "№" → "numero_sign" → "number_sign")."""
    return {_character_to_key(typed): _character_to_key(us) for typed, us in twins().items()}


def us_key(key: str) -> str | None:
    """The key (as Textual names it, modifiers kept) the US layout has where another layout typed
    `key`: "в" → "d", "ctrl+в" → "ctrl+d"; None when `key` is no other layout's."""
    modifiers, plus, name = key.rpartition("+")
    found = _twin_keys().get(name)
    return None if found is None else f"{modifiers}{plus}{found}"


def quiet_sections(*taken: str) -> list[Binding]:
    """The section keys, working but left out of the footer, except the keys in `taken` (the
    screen's own use of them wins).

    For screens with many keys of their own: a footer wider than 80 columns is cut and garbled,
    and help (?) and the palette list every key anyway.
    """
    return [binding for binding in _SECTIONS if binding.key not in taken]


# --- what `crm config set` may name (it asks the app, not the other way round) --------------------


def theme_names() -> list[str]:
    """The themes the app can show."""
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def binding_ids() -> list[str]:
    """The id of every key binding of the app, its screens and widgets (what a keymap rebinds)."""
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import crm.app.screens
    import crm.widgets as widgets
    from crm.app.app import RapportApp

    for package in (crm.app.screens, widgets):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    found: set[str] = set()
    classes: list[type] = [RapportApp, DOMNode]
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        if cls.__module__.startswith(("crm.", "widgets.")):
            found |= {b.id for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id}
    return sorted(found)
