"""The translation catalogs: current with the code, complete, placeholders kept; and how a catalog
reaches the app (compiled once into the user's cache, English paying nothing)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crm import i18n
from tools import messages

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.ENGLISH]
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([a-z_]+\))?[sdr]")  # ours, and argparse's own (%(prog)s, %s)


def _read(path: Path, language: str | None = None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=language, abort_invalid=True)


def _ids(catalog) -> set:
    """Each message as (context, id): one English word may be several messages ("key" of a tier, of
    a temperament)."""
    return {(message.context, message.id) for message in catalog if message.id}


def _forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_the_template_holds_every_message_of_the_code():
    committed = _ids(_read(ROOT / "crm" / "locale" / "rapport.pot"))
    extracted = _ids(messages.template(ROOT))
    new, gone = sorted(map(str, extracted - committed)), sorted(map(str, committed - extracted))
    assert not new and not gone, (f"crm/locale/rapport.pot is stale: run `make messages` "
                                  f"(new: {new[:5]}, gone: {gone[:5]})")


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalog_has_the_template_s_messages(language):
    template = _ids(_read(ROOT / "crm" / "locale" / "rapport.pot"))
    catalog = _ids(_read(i18n.catalog_path(language), language))
    assert catalog == template, f"{language}: run `make messages` to merge the template into the catalog"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    catalog = _read(i18n.catalog_path(language), language)
    missing = [f"{m.context}|{m.id}" if m.context else str(m.id) for m in catalog
               if m.id and (m.fuzzy or not all(_forms(m)))]
    assert not missing, f"{language}: {len(missing)} messages without a translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_the_placeholders_of_its_source(language):
    """A translation that drops or renames `{client}` would fail (KeyError) or lose a value, only in
    that language. Each plural form may leave out a placeholder only one of the English forms has
    ("One client" / "{count} clients")."""
    wrong = []
    for message in _read(i18n.catalog_path(language), language):
        if not message.id:
            continue
        sources = [set(_PLACEHOLDER.findall(text)) for text in
                   (message.id if isinstance(message.id, tuple) else (message.id,))]
        for form in filter(None, _forms(message)):
            found = set(_PLACEHOLDER.findall(form))
            if not (set.intersection(*sources) <= found <= set.union(*sources)):
                wrong.append(f"{message.id!r} → {form!r}")
    assert not wrong, f"{language}: placeholders differ from the English: {wrong[:5]}"


def test_the_languages_are_the_catalogs():
    folders = {p.name for p in (ROOT / "crm" / "locale").iterdir() if p.is_dir()}
    assert folders == set(TRANSLATED)


# --- choosing the language --------------------------------------------------------------------


@pytest.mark.parametrize(("option", "configured", "environ", "expected"), [
    ("ru", "ro", {"CRM_LANG": "ro", "LANG": "ro_RO.UTF-8"}, "ru"),  # --lang first
    (None, "ro", {"CRM_LANG": "ru", "LANG": "ru_RU.UTF-8"}, "ro"),  # then the settings file
    (None, None, {"CRM_LANG": "ru", "LANG": "ro_RO.UTF-8"}, "ru"),  # then $CRM_LANG
    (None, None, {"LC_ALL": "ro_RO.UTF-8", "LC_MESSAGES": "ru_RU", "LANG": "ru_RU"}, "ro"),  # the locale, POSIX's order
    (None, None, {"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "ro_RO.UTF-8"}, "ru"),
    (None, None, {"LANG": "ro_RO.UTF-8"}, "ro"),
    (None, None, {"LANG": "de_DE.UTF-8"}, "en"),  # a locale with no catalog: English
    (None, None, {"LANG": "C.UTF-8"}, "en"),
    (None, None, {}, "en"),
    (None, None, {"CRM_LANG": "de", "LANG": "ru_RU.UTF-8"}, "ru"),  # a language we lack is passed over
    (None, None, {"CRM_LANG": "RU-ru"}, "ru"),
])
def test_the_language_is_chosen_in_order(option, configured, environ, expected):
    assert i18n.pick(option, configured, environ) == expected


# --- catalogs at run time ---------------------------------------------------------------------

_PO = """msgid ""
msgstr ""
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Undo"
msgstr "{word}"

msgid "{count} client"
msgid_plural "{count} clients"
msgstr[0] "{count} клиент"
msgstr[1] "{count} клиента"
msgstr[2] "{count} клиентов"

#, fuzzy
msgid "Help"
msgstr "Помощь?"
"""  # noqa: E501 (the Russian plural formula is one header line)

_RUN = """
import sys
from pathlib import Path
from crm import i18n
i18n.LOCALE_DIR = Path(sys.argv[1])
i18n.use("ru")
print(i18n._("Undo"), i18n._("Help"), i18n._("Back"),
      *(i18n.ngettext("{count} client", "{count} clients", n).format(count=n) for n in (1, 3, 5, 21)))
print("babel" in sys.modules)
"""


def _run(locale_dir: Path, home: Path) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", _RUN, str(locale_dir)], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _catalog(tmp_path: Path, word: str) -> Path:
    folder = tmp_path / "locale"
    (folder / "ru" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    (folder / "ru" / "LC_MESSAGES" / "rapport.po").write_text(_PO.replace("{word}", word), encoding="utf-8")
    return folder


def test_a_catalog_is_compiled_once_into_the_cache_and_again_when_it_changes(tmp_path):
    home = tmp_path / "home"
    locale_dir = _catalog(tmp_path, "Отменить")
    expected = "Отменить Help Back 1 клиент 3 клиента 5 клиентов 21 клиент"  # fuzzy and missing: English
    assert _run(locale_dir, home) == [expected, "True"]  # compiled with Babel
    (compiled,) = (home / "cache" / "rapport" / "locale").glob("rapport-ru-*.mo")
    assert oct(compiled.stat().st_mode & 0o777) == "0o600"
    assert _run(locale_dir, home) == [expected, "False"]  # read from the cache: no Babel
    _catalog(tmp_path, "Откатить")
    assert _run(locale_dir, home)[0].startswith("Откатить ")  # a changed catalog is compiled again
    assert len(list(compiled.parent.glob("rapport-ru-*.mo"))) == 2


def test_a_catalog_still_translates_when_the_cache_cannot_be_written(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "cache").write_text("a file where the cache directory should be")
    assert _run(_catalog(tmp_path, "Отменить"), home)[0].startswith("Отменить ")


def test_a_damaged_cached_catalog_is_compiled_again(tmp_path):
    home = tmp_path / "home"
    locale_dir = _catalog(tmp_path, "Отменить")
    _run(locale_dir, home)
    (compiled,) = (home / "cache" / "rapport" / "locale").glob("*.mo")
    compiled.write_bytes(b"\x00garbage")
    assert _run(locale_dir, home)[0].startswith("Отменить ")


def test_english_is_the_source_and_loads_no_catalog():
    i18n.use("en")
    assert (i18n.language(), i18n._("Undo"), i18n.ngettext("{n} day", "{n} days", 2)) == ("en", "Undo", "{n} days")


def test_the_shipped_catalogs_compile(tmp_path):
    for language in TRANSLATED:
        assert i18n.compile_catalog(i18n.catalog_path(language).read_bytes()).startswith(b"\xde\x12\x04\x95")


def test_an_english_command_loads_no_catalog_and_no_babel(tmp_path):
    code = ("import sys, crm.cli; assert crm.cli.main(['client', 'add', 'Ştefan']) == 0;"
            "assert crm.cli.main(['review']) == 0; print(sorted({'babel', 'tomllib'} & set(sys.modules)))")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CRM_DB": str(tmp_path / "crm.db"),
           "CRM_TODAY": "2026-11-23", "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"  # no settings file: not even tomllib
