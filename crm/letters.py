"""Letter drafts from `data/templates/<language>/<kind>.txt` (PLAYBOOK §4, §5, §7).

Kinds: greeting and birthday (§7, keep in touch), winback (§7: respect the decision, offer news,
no hard sell), apology (§5 rule of three: recognition, forgiveness, a gift; it admits the error
when `details` say what went wrong), parting (§4: thanks, a mutual framing, a refund, an
alternative) and checkin (§5: about 30 days after the problem was solved).

Templates use `string.Template` placeholders: $client, $contact (the contact's name, else the
client's), $occasion, $sender, $details, and $occasion_text / $details_text — a sentence from the
language's `defaults.json` fragments ("<kind>.<field>" when the value is given, "<kind>.no_<field>"
otherwise). Values are inserted literally: a name like "[bold]$x{y}" comes out as typed.
A language without a template falls back to English. A holiday is named in the letter's language
when its day (`occasion_on`) is given: "Crăciunul" in a Romanian letter, "Erster Weihnachtstag" in
a German one (`crm.occasions.name_in`).
"""

import json
from datetime import date
from functools import cache
from importlib.resources import files
from string import Template
from typing import Any

from crm.errors import UserError
from crm.playbook import DEFAULT_LANGUAGE, normalise_language

KINDS = ("greeting", "birthday", "winback", "apology", "parting", "checkin")
# Optional values that switch a fragment on or off: what `details` means depends on the kind
# (apology: what went wrong; parting: the alternative recommended; checkin: what was solved;
# winback: the news to share; greeting and birthday: a personal line).
_OPTIONAL = ("occasion", "details")


def draft_letter(kind: str, *, language: str | None, client_name: str, occasion: str = "", sender: str = "",
                 contact_name: str = "", details: str = "", country: str = "", occasion_on: date | None = None) -> str:
    """The `kind` letter to `client_name` in `language` (English when there is no such template).

    `occasion` is a holiday's English name (as the review groups it); with `occasion_on`, the day
    it falls on, and the client's `country` the letter names it in the letter's own language."""
    if kind not in KINDS:
        raise UserError(f"unknown letter kind: {kind!r} (use {', '.join(KINDS)})")
    code = _language_with(kind, language)
    defaults = _defaults(code)
    if kind == "greeting" and occasion and occasion_on is not None:
        from crm.occasions import name_in

        occasion = name_in(code, occasion, occasion_on, country)
    values = {
        "client": client_name,
        "contact": contact_name if contact_name.strip() else client_name,
        "occasion": occasion,
        "sender": sender if sender.strip() else defaults["sender"],
        "details": details,
    }
    fragments = defaults["fragments"]
    for name in _OPTIONAL:
        key = f"{kind}.{name}" if values[name].strip() else f"{kind}.no_{name}"
        values[f"{name}_text"] = Template(fragments.get(key, "")).safe_substitute(values)
    return Template(_template(code, kind)).safe_substitute(values)


def letter_languages() -> tuple[str, ...]:
    """The languages with letter templates, English first."""
    found = sorted(p.name for p in _directory().iterdir() if p.is_dir() and not p.name.startswith("_"))
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


def _directory():  # a Traversable: the installed data, wherever pip put it
    return files("crm.data") / "templates"


def _language_with(kind: str, language: str | None) -> str:
    code = normalise_language(language)
    return code if (_directory() / code / f"{kind}.txt").is_file() else DEFAULT_LANGUAGE


@cache
def _template(code: str, kind: str) -> str:
    return (_directory() / code / f"{kind}.txt").read_text(encoding="utf-8")


@cache
def _defaults(code: str) -> dict[str, Any]:
    """The language's sender and fragments, each missing entry borrowed from English."""
    english = json.loads((_directory() / DEFAULT_LANGUAGE / "defaults.json").read_text(encoding="utf-8"))
    path = _directory() / code / "defaults.json"
    if code == DEFAULT_LANGUAGE or not path.is_file():
        return english
    own = json.loads(path.read_text(encoding="utf-8"))
    return {"sender": own.get("sender", english["sender"]),
            "fragments": {**english["fragments"], **own.get("fragments", {})}}
