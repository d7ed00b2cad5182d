"""The vocabulary's words (crm.domain.WORDS): every stored value has words in every language, and
one English word in two vocabularies reads as each means it (issue 13)."""

import pytest

from crm import domain, i18n
from crm.domain import VOCABULARIES, WORDS, word, words


def test_every_value_of_every_vocabulary_has_its_words():
    assert {name: tuple(WORDS[name]) for name in VOCABULARIES} == VOCABULARIES
    assert set(WORDS) == set(VOCABULARIES)
    assert all(context == name for name, marks in WORDS.items() for context, _english in marks.values())


def test_english_reads_the_value_itself():
    i18n.use("en")
    assert words("temperament")["know-it-all"] == "know-it-all"
    assert word("incident event", "fix_delivered") == "fix delivered"
    assert word("tier", "no-such-tier") == "no-such-tier"  # an old or imported value: as stored


@pytest.mark.parametrize("language", ["ru", "ro"])
def test_each_vocabulary_is_translated_and_a_shared_english_word_is_told_apart(language):
    i18n.use(language)
    for name, values in VOCABULARIES.items():
        shown = words(name)
        assert list(shown) == list(values)
        untranslated = [v for v in values if shown[v] == WORDS[name][v][1]]
        assert set(untranslated) <= {"fax", "pager", "bonus"}, (name, untranslated)  # words Romanian shares
    # "key": a temperament, a tier, and a settings key (crm/exchange/checks.py, no context)
    assert "key" not in (word("temperament", "key"), word("tier", "key"))
    if language == "ru":  # "ключевой" client, not a "ключ"
        assert i18n._("key") == "ключ" and word("tier", "key") == "ключевой"


def test_the_domain_tables_are_marked_for_extraction():
    """`make messages` finds each (context, word) pair: the catalog holds them with their context."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    with open(Path(domain.__file__).with_name("locale") / "rapport.pot", "rb") as handle:
        template = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert {mark for marks in WORDS.values() for mark in marks.values()} <= template
