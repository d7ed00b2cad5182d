"""The Textual app. Imported only when the app opens, never by scripted commands."""

from datetime import date

from crm.location import Location


def run_app(db_path: Location, today: date) -> int:
    from crm.app.app import make_app

    make_app(db_path, today).run()
    return 0
