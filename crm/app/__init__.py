"""The Textual app. Imported only when the app opens, never by scripted commands."""

from datetime import date
from pathlib import Path


def run_app(db_path: Path, today: date) -> int:
    from crm.app.app import make_app

    make_app(db_path, today).run()
    return 0
