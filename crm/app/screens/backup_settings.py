"""Daily backups from the app: how many to keep and where (the `backup.*` settings).

Saving first makes today's copy with the new values (and drops copies beyond the new count), and
only then stores the settings: a directory that cannot be written is refused with nothing saved.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crm import validate
from crm.app.screens.form_engine import Field, FormScreen, Values
from crm.backup import backup_dir, backup_keep, daily_backups, parse_keep, rotate_daily, set_backup_settings
from crm.i18n import _, ngettext
from crm.location import Location, on_server
from crm.models import Setting
from crm.text import safe_line


@dataclass(frozen=True)
class BackupSettings:
    keep: int
    directory_setting: str  # as stored ("" for the default)
    directory: Path  # where that is
    count: int  # daily copies there now


def read_backup_settings(db_path: Location) -> BackupSettings:
    """The current settings and what they mean on disk (run in a worker)."""
    row = Setting.get_or_none(Setting.key == "backup.dir")
    directory = backup_dir(db_path)
    return BackupSettings(backup_keep(), row.value if row else "", directory, len(daily_backups(directory)))


def _keep_preview(text: str) -> str:
    if not text.strip():
        return ""
    keep = parse_keep(text)
    if keep == 0:
        return _("off: no daily backups")
    return ngettext("the newest {count} day", "the newest {count} days", keep).format(count=f"{keep:,}")


def backup_form(current: BackupSettings, db_path: Location, today: date) -> "FormScreen[str]":
    """The form; dismissed with a line saying what now happens."""

    def save(values: Values) -> str:
        keep, directory = parse_keep(values["keep"]), values["directory"]
        target = backup_dir(db_path, directory)
        made = rotate_daily(db_path, today, keep=keep, directory=target)
        set_backup_settings(keep, directory)
        if keep == 0:
            return _("Daily backups are off.")
        if made:
            text = ngettext("Keeping the newest {count} in {directory}; today's copy: {copy}",
                            "Keeping the newest {count} in {directory}; today's copy: {copy}", keep)
        else:
            text = ngettext("Keeping the newest {count} in {directory}", "Keeping the newest {count} in {directory}",
                            keep)
        return text.format(count=keep, directory=safe_line(target), copy=made.name if made else "")

    about = ngettext("{count} in {directory} · a copy is made when the app starts, once a day",
                     "{count} in {directory} · a copy is made when the app starts, once a day", current.count)
    return FormScreen(
        _("Daily backups"),
        [
            Field("keep", _("Copies"), str(current.keep), parse_keep, placeholder=_("how many days; 0 turns them off"),
                  preview=_keep_preview),
            Field("directory", _("Directory"), current.directory_setting,
                  lambda v: validate.text(v, _("directory"), limit=validate.MAX_NAME),
                  placeholder=_("backups (in your data folder)") if on_server(db_path)
                  else _("backups (beside the database)")),
        ],
        save,
        about=about.format(count=current.count, directory=current.directory),
    )
