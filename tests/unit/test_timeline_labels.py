"""Every kind a client's timeline can show has a label that fits its column, uncut."""

from crm.domain import EVENT_KINDS, PROMISE_STATUSES, TOUCH_KINDS
from crm.widgets.timeline import KIND_WIDTH, kind_label

TIMELINE_KINDS = (
    *TOUCH_KINDS, *EVENT_KINDS, "incident", "promise", "compensation", "status", "resolved",
    *(f"promise_{status}" for status in PROMISE_STATUSES if status != "open"),
)


def test_every_timeline_kind_fits_its_column():
    too_long = {kind: kind_label(kind) for kind in TIMELINE_KINDS if len(kind_label(kind)) > KIND_WIDTH}
    assert too_long == {}
