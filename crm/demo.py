"""Demo data: a small agency's book of business, dated around `today` so the review has work in it.

A handful of hand-written story clients (data/demo/stories.json) show the product's ideas to a
newcomer; generated clients (names from data/demo/countries.json, texts from history.json) fill
the rest. Everything is built in memory with explicit ids and written with bulk inserts inside one
transaction: 5,000 clients (about 100,000 timeline rows) take seconds, 50,000 well under a minute,
and a failure leaves the database empty. The same seed and `today` always give the same data.
"""

import json
import random
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any, TypeAlias, cast

from peewee import Field

from crm.dates import add_months
from crm.dialect import executemany, sync_ids
from crm.domain import STATUSES, TEMPERAMENTS
from crm.errors import UserError
from crm.i18n import _, ngettext
from crm.models import (
    BaseModel,
    Client,
    Compensation,
    Contact,
    Incident,
    IncidentEvent,
    MoneyField,
    Promise,
    Reminder,
    StatusChange,
    Touch,
    database,
)
from crm.money import Money

# Per-client means, tuned so that 5,000 clients give about 100,000 timeline rows, 2,000
# incidents and 10,000 promises (issue 7); smaller books scale down in proportion.
TOUCHES = {"active": 16.0, "departed": 11.0, "parted": 7.0, "prospect": 3.0}
GENERAL_PROMISES = {"active": 1.3, "departed": 1.0, "parted": 0.7}
ACTIVE_INCIDENTS = 0.33  # incidents per active client; most departed and parted ones had one too
STATUS_WEIGHTS = {"active": 70, "prospect": 8, "departed": 15, "parted": 7}
TEMPERAMENT_WEIGHTS = {"balanced": 34, "quiet": 16, "whiny": 12, "know-it-all": 12, "key": 10,
                       "compensation-seeker": 8, "fierce": 8}
CURRENT_PROMISE = 0.35  # share of active clients with a promise made in the last two weeks
OVERDUE = 0.2  # share of promises due in the last two weeks still open (overdue)
HISTORY_DAYS = 548  # about 18 months of touches
# How a closed promise went (renegotiated ones get a new due date, which then runs its course).
PROMISE_OUTCOMES = {"kept": 72, "late": 14, "broken": 5, "renegotiated": 9}
CURRENCY_SCALE = {"EUR": 1, "USD": 1, "GBP": 1, "RUB": 90, "RON": 5}
STRATEGY = {"retained": "start_over", "departed": "soften_blow", "parted": "part"}  # crm.diagnosis keys
MAX_CLIENTS = 100_000

_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
                      "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
                     strict=True))
_OFFSET = re.compile(r"^([+-]\d+)m(?:([+-]\d+)d)?$")

Seed: TypeAlias = dict[str, Any]  # a piece of the shipped demo data (crm/data/demo/*.json), as JSON reads it
Record: TypeAlias = dict[str, Any]  # a row being made: column → value, read back as the story goes on


@cache
def _seed(name: str) -> Seed:
    seed: Seed = json.loads(files("crm.data").joinpath("demo", f"{name}.json").read_text(encoding="utf-8"))
    return seed


def _ascii(text: str) -> str:
    """Lower-case ASCII for e-mail addresses: Cyrillic transliterated, accents dropped."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text.lower().replace("ß", "ss"))
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isascii())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text)).strip("-")


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _count(rng: random.Random, mean: float) -> int:
    """A whole number around `mean` (uniform spread of ±60%), averaging `mean` over many clients."""
    value = mean * rng.uniform(0.4, 1.6)
    return int(value) + (rng.random() < value % 1)


class _Book:
    """Rows per table with ids given here, and the stamps (author, time) each row carries."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.rows: dict[type[BaseModel], list[Record]] = {model: [] for model in _ORDER}
        self.author = ""
        self._tick = 0

    def begin_client(self, author: str) -> None:
        self.author, self._tick = author, 0

    def _stamp(self, on: date, closed: date | None = None) -> dict[str, object]:
        """Recorded on the day it happened (minutes keep a day's entries in order)."""
        self._tick += 1
        at = datetime.combine(on, time(9)) + timedelta(minutes=self._tick)
        last = at if closed is None else datetime.combine(closed, time(17)) + timedelta(minutes=self._tick)
        return {"created_at": at, "created_by": self.author, "updated_at": last, "updated_by": self.author}

    def _add(self, model: type[BaseModel], row: Record) -> Record:
        rows = self.rows[model]
        row[cast("Field[Any]", model._meta.primary_key).name] = len(rows) + 1
        rows.append(row)
        return row

    def client(self, values: Seed, since: date, status: str) -> Record:
        row = self._add(Client, {**values, "status": status, "status_since": since, "version": 1,
                                 **self._stamp(since)})
        self._add(StatusChange, {"client": row["id"], "on": since, "old_status": "", "new_status": status,
                                 "reason": "", **self._stamp(since)})
        return row

    def status(self, client: Record, on: date, new_status: str, reason: str) -> None:
        self._add(StatusChange, {"client": client["id"], "on": on, "old_status": client["status"],
                                 "new_status": new_status, "reason": reason, **self._stamp(on)})
        client.update(status=new_status, status_since=on, updated_at=datetime.combine(on, time(17)))

    def contact(self, client: Record, name: str, role: str, email: str, phone: str, birthday: date | None,
                decision_maker: bool) -> None:
        self._add(Contact, {"client": client["id"], "name": name, "role": role, "email": email, "phone": phone,
                            "birthday": birthday, "decision_maker": decision_maker,
                            **self._stamp(client["status_since"])})

    def touch(self, client: Record, on: date, kind: str, note: str) -> None:
        self._add(Touch, {"client": client["id"], "on": on, "kind": kind, "note": note, **self._stamp(on)})

    def incident(self, client: Record, title: str, *, severity: str, opened: date, group: str | None = None,
                 cause: str = "", strategy: str | None = None, postmortem_cause: str = "",
                 postmortem_rule: str = "") -> Record:
        return self._add(Incident, {
            "client": client["id"], "title": title, "severity": severity, "group": group, "cause": cause,
            "opened_on": opened, "resolved_on": None, "outcome": None, "strategy": strategy,
            "postmortem_cause": postmortem_cause, "postmortem_rule": postmortem_rule, "wizard": "", "version": 1,
            **self._stamp(opened)})

    def event(self, incident: Record, on: date, kind: str, text: str) -> None:
        self._add(IncidentEvent, {"incident": incident["id"], "on": on, "kind": kind, "text": text,
                                  **self._stamp(on)})

    def resolve(self, incident: Record, client: Record, on: date, outcome: str, note: str = "") -> None:
        """As `incidents.resolve_incident` does: a closing event, and the client leaves if it left."""
        incident.update(resolved_on=on, outcome=outcome, updated_at=datetime.combine(on, time(17)), version=2)
        self.event(incident, on, "resolved", note or f"Resolved: client {outcome}")
        if outcome in ("departed", "parted") and client["status"] != outcome:
            self.status(client, on, outcome, f"Incident #{incident['id']}: {incident['title']}")

    def compensation(self, client: Record, incident: Record | None, on: date, kind: str, amount: Decimal, *,
                     status: str, note: str = "", valid_until: date | None = None) -> None:
        currency = client["currency"]
        self._add(Compensation, {"client": client["id"], "incident": incident and incident["id"], "on": on,
                                 "kind": kind, "amount": amount, "currency": currency, "valid_until": valid_until,
                                 "status": status, "note": note, **self._stamp(on)})
        if incident is not None:  # the incident's timeline tells the offer, as `incidents.compensate` does
            until = f", valid until {valid_until}" if valid_until else ""
            self.event(incident, on, "compensation_offered", f"Offered {kind} of {Money(amount, currency)}{until}")

    def promise(self, client: Record, text: str, made: date, due: date, status: str = "open",
                closed: date | None = None, incident: Record | None = None, replaces: Record | None = None) -> Record:
        return self._add(Promise, {
            "client": client["id"], "incident": incident and incident["id"], "text": text, "made_on": made,
            "due": due, "status": status, "closed_on": closed, "replaces": replaces and replaces["id"],
            **self._stamp(made, closed)})

    def reminder(self, client: Record, text: str, due: date, every: str) -> None:
        self._add(Reminder, {"client": client["id"], "text": text, "due": due, "every": every,
                             **self._stamp(self.today)})

    def write(self) -> None:
        """Every row through one prepared INSERT per table: peewee's insert_many spent nine tenths
        of a 50,000-client demo writing SQL text. Each value goes through its field's `db_value`
        where that changes it (money to text); dates and booleans are bound as peewee binds them.
        Every row of a table has the keys of its first: one `_Book` method builds them all."""
        for model, rows in self.rows.items():
            if not rows:
                continue
            fields = [model._meta.fields[name] for name in rows[0]]
            names = ", ".join(f'"{field.column_name}"' for field in fields)
            sql = f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ({", ".join("?" * len(fields))})'
            money = [(n, field.db_value) for n, field in enumerate(fields) if isinstance(field, MoneyField)]
            keys = [field.name for field in fields]
            if money:
                executemany(sql, (_converted([row[key] for key in keys], money) for row in rows))
            else:
                executemany(sql, ([row[key] for key in keys] for row in rows))
        sync_ids(model._meta.table_name for model, rows in self.rows.items() if rows)

    def counts(self) -> dict[str, int]:
        counts = {model._meta.table_name: len(rows) for model, rows in self.rows.items()}
        counts["timeline_entries"] = sum(len(self.rows[m]) for m in _TIMELINE)
        return counts


def _converted(values: list[object], money: Sequence[tuple[int, Callable[[Any], object]]]) -> list[object]:
    for n, db_value in money:
        values[n] = db_value(values[n])
    return values


_ORDER = (Client, Contact, StatusChange, Touch, Incident, IncidentEvent, Promise, Compensation, Reminder)
_TIMELINE = (Touch, IncidentEvent, StatusChange, Promise, Compensation)


# ---- the hand-written stories --------------------------------------------------------------------


def _when(value: int | str, today: date) -> date:
    """A story date: days from today, or '-6m+2d' (calendar months from today, then days)."""
    if isinstance(value, int):
        return today + timedelta(days=value)
    match = _OFFSET.match(value)
    if match is None:
        raise ValueError(f"bad story date {value!r}")
    return add_months(today, int(match.group(1))) + timedelta(days=int(match.group(2) or 0))


def _birthday(value: list[int] | None, today: date) -> date | None:
    """[in_days, age]: a birthday that comes round `in_days` from today, turning `age`."""
    if value is None:
        return None
    next_one = today + timedelta(days=value[0])
    return add_months(next_one, -12 * value[1])  # clips 29 February to the 28th in common years


def _story_promises(book: _Book, client: Record, specs: list[Seed], incident: Record | None = None) -> None:
    today = book.today
    for spec in specs:
        when = {key: _when(spec[key], today) for key in ("made", "due", "closed") if key in spec}
        promise = book.promise(client, spec["text"], when["made"], when["due"], spec["status"], when.get("closed"),
                               incident)
        if then := spec.get("then"):  # renegotiated: the new date is agreed the day the old one closed
            closed = when["closed"]
            book.promise(client, spec["text"], closed, _when(then["due"], today), then["status"],
                         _when(then["closed"], today) if "closed" in then else None, incident, promise)


def _story(book: _Book, spec: Seed) -> None:
    today = book.today
    book.begin_client(spec["author"])
    values = dict(spec["client"])
    since, status = _when(values.pop("since"), today), values.pop("status")
    values["revenue"] = Decimal(values["revenue"])
    client = book.client({"birthday": None, **values}, since, status)
    for person in spec["contacts"]:
        book.contact(client, person["name"], person["role"], person["email"], person["phone"],
                     _birthday(person["birthday"], today), person["decision_maker"])
    for on, kind, note in spec["touches"]:
        book.touch(client, _when(on, today), kind, note)
    _story_promises(book, client, spec["promises"])
    for item in spec["incidents"]:
        incident = book.incident(
            client, item["title"], severity=item["severity"], opened=_when(item["opened"], today),
            group=item["group"], cause=item["cause"], strategy=item["strategy"],
            postmortem_cause=item.get("postmortem_cause", ""), postmortem_rule=item.get("postmortem_rule", ""))
        for on, kind, text in item["events"]:
            book.event(incident, _when(on, today), kind, text)
        for comp in item["compensations"]:
            valid = _when(comp["valid_until"], today) if "valid_until" in comp else None
            book.compensation(client, incident, _when(comp["on"], today), comp["kind"], Decimal(comp["amount"]),
                              status=comp["status"], note=comp["note"], valid_until=valid)
        _story_promises(book, client, item["promises"], incident)
        if item["resolved"] is not None:
            book.resolve(incident, client, _when(item["resolved"], today), item["outcome"], item["resolution"])
    for reminder in spec["reminders"]:
        book.reminder(client, reminder["text"], _when(reminder["due"], today), reminder["every"])


# ---- generated clients ---------------------------------------------------------------------------


class _Generator:
    """Believable clients with ~18 months of history each, drawn from the seed material."""

    def __init__(self, book: _Book, rng: random.Random) -> None:
        self.book, self.rng, self.today = book, rng, book.today
        self.countries = {code: pool for code, pool in _seed("countries").items() if not code.startswith("_")}
        self.history = _seed("history")
        self.names = {row["name"].casefold() for row in book.rows[Client]}
        self.long_silence_shown = False  # the first active client gets one, however small the book

    def day(self, start: date, end: date) -> date:
        """A random day in [start, end] (start when the range is empty)."""
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _phone(self, pool: Seed) -> str:
        return "".join(str(self.rng.randint(0, 9)) if ch == "#" else ch for ch in self.rng.choice(pool["phones"]))

    def _person(self, pool: Seed) -> tuple[str, str]:
        rng = self.rng
        female = rng.random() < 0.5
        first = rng.choice(pool["first_female" if female else "first_male"])
        last = rng.choice(pool["last"])
        if isinstance(last, list):  # Russian surnames agree with gender: Громов, Громова
            last = last[female]
        return first, last

    def _unique(self, name: str, pool: Seed) -> str:
        """`name`, or as an owner tells two same-named clients apart: by city (a number as a last resort)."""
        cities = self.rng.sample(pool["cities"], len(pool["cities"]))
        candidates = [name] + [f"{name} ({city})" for city in cities]
        candidate = next((c for c in candidates if c.casefold() not in self.names), None)
        n = 1
        while candidate is None or candidate.casefold() in self.names:
            n += 1
            candidate = f"{name} ({n})"
        self.names.add(candidate.casefold())
        return candidate

    def _company(self, pool: Seed, country: str) -> tuple[str, str]:
        rng = self.rng
        lasts = [last[0] if isinstance(last, list) else last for last in rng.sample(pool["last"], 2)]
        short = rng.choice(pool["patterns"]).format(
            last=lasts[0], last2=lasts[1], brand=rng.choice(pool["brands"]),
            sector=rng.choice(pool.get("sectors", [""])), prefix=rng.choice(pool.get("prefixes", [""])),
            suffix=rng.choice(pool.get("suffixes", [""])))
        form = rng.choice(pool["forms"])
        legal = f"{form} «{short}»" if country == "RU" else f"{short} {form}".strip()
        return short, legal

    def _birthday(self, low: int = 25, high: int = 66) -> date:
        year = self.today.year - self.rng.randint(low, high)
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def client(self, temperament: str, status: str) -> None:
        rng, today, book = self.rng, self.today, self.book
        country = _pick(rng, {code: pool["weight"] for code, pool in self.countries.items()})
        pool = self.countries[country]
        book.begin_client(rng.choice(self.history["staff"]))
        first, last = self._person(pool)
        personal = rng.random() < (0.6 if country == "" else 0.12)  # a freelancer or a person, not a firm
        if personal:
            name, legal = self._unique(f"{first} {last}", pool), ""
            domain = "gmail.com" if country != "RU" else "mail.ru"
        else:
            for _ in range(4):  # a fresh draw first: most collisions have an unused alternative
                short, legal = self._company(pool, country)
                if short.casefold() not in self.names:
                    break
            name = self._unique(short, pool)
            domain = f"{_slug(name)}.{pool['tld']}"
        tier = "key" if rng.random() < (0.7 if temperament == "key" else 0.1) else "regular"
        scale = CURRENCY_SCALE[pool["currency"]] * (8 if tier == "key" else 1)
        start = today - timedelta(days=rng.randint(5, 120) if status == "prospect" else rng.randint(150, 1300))
        values = {
            "name": name, "company": legal,
            "email": f"{_slug(first)}.{_slug(last)}@{domain}" if personal else f"info@{domain}",
            "phone": self._phone(pool), "country": country, "language": pool["language"],
            "birthday": self._birthday() if personal and rng.random() < 0.6 else None,
            "notes": rng.choice(self.history["client_notes"]), "tier": tier, "temperament": temperament,
            "revenue": Decimal(rng.randrange(3000, 30000, 500) * scale), "currency": pool["currency"],
        }
        client = book.client(values, start, "prospect" if status == "prospect" else "active")
        role = rng.choice(pool["roles_dm"])
        book.contact(client, f"{first} {last}", role, f"{_slug(first)}.{_slug(last)}@{domain}",
                     self._phone(pool), self._birthday() if rng.random() < 0.4 else None, True)
        if not personal and rng.random() < 0.35:
            first2, last2 = self._person(pool)
            book.contact(client, f"{first2} {last2}", rng.choice(pool["roles"]),
                         f"{_slug(first2)}.{_slug(last2)}@{domain}", self._phone(pool),
                         self._birthday() if rng.random() < 0.3 else None, False)
        self._history(client, status, max(start, today - timedelta(days=HISTORY_DAYS)))
        if rng.random() < 0.03:
            reminder = rng.choice(self.history["reminders"])
            book.reminder(client, reminder["text"], today + timedelta(days=rng.randint(-3, 40)), reminder["every"])

    # -- a client's story over time --

    def _history(self, client: Record, status: str, start: date) -> None:
        rng, today = self.rng, self.today
        if status == "prospect":
            self._touches(client, start, today, _count(rng, TOUCHES["prospect"]))
            if rng.random() < 0.6:
                self._promise(client, rng.choice(self.history["prospect_promises"]), self.day(start, today))
            return
        if status == "active":
            quiet_for = self._quiet_for(client["temperament"])
            if rng.random() < 0.06 and (today - start).days > 300:  # left once, came back
                left = self.day(start + timedelta(days=60), today - timedelta(days=200))
                back = left + timedelta(days=rng.randint(60, 180))
                self.book.status(client, left, "departed", rng.choice(self.history["departed_reasons"]))
                self.book.status(client, back, "active", rng.choice(self.history["return_reasons"]))
            end = today - timedelta(days=quiet_for)
            self._touches(client, start, end, _count(rng, TOUCHES["active"]), last=end)
            self._promises(client, start, today, GENERAL_PROMISES["active"])
            if rng.random() < CURRENT_PROMISE:  # something we are working on now
                self._promise(client, rng.choice(self.history["promises"]), self.day(today - timedelta(days=14), today))
            for _ in range(_count(rng, ACTIVE_INCIDENTS)):
                self._active_incident(client, start)
            return
        # departed or parted: history up to the day they left; greetings only for the departed after
        left = self.day(max(start + timedelta(days=30), today - timedelta(days=HISTORY_DAYS - 30)),
                        today - timedelta(days=10))
        self._touches(client, start, left, _count(rng, TOUCHES[status]))
        self._promises(client, start, left, GENERAL_PROMISES[status], settle=True)
        if rng.random() < (0.7 if status == "departed" else 0.85):
            self._incident(client, self.day(max(start, left - timedelta(days=40)), left - timedelta(days=8)),
                           left, status)
        else:
            self.book.status(client, left, status, rng.choice(self.history[f"{status}_reasons"]))
        if status == "departed":
            for _ in range(rng.randint(0, 3)):
                kind = rng.choice(("greeting", "news"))
                self.book.touch(client, self.day(left + timedelta(days=7), today), kind,
                                rng.choice(self.history["touch_notes"][kind]))

    def _quiet_for(self, temperament: str) -> int:
        """Days since the last touch: mostly recent, some past the quiet alarm (30 or 90 days)."""
        rng = self.rng
        if temperament == "quiet":
            return rng.randint(0, 28) if rng.random() < 0.75 else rng.randint(31, 80)
        if not self.long_silence_shown or rng.random() < 0.1:
            self.long_silence_shown = True
            return rng.randint(91, 200)
        return rng.randint(0, 60)

    def _touches(self, client: Record, start: date, end: date, n: int, last: date | None = None) -> None:
        kinds, notes = self.history["touch_kinds"], self.history["touch_notes"]
        days = sorted(self.day(start, end) for _ in range(n))
        if last is not None and days:
            days[-1] = max(start, last)  # the last touch sets how quiet the client is now
        for on in days:
            kind = _pick(self.rng, kinds)
            self.book.touch(client, on, kind, self.rng.choice(notes[kind]))

    def _promises(self, client: Record, start: date, end: date, mean: float, settle: bool = False) -> None:
        for _turn in range(_count(self.rng, mean)):  # not `_`: that is gettext here
            self._promise(client, self.rng.choice(self.history["promises"]), self.day(start, end), settle=settle)

    def _promise(self, client: Record, text: str, made: date, incident: Record | None = None,
                 replaces: Record | None = None, settle: bool = False) -> None:
        """A promise made on `made` and run to its outcome; one not yet due stays open (a few
        overdue ones too), unless `settle`: the client has left, so every promise was closed."""
        rng, today, book = self.rng, self.today, self.book
        due = made + timedelta(days=rng.randint(3, 21))
        if not settle and (due >= today or (due >= today - timedelta(days=14) and rng.random() < OVERDUE)):
            book.promise(client, text, made, due, "open", None, incident, replaces)
            return
        outcome = _pick(rng, PROMISE_OUTCOMES)
        late = min(today, due + timedelta(days=rng.randint(1, 8)))
        if outcome == "renegotiated":  # a new date agreed with the client on the old due date
            agreed = min(today, due)
            old = book.promise(client, text, made, due, "renegotiated", agreed, incident, replaces)
            self._promise(client, text, agreed, incident, old, settle)
        elif outcome == "kept":
            book.promise(client, text, made, due, "kept", min(today, self.day(made, due)), incident, replaces)
        else:
            book.promise(client, text, made, due, "kept" if outcome == "late" else "broken", late, incident, replaces)

    # -- incidents --

    def _active_incident(self, client: Record, start: date) -> None:
        """An incident of a client who stayed: resolved and retained, or still open (recently opened)."""
        rng, today = self.rng, self.today
        if rng.random() < 0.12:
            self._incident(client, today - timedelta(days=rng.randint(1, 20)), None, None)
        else:
            opened = self.day(start, today - timedelta(days=25))
            self._incident(client, opened, min(today, opened + timedelta(days=rng.randint(3, 30))), "retained")

    def _incident(self, client: Record, opened: date, resolved: date | None, outcome: str | None) -> None:
        """Complaint → call → apology → … → resolved, following docs/method.md §5, with promises and compensation."""
        rng, book, events = self.rng, self.book, self.history["events"]
        scenario = rng.choice(self.history["incidents"])
        groups = {"retained": "CCB", "departed": "BBAC", "parted": "A", None: "BC"}[outcome]
        postmortem = resolved is not None and rng.random() < 0.6
        incident = book.incident(
            client, scenario["title"], severity=scenario["severity"], opened=opened,
            group=rng.choice(groups) if outcome or rng.random() < 0.5 else None,
            cause=scenario["cause"] if resolved else "", strategy=STRATEGY.get(outcome or ""),
            postmortem_cause=scenario["cause"] if postmortem else "",
            postmortem_rule=rng.choice(self.history["postmortem_rules"]) if postmortem else "")
        kinds = ["call", "apology"] + (["meeting"] if rng.random() < 0.5 else []) + (
            ["email"] if rng.random() < 0.5 else [])
        kinds += {"retained": ["fix_delivered", "client_approved"], "departed": ["fix_delivered", "note", "decision"],
                  "parted": ["note", "decision"], None: []}[outcome]
        end = resolved or self.today - timedelta(days=rng.choice((0, 1, 2, 4, 6)))
        book.event(incident, opened, "complaint", scenario["complaint"])
        on = opened
        for kind in kinds:
            on = self.day(on, end)
            key = f"decision_{outcome}" if kind == "decision" else kind
            book.event(incident, on, kind, rng.choice(events[key]))
        self._remedy(client, incident, opened, end, outcome)
        if resolved is not None and outcome is not None:  # (the two come together)
            book.resolve(incident, client, resolved, outcome)

    def _remedy(self, client: Record, incident: Record, opened: date, end: date, outcome: str | None) -> None:
        """What we promised and offered to make it right (docs/method.md §5–6)."""
        rng = self.rng
        for _turn in range(rng.randint(1, 2) if outcome in (None, "retained") else rng.randint(0, 1)):
            text = rng.choice(self.history["incident_promises"])
            self._promise(client, text, self.day(opened, end), incident, settle=outcome in ("departed", "parted"))
        chance = {"retained": 0.35, "departed": 0.5, "parted": 0.6, None: 0.2}[outcome]
        if rng.random() >= chance:
            return
        kinds = {"retained": {"bonus": 40, "gift": 30, "discount": 15, "redo": 15},
                 "departed": {"gift": 70, "redo": 30}, "parted": {"refund": 100},
                 None: {"redo": 50, "discount": 50}}[outcome]
        on = self.day(opened, end)
        kind = _pick(rng, kinds)
        if kind == "bonus" and client["tier"] == "key":  # double compensation for a valued client
            self._compensate(client, incident, on, "gift")
        self._compensate(client, incident, on, kind)

    def _compensate(self, client: Record, incident: Record, on: date, kind: str) -> None:
        rng, today = self.rng, self.today
        scale = CURRENCY_SCALE[client["currency"]]
        amount = Decimal(rng.choice({"gift": (50, 80, 120, 200), "refund": (300, 450, 900)}.get(kind, (500, 1000,
                                                                                                     1500, 2500))))
        valid = add_months(on, 3) if kind == "bonus" else None
        if valid and valid < today:
            status = rng.choice(("used", "expired"))
        elif kind in ("gift", "refund"):
            status = "accepted"
        else:
            status = rng.choice(("offered", "accepted"))
        note = self.history["compensation_notes"][kind]
        self.book.compensation(client, incident, on, kind, amount * scale, status=status, note=note,
                               valid_until=valid)


# ---- the entry point -----------------------------------------------------------------------------


def _plan(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Temperament and status per generated client; the first ones cover every kind, so even a
    small book shows them all."""
    temperaments = list(TEMPERAMENTS)
    statuses = [s for s in STATUSES for _ in range(2)]
    rng.shuffle(temperaments)
    plan = []
    for i in range(n):
        temperament = temperaments[i] if i < len(temperaments) else _pick(rng, TEMPERAMENT_WEIGHTS)
        status = statuses[i] if i < len(statuses) else _pick(rng, STATUS_WEIGHTS)
        plan.append((temperament, status))
    return plan


def _require_empty() -> None:
    existing = Client.select().count()
    if existing:
        raise UserError(ngettext("the database already has {count} client; demo data goes only into an empty one",
                                 "the database already has {count} clients; demo data goes only into an empty one",
                                 existing).format(count=existing))


def fill_demo(n_clients: int, today: date, seed: int = 1) -> dict[str, int]:
    """Fill an empty database with `n_clients` demo clients and their history; the rows created per
    table (client, touch, incident, …) and `timeline_entries` in all."""
    if not 1 <= n_clients <= MAX_CLIENTS:
        raise UserError(_("the number of demo clients must be between 1 and {most:,}").format(most=MAX_CLIENTS))
    _require_empty()  # before the work of building; checked again under the write lock
    rng = random.Random(seed)
    book = _Book(today)
    stories = _seed("stories")["stories"][:n_clients]
    for spec in stories:
        _story(book, spec)
    generator = _Generator(book, rng)
    for temperament, status in _plan(rng, n_clients - len(stories)):
        generator.client(temperament, status)
    with database.atomic():  # IMMEDIATE: nobody can add a client between the check and the writes
        _require_empty()
        book.write()
    return book.counts()
