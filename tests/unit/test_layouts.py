"""The keyboard layout table (crm.app.keys): every one-letter key has its twin in the Russian
ЙЦУКЕН layout, shifted too, and nothing on a US keyboard changes meaning."""

from string import ascii_letters

from textual.binding import Binding

from crm.app.keys import LAYOUTS, US, binding_ids, twins, us_key


def test_each_layout_has_a_character_for_every_key_of_the_us_rows():
    for name, rows in LAYOUTS.items():
        assert [len(row) for row in rows] == [len(row) for row in US], name
        assert len(set(rows[0])) == len(rows[0]) and len(set(rows[1])) == len(rows[1]), f"{name}: a key twice"


def test_the_russian_twins_are_the_same_physical_keys():
    table = twins()
    assert {c: table[c] for c in "йцукенгшщзхъфывапролджэячсмитьбюё"} == dict(zip(
        "йцукенгшщзхъфывапролджэячсмитьбюё", "qwertyuiop[]asdfghjkl;'zxcvbnm,.`", strict=True))
    assert (table["В"], table["Ё"], table["№"]) == ("D", "~", "#")


def test_every_latin_letter_has_a_russian_twin_shifted_or_not():
    russian = {us: typed for typed, us in twins().items() if "\u0400" <= typed <= "\u04ff"}
    assert set(ascii_letters) <= set(russian)


def test_romanian_standard_differs_only_beside_the_letters():
    assert {c: twins()[c] for c in "ăîâșțĂÎÂȘȚ„”"} == dict(zip("ăîâșțĂÎÂȘȚ„”", "[]\\;'{}|:\"`~", strict=True))


def test_nothing_typed_on_a_us_keyboard_is_a_twin():
    """"." is where Russian has "/" (ю's neighbour), but a US "." must stay a full stop."""
    assert not [typed for typed in twins() if typed.isascii()]
    assert [us_key(key) for key in ("d", "D", "full_stop", "comma", "question_mark", "ctrl+d")] == [None] * 6


def test_the_key_names_are_textual_s_and_modifiers_are_kept():
    assert [us_key(key) for key in ("в", "В", "ctrl+в", "alt+shift+ц", "numero_sign", "ș")] == [
        "d", "D", "ctrl+d", "alt+shift+w", "number_sign", "semicolon"]


def test_every_one_letter_key_of_the_app_has_a_twin():
    from textual.dom import DOMNode

    binding_ids()  # imports every screen and widget module
    keys, classes = set(), [DOMNode]
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        if cls.__module__.startswith("crm."):
            keys |= {b.key for b in Binding.make_bindings(cls.__dict__.get("BINDINGS", ()))}
    letters = {key for key in keys if len(key) == 1 and key.isalpha()}
    assert letters and letters <= set(twins().values())
