"""What happened: the client's words, as they said them; they open an incident (or join an open one)."""

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Select, Static

from crm import wizard
from crm.app.screens.wizard.step import Saving, WizardStep, plain, row
from crm.i18n import N_, _
from crm.text import safe_line
from crm.widgets.safe_fields import SafeInput, SafeTextArea
from crm.wizard import WizardState

NEW_INCIDENT = "new"


class WordsStep(WizardStep):
    """The incident their words go to, its title, and the words themselves."""

    stage = "words"
    heading = N_("In their words")
    main = "#words"

    def compose(self) -> ComposeResult:
        session, state = self.data.session, self.data.state
        if session.incident_id:
            yield plain(_("Incident #{id}: {title}").format(id=session.incident_id, title=session.incident_title),
                        "muted")
        elif session.open_incidents:  # a new complaint, or more of one already open?
            choices = [(Content(_("A new incident")), NEW_INCIDENT)] + [
                (Content(f"#{iid} {safe_line(title)}"), str(iid)) for iid, title in session.open_incidents]
            # More of a complaint already open is likelier than a new one: the newest is the default.
            ids = [iid for iid, _ in session.open_incidents]
            chosen = state.attach_to
            attach = NEW_INCIDENT if chosen == 0 else str(chosen if chosen in ids else ids[0])
            yield row(_("Their words go to"), Select(choices, value=attach, allow_blank=False, id="attach",
                                                      compact=True))
        else:
            yield Static(_("This opens an incident; their words become its first timeline event."),
                         classes="muted", markup=False)
        yield row(_("Title of a new incident"), SafeInput(state.title, id="title", compact=True,
                                                          placeholder=_("empty: their first line")))
        yield Static(_("What the client said, as they said it:"), classes="muted tight", markup=False)
        yield SafeTextArea(state.words, id="words", soft_wrap=True, tab_behavior="focus")

    def preview(self) -> None:
        """The title is asked only of a new incident."""
        attach = self.value("#attach") if self.query("#attach") else NEW_INCIDENT
        title_row = self.query_one("#title").parent
        if title_row is not None:
            title_row.display = self.data.session.incident_id is None and attach == NEW_INCIDENT

    @on(Select.Changed, "#attach")
    def _attached(self) -> None:
        self.preview()

    def read(self, state: WizardState) -> WizardState:
        attach = self.value("#attach") if self.query("#attach") else NEW_INCIDENT
        return replace(state, title=self.value("#title"), words=self.value("#words"),
                       attach_to=0 if attach == NEW_INCIDENT else int(attach))

    def saving(self, state: WizardState) -> Saving:
        return Saving(_("Saving their words…"), lambda session, ahead, today: wizard.record_words(
            session, ahead, today=today), lambda session: _("Incident #{id} holds their words.").format(
            id=session.incident_id))
