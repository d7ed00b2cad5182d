"""The letter (docs/method.md §4, §5, §8): the one the diagnosis calls for, holding the plan's promises and
compensation, signed by the owner; moving on saves the whole plan (asking first when it parts).
After the post-mortem, the "what we changed, thank you" letter tells the client the new rule."""

from dataclasses import replace
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from crm import wizard
from crm.app.screens.wizard import more_advice
from crm.app.screens.wizard.step import Question, Saving, WizardStep
from crm.app.work import db_work
from crm.i18n import N_, _
from crm.l10n import format_day
from crm.playbook import load_playbook
from crm.text import safe_line
from crm.widgets.safe_fields import SafeInput, SafeTextArea
from crm.wizard import Session, WizardState

NO_LETTER = "none"
WIZARD_LETTERS = ("apology", "refusal", "parting", "checkin", "winback")
# What the owner's own words say in each letter (WizardState.letter_details).
DETAILS = {
    "apology": N_("What we got wrong"),
    "refusal": N_("What they asked for"),
    "parting": N_("Whom we recommend"),
    "thanks": N_("The problem they told us about"),
}


def apply_plan(session: Session, ahead: WizardState, today: date) -> Session:
    """Write the plan, then read back what was recorded (the ids written): the summary is the stored truth."""
    assert session.incident_id is not None
    wizard.apply_plan(session.incident_id, ahead, today, version=session.version)
    stored, version = wizard.load_state(session.incident_id)
    return replace(session, state=stored, version=version)


def plan_said(session: Session) -> str:
    if session.state.applied.get("revised"):
        return _("Plan updated: changed promises and offers replace the earlier ones, kept in the history.")
    if session.state.applied.get("outcome") == "parted":
        return _("Plan saved: we parted. Nothing more about them comes up in the review.")
    return _("Plan saved. Its promises and follow-ups are in the review now.")


def parting_question(session: Session) -> Question | None:
    """What parting cancels (docs/method.md §4: a parted client hears no more), to agree to first."""
    found = wizard.parting_preview(session.client_id)
    if found.empty:
        return None
    cancelled = [*(_("the promise “{text}” (due {day})").format(text=p.what, day=format_day(p.due, "day"))
                   for p in found.promises),
                 *(_("the reminder “{text}” ({day})").format(text=text, day=format_day(due, "day"))
                   for _id, text, due in found.reminders)]
    return Question(_("Part with {client}?").format(client=safe_line(session.client)),
                    _("Yes: part, and cancel {what}").format(what="; ".join(cancelled)),
                    _("No, not yet"))


class LetterBase(WizardStep):
    """A letter to edit, and a button to record it went out (a touch on the client)."""

    stage = "letter"
    kinds: ClassVar[tuple[str, ...]]

    def kind(self) -> str:
        return self.kinds[0]

    def draft(self, kind: str, state: WizardState) -> str:
        return wizard.draft(kind, self.data.session, state, self.data.today) if kind != NO_LETTER else ""

    @on(Button.Pressed, "#letter-sent")
    def _sent(self) -> None:
        incident_id, kind, today = self.data.session.incident_id, self.kind(), self.data.today
        if incident_id is None or kind == NO_LETTER:
            return
        what = load_playbook(self.data.language).label("letter", kind)
        db_work(self, lambda: wizard.mark_letter_sent(incident_id, kind, on=today),
                lambda _touch: self.notify(_("{letter} marked sent: a letter touch is on the client's timeline.")
                                           .format(letter=what), markup=False),
                group="wizard-letter-sent")


class LetterStep(LetterBase):
    """Which letter, the owner's words for it, the agreement a refusal cites, and its text."""

    heading = N_("The letter")
    main = "#letter-details"  # the owner's words first: the draft follows them
    kinds = (*WIZARD_LETTERS, NO_LETTER)

    def compose(self) -> ComposeResult:
        session, state = self.data.session, self.data.state
        _diagnosis, rec = self.data.advice()
        kind = wizard.letter_kind(state, session, rec) or NO_LETTER
        book = load_playbook(self.data.language)
        choices = [(book.label("letter", k), k) for k in WIZARD_LETTERS] + [(_("No letter"), NO_LETTER)]
        yield Horizontal(Label(_("Letter")), Select(choices, value=kind, allow_blank=False, id="letter-kind",
                                                     compact=True), classes="row")
        yield Horizontal(Label("", id="details-label"), SafeInput(
            state.letter_details, placeholder=_("in your own words: the letter quotes it whole"), id="letter-details",
            compact=True), classes="row")
        yield Horizontal(Label(_("The agreement it cites")), SafeInput(
            state.agreement, placeholder=_("our contract of 3 March, section 2"), id="agreement", compact=True),
            classes="row")
        self.drafted_kind, self.drafted = kind, self.draft(kind, state)
        yield SafeTextArea(state.letter or self.drafted, id="letter", soft_wrap=True, tab_behavior="focus")
        yield Horizontal(Button(_("Mark as sent"), id="letter-sent", compact=True),
                         Static(Content(more_advice.who_signs(session.signer)), classes="muted signer"), classes="sent")

    def kind(self) -> str:
        return self.value("#letter-kind")

    def preview(self) -> None:
        kind = self.kind()
        label = DETAILS.get(kind)
        self.query_one("#letter-details").parent.display = label is not None  # type: ignore[union-attr]
        self.query_one("#details-label", Label).update(_(label) if label else "")
        self.query_one("#agreement").parent.display = kind == "refusal"  # type: ignore[union-attr]
        self.query_one("#letter").display = kind != NO_LETTER
        self.query_one("#letter-sent").display = kind != NO_LETTER

    @on(Select.Changed, "#letter-kind")
    @on(Input.Changed, "#letter-details, #agreement")
    def _redraft(self) -> None:
        """Another kind of letter, or new words for it: the draft follows (new words only while the
        letter is not edited by hand)."""
        area = self.query_one("#letter", TextArea)
        if area.text == self.drafted or self.kind() != self.drafted_kind:
            self.drafted_kind, self.drafted = self.kind(), self.draft(self.kind(), self.current)
            area.text = self.drafted
        self.preview()

    def read(self, state: WizardState) -> WizardState:
        text = self.value("#letter")
        # Only a letter edited by hand is kept: otherwise it is drafted afresh from the plan as it stands.
        return replace(state, letter_kind=self.kind(), letter="" if text == self.drafted else text,
                       letter_details=self.value("#letter-details"), agreement=self.value("#agreement"))

    def saving(self, state: WizardState) -> Saving:
        _diagnosis, rec = self.data.advice(state)
        ask = parting_question if wizard.planned_outcome(state, rec) == "parted" else None
        return Saving(_("Saving the plan…"), apply_plan, plan_said, ask=ask)


class ThanksStep(LetterBase):
    """The post-mortem's rule told to the client: what we changed, and thank you (docs/method.md §8)."""

    stage = "postmortem"
    heading = N_("What we changed, thank you")
    kinds = ("thanks",)

    @classmethod
    def applies(cls, state: WizardState) -> bool:
        return state.applied.get("outcome") != "parted" and bool(state.postmortem_rule.strip())

    def compose(self) -> ComposeResult:
        yield Static(Content(more_advice.tell_what_changed()), classes="muted")
        yield SafeTextArea(self.draft("thanks", self.data.state), id="letter", soft_wrap=True, tab_behavior="focus")
        yield Button(_("Mark as sent"), id="letter-sent", compact=True)
