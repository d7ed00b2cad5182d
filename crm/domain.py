"""The vocabulary of the domain: every enumerated value a user can type or see."""

from crm.i18n import N_

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
# The words for values that go inside sentences the app writes into a timeline (in the writer's
# language): "Resolved: client retained", "Offered bonus of …".
STATUS_WORDS = {"prospect": N_("prospect"), "active": N_("active"), "departed": N_("departed"), "parted": N_("parted")}
OUTCOME_WORDS = {"retained": N_("retained"), "departed": N_("departed"), "parted": N_("parted")}
COMPENSATION_WORDS = {"gift": N_("gift"), "bonus": N_("bonus"), "discount": N_("discount"), "refund": N_("refund"),
                      "redo": N_("redo")}
RECURRENCES = ("weekly", "monthly", "yearly")  # plus "Nm": every N months
# What an e-mail address or phone number is for; "" when its source did not say.
CHANNEL_KINDS = ("work", "home", "mobile", "main", "fax", "pager", "other")
DEFAULT_CURRENCY = "EUR"
