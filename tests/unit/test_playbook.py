"""The playbook data: complete in English, Russian and Romanian, typed, with a fallback to English."""

import json
from importlib.resources import files
from string import Template

import pytest

from crm import playbook
from crm.domain import GROUPS, TEMPERAMENTS
from crm.playbook import ANTI_PATTERNS, BAD_CLIENT_CRITERIA, STEP_LISTS, load_playbook

LANGUAGES = ("en", "ru", "ro")
TRANSLATIONS = tuple(code for code in LANGUAGES if code != "en")


def _raw(code: str) -> dict:
    return json.loads((files("crm.data") / "playbook" / f"{code}.json").read_text(encoding="utf-8"))


def _shape(value):
    """Keys and list lengths, without the words: what a translation must keep."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value] if value and isinstance(value[0], dict) else len(value)
    return type(value).__name__


def test_the_installed_package_ships_every_language():
    assert playbook.available_languages() == ("en", "ro", "ru")


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_a_translation_has_exactly_the_structure_of_english(language):
    assert _raw(language)["language"] == language
    assert _shape(_raw(language)) == _shape(_raw("en"))


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("key", sorted(_raw("en")["messages"]))
def test_a_translated_message_keeps_every_placeholder(language, key):
    english = set(Template(_raw("en")["messages"][key]).get_identifiers())
    assert set(Template(_raw(language)["messages"][key]).get_identifiers()) == english


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_romanian_writes_s_and_t_with_the_comma_below():
    text = "".join(_strings(_raw("ro")))
    assert not set(text) & set("şţŞŢ")  # the cedilla forms
    assert "ș" in text and "ț" in text and not _cyrillic(text)


def _cyrillic(text: str) -> bool:
    return any("а" <= ch.lower() <= "я" for ch in text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", TEMPERAMENTS)
def test_every_temperament_has_behaviour_and_approach(language, key):
    mood = playbook.temperament(key, language)
    assert mood.key == key and mood.name and mood.behaviour and mood.approach
    assert _cyrillic(mood.approach) == (language == "ru")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", GROUPS)
def test_every_group_has_signs_cost_and_consequences(language, key):
    group = playbook.group(key, language)
    assert group.name and group.repair_cost and group.signs and group.consequences
    assert _cyrillic(group.name) == (language == "ru")


@pytest.mark.parametrize("language", LANGUAGES)
def test_strategies_fit_the_groups_and_anti_patterns_carry_warnings(language):
    book = load_playbook(language)
    assert book.strategies["start_over"].fits == ("B", "C")  # never A
    assert book.strategies["soften_blow"].fits == ("A", "B", "C")  # every group, always
    assert [s.key for s in book.anti_patterns] == list(ANTI_PATTERNS)
    for strategy in book.strategies.values():
        assert strategy.essence
        assert strategy.anti_pattern == (strategy.key in ANTI_PATTERNS)
        assert bool(strategy.warning) == strategy.anti_pattern
        assert (strategy.fits == ()) == strategy.anti_pattern


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lists_have_the_playbook_lengths(language):
    book = load_playbook(language)
    assert {key: len(book.step_lists[key].steps) for key in STEP_LISTS} == {
        "studio_seven": 7, "settling_seven": 7, "angry_ten": 10, "five_stages": 5, "rule_of_three": 3}
    assert all(book.step_lists[key].title for key in STEP_LISTS)
    assert [a.key for a in book.start_over_actions] == [
        "apology_letter", "redo", "future_discount", "extra_need", "gift_to_office", "restaurant"]
    assert len(book.parting_steps) == 4
    assert len(book.general_advice) == 6
    assert len(book.cool_down) >= 5
    assert set(book.difficult_vs_bad.criteria) == set(BAD_CLIENT_CRITERIA)
    assert set(book.compensation.signals) == {"bonus", "gift"}


def test_the_numbers_carry_over_into_both_languages():
    for code in LANGUAGES:
        book = load_playbook(code)
        assert "25" in book.temperaments["quiet"].approach  # 1 in 25 quiet clients complains
        assert "26" in book.difficult_vs_bad.difficult
        assert "30" in book.step_lists["angry_ten"].steps[-1]  # follow up after ~30 days
        assert "20" in book.cool_down[3] and "40" in book.cool_down[3]


@pytest.mark.parametrize(("asked", "served"), [
    ("ru", "ru"), ("RU", "ru"), ("ru-RU", "ru"), ("ru_RU", "ru"), ("en", "en"), ("ro", "ro"), ("ro-RO", "ro"),
    ("de", "en"), ("", "en"), (None, "en"), ("../ru", "en"), ("ру", "en"),
])
def test_a_language_without_a_playbook_falls_back_to_english(asked, served):
    assert load_playbook(asked).language == served


def test_the_playbook_is_read_once_per_language():
    assert load_playbook("ru") is load_playbook("ru-RU")


def test_a_partial_translation_borrows_the_missing_entries_from_english(monkeypatch):
    real = playbook._read
    partial = {"language": "xx", "temperaments": {"key": {"approach": "XX approach"}}}
    monkeypatch.setattr(playbook, "_read", lambda code: partial if code == "xx" else real(code))
    book = playbook._load.__wrapped__("xx")  # uncached, so the fake file stays out of the cache
    assert book.temperaments["key"].approach == "XX approach"
    assert book.temperaments["key"].name == load_playbook("en").temperaments["key"].name
    assert book.step_lists == load_playbook("en").step_lists


def test_messages_insert_values_literally():
    book = load_playbook("en")
    text = book.message("strategy.temperament", name="[bold]$x{y}", approach="${group}")
    assert "[bold]$x{y}" in text and "${group}" in text


def test_an_unknown_temperament_is_a_key_error():
    with pytest.raises(KeyError):
        playbook.temperament("grumpy")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_stored_key_an_incident_card_shows_has_a_label(language):
    from crm.diagnosis import COMPENSATION_ADVICE, FAULTS, VALUES
    from crm.domain import COMPENSATION_KINDS, COMPENSATION_STATUSES, GROUPS, OUTCOMES, SEVERITIES
    from crm.playbook import label

    stored = {"strategy": ("start_over", "soften_blow", "part", "counter_attack", "ignore"), "group": GROUPS,
              "outcome": OUTCOMES, "severity": SEVERITIES, "compensation": (*COMPENSATION_KINDS, *COMPENSATION_ADVICE),
              "compensation_status": COMPENSATION_STATUSES, "fault": FAULTS, "value": VALUES,
              "client_kind": ("difficult", "bad"), "letter": ("apology", "refusal", "parting", "thanks")}
    for field, keys in stored.items():
        for key in keys:
            shown = label(field, key, language)
            assert shown and "_" not in shown, (field, key, shown)
    assert label("strategy", "soften_blow") == "Soften the blow"
    assert label("group", "A") == "A · Group of death"
    assert label("outcome", None) == "" and label("outcome", "someday") == "someday"
