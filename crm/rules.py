"""The keep-in-touch rules (docs/spec.md "Keep-in-touch rules"): which items are due, for whom, and when.

Pure reads. Each rule turns the database into `Occurrence`s whose natural due date falls inside
a `Scope`; what the owner did about them (done, snoozed) is applied in `crm.review`. Queries are
bounded by the date window wherever the data allows, so a review costs what is due rather than
what is stored.

How long an item stays in the review as overdue when nobody acts on it (its look-back):

- promise: until kept, broken or renegotiated: promises are sacred (docs/method.md §5).
- checkin, winback: 30 days after their date (the next win-back follows six months later).
- greeting: 7 days; a card more than a week late reads as an afterthought.
- bonus_expiry: until the bonus's last valid day.
- incident_stale, quiet: as long as the condition holds; a new event or touch gives a new date.
- custom: one-off until done; a recurring one until its next occurrence comes due.

Who gets nothing: a parted client (we ended it; do not contact, docs/method.md §4) has no due items
at all: no greeting, win-back, quiet or check-in, and no promise, bonus, stale incident or custom
reminder either. Each of those asks the owner to contact the client (or to chase the conflict we
ended), so they would only nag; what was settled at parting (a refund, say) is settled before the
client is parted, and the client's own screen still lists any promise left open. Should the client
come back (`crm client return`), everything still open is due again. Quiet is for active clients
only.

Ids are what the owner types (`crm done greeting-7-20261225`): the kind, the row it comes from
and, for kinds that recur, the occurrence's natural date.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, TypeAlias

from peewee import OP, SQL, Case, ColumnBase, Expression, ModelSelect, Value, fn

from crm import i18n, kinds
from crm.dates import add_months
from crm.dialect import dated_key, in_list, month_day, month_number
from crm.errors import UserError
from crm.i18n import N_, _, ngettext
from crm.l10n import Style, format_day
from crm.models import (
    Client,
    Compensation,
    Contact,
    Incident,
    IncidentEvent,
    ItemState,
    Promise,
    Reminder,
    Setting,
    StatusChange,
    Touch,
    database,
)
from crm.money import Money
from crm.occasions import Holiday, holidays_between
from crm.text import safe_line

_Query: TypeAlias = "ModelSelect[Any]"
Row: TypeAlias = tuple[Any, ...]  # as SQLite gives it: dates as ISO text

BIRTHDAY = "Birthday"  # the occasion of a birthday greeting
SETTING_PREFIX = "rules."
SKIPPED_SETTING = "greetings.skipped"  # JSON list of holidays (English names) the owner does not greet
# Every number of the rules, overridable by a Setting row `rules.<name>` (e.g. rules.quiet_days).
DEFAULTS: dict[str, int] = {
    "checkin_days": 30,  # check in this long after an incident is resolved
    "checkin_lookback": 30,
    "winback_months": 6,  # and every so many months while still departed
    "winback_lookback": 30,
    "greeting_lookback": 7,  # a greeting over a week late reads as an afterthought; a weekly review still catches it
    "bonus_days": 14,  # warn this long before a bonus runs out (it then stays until it does)
    "stale_days": 3,  # an open incident with no event for this long
    "quiet_days": 90,
    "quiet_days_quiet": 30,  # for temperament "quiet"
}
NOT_CONTACTED = "parted"
CHECKIN_OUTCOMES = ("retained", "departed")
OPEN_BONUS = ("offered", "accepted")
_ID = re.compile(r"^([a-z]+)-([0-9]{1,12})(?:-([0-9]{8}))?$")
FOREVER = date(9000, 1, 1)  # an end for "whatever its date" that date arithmetic cannot overflow
ID_HELP = N_("ids look like promise-12 or greeting-7-20261225, as crm review prints them")


@dataclass(frozen=True)
class Rules:
    """The numbers of the rules: DEFAULTS unless the Setting table overrides them."""

    checkin_days: int = DEFAULTS["checkin_days"]
    checkin_lookback: int = DEFAULTS["checkin_lookback"]
    winback_months: int = DEFAULTS["winback_months"]
    winback_lookback: int = DEFAULTS["winback_lookback"]
    greeting_lookback: int = DEFAULTS["greeting_lookback"]
    bonus_days: int = DEFAULTS["bonus_days"]
    stale_days: int = DEFAULTS["stale_days"]
    quiet_days: int = DEFAULTS["quiet_days"]
    quiet_days_quiet: int = DEFAULTS["quiet_days_quiet"]
    skipped: frozenset[str] = frozenset()  # holidays not greeted (English names); birthdays always are


RULE_NAMES = frozenset(DEFAULTS)  # the numbers a `rules.<name>` setting may override


def load_rules() -> Rules:
    """The rules with any `rules.<name>` Setting rows applied; a bad value is a UserError."""
    values: dict[str, int] = {}
    for row in Setting.select().where(Setting.key.startswith(SETTING_PREFIX)):
        name = row.key[len(SETTING_PREFIX) :]
        if name in RULE_NAMES:
            values[name] = rule_value(name, row.value)
    return Rules(**values, skipped=frozenset(skipped_occasions()))


def rule_value(name: str, text: str) -> int:
    """The number a `rules.<name>` setting holds; UserError if it is not a whole number in range."""
    text = text.strip()
    least = 0 if name.endswith("_lookback") else 1  # a look-back of 0: only on the day itself
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not least <= int(text) <= 3660:
        raise UserError(_("setting {key} must be a whole number from {least} to {most}, not {value}").format(
            key=SETTING_PREFIX + safe_line(name), least=least, most=3660, value=repr(safe_line(text))))
    return int(text)


def skipped_occasions() -> list[str]:
    """The holidays greeted no more, by their English names (as the review groups them)."""
    row = Setting.get_or_none(Setting.key == SKIPPED_SETTING)
    return parse_skipped(row.value) if row else []


def parse_skipped(text: str) -> list[str]:
    """The holiday names a `greetings.skipped` setting holds; UserError unless a JSON list of them."""
    try:
        names = json.loads(text)
    except (ValueError, RecursionError):
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise UserError(_("setting {key} must be a JSON list of holiday names").format(key=SKIPPED_SETTING))
    return names


def greet_occasion(name: str, greeted: bool) -> None:
    """Greet a holiday again, or no more, for every client; a birthday cannot be skipped."""
    if name == BIRTHDAY:
        raise UserError(_("birthdays are always greeted"))
    from crm.journal import change  # not at the top: the rules are read by every review, written rarely

    what = N_("Greeting {occasion} again") if greeted else N_("Stopped greeting {occasion}")
    with change(what, occasion=name):
        names = set(skipped_occasions())
        names = names - {name} if greeted else names | {name}
        Setting.put(SKIPPED_SETTING, json.dumps(sorted(names), ensure_ascii=False))


@dataclass(frozen=True)
class Scope:
    """Which occurrences to produce: natural due dates in [start, end] (start None: no lower bound),
    optionally for some clients only or one source row (the promise, incident, bonus or reminder)."""

    today: date
    start: date | None
    end: date
    clients: tuple[int, ...] | None = None
    entity_id: int | None = None


@dataclass(slots=True)  # not frozen: a review makes thousands, and frozen ones cost 5x to create
class Occurrence:
    """One due item as the rules see it, before done/snoozed state is applied."""

    id: str
    kind: str
    due: date
    client_id: int
    client: str
    title: str
    occasion: str = ""  # greetings: the holiday (English) or "Birthday"
    last_day: date | None = None  # the last day it is shown if nobody acts; None: while it holds


def item_id(kind: str, key: int, day: date | None = None) -> str:
    record = kinds.kind(kind)
    if record.dated and day:
        return _dated_ids(record.prefix, day).format(key)
    return f"{record.prefix}-{key}"


def _dated_ids(prefix: str, day: date) -> str:
    """The ids of a dated kind's occurrences on `day`, "{}" standing for the row id."""
    return f"{prefix}-{{}}-{day.isoformat().replace('-', '')}"  # strftime costs 3x as much


def parse_item_id(text: str) -> tuple[str, int, date | None]:
    """(kind, row id, occurrence date) of an item id; UserError if it cannot be one."""
    match = _ID.match(text.strip().lower())
    record = kinds.by_prefix(match.group(1)) if match else None
    if match is None or record is None or record.dated != bool(match.group(3)):
        raise UserError(_("unknown item id: {id} ({help})").format(id=repr(safe_line(text)), help=_(ID_HELP)))
    day = None
    if match.group(3):
        digits = match.group(3)
        try:
            day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            raise UserError(_("unknown item id: {id} (no such date in it)").format(id=repr(safe_line(text)))) from None
    return record.name, int(match.group(2)), day


# A review shows thousands of titles over a few hundred dates, and strftime costs microseconds.
# Keyed on the language too: the reader's may change in one process (tests, `i18n.use`).
@lru_cache(maxsize=4096)
def _day_in(day: date, style: Style, language: str) -> str:
    return format_day(day, style, language)


def _short(day: date) -> str:
    return _day_in(day, "weekday", i18n.language())


def _long(day: date) -> str:
    return _day_in(day, "date", i18n.language())


def _bounded(query: _Query, column: ColumnBase, scope: Scope, shift: int = 0) -> _Query:
    """`query` limited to rows whose `column` + `shift` days falls in the scope's window."""
    if scope.start is not None:
        query = query.where(column >= scope.start - timedelta(days=shift))
    return query.where(column <= scope.end - timedelta(days=shift))


def _for_client(query: _Query, scope: Scope, column: ColumnBase = Client.id) -> _Query:
    if scope.clients is None:
        return query
    return query.where(column == scope.clients[0] if len(scope.clients) == 1 else column.in_(scope.clients))


def _rows(query: _Query) -> list[Row]:
    """The query's rows as SQLite returns them, dates as ISO text: a review reads thousands of rows,
    and peewee's per-row conversion would cost more than SQLite's answer."""
    rows: list[Row] = database.execute(query).fetchall()
    return rows


_day = date.fromisoformat


# --- the rules, one per kind ------------------------------------------------------------------


def promises(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """Open promises on their due date; overdue until kept (no look-back limit). None for a parted
    client: we ended it, and a promise of ours must not nag to contact them."""
    query = (
        Promise.select(Promise.id, Promise.due, Promise.text, Client.id, Client.name)
        .join(Client)
        .where((Promise.status == "open") & (Promise.due <= scope.end) & (Client.status != NOT_CONTACTED))
    )
    if scope.entity_id is not None:
        query = query.where(Promise.id == scope.entity_id)
    for pid, due, text, client_id, name in _rows(_for_client(query, scope)):
        yield Occurrence(item_id("promise", pid), "promise", _day(due), client_id, name, text)


def checkins(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """A call `checkin_days` after an incident is resolved with the client retained or departed."""
    query = (
        Incident.select(Incident.id, Incident.resolved_on, Incident.title, Client.id, Client.name)
        .join(Client)
        .where(
            Incident.resolved_on.is_null(False)
            & Incident.outcome.in_(CHECKIN_OUTCOMES)
            & (Client.status != NOT_CONTACTED)
        )
    )
    query = _bounded(query, Incident.resolved_on, scope, rules.checkin_days)
    if scope.entity_id is not None:
        query = query.where(Incident.id == scope.entity_id)
    shown = _("Check in after “{incident}”")  # titles are built per review, in the reader's language
    for iid, resolved, title, client_id, name in _rows(_for_client(query, scope)):
        due = _day(resolved) + timedelta(days=rules.checkin_days)
        yield Occurrence(
            item_id("checkin", iid), "checkin", due, client_id, name,
            shown.format(incident=title),
            last_day=due + timedelta(days=rules.checkin_lookback),
        )


def month_steps(anchor: date, step: int, start: date, end: date, first: int = 0) -> Iterator[date]:
    """add_months(anchor, step * k) for k >= first falling in [start, end], each from the anchor."""
    months = (start.year - anchor.year) * 12 + start.month - anchor.month
    k = max(first, months // step - 1)
    while (day := add_months(anchor, step * k)) <= end:
        if day >= start:
            yield day
        k += 1


def winbacks(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """A call `winback_months` after departure, then every so many months while still departed.

    Every occurrence is computed from the departure date (Aug 31 → Feb 28, Aug 31, Feb 28/29 …),
    which is the client's `status_since` while departed. The title names the decision-maker, if
    known: keep in touch with the head (docs/method.md §7).
    """
    query = Client.select(Client.id, Client.name, Client.status_since).where(Client.status == "departed")
    if scope.start is not None:
        # Only departures a whole number of steps (at least one) before a month of the window can
        # fall due in it: SQLite drops the others, Python then checks the days.
        first, last = _month_number(scope.start), _month_number(scope.end)
        lag = last - month_number(Client.status_since)
        step = rules.winback_months
        query = query.where((lag >= step) & (Expression(lag, OP.MOD, step) <= last - first))
    due_now = []
    for client_id, name, since in _rows(_for_client(query, scope)):
        left = _day(since)
        steps = month_steps(left, rules.winback_months, scope.start or left, scope.end, first=1)
        due_now += [(client_id, name, left, due) for due in steps]
    deciders = Contact.select(Contact.client, Contact.name).where(
        Contact.decision_maker & Contact.client.in_(in_list({row[0] for row in due_now}))
    )
    heads: dict[int, str] = dict(_rows(deciders)) if due_now else {}
    for client_id, name, left, due in due_now:
        months = (due.year - left.year) * 12 + due.month - left.month
        if client_id in heads:
            title = ngettext("Left {count} month ago ({date}): call {person}",
                             "Left {count} months ago ({date}): call {person}", months)
        else:
            title = ngettext("Left {count} month ago ({date})", "Left {count} months ago ({date})", months)
        yield Occurrence(
            item_id("winback", client_id, due), "winback", due, client_id, name,
            title.format(count=months, date=_long(left), person=heads.get(client_id)),
            last_day=due + timedelta(days=rules.winback_lookback),
        )


def _month_number(day: date) -> int:
    return day.year * 12 + day.month


def anniversaries(born: date, start: date, end: date) -> Iterator[date]:
    """The birthdays of someone born on `born` within [start, end]; Feb 29 falls on Feb 28."""
    for year in range(max(start.year, born.year + 1), end.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # Feb 29 in a common year
            day = date(year, 2, 28)
        if start <= day <= end:
            yield day


def _month_days(start: date, end: date) -> list[str] | None:
    """The 'MM-DD' strings of the window (None when it spans a whole year), for birthday queries."""
    if (end - start).days >= 365:
        return None
    days = {f"{start + timedelta(days=n):%m-%d}" for n in range((end - start).days + 1)}
    if "02-28" in days:
        days.add("02-29")  # celebrated on Feb 28 in common years
    return sorted(days)


def _shown_holiday(holiday: Holiday) -> tuple[date, str, str]:
    """Its day, its name as a greeting's title shows it, and the occasion it groups under."""
    local = f" ({holiday.local})" if holiday.local != holiday.name else ""
    return holiday.day, holiday.name + local, holiday.name


@dataclass
class _Greeting:
    client: str
    holidays: list[str]  # shown names
    occasions: list[str]  # English names
    birthdays: list[str]  # "" for the client's own, else the contact's description


def _capitalized(title: str) -> str:
    return title[:1].upper() + title[1:]


def _holiday_days(country: str, language: str, start: date, end: date, skipped: frozenset[str]
                  ) -> list[tuple[date, str, str, list[str], list[str], str]]:
    """The window's holidays of a country, as its clients in `language` are greeted for them, one
    entry per day: (day, its ISO text, its greetings' ids with "{}" for the client, the holidays'
    shown names, their occasions, the greeting's title)."""
    by_day: dict[date, tuple[list[str], list[str]]] = {}
    for holiday in holidays_between(country, start, end, language):
        if holiday.name not in skipped:
            day, shown, occasion = _shown_holiday(holiday)
            names, occasions = by_day.setdefault(day, ([], []))
            names.append(shown)
            occasions.append(occasion)
    prefix = kinds.kind("greeting").prefix
    return [(day, day.isoformat(), _dated_ids(prefix, day), names, occasions, _capitalized(" + ".join(names)))
            for day, (names, occasions) in by_day.items()]


# The book's countries, one index lookup each (the index client_country) rather than a pass over
# every client; a country whose clients are all parted is dropped by the query for its clients.
_COUNTRIES = """WITH RECURSIVE found(country) AS (
    SELECT min(country) FROM client
    UNION ALL SELECT (SELECT min(country) FROM client WHERE country > found.country) FROM found
    WHERE found.country IS NOT NULL)
SELECT country FROM found WHERE country IS NOT NULL"""


def greetings(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """Birthdays of clients and their contacts and the public holidays of the client's country
    (New Year's Day when none is set), for every client but parted ones.

    One item per client per day: a contact's birthday on Christmas Day is one greeting, not two.
    Its id carries the occasion's date, so each occasion is marked per client per year. Occasions
    before the client was added (its first status change) are not owed a greeting.
    """
    start = scope.start or scope.today
    lookback = timedelta(days=rules.greeting_lookback)
    found: dict[tuple[int, date], _Greeting] = {}  # birthdays, and a holiday on the same day
    since = StatusChange.select(fn.MIN(StatusChange.on)).where(StatusChange.client == Client.id)

    def entry(client_id: int, name: str, day: date, first: str | None) -> _Greeting | None:
        if first is not None and day.isoformat() < first:  # ISO dates order as text
            return None
        return found.setdefault((client_id, day), _Greeting(name, [], [], []))

    month_days = _month_days(start, scope.end)
    wanted = Client.status != NOT_CONTACTED

    def born_in_window(query: _Query, column: ColumnBase) -> list[Row]:
        query = query.where(wanted & column.is_null(False))
        if month_days is not None:
            query = query.where(month_day(column).in_(month_days))
        return _rows(_for_client(query, scope))

    clients = Client.select(Client.id, Client.name, since, Client.birthday)
    for client_id, name, first, born in born_in_window(clients, Client.birthday):
        for day in anniversaries(_day(born), start, scope.end):
            if greeting := entry(client_id, name, day, first):
                greeting.birthdays.append("")
    contacts = Contact.select(Client.id, Client.name, since, Contact.birthday, Contact.name, Contact.role).join(Client)
    for client_id, name, first, born, contact, role in born_in_window(contacts, Contact.birthday):
        for day in anniversaries(_day(born), start, scope.end):
            if greeting := entry(client_id, name, day, first):
                greeting.birthdays.append(f"{contact} ({role})" if role else contact)

    clients = Client.select(Client.id, Client.name, since, Client.language, Client.country).where(wanted)
    by_country: dict[str, list[Row] | None] = {}  # None: read when the country has a holiday
    if scope.clients is None:  # the book: country by country, each found through its index
        by_country = {country: None for (country,) in database.execute_sql(_COUNTRIES).fetchall()}
    else:  # some clients: looked up by id, whatever their country
        for row in _rows(_for_client(clients, scope)):
            by_country.setdefault(row[4], []).append(row)  # type: ignore[union-attr]
    for country, rows in by_country.items():
        if not holidays_between(country, start, scope.end):
            continue  # clients of this country have no holiday in the window: never loaded
        in_language: dict[str, list[tuple[date, str, str, list[str], list[str], str]]] = {}  # once per language
        if rows is None:
            rows = _rows(clients.where(Client.country == country))
        for client_id, name, first, language, _country in rows:
            days = in_language.get(language)
            if days is None:
                days = in_language[language] = _holiday_days(country, language, start, scope.end, rules.skipped)
            for day, iso, ids, shown, occasions, title in days:
                if first is not None and iso < first:  # ISO dates order as text
                    continue
                greeting = found.get((client_id, day))
                if greeting is None:  # the day's holidays alone: most clients, straight to the item
                    yield Occurrence(ids.format(client_id), "greeting", day, client_id, name, title,
                                     occasion=occasions[0], last_day=day + lookback)
                else:  # and a birthday: one greeting for both
                    greeting.holidays += shown
                    greeting.occasions += occasions

    birthday, birthday_of = _("birthday"), _("birthday of {person}")
    for (client_id, day), greeting in found.items():
        parts = greeting.holidays + [birthday_of.format(person=who) if who else birthday for who in greeting.birthdays]
        title = " + ".join(parts)  # the review lists what follows the occasion after " + "
        yield Occurrence(
            item_id("greeting", client_id, day), "greeting", day, client_id, greeting.client, _capitalized(title),
            occasion=greeting.occasions[0] if greeting.occasions else BIRTHDAY, last_day=day + lookback,
        )


def bonus_expiries(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """`bonus_days` before an offered or accepted bonus runs out; shown until its last valid day."""
    query = (
        Compensation.select(
            Compensation.id, Compensation.valid_until, Compensation.amount, Compensation.currency,
            Client.id, Client.name,
        )
        .join(Client, on=Compensation.client == Client.id)
        .where(
            (Compensation.kind == "bonus") & Compensation.status.in_(OPEN_BONUS) & (Client.status != NOT_CONTACTED)
        )
    )
    query = _bounded(query, Compensation.valid_until, scope, -rules.bonus_days)
    if scope.entity_id is not None:
        query = query.where(Compensation.id == scope.entity_id)
    shown = _("Bonus {amount} ends {date}: remind them to use it")
    for cid, until, amount, currency, client_id, name in _for_client(query, scope).tuples():
        yield Occurrence(
            item_id("bonus_expiry", cid), "bonus_expiry", until - timedelta(days=rules.bonus_days),
            client_id, name, shown.format(amount=Money(amount, currency), date=_short(until)),
            last_day=until,
        )


def stale_incidents(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """Open incidents `stale_days` after their last timeline event (or their opening)."""
    last_event = IncidentEvent.select(fn.MAX(IncidentEvent.on)).where(IncidentEvent.incident == Incident.id)
    query = (
        Incident.select(Incident.id, Incident.title, Incident.opened_on, last_event, Client.id, Client.name)
        .join(Client)
        .where(Incident.resolved_on.is_null() & (Client.status != NOT_CONTACTED))
    )
    if scope.entity_id is not None:
        query = query.where(Incident.id == scope.entity_id)
    shown = _("No news since {date} on “{incident}”")
    for iid, title, opened, last, client_id, name in _rows(_for_client(query, scope)):
        latest = _day(max(opened, last) if last else opened)  # ISO dates order as text
        due = latest + timedelta(days=rules.stale_days)
        if (scope.start is None or due >= scope.start) and due <= scope.end:
            yield Occurrence(
                item_id("incident_stale", iid, due), "incident_stale", due, client_id, name,
                shown.format(date=_short(latest), incident=title),
            )


def quiet_clients(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """Active clients with no touch for `quiet_days` (`quiet_days_quiet` for temperament quiet).

    Becoming active (being added, or coming back) counts as a touch: `status_since` of an active
    client is the day it became active. Any logged touch restarts the clock.
    """
    # Each temperament's own threshold in SQL: only clients quiet by the window's end come back,
    # told by one index probe each for a touch after it; the last touch is read for those alone.
    # ("quiet" unconverted: compared with a date column, peewee would try it as a date in three
    # formats first, and import _strptime to do it.)
    cutoff = Case(Client.temperament, [(Value("quiet", converter=False),
                                        scope.end - timedelta(days=rules.quiet_days_quiet))],
                  scope.end - timedelta(days=rules.quiet_days))
    touched = Touch.select(SQL("1")).where((Touch.client == Client.id) & (Touch.on > cutoff))
    last_touch = Touch.select(fn.MAX(Touch.on)).where(Touch.client == Client.id)
    query = Client.select(Client.id, Client.name, Client.temperament, Client.status_since, last_touch).where(
        (Client.status == "active") & (Client.status_since <= cutoff) & ~fn.EXISTS(touched)
    )
    shown = _("No contact since {date}")
    for client_id, name, temperament, since, touch in _rows(_for_client(query, scope)):
        last = _day(max(touch, since) if touch else since)  # ISO dates order as text
        due = last + timedelta(days=rules.quiet_days_quiet if temperament == "quiet" else rules.quiet_days)
        if (scope.start is None or due >= scope.start) and due <= scope.end:
            yield Occurrence(
                item_id("quiet", client_id, due), "quiet", due, client_id, name,
                shown.format(date=_long(last)),
            )


RECURRENCE_LABEL = {"weekly": N_("every week"), "monthly": N_("every month"), "yearly": N_("every year")}


def recurrence_months(every: str) -> int | None:
    """Months between occurrences of a recurring reminder; None for weekly and one-off ones."""
    if every == "monthly":
        return 1
    if every == "yearly":
        return 12
    if every.endswith("m") and every[:-1].isdigit():
        return int(every[:-1])
    return None


def recurrence_label(every: str) -> str:
    """How often a recurring reminder comes back, in the reader's language ("every 3 months")."""
    if every in RECURRENCE_LABEL:
        return _(RECURRENCE_LABEL[every])
    months = recurrence_months(every) or 0
    return ngettext("every {count} month", "every {count} months", months).format(count=months)


def reminder_dates(anchor: date, every: str, start: date, end: date) -> Iterator[date]:
    """Occurrences of a reminder in [start, end], each computed from the anchor (never chained)."""
    if every == "weekly":
        k = max(0, (start - anchor).days // 7)
        while (day := anchor + timedelta(weeks=k)) <= end:
            if day >= start:
                yield day
            k += 1
    elif months := recurrence_months(every):
        yield from month_steps(anchor, months, start, end)
    elif start <= anchor <= end:
        yield anchor


def _latest_on_or_before(anchor: date, every: str, day: date) -> date:
    """The last occurrence on or before `day` (the anchor itself if it is later)."""
    if anchor >= day:
        return anchor
    step = timedelta(weeks=1) if every == "weekly" else None
    if step:
        return anchor + step * ((day - anchor).days // 7)
    months = recurrence_months(every) or 1
    latest = anchor
    for occurrence in month_steps(anchor, months, add_months(day, -2 * months), day):
        latest = occurrence
    return latest


def _after(anchor: date, every: str, day: date) -> date:
    """The occurrence following `day`."""
    return next(reminder_dates(anchor, every, day + timedelta(days=1), FOREVER))


def custom_reminders(rules: Rules, scope: Scope) -> Iterator[Occurrence]:
    """Reminders set by hand. A one-off stays until done; a recurring one shows its occurrences in
    the window, and a missed occurrence stays only until the next one comes due (it moves on)."""
    query = (
        Reminder.select(Reminder.id, Reminder.due, Reminder.every, Reminder.text, Client.id, Client.name)
        .join(Client)
        .where((Reminder.due <= scope.end) & (Client.status != NOT_CONTACTED))
    )
    if scope.entity_id is not None:
        query = query.where(Reminder.id == scope.entity_id)
    if scope.start is None:
        # Done one-off reminders pile up over the years: skip them in SQL.
        done_id = dated_key("custom", Reminder.id, Reminder.due)
        done = ItemState.select(ItemState.item_id).where((ItemState.item_id == done_id) & (ItemState.state == "done"))
        query = query.where((Reminder.every != "") | ~fn.EXISTS(done))
    for rid, due, every, text, client_id, name in _rows(_for_client(query, scope)):
        anchor = _day(due)
        if not every:
            if scope.start is None or anchor >= scope.start:
                yield Occurrence(item_id("custom", rid, anchor), "custom", anchor, client_id, name, text)
            continue
        start = scope.start or _latest_on_or_before(anchor, every, scope.today)
        label = recurrence_label(every)
        for due in reminder_dates(anchor, every, start, scope.end):
            yield Occurrence(
                item_id("custom", rid, due), "custom", due, client_id, name, f"{text} ({label})",
                last_day=_after(anchor, every, due) - timedelta(days=1),
            )


def occurrences(
    rules: Rules, today: date, end: date, clients: tuple[int, ...] | None = None
) -> Iterator[Occurrence]:
    """Every occurrence still in its look-back on `today` and due by `end` (for `clients` only)."""
    for record in kinds.kinds():
        lookback = record.lookback_days(rules)
        start = today - timedelta(days=lookback) if lookback is not None else None
        yield from record.rule(rules, Scope(today, start, end, clients=clients))


def find_occurrence(rules: Rules, item: str, today: date) -> Occurrence | None:
    """The occurrence an item id names, if the rules still produce it (whatever its date)."""
    kind, key, day = parse_item_id(item)
    wanted = item_id(kind, key, day)
    # (`day is not None`: always so for these dated kinds, parse_item_id sees to it)
    if day is not None and kind in ("greeting", "winback"):
        scope = Scope(today, day, day, clients=(key,))
    elif kind == "quiet":
        scope = Scope(today, None, FOREVER, clients=(key,))
    elif day is not None and kind == "custom":
        scope = Scope(today, day, day, entity_id=key)
    else:
        scope = Scope(today, None, FOREVER, entity_id=key)
    return next((o for o in kinds.kind(kind).rule(rules, scope) if o.id == wanted), None)


def shifted(occurrence: Occurrence, due: date) -> Occurrence:
    """The occurrence moved to `due` (a snooze): its whole life moves by the same number of days."""
    if occurrence.last_day is None:
        return replace(occurrence, due=due)
    return replace(occurrence, due=due, last_day=occurrence.last_day + (due - occurrence.due))
