"""Daily backups from the app: how many to keep and where (the `backup.*` settings).

Saving first makes today's copy with the new values (and drops copies beyond the new count), and
only then stores the settings: a directory that cannot be written is refused with nothing saved.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crm import validate
from crm.app.screens.forms import Field, FormScreen, Values
from crm.backup import backup_dir, backup_keep, daily_backups, parse_keep, rotate_daily, set_backup_settings
from crm.models import Setting
from crm.text import counted, safe_line


@dataclass(frozen=True)
class BackupSettings:
    keep: int
    directory_setting: str  # as stored ("" for the default)
    directory: Path  # where that is
    count: int  # daily copies there now


def read_backup_settings(db_path: Path) -> BackupSettings:
    """The current settings and what they mean on disk (run in a worker)."""
    row = Setting.get_or_none(Setting.key == "backup.dir")
    directory = backup_dir(db_path)
    return BackupSettings(backup_keep(), row.value if row else "", directory, len(daily_backups(directory)))


def _keep_preview(text: str) -> str:
    if not text.strip():
        return ""
    keep = parse_keep(text)
    return "off: no daily backups" if keep == 0 else f"the newest {counted(keep, 'day')}"


def backup_form(current: BackupSettings, db_path: Path, today: date) -> "FormScreen[str]":
    """The form; dismissed with a line saying what now happens."""

    def save(values: Values) -> str:
        keep, directory = parse_keep(values["keep"]), values["directory"]
        target = backup_dir(db_path, directory)
        made = rotate_daily(db_path, today, keep=keep, directory=target)
        set_backup_settings(keep, directory)
        if keep == 0:
            return "Daily backups are off."
        return f"Keeping the newest {keep} in {safe_line(target)}" + (f"; today's copy: {made.name}" if made else "")

    return FormScreen(
        "Daily backups",
        [
            Field("keep", "Keep", str(current.keep), parse_keep, placeholder="how many days; 0 turns them off",
                  preview=_keep_preview),
            Field("directory", "Directory", current.directory_setting,
                  lambda v: validate.text(v, "directory", limit=validate.MAX_NAME),
                  placeholder="backups (beside the database)"),
        ],
        save,
        about=f"{current.count} in {current.directory} · a copy is made when the app starts, once a day",
    )
