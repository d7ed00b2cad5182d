"""The vocabulary of the domain: every enumerated value a user can type or see."""

from crm.i18n import NC_, pgettext

TEMPERAMENTS = (
    "fierce",
    "balanced",
    "quiet",
    "key",
    "know-it-all",
    "compensation-seeker",
    "whiny",
)
TIERS = ("key", "regular")
STATUSES = ("prospect", "active", "departed", "parted")
# Statuses a client can be created with; departed and parted are reached through a status change.
NEW_CLIENT_STATUSES = ("prospect", "active")
TOUCH_KINDS = ("call", "email", "meeting", "greeting", "news", "gift", "letter", "note")
SEVERITIES = ("low", "medium", "high")
GROUPS = ("A", "B", "C")
OUTCOMES = ("retained", "departed", "parted")
EVENT_KINDS = (
    "complaint",
    "call",
    "meeting",
    "email",
    "apology",
    "fix_delivered",
    "client_approved",
    "compensation_offered",
    "decision",
    "note",
    "resolved",
)
# cancelled: dropped from a plan before it came due (neither kept nor broken: not in the record)
PROMISE_STATUSES = ("open", "kept", "broken", "renegotiated", "cancelled")
COMPENSATION_KINDS = ("gift", "bonus", "discount", "refund", "redo")
# withdrawn: replaced or dropped by an edited plan; no longer on offer
COMPENSATION_STATUSES = ("offered", "accepted", "used", "expired", "withdrawn")
RECURRENCES = ("weekly", "monthly", "yearly")  # plus "Nm": every N months
# What an e-mail address or phone number is for; "" when its source did not say.
CHANNEL_KINDS = ("work", "home", "mobile", "main", "fax", "pager", "other")
DEFAULT_CURRENCY = "EUR"

# What a person reads for each value of a vocabulary (a list of choices, a column), marked with the
# vocabulary as its context: one English word reads differently in each ("key" temperament, "key"
# tier, a settings key), and so may a language's grammar. Shown with `word(vocabulary, value)`;
# the stored value itself never changes with the language.
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "temperament": {
        "fierce": NC_("temperament", "fierce"),
        "balanced": NC_("temperament", "balanced"),
        "quiet": NC_("temperament", "quiet"),
        "key": NC_("temperament", "key"),
        "know-it-all": NC_("temperament", "know-it-all"),
        "compensation-seeker": NC_("temperament", "compensation-seeker"),
        "whiny": NC_("temperament", "whiny"),
    },
    "tier": {"key": NC_("tier", "key"), "regular": NC_("tier", "regular")},
    "client status": {
        "prospect": NC_("client status", "prospect"),
        "active": NC_("client status", "active"),
        "departed": NC_("client status", "departed"),
        "parted": NC_("client status", "parted"),
    },
    "touch": {
        "call": NC_("touch", "call"),
        "email": NC_("touch", "email"),
        "meeting": NC_("touch", "meeting"),
        "greeting": NC_("touch", "greeting"),
        "news": NC_("touch", "news"),
        "gift": NC_("touch", "gift"),
        "letter": NC_("touch", "letter"),
        "note": NC_("touch", "note"),
    },
    "severity": {"low": NC_("severity", "low"), "medium": NC_("severity", "medium"), "high": NC_("severity", "high")},
    "outcome": {
        "retained": NC_("outcome", "retained"),
        "departed": NC_("outcome", "departed"),
        "parted": NC_("outcome", "parted"),
    },
    "incident event": {
        "complaint": NC_("incident event", "complaint"),
        "call": NC_("incident event", "call"),
        "meeting": NC_("incident event", "meeting"),
        "email": NC_("incident event", "email"),
        "apology": NC_("incident event", "apology"),
        "fix_delivered": NC_("incident event", "fix delivered"),
        "client_approved": NC_("incident event", "client approved"),
        "compensation_offered": NC_("incident event", "compensation offered"),
        "decision": NC_("incident event", "decision"),
        "note": NC_("incident event", "note"),
        "resolved": NC_("incident event", "resolved"),
    },
    "compensation": {
        "gift": NC_("compensation", "gift"),
        "bonus": NC_("compensation", "bonus"),
        "discount": NC_("compensation", "discount"),
        "refund": NC_("compensation", "refund"),
        "redo": NC_("compensation", "redo"),
    },
    "promise status": {
        "open": NC_("promise status", "open"),
        "kept": NC_("promise status", "kept"),
        "broken": NC_("promise status", "broken"),
        "renegotiated": NC_("promise status", "renegotiated"),
        "cancelled": NC_("promise status", "cancelled"),
    },
    "compensation status": {
        "offered": NC_("compensation status", "offered"),
        "accepted": NC_("compensation status", "accepted"),
        "used": NC_("compensation status", "used"),
        "expired": NC_("compensation status", "expired"),
        "withdrawn": NC_("compensation status", "withdrawn"),
    },
    "channel": {
        "work": NC_("channel", "work"),
        "home": NC_("channel", "home"),
        "mobile": NC_("channel", "mobile"),
        "main": NC_("channel", "main"),
        "fax": NC_("channel", "fax"),
        "pager": NC_("channel", "pager"),
        "other": NC_("channel", "other"),
    },
}
# Each vocabulary of WORDS and the values it words: tests/unit/test_domain_words.py keeps them in step.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "temperament": TEMPERAMENTS, "tier": TIERS, "client status": STATUSES, "touch": TOUCH_KINDS,
    "severity": SEVERITIES, "outcome": OUTCOMES, "incident event": EVENT_KINDS, "compensation": COMPENSATION_KINDS,
    "promise status": PROMISE_STATUSES, "compensation status": COMPENSATION_STATUSES, "channel": CHANNEL_KINDS,
}


def word(vocabulary: str, value: str) -> str:
    """`value` of `vocabulary` (a key of WORDS) as the reader's language says it; a value the
    vocabulary lacks (an old or imported one) as stored, "_" read as a space."""
    mark = WORDS.get(vocabulary, {}).get(value)
    return pgettext(*mark) if mark else value.replace("_", " ")


def words(vocabulary: str) -> dict[str, str]:
    """Every value of `vocabulary` with its words in the reader's language, for a list of choices."""
    return {value: pgettext(*mark) for value, mark in WORDS[vocabulary].items()}
