"""Post-mortem (docs/method.md §5): what the saved plan holds, then why it happened and the rule that prevents it."""

from dataclasses import replace
from datetime import date

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from crm import wizard
from crm.app.screens.wizard.step import Saving, WizardStep, plain, row
from crm.app.work import db_work
from crm.errors import UserError
from crm.i18n import N_, _, ngettext
from crm.l10n import format_day
from crm.text import safe
from crm.widgets.safe_fields import SafeInput
from crm.wizard import Holdings, Session, WizardState


def save_postmortem(session: Session, ahead: WizardState, today: date) -> Session:
    assert session.incident_id is not None
    version = wizard.save_postmortem(session.incident_id, ahead, today=today, version=session.version)
    return replace(session, version=version, state=replace(ahead, finished=True))


class PostmortemStep(WizardStep):
    """The plan's summary, read back from the database, and the cause and rule to fill in."""

    stage = "postmortem"
    heading = N_("Why it happened")

    def compose(self) -> ComposeResult:
        state, incident_id = self.data.state, self.data.session.incident_id
        if state.applied and incident_id is not None:
            # What the incident holds is read back from the database (`_show_holdings`), not counted here.
            yield plain(_("Plan saved on {on}: client {outcome}. Reading what it holds…").format(
                on=state.applied.get("revised") or state.applied.get("on", ""),
                outcome=state.applied.get("outcome", "")), id="holdings")
        else:
            yield plain(_("The plan is not saved yet: go back to the letter and press ctrl+n."), id="holdings")
        yield Static(_("Once it is solved: why did it happen, and what rule keeps other clients from hitting it? "
                       "No culprits, just the weak spot. Leave with esc and come back later if it is too early."),
                     classes="muted", markup=False)
        yield row(_("Cause"), SafeInput(state.postmortem_cause, id="pm-cause", compact=True))
        yield row(_("Prevention rule"), SafeInput(state.postmortem_rule, id="pm-rule", compact=True))

    def on_mount(self) -> None:
        incident_id = self.data.session.incident_id
        if self.data.state.applied and incident_id is not None:
            db_work(self, lambda: wizard.holdings(incident_id), self._show_holdings, group="wizard-holdings")

    def _show_holdings(self, held: Holdings) -> None:
        """The plan's summary: what the incident holds now, as stored (an edited plan replaced, not added)."""
        applied = self.data.state.applied
        promises, offers = sorted(held.open_promises, key=lambda p: (p.due, p.id)), held.offers
        head = (_("Plan revised on {on}") if applied.get("revised") else _("Plan saved on {on}")).format(
            on=applied.get("revised") or applied.get("on", ""))
        lines = [_("{head}: client {outcome}. Incident #{id} now holds {promises} and {offers}.").format(
            head=head, outcome=applied.get("outcome", ""), id=self.data.session.incident_id,
            promises=ngettext("{n} open promise", "{n} open promises", len(promises)).format(n=len(promises)),
            offers=ngettext("{n} offer", "{n} offers", len(offers)).format(n=len(offers)))]
        lines += [_("• Promise by {due}: {text}").format(due=format_day(p.due, "weekday"), text=p.what)
                  for p in promises]
        for offer in offers:
            until = _(", valid until {day}").format(day=format_day(offer.due, "date")) if offer.due else ""
            lines.append(_("• Offered: {kind} of {amount}{until}").format(kind=offer.what, amount=offer.amount,
                                                                          until=until))
        if held.reminder:
            lines.append(_("• Check-in reminder on {day}").format(day=format_day(held.reminder[1], "date")))
        lines.append(_("The review shows them now."))
        self.query_one("#holdings", Static).update(Content(safe("\n".join(lines))))

    def read(self, state: WizardState) -> WizardState:
        return replace(state, postmortem_cause=self.value("#pm-cause"), postmortem_rule=self.value("#pm-rule"))

    def check(self, state: WizardState) -> WizardState:
        if not state.postmortem_cause.strip() and not state.postmortem_rule.strip():
            raise UserError(_("Fill in the cause and the rule, or press esc: the wizard waits here for the "
                              "post-mortem."))
        return state

    def saving(self, state: WizardState) -> Saving:
        return Saving(_("Saving the post-mortem…"), save_postmortem,
                      lambda session: _("Post-mortem saved. The wizard is done for this incident."))
