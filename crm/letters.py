"""Letter drafts from `data/templates/<language>/<kind>.txt` (docs/method.md §4, §5, §7, §8).

Kinds: greeting and birthday (§7, keep in touch), winback (§7: respect the decision, offer news,
no hard sell), checkin (§5: about 30 days after the problem was solved), and the letters about an
incident, which follow the wizard's diagnosis: apology (§5 rule of three: recognition, forgiveness,
a gift; only where we erred, and it admits the error when `details` say what went wrong), refusal
(a courteous no to an unfounded or out-of-scope demand: it cites the `agreement` and offers what is
within it), parting (§4: thanks, a mutual framing, a refund, an alternative) and thanks (§8: what
we changed after the post-mortem, and thank you).

A letter about an incident (INCIDENT_KINDS) holds the real promises with their dates and the real
compensation (amount, currency, valid until), and is signed by a person (§8: the owner, never "the
team"): drafting one without a `sender` is refused. Every value is inserted whole, never shortened.

Templates use `string.Template` placeholders: $client, $contact (the contact's name, else the
client's), $occasion, $sender (the signature: name, then title), and sentences from the language's
`defaults.json` fragments: $occasion_text, $details_text, $agreement_text, $change_text
("<kind>.<field>" when the value is given, "<kind>.no_<field>" otherwise), $promises_text and
$offers_text ("<kind>.promises" / "<kind>.offers" around one line per promise or offer). Values are
inserted literally: a name like "[bold]$x{y}" comes out as typed. A person's own templates (the
settings' `templates` folder, laid out as `<language>/<kind>.txt` like the shipped ones) come
before the shipped ones. A language without a template falls back to English. A holiday is named
in the letter's language when its day (`occasion_on`) is given: "Crăciunul" in a Romanian letter,
"Erster Weihnachtstag" in a German one.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from string import Template
from typing import Any

from crm.errors import UserError
from crm.i18n import _
from crm.l10n import format_day, format_money
from crm.money import Money
from crm.playbook import DEFAULT_LANGUAGE, normalise_language

KINDS = ("greeting", "birthday", "winback", "apology", "refusal", "parting", "thanks", "checkin")
# Letters about an incident: signed by a person, holding the plan's promises and offers.
INCIDENT_KINDS = ("apology", "refusal", "parting", "thanks")
# Optional values that switch a fragment on or off: what `details` means depends on the kind
# (apology: what went wrong; refusal: what they asked for; parting: the alternative recommended;
# thanks: the problem they told us about; checkin: what was solved; winback: the news to share;
# greeting and birthday: a personal line). `agreement`: what the refusal cites; `change`: the
# post-mortem's rule the thanks letter tells.
_OPTIONAL = ("occasion", "details", "agreement", "change")


@dataclass(frozen=True)
class LetterPromise:
    """A promise as a letter states it: what, by when."""

    text: str
    due: date


@dataclass(frozen=True)
class LetterOffer:
    """A compensation as a letter states it (crm.domain.COMPENSATION_KINDS)."""

    kind: str
    amount: Money
    valid_until: date | None = None


def draft_letter(kind: str, *, language: str | None, client_name: str, occasion: str = "", sender: str = "",
                 contact_name: str = "", details: str = "", country: str = "", occasion_on: date | None = None,
                 promises: Sequence[LetterPromise] = (), offers: Sequence[LetterOffer] = (),
                 agreement: str = "", change: str = "") -> str:
    """The `kind` letter to `client_name` in `language` (English when there is no such template).

    `sender` is the signature (its lines: name, then title). `occasion` is a holiday's English name
    (as the review groups it); with `occasion_on`, the day it falls on, and the client's `country`
    the letter names it in the letter's own language. `promises` and `offers` are listed in the
    letters about an incident, with their dates and amounts in the letter's language."""
    if kind not in KINDS:
        raise UserError(_("unknown letter kind: {kind!r} (use {kinds})").format(kind=kind, kinds=", ".join(KINDS)))
    if kind in INCIDENT_KINDS and not sender.strip():
        raise UserError(_("a letter about an incident is signed by a person: say who signs it (the owner's name)"))
    code = _language_with(kind, language)
    defaults = _defaults(code)
    if kind == "greeting" and occasion and occasion_on is not None:
        from crm.occasions import name_in

        occasion = name_in(code, occasion, occasion_on, country)
    values = {
        "client": client_name,
        "contact": contact_name if contact_name.strip() else client_name,
        "occasion": occasion,
        "sender": sender.strip() if sender.strip() else defaults["sender"],
        "details": details.strip(),
        "agreement": agreement.strip(),
        "change": change.strip(),
    }
    fragments = defaults["fragments"]
    for name in _OPTIONAL:
        key = f"{kind}.{name}" if values[name] else f"{kind}.no_{name}"
        values[f"{name}_text"] = Template(fragments.get(key, "")).safe_substitute(values)
    lines = {
        "promises": [Template(fragments["promise"]).safe_substitute(text=p.text.strip(),
                                                                    due=format_day(p.due, "long", code))
                     for p in promises if p.text.strip()],
        "offers": [_offer_line(code, offer) for offer in offers],
    }
    for name, items in lines.items():
        key = f"{kind}.{name}" if items else f"{kind}.no_{name}"
        values[f"{name}_text"] = Template(fragments.get(key, "")).safe_substitute({name: "\n".join(items)})
    return Template(_template(code, kind)).safe_substitute(values)


def _offer_line(code: str, offer: LetterOffer) -> str:
    template = _defaults(code)["fragments"].get(f"offer.{offer.kind}")
    if template is None:
        raise UserError(_("unknown compensation kind: {kind!r}").format(kind=offer.kind))
    until = format_day(offer.valid_until, "long", code) if offer.valid_until else ""
    return Template(template).safe_substitute(amount=format_money(offer.amount, code), until=until)


def letter_languages() -> tuple[str, ...]:
    """The languages with letter templates, English first."""
    found = sorted(p.name for p in _directory().iterdir() if p.is_dir() and not p.name.startswith("_"))
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


def _directory() -> Traversable:  # the installed data, wherever pip put it
    return files("crm.data") / "templates"


def _language_with(kind: str, language: str | None) -> str:
    code = normalise_language(language)
    found = _own_template(code, kind) is not None or (_directory() / code / f"{kind}.txt").is_file()
    return code if found else DEFAULT_LANGUAGE


def _template(code: str, kind: str) -> str:
    """The person's own template (the settings' `templates` folder), else the shipped one."""
    own = _own_template(code, kind)
    return own if own is not None else _shipped_template(code, kind)


@cache
def _shipped_template(code: str, kind: str) -> str:
    return (_directory() / code / f"{kind}.txt").read_text(encoding="utf-8")


def _own_template(code: str, kind: str) -> str | None:
    """`<templates>/<code>/<kind>.txt` from the person's settings (crm.config), if there is one."""
    from crm.config import load
    from crm.text import safe_line

    folder = load().templates
    if folder is None:
        return None
    path = folder / code / f"{kind}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise UserError(_("your letter template {path} is not UTF-8 text").format(path=safe_line(path))) from None
    except OSError as exc:
        raise UserError(_("cannot read your letter template {path}: {reason}").format(
            path=safe_line(path), reason=exc.strerror)) from None


@cache
def _defaults(code: str) -> dict[str, Any]:
    """The language's sender and fragments, each missing entry borrowed from English (dates and
    amounts are written by crm.l10n, in the letter's language)."""
    english: dict[str, Any] = json.loads(
        (_directory() / DEFAULT_LANGUAGE / "defaults.json").read_text(encoding="utf-8"))
    path = _directory() / code / "defaults.json"
    if code == DEFAULT_LANGUAGE or not path.is_file():
        return english
    own = json.loads(path.read_text(encoding="utf-8"))
    return {**english, **own, "fragments": {**english["fragments"], **own.get("fragments", {})}}
