"""`in_place`: what an editor shows of stored text, one visible character per control character; `counted`."""

import pytest

from crm.text import counted, in_place
from tests.hostile import HOSTILE, raw_controls


@pytest.mark.parametrize("text", HOSTILE)
def test_every_control_character_becomes_one_visible_one(text):
    shown = in_place(text)
    assert len(shown) == len(text)  # the cursor counts characters: positions stay put
    assert raw_controls(shown) == set()
    assert [a for a, b in zip(text, shown, strict=True) if a != b] == [c for c in text if raw_controls(c)]


def test_what_an_editor_shows():
    assert in_place("a\x1b[2J\x07b") == "a␛[2J␇b"
    assert in_place("\u202eexe\x9b\x7f") == "\ufffdexe\ufffd␡"
    assert in_place("tab\tand\nnewline [bold]") == "tab\tand\nnewline [bold]"


def test_counts_read_as_english():
    assert [counted(n, "client") for n in (0, 1, 2, 5000)] == ["0 clients", "1 client", "2 clients", "5,000 clients"]
    assert counted(1, "touch", "touches") == "1 touch" and counted(3, "touch", "touches") == "3 touches"


def test_fit_counts_terminal_columns_and_marks_every_cut():
    from crm.text import cells, fit, pad

    assert (cells("abc"), cells("Ура"), cells("東京"), cells("e\u0301")) == (3, 3, 4, 1)
    assert fit("Acme Ltd", 8) == "Acme Ltd" and fit("Acme Ltd", 7) == "Acme L…"
    assert fit("東京デザイン", 7) == "東京デ…" and cells(fit("東京デザイン", 6)) <= 6
    assert pad("Al", 5) == "Al   " and pad("東京デザイン", 6) == "東京… "
    assert cells(pad("東京デザイン", 6)) == 6
