"""Every screen's footer fits an 80-column terminal: an overflowing footer is cut and garbled."""

from textual.widgets import Footer

from crm.demo import fill_demo
from crm.models import Client, Incident, Promise
from crm.widgets.due_list import DueList

from .support import settle, start_app


def highlight_greeting(app) -> None:
    listing = app.screen.query_one(DueList)
    listing.highlighted = listing.get_option_index(next(i for i in listing.items if i.kind == "greeting").id)


def overflow(app) -> int:
    footer = app.screen.query_one(Footer)
    return footer.virtual_size.width - footer.size.width


async def test_footers_fit_80_columns_on_every_screen(db, db_path, today):
    fill_demo(40, today)
    promised = Promise.select().where(Promise.status == "open").first().client_id  # "k Kept" shows too
    departed = Client.get(Client.status == "departed").id  # "b Win back" instead of "x Depart"
    incident = Incident.select().where(Incident.resolved_on.is_null()).first().id
    app = start_app(db_path, today)
    async with app.run_test(size=(80, 24)) as pilot:
        visits = {
            "review": lambda: None,
            "review on a greeting": lambda: highlight_greeting(app),  # m Draft shows too
            "clients": app.show_clients,
            "keep in touch": app.show_keep_in_touch,
            "client with promises": lambda: app.open_client(promised),
            "departed client": lambda: app.open_client(departed),
            "incident": lambda: app.open_incident(incident),
            "wizard": lambda: app.open_wizard(promised),
            "help": app.action_help,
        }
        for name, visit in visits.items():
            app.show_review()
            await settle(app, pilot)
            visit()
            await settle(app, pilot)
            if name == "clients":
                await pilot.press("down")  # the list's keys show once it has the focus
                await settle(app, pilot)
            assert overflow(app) <= 0, f"{name}: the footer is {overflow(app)} columns too wide"
