"""The application factory and App class: navigation, app-wide state, change detection.

Screens read the database in thread workers (see `crm.app.work`) and reload when
`data_generation` changes: after this session's own writes (`note_change`) and when another
session wrote (`crm.app.watch.ChangeWatch`: PRAGMA data_version polled every few seconds on an SQLite
file, LISTEN/NOTIFY on a PostgreSQL server; on a connection that its own thread opens, reads and
closes).
"""

import threading
from collections.abc import Iterable, Mapping
from datetime import date
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from crm.app.commands import RapportCommands
from crm.app.keys import us_key
from crm.app.watch import ChangeWatch
from crm.app.work import db_work
from crm.backup import rotate_daily
from crm.clients import has_clients
from crm.i18n import N_, _
from crm.journal import Undone
from crm.location import Location
from crm.models import Setting
from crm.text import safe_line

THEME_SETTING = "ui.theme"
DARK_THEME, LIGHT_THEME = "textual-dark", "textual-light"
# Actions that leave the current screen; refused while a dialog is open so typed text is never lost.
NAVIGATION = {"show_review", "show_clients", "show_keep_in_touch", "open_wizard", "help", "back"}
# Textual's own words that Rapport shows, for the catalog: the palette's system commands, and the
# description of a key every screen has (the palette lists it).
TEXTUAL_TEXTS = (
    N_("Copy selected text"),
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)


def saved_theme() -> str | None:
    """The theme chosen in this database before themes were each person's own (crm.config): read
    once, by a person whose settings name none yet, and kept in their settings from then on."""
    row = Setting.get_or_none(Setting.key == THEME_SETTING)
    return row.value if row else None


def remember_theme(name: str) -> None:
    """Keep `name` as this person's theme (the settings file)."""
    from crm.config import set_value

    set_value("theme", name)


class RapportApp(App[None]):
    TITLE = "Rapport"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {RapportCommands}
    POLL_SECONDS = 2.0

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "show_review", N_("Review"), id="go.review"),
        Binding("c", "show_clients", N_("Clients"), id="go.clients"),
        Binding("k", "show_keep_in_touch", N_("Keep"), tooltip=N_("Keep in touch"), id="go.keep_in_touch"),
        Binding("w", "open_wizard", N_("Wizard"), tooltip=N_("Sort out the relationship (wizard)"), show=False,
                id="go.wizard"),
        Binding("u", "undo", N_("Undo"), tooltip=N_("Undo your last change (again to go further back)"),
                show=False, id="app.undo"),
        Binding("question_mark", "help", N_("Help"), key_display="?", id="app.help"),
        Binding("ctrl+t", "toggle_theme", N_("Light/dark"), tooltip=N_("Light or dark theme (remembered)"),
                show=False, id="app.theme"),
        Binding("escape", "back", N_("Back"), tooltip=N_("Back to the previous screen"), id="app.back"),
        # Textual's own, made here so that its footer text is translated too.
        Binding("ctrl+p", "command_palette", N_("palette"), tooltip=N_("Open the command palette"), show=False,
                priority=True, id="app.palette"),
    ]

    # Bumped whenever the database changed (here or in another session); screens watch it.
    data_generation: reactive[int] = reactive(0)

    def __init__(self, db_path: Location, today: date, theme: str | None = None, read_only: bool = False,
                 keymap: Mapping[str, str] | None = None, settings_problem: str | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.today = today
        self.read_only = read_only  # a database this user may read but not write (an archived copy)
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.theme = DARK_THEME
        self.set_keymap(keymap or {})  # the person's own keys (crm.config), by binding id
        self._theme_to_keep = self.theme
        self._theme_lock = threading.Lock()
        self._settings_problem = settings_problem
        self._change_watch: ChangeWatch | None = None  # started on mount, stopped on unmount

    def get_default_screen(self) -> Screen:
        from crm.app.screens.review import ReviewScreen

        return ReviewScreen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._settings_problem:
            self.notify(_("{problem}. The defaults are used until it is fixed (crm config show).").format(
                problem=self._settings_problem), title=_("Settings"), severity="warning", markup=False, timeout=20)
        self._change_watch = ChangeWatch(self.db_path, self.POLL_SECONDS, self._other_session_wrote,
                                         read_only=self.read_only)
        self._change_watch.start()
        if self.read_only:
            self.title = _("Rapport (read-only)")
            self.notify(_("This database is read-only for you: you can look around, but nothing can be changed."),
                        title=_("Read-only"), markup=False, timeout=30)
            return  # no welcome (it offers demo data) and no daily backup: an archive needs neither
        db_work(self, has_clients, self._offer_welcome, group="welcome")
        self.daily_backup()

    def on_unmount(self) -> None:
        if self._change_watch is not None:
            self._change_watch.stop()  # the watch thread closes its own connection

    def _offer_welcome(self, has_clients: bool) -> None:
        if not has_clients:
            from crm.app.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())

    # --- backups ----------------------------------------------------------------------------

    def daily_backup(self) -> None:
        """Today's copy of the database (once a day, per the `backup.*` settings), off the UI thread.

        A failure is said, never fatal: the owner can still work, and fix the setting or the disk.
        """
        db_path, today = self.db_path, self.today
        db_work(self, lambda: rotate_daily(db_path, today), group="backup", on_error=self._backup_failed)

    def _backup_failed(self, message: str) -> None:
        self.notify(_("Today's backup was not made: {reason}").format(reason=message), title=_("Backup"),
                    severity="error", markup=False, timeout=15)

    def backup_settings(self) -> None:
        """The daily backups form (palette: "Backups: …")."""
        from crm.app.screens.backup_settings import backup_form, read_backup_settings

        db_path, today = self.db_path, self.today

        def saved(outcome: str | None) -> None:
            if outcome is not None:
                self.notify(outcome, title=_("Backups"), markup=False)

        db_work(self, lambda: read_backup_settings(db_path),
                lambda current: self.push_screen(backup_form(current, db_path, today), saved), group="backup-form")

    def greeting_settings(self) -> None:
        """The holidays no longer greeted, one to pick and greet again (palette: "Greetings: …")."""
        from crm.app.screens.forms import PickScreen
        from crm.rules import greet_occasion, skipped_occasions

        def greeted(name: str) -> None:
            self.notify(_("{holiday} is greeted again.").format(holiday=name), title=_("Greetings"), markup=False)
            self.note_change()

        def picked(name: str | None) -> None:
            if name is not None:
                db_work(self, lambda: greet_occasion(name, greeted=True), lambda _: greeted(name), group="greetings")

        def show(names: list[str]) -> None:
            if not names:
                self.notify(_("Every holiday is greeted. In the review, n on a holiday greeting stops one."),
                            title=_("Greetings"), markup=False)
            else:
                self.push_screen(PickScreen(_("Greet again"), [(name, name) for name in names]), picked)

        db_work(self, skipped_occasions, show, group="greetings")

    # --- the palette ------------------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Textual's palette, asking in the reader's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, quit, keys, screenshot…) in the reader's language."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    # --- change detection -------------------------------------------------------------------

    def note_change(self) -> None:
        """Tell every screen the data changed (call after a successful write)."""
        self.data_generation += 1

    def action_undo(self) -> None:
        """Undo this user's newest change (crm.journal): say what it was, or why it cannot be."""
        from crm.journal import undo

        def undone(result: Undone) -> None:
            self.notify(_("Undone: {what}").format(what=safe_line(result.what)), markup=False)
            self.note_change()

        db_work(self, undo, undone, group="undo", exclusive=False)

    class OtherSessionWrote(Message):
        """PRAGMA data_version moved: someone else (or another connection of ours) committed."""

    @property
    def watching_changes(self) -> bool:
        """True once the watch has read its first data_version: later writes will be noticed."""
        return self._change_watch is not None and self._change_watch.ready.is_set()

    def poll_changes(self) -> None:
        """Check PRAGMA data_version now instead of at the next tick (off the UI thread)."""
        if self._change_watch is not None:
            self._change_watch.poll_now()

    def _other_session_wrote(self) -> None:
        """On the watch thread: hand over to the UI thread without waiting for it."""
        self.post_message(self.OtherSessionWrote())

    def on_rapport_app_other_session_wrote(self, _: "RapportApp.OtherSessionWrote") -> None:
        self.note_change()

    # --- theme ------------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def _remember_theme(self, theme: Theme) -> None:
        self._theme_to_keep = theme.name

        def keep() -> None:
            # Each change writes on its own thread, and cancelling a worker does not stop its thread:
            # one at a time, each writing the latest choice, so a slow older write cannot land last.
            with self._theme_lock:
                remember_theme(self._theme_to_keep)

        db_work(self, keep, group="theme", exclusive=False)

    # --- keys -------------------------------------------------------------------------------

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        """A key nothing is bound to, typed in another keyboard layout, works as the key the US
        layout has in its place: в as d, В as D (crm.app.keys: one table for every screen)."""
        if await super()._check_bindings(key, priority):
            return True
        twin = us_key(key)
        return twin is not None and await super()._check_bindings(twin, priority)

    # --- navigation -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (action in NAVIGATION or action == "undo") and isinstance(self.screen, ModalScreen):
            return False
        if action in {"back", "show_review"} and len(self.screen_stack) <= 1:
            return False  # already home: hide the hint
        # already in that section: the hint would only crowd the footer
        return action != getattr(self.screen, "SECTION_ACTION", None)

    def _show_section(self, screen_class: type[Screen] | None) -> None:
        """Show a top-level section: unwind to Review, then push the section (escape leads home).

        A section already open is brought back as it was (its filter, its cursor).
        """
        stack = self.screen_stack
        if screen_class is not None:
            for index in range(len(stack) - 1, 0, -1):
                if isinstance(stack[index], screen_class):
                    for _ in range(len(stack) - 1 - index):
                        self.pop_screen()
                    return
        for _ in range(len(stack) - 1):
            self.pop_screen()
        if screen_class is not None:
            self.push_screen(screen_class())

    def show_review(self) -> None:
        self._show_section(None)

    def show_clients(self) -> None:
        from crm.app.screens.clients import ClientsScreen

        self._show_section(ClientsScreen)

    def show_keep_in_touch(self) -> None:
        from crm.app.screens.keep_in_touch import KeepInTouchScreen

        self._show_section(KeepInTouchScreen)

    def action_show_review(self) -> None:
        self.show_review()

    def action_show_clients(self) -> None:
        self.show_clients()

    def action_show_keep_in_touch(self) -> None:
        self.show_keep_in_touch()

    def action_open_wizard(self) -> None:
        self.open_wizard(client_id=self.screen_client_id())

    def action_help(self) -> None:
        from crm.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def screen_client_id(self) -> int | None:
        """The client the current screen is about, if it says (`client_id` attribute)."""
        value = getattr(self.screen, "client_id", None)
        return value if isinstance(value, int) else None

    # Navigation contract used by every screen.
    def open_client(self, client_id: int) -> None:
        from crm.app.screens.client import ClientScreen

        self.push_screen(ClientScreen(client_id))

    def open_incident(self, incident_id: int) -> None:
        from crm.app.screens.incident import IncidentScreen

        self.push_screen(IncidentScreen(incident_id))

    def open_wizard(self, client_id: int | None = None, incident_id: int | None = None) -> None:
        """Open "Sort out the relationship" for a client or an incident (or to choose one)."""
        from crm.app.screens.wizard import WizardScreen

        self.push_screen(WizardScreen(client_id=client_id, incident_id=incident_id))


def make_app(db_path: Location, today: date) -> RapportApp:
    """The app for an opened database (see `crm.db.open_database`), in the person's own theme and
    keys (crm.config)."""
    from crm.config import load
    from crm.db import is_read_only
    from crm.errors import UserError

    settings = load()
    theme = settings.theme
    if theme is None and not settings.problem and (theme := saved_theme()) is not None:
        try:
            remember_theme(theme)  # moved into the person's settings: the database's is read no more
        except (UserError, OSError):
            pass  # a read-only home: read again next time
    return RapportApp(db_path, today, theme=theme, read_only=is_read_only(), keymap=settings.keymap,
                      settings_problem=settings.problem)
