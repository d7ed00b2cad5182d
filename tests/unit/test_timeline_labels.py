"""Every kind a client's timeline can show has a label that fits its column, uncut, in every
language, and in Russian and Romanian it is theirs (issue 13)."""

import pytest

from crm import i18n
from crm.domain import EVENT_KINDS, PROMISE_STATUSES, TOUCH_KINDS
from crm.text import cells
from crm.widgets.timeline import KIND_WIDTH, KIND_WORDS, kind_label

TIMELINE_KINDS = (
    *TOUCH_KINDS, *EVENT_KINDS, "incident", "promise", "compensation", "status", "resolved",
    *(f"promise_{status}" for status in PROMISE_STATUSES if status != "open"),
)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_timeline_kind_fits_its_column(language):
    i18n.use(language)
    too_long = {kind: kind_label(kind) for kind in TIMELINE_KINDS if cells(kind_label(kind)) > KIND_WIDTH}
    assert too_long == {}


def test_every_timeline_kind_has_its_words():
    assert set(TIMELINE_KINDS) == set(KIND_WORDS)


@pytest.mark.parametrize(("language", "kind", "shown"), [
    ("en", "fix_delivered", "fix delivered"), ("en", "promise_kept", "kept"),
    ("ru", "call", "звонок"), ("ru", "complaint", "жалоба"), ("ru", "promise_broken", "нарушено"),
    ("ro", "call", "apel"), ("ro", "complaint", "reclamație"),
])
def test_a_kind_reads_in_the_reader_s_language(language, kind, shown):
    i18n.use(language)
    assert kind_label(kind) == shown
