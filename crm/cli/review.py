"""`crm review`, `crm done`, `crm snooze`, `crm remind add`, `crm ics` and `crm digest`.

What only some commands use is imported where it is used: `crm review --json` runs from cron and
scripts, and each import it can skip is a millisecond or two at its start.
"""

import argparse
import gc
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from crm import i18n, kinds, validate
from crm.cli import CLIENT_HELP, Context, Subcommands, checked, group, whole
from crm.cli.output import created
from crm.domain import RECURRENCES
from crm.errors import UserError
from crm.i18n import _, ngettext
from crm.l10n import format_day
from crm.review import WHEN_ORDER, DueItem, mark_done_many, review, snooze, when
from crm.text import cells, fit, pad, safe, safe_line

REVIEW_DAYS, ICS_DAYS, MAX_DAYS = 7, 60, 3660
# An occasion shared by more clients than this is listed as a paragraph of names, not one per line.
OCCASION_LINES = 10
OVERDUE_NAMED = 3  # the digest names this many overdue clients per kind


def register(sub: Subcommands) -> None:
    text = _("what is due: overdue items plus the next N days")
    rev = sub.add_parser("review", help=text, description=text)
    rev.add_argument("--days", type=whole(0, MAX_DAYS), default=REVIEW_DAYS, metavar="N",
                     help=_("look N days ahead ({default})").format(default=REVIEW_DAYS))
    rev.add_argument("--json", action="store_true", help=_("print {\"today\", \"until\", \"items\"} as JSON"))
    rev.set_defaults(handler=_review, read_only=True)

    text = _("mark due items done, all or none (each logs a touch where it was a contact)")
    done = sub.add_parser("done", help=text, description=text)
    done.add_argument("items", nargs="+", metavar="ITEM",
                      help=_("ids crm review printed, e.g. greeting-7-20261225 promise-12"))
    done.add_argument("--note", default="", help=_("a note kept with every item (and its touch)"))
    done.set_defaults(handler=_done)

    text = _("hide a due item until a date, when it comes back")
    later = sub.add_parser("snooze", help=text, description=text)
    later.add_argument("item", metavar="ITEM", help=_("an id crm review printed, e.g. promise-12"))
    later.add_argument("--until", required=True, metavar="DATE", help=_("the day it comes back"))
    later.set_defaults(handler=_snooze)

    remind = group(sub, "remind", _("custom reminders"))
    text = _("a reminder for a client on a date, optionally recurring; prints its id")
    add = remind.add_parser("add", help=text, description=text)
    add.add_argument("client", metavar="CLIENT", help=_(CLIENT_HELP))
    add.add_argument("text", metavar="TEXT", help=_("what to do"))
    add.add_argument("--due", required=True, metavar="DATE", help=_("when (the first time, if it repeats)"))
    add.add_argument("--every", default="", metavar="|".join(RECURRENCES) + "|Nm",
                     help=_("repeat; 3m = every 3 months"))
    add.add_argument("--json", action="store_true", help=_("print {\"id\": N}"))
    add.set_defaults(handler=_remind_add)

    text = _("due items as an iCalendar feed (one all-day event each)")
    ics = sub.add_parser("ics", help=text, description=text)
    ics.add_argument("--days", type=whole(0, MAX_DAYS), default=ICS_DAYS, metavar="N",
                     help=_("look N days ahead ({default})").format(default=ICS_DAYS))
    ics.add_argument("--out", metavar="PATH", type=checked(validate.path),
                     help=_("write the feed to PATH (mode 0600) instead of stdout"))
    ics.set_defaults(handler=_ics, read_only=True)

    text = _("a few lines for a login banner or a weekly cron mail")
    digest = sub.add_parser("digest", help=text, description=text)
    digest.set_defaults(handler=_digest, read_only=True)


def _day(value: date) -> str:
    return _day_in(value, i18n.language())


@lru_cache(maxsize=4096)  # a review prints thousands of items over a few hundred dates
def _day_in(value: date, language: str) -> str:
    return format_day(value, "column", language)


def _date(value: date) -> str:
    return format_day(value, "weekday")


# --- review ---------------------------------------------------------------------------------


def _review(args: argparse.Namespace, ctx: Context) -> int:
    # A review makes tens of thousands of small objects and no reference cycles: the collector's
    # passes over them cost a tenth of a 50,000-client review, and found nothing to free.
    gc.disable()
    try:
        items = review(ctx.today, args.days)
        until = ctx.today + timedelta(days=args.days)
        if args.json:
            sys.stdout.write(review_json(items, ctx.today, until))
        else:
            import shutil

            print(render_review(items, ctx.today, until, shutil.get_terminal_size((100, 24)).columns))
    finally:
        gc.enable()
    return 0


def review_json(items: Sequence[DueItem], today: date, until: date) -> str:
    """`crm review --json`: what `emit_json({"today", "until", "items": [i.as_json() …]})` prints,
    byte for byte, with each item written by one f-string (its strings quoted by json's C quoting)
    rather than laid out by the general encoder: a review prints thousands of items, and this is a
    third of the encoder's cost (tests/unit/test_review_cli.py compares the two)."""
    head = f'{{\n  "today": "{today.isoformat()}",\n  "until": "{until.isoformat()}",\n  "items": '
    if not items:
        return head + "[]\n}\n"
    from json.encoder import encode_basestring as quote

    body = ",\n".join([
        f'    {{\n      "id": {quote(i.id)},\n      "kind": {quote(i.kind)},\n      "due": "{i.due.isoformat()}",'
        f'\n      "client": {quote(i.client)},\n      "client_id": {int(i.client_id)},'
        f'\n      "title": {quote(i.title)},'
        f'\n      "overdue": {"true" if i.overdue else "false"},'
        f'\n      "occasion": {quote(i.occasion) if i.occasion else "null"},'
        f'\n      "snoozed": {"true" if i.snoozed else "false"}\n    }}'
        for i in items])
    return f"{head}[\n{body}\n  ]\n}}\n"


class _Columns:
    """Widths for one review listing: date, id (it names the kind too), client, title.

    The id is never cut (it is what `crm done` takes); the client gives way to the title down to
    CLIENT_LEAST columns, and every cut ends in "…", so at `width` columns no line wraps."""

    CLIENT_MOST, CLIENT_LEAST, TITLE_WANTED = 22, 10, 24

    def __init__(self, items: Sequence[DueItem], width: int) -> None:
        self.day = max(10, *(cells(_day(i.due)) for i in items))  # "Mon  7 Dec"; "чт, 19 нояб." is wider
        self.id = max((len(i.id) for i in items), default=0)
        client = min(max((cells(safe_line(i.client)) for i in items), default=6), self.CLIENT_MOST)
        self.lead = 2 + self.day + 2  # indent and date column
        room = width - self.lead - self.id - 2 - 2  # what the client and the title share
        self.client = max(min(client, room - self.TITLE_WANTED), min(client, self.CLIENT_LEAST))
        self.title = max(room - self.client, 1)

    def line(self, day: str, item_id: str, client: str, title: str) -> str:
        client = pad(safe_line(client), self.client)
        return f"  {pad(day, self.day)}  {item_id:{self.id}}  {client}  {fit(safe_line(title), self.title)}".rstrip()


def render_review(items: Sequence[DueItem], today: date, until: date, width: int = 100) -> str:
    """The plain review: a summary line, then Overdue / Today / This week / Later, greetings of one
    occasion on one day gathered under a heading ("Christmas Day — 12 clients")."""
    overdue = sum(1 for i in items if i.overdue)
    day, through = format_day(today, "heading"), _date(until)
    if not items:
        return _("Review for {day}: nothing due through {until}. All clear.").format(day=day, until=through)
    if overdue:
        head = ngettext("Review for {day}: {count} due through {until}, {overdue} overdue",
                        "Review for {day}: {count} due through {until}, {overdue} overdue", len(items))
    else:
        head = ngettext("Review for {day}: {count} due through {until}",
                        "Review for {day}: {count} due through {until}", len(items))
    lines = [head.format(day=day, count=len(items), until=through, overdue=overdue)]
    cols = _Columns(items, width)
    for group_name in WHEN_ORDER:
        members = [i for i in items if when(i, today) == group_name]
        if not members:
            continue
        lines += ["", f"{_(group_name).upper()} — {len(members)}"]
        occasions: dict[tuple[str, date], list[DueItem]] = {}
        for item in members:
            if item.kind == "greeting":
                occasions.setdefault((item.occasion, item.due), []).append(item)
        placed: set[tuple[str, date]] = set()
        for item in members:
            key = (item.occasion, item.due)
            shared = occasions.get(key, []) if item.kind == "greeting" else []
            if len(shared) < 2:
                lines.append(cols.line(_day(item.due), item.id, item.client, item.title))
            elif key not in placed:
                placed.add(key)
                lines += _occasion(shared, cols, width)
    lines += ["", _("crm done ITEM [ITEM ...] [--note TEXT] when dealt with"),
              _("crm snooze ITEM --until DATE to see it later")]
    # The columns fit `width`; a heading (a long occasion's name, say) is cut rather than wrapped.
    return "\n".join(fit(line, width) for line in lines)


def _occasion(items: list[DueItem], cols: _Columns, width: int) -> list[str]:
    """An occasion's heading and its clients: one per line, or a paragraph of names when many."""
    first = items[0]
    heading = ngettext("{occasion} — {count} client", "{occasion} — {count} clients", len(items)).format(
        occasion=safe_line(first.occasion), count=len(items))
    lines = [f"  {pad(_day(first.due), cols.day)}  {heading}"]
    people = sorted(items, key=lambda i: (i.client.casefold(), i.id))
    if len(people) <= OCCASION_LINES:
        for item in people:
            # The heading names the occasion; only what the greeting adds (a birthday) is repeated.
            extra = item.title.partition(" + ")[2]
            lines.append(cols.line("", item.id, item.client, f"+ {extra}" if extra else ""))
        return lines
    import textwrap

    names = ", ".join(f"{safe_line(i.client)} (#{i.client_id})" for i in people)
    indent = " " * cols.lead
    lines += textwrap.wrap(names, width=max(width, cols.lead + 20), initial_indent=indent, subsequent_indent=indent,
                           break_on_hyphens=False)
    command = f"crm done greeting-<#>-{first.due:%Y%m%d}"
    lines.append(indent + _("mark each done with: {command}").format(command=command))
    return lines


# --- done, snooze, remind ----------------------------------------------------------------------


def _done(args: argparse.Namespace, ctx: Context) -> int:
    try:
        items = mark_done_many(args.items, ctx.today, args.note)
    except UserError as exc:
        if len(args.items) < 2:
            raise
        raise UserError(_("{reason}; nothing was marked done").format(reason=exc)) from None
    for item in items:
        print(done_line(item))
    return 0


def done_line(item: DueItem) -> str:
    """What marking `item` done did, in one line."""
    client = safe_line(item.client)
    effects = {
        "greeting": _("logged a greeting with {client}"),
        "winback": _("logged a call with {client}"),
        "checkin": _("logged a call with {client}"),
        "quiet": _("logged a call with {client}"),
        "promise": _("promise kept"),
        "incident_stale": _("noted on the incident"),
    }
    effect = effects.get(item.kind, "")
    line = _("done: {id} — {title} ({client})").format(id=item.id, title=safe_line(item.title), client=client)
    return f"{line}; {effect.format(client=client)}" if effect else line


def _snooze(args: argparse.Namespace, ctx: Context) -> int:
    item = snooze(args.item, ctx.date(args.until), ctx.today)
    print(_("snoozed until {date}: {id} — {title} ({client})").format(
        date=format_day(item.due, "full"), id=item.id, title=safe_line(item.title),
        client=safe_line(item.client)))
    return 0


def _remind_add(args: argparse.Namespace, ctx: Context) -> int:
    from crm.clients import find_client
    from crm.reminders import add_reminder

    client = find_client(args.client)
    due = ctx.date(args.due)
    created(add_reminder(client.id, args.text, due=due, every=args.every, today=ctx.today), args.json)
    return 0


# --- ics -------------------------------------------------------------------------------------


def calendar_feed(items: Sequence[DueItem], stamp: datetime) -> bytes:
    """An RFC 5545 calendar: one all-day event per item, UID `<item-id>@rapport` so a subscribed
    calendar updates an item (a snooze moves it to its new date) rather than adding a second one.
    Overdue items stay on their own date: the review, not the calendar, chases them."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Rapport//Rapport CRM//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Rapport: due items"))
    when_done = _("When done: {command}")
    for item in items:
        event = Event()
        event.add("uid", f"{item.id}@rapport")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", f"{kinds.label(item.kind)}: {safe_line(item.client)} — {safe_line(item.title)}")
        event.add("description", f"{safe(item.title)}\n\n" + when_done.format(command=f"crm done {item.id}"))
        event.add("categories", [item.kind])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical


def _ics(args: argparse.Namespace, ctx: Context) -> int:
    items = review(ctx.today, args.days)
    feed = calendar_feed(items, datetime.now(UTC).replace(microsecond=0))
    if args.out is None:
        sys.stdout.buffer.write(feed)
        return 0
    from crm.backup import atomic_file
    from crm.paths import check_output

    check_output(args.out)
    with atomic_file(args.out) as handle:
        handle.write(feed)
    print(ngettext("{count} event written to {path}", "{count} events written to {path}", len(items)).format(
        count=len(items), path=safe_line(args.out)))
    return 0


# --- digest ----------------------------------------------------------------------------------


def render_digest(items: Sequence[DueItem], today: date, until: date) -> str:
    """A few lines: how much is due, counts by kind, and the overdue items by client, per kind."""
    import textwrap

    day, through = format_day(today, "full"), _date(until)
    if not items:
        return _("Rapport, {day}: nothing due through {until}.").format(day=day, until=through)
    overdue = [i for i in items if i.overdue]
    if overdue:
        head = ngettext("Rapport, {day}: {count} due through {until}, {overdue} overdue.",
                        "Rapport, {day}: {count} due through {until}, {overdue} overdue.", len(items))
    else:
        head = ngettext("Rapport, {day}: {count} due through {until}.", "Rapport, {day}: {count} due through {until}.",
                        len(items))
    lines = [head.format(day=day, count=len(items), until=through, overdue=len(overdue))]
    counts = Counter(i.kind for i in items)
    by_count = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines += textwrap.wrap(", ".join(kinds.kind(kind).count(n) for kind, n in by_count), width=78,
                           initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)
    if overdue:
        late: dict[str, dict[str, None]] = {}  # kind → client names, in order, once each
        for item in overdue:
            late.setdefault(item.kind, {})[safe_line(item.client)] = None
        late_counts = Counter(i.kind for i in overdue)
        parts = []
        order = [k.name for k in kinds.kinds()]
        for kind, unique in sorted(late.items(), key=lambda kv: order.index(kv[0])):  # promises first
            names = list(unique)
            more = f" +{len(names) - OVERDUE_NAMED}" if len(names) > OVERDUE_NAMED else ""
            parts.append(f"{kinds.kind(kind).count(late_counts[kind])} — {', '.join(names[:OVERDUE_NAMED])}{more}")
        lines += textwrap.wrap(_("Overdue: {items}").format(items="; ".join(parts)), width=78, initial_indent="  ",
                               subsequent_indent="    ", break_on_hyphens=False)
    lines.append("  " + _("crm review for the list"))
    return "\n".join(lines)


def _digest(args: argparse.Namespace, ctx: Context) -> int:
    items = review(ctx.today, REVIEW_DAYS)
    print(render_digest(items, ctx.today, ctx.today + timedelta(days=REVIEW_DAYS)))
    return 0
