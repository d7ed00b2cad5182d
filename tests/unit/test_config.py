"""Settings per person (crm.config, `crm config`): a TOML file in the user's config directory,
checked key by key, a broken file said in one line and never in the way."""

import json
from pathlib import Path

import pytest

from crm import i18n
from crm.config import Signature, dumps, load, set_value, settings_path
from crm.errors import UserError


@pytest.fixture
def config_file(tmp_path) -> Path:
    return tmp_path / "home" / "config" / "rapport" / "settings.toml"


def test_the_file_is_in_the_user_s_config_directory(cli, config_file):
    result = cli("config", "path")
    assert (result.code, result.out, result.err) == (0, f"{config_file}\n", "")
    assert settings_path() == config_file and not config_file.exists()


def test_without_a_file_the_defaults(cli):
    assert load() == load(Path("/nonexistent/settings.toml"))
    assert load().language is None and load().signature == Signature()
    assert cli("config", "show").out.startswith("No settings yet")


def test_set_writes_each_key_and_show_prints_them(cli, config_file, tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    for key, value in (("language", "ru"), ("theme", "nord"), ("signature.name", 'Ana "Ani" Popescu'),
                       ("signature.title", "Director"), ("keymap.review.done", "x,ctrl+d"),
                       ("templates", str(letters))):
        result = cli("config", "set", key, value)
        assert (result.code, result.err) == (0, ""), key
    settings = load()
    assert (settings.language, settings.theme, settings.templates, dict(settings.keymap)) == (
        "ru", "nord", letters, {"review.done": "x,ctrl+d"})
    assert settings.signature == Signature('Ana "Ani" Popescu', "Director", "")
    shown = cli("config", "show").out
    assert 'language = "ru"' in shown and '"review.done" = "x,ctrl+d"' in shown and "[signature]" in shown
    assert oct(config_file.stat().st_mode & 0o777) == "0o600"


def test_an_empty_value_removes_a_key(cli):
    set_value("language", "ro")
    set_value("signature.name", "Ana")
    assert cli("config", "set", "language", "").code == 0
    assert cli("config", "set", "signature.name", "").code == 0
    assert load().language is None and "signature" not in settings_path().read_text()


@pytest.mark.parametrize(("key", "value", "said"), [
    ("language", "de", "language must be one of en, ru, ro, not 'de'"),
    ("theme", "sparkly", "unknown theme 'sparkly' (known: "),
    ("templates", "/nonexistent/letters", "templates: /nonexistent/letters is not a folder"),
    ("signature.name", "a\x00b", "must not contain a NUL character"),
    ("signature.age", "40", "unknown setting 'signature.age'"),
    ("colour", "red", "unknown setting 'colour'"),
    ("keymap.review.done", "ctrl+", "not keys: 'ctrl+'"),
    ("keymap.review.dnoe", "x", "unknown key id 'review.dnoe' (did you mean review.done"),
    ("keymap.review.qqqqqqqqqqqqqqq", "x", "(the keys of review: review."),
    ("keymap.Qqqq", "x", "unknown key id 'Qqqq' (an id is a screen and an action, such as review.done; "
                           "the screens: app, "),
])
def test_a_bad_value_is_one_line_and_nothing_is_written(cli, config_file, key, value, said):
    set_value("signature.title", "Director")  # a file to keep as it is (not a language: the error is English)
    before = config_file.read_bytes()
    result = cli("config", "set", key, value)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("crm: ") and said in result.err and result.err.count("\n") == 1
    assert config_file.read_bytes() == before


def test_the_writer_s_toml_reads_back_whatever_the_text():
    import tomllib

    data = {"language": "ru", "odd key": 'a "quoted" \\ back\tslash\x1b', "keymap": {"review.done": "x"},
            "signature": {"name": "Ştefan Ionescu", "title": "Директор"}}
    assert tomllib.loads(dumps(data)) == data


@pytest.mark.parametrize(("text", "line", "reason"), [
    ('language = "ru"\ntheme = \n', 2, "not TOML: Invalid value"),
    ('language = "ru"\n[keymap\n', 2, "not TOML"),
    ('language = "de"\ntheme = "nord"\n', 1, "language must be one of en, ru, ro, not 'de'"),
    ('theme = "nord"\nlangauge = "ru"\n', 2, "unknown setting 'langauge'"),
    ('[signature]\nname = 5\n', 1, "signature.name must be one line of text"),
])
def test_a_broken_file_is_one_line_naming_the_file_and_line(cli, config_file, text, line, reason):
    config_file.parent.mkdir(parents=True)
    config_file.write_text(text)
    assert load().problem.startswith(f"{config_file}:{line}: ")
    assert reason in load().problem
    listed = cli("client", "list", "--json")  # every command still works, on the defaults
    assert listed.code == 0 and json.loads(listed.out) == []
    assert listed.err == f"crm: {load().problem} (the defaults are used)\n"
    shown = cli("config", "show")
    assert (shown.code, shown.err) == (2, f"crm: {load().problem}\n")
    refused = cli("config", "set", "theme", "nord")
    assert refused.code == 2 and "fix or remove the file first; nothing was written" in refused.err
    assert config_file.read_text() == text


def test_a_value_that_is_wrong_is_ignored_and_the_others_kept(config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_text('language = "xx"\ntheme = "nord"\n')
    assert (load().language, load().theme) == (None, "nord")


def test_a_file_not_in_utf8_is_named_with_its_line(config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_bytes(b'theme = "nord"\nlanguage = "\xff"\n')
    assert load().problem == f"{config_file}:2: not UTF-8 text"


def test_the_language_comes_from_the_option_then_the_file_then_the_environment(cli, monkeypatch):
    set_value("language", "ru")
    monkeypatch.setenv("CRM_LANG", "ro")
    cli("client", "list")
    assert i18n.language() == "ru"
    cli("--lang", "en", "client", "list")
    assert i18n.language() == "en"
    cli("--lang=ro", "client", "list")
    assert i18n.language() == "ro"
    set_value("language", "")
    cli("client", "list")
    assert i18n.language() == "ro"  # $CRM_LANG
    monkeypatch.delenv("CRM_LANG")
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    cli("client", "list")
    assert i18n.language() == "ru"  # the locale


def test_an_unknown_language_option_is_a_usage_error(cli):
    result = cli("--lang", "de", "client", "list")
    assert result.code == 2 and "invalid choice: 'de'" in result.err


def test_json_is_the_same_in_every_language(cli):
    assert cli("client", "add", "Ştefan Ionescu", "--country", "RO").code == 0
    outputs = {lang: cli("--lang", lang, "client", "list", "--json").out for lang in i18n.LANGUAGES}
    assert len(set(outputs.values())) == 1 and json.loads(outputs["ru"])[0]["status"] == "active"


# --- the settings where they are used ---------------------------------------------------------


def test_the_person_s_signature_signs_before_the_owner_s(db):
    from crm.agency import set_signer, signer

    set_signer("Maria Owner", "Director")
    assert signer().lines == ("Maria Owner", "Director")
    set_value("signature.name", "Ana Popescu")
    set_value("signature.company", "Blue Fox Studio")
    assert (signer().lines, signer().configured) == (("Ana Popescu", "Blue Fox Studio"), True)


def test_the_person_s_templates_come_before_the_shipped_ones(tmp_path):
    from crm.letters import draft_letter

    folder = tmp_path / "letters"
    (folder / "ro").mkdir(parents=True)
    (folder / "ro" / "greeting.txt").write_text("Dragă $contact, la mulți ani! — $sender\n", encoding="utf-8")
    (folder / "fr").mkdir()
    (folder / "fr" / "birthday.txt").write_text("Joyeux anniversaire, $client !\n", encoding="utf-8")
    shipped = draft_letter("greeting", language="ro", client_name="Ion", sender="Ana")
    set_value("templates", str(folder))
    letter = draft_letter("greeting", language="ro", client_name="Ion", sender="Ana")
    assert letter == "Dragă Ion, la mulți ani! — Ana\n"
    assert draft_letter("birthday", language="fr", client_name="Léa") == "Joyeux anniversaire, Léa !\n"
    assert draft_letter("winback", language="ro", client_name="Ion") != shipped  # no own winback: shipped
    (folder / "ro" / "greeting.txt").write_bytes(b"\xff\xfe")
    with pytest.raises(UserError, match=r"your letter template .*greeting.txt is not UTF-8 text"):
        draft_letter("greeting", language="ro", client_name="Ion", sender="Ana")
