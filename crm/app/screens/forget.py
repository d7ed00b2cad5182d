"""Forgetting a client from the app (F on the Client screen, or the palette): the erasure runs
only once the client's name is typed exactly, as in `crm client forget CLIENT --yes`."""


from crm.app.screens.form_engine import Field, FormScreen, Values
from crm.errors import UserError
from crm.forget import Erasure, forget_client
from crm.i18n import _, ngettext
from crm.location import Location
from crm.text import safe_line


def forget_form(client_id: int, name: str, db_path: Location) -> "FormScreen[Erasure]":
    """The typed confirmation; dismissed with what was erased."""

    def typed(text: str) -> None:
        if text.strip() != name.strip():
            raise UserError(_("type the client's name exactly as shown above to erase"))

    def save(_values: Values) -> Erasure:  # the form saves only once the name checks
        return forget_client(client_id, db_path)

    about = _("Erases {name} and everything about them for good: contacts, notes, timeline, incidents, "
              "promises, compensations, reminders and the change history's copies. Undo cannot bring it "
              "back. Type the name to confirm:").format(name=safe_line(name))
    return FormScreen(_("Forget this client"), [Field("name", _("Name"), "", typed)], save, about=about)


def forgotten_note(erasure: Erasure) -> str:
    """What the app says once a client is forgotten: what went, and which backups still hold them."""
    note = _("Forgot {name}: erased {what}.").format(name=safe_line(erasure.name), what=erasure.erased())
    if erasure.backups:
        note += " " + ngettext("This backup still holds them: {paths}", "These backups still hold them: {paths}",
                               len(erasure.backups)).format(paths=", ".join(safe_line(p) for p in erasure.backups))
    if erasure.leftover:
        note += " " + safe_line(erasure.leftover)
    elif erasure.on_server:
        note += " " + _("The database's tables were rewritten and keep no trace of them; the server's "
                        "write-ahead log, replicas and own backups keep older copies until they are recycled.")
    return note
