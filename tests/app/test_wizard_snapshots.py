"""Every step of the relationship wizard as it looks at 80×24, today and the data fixed.

Each snapshot opens the wizard on an incident whose saved state stands at the step's stage (the
stage's first screen), then goes on with ctrl+n to the screen wanted. Update after an intended
change with `pytest -n 0 tests/app/test_wizard_snapshots.py --snapshot-update`, and look at the
SVGs before committing them.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm import wizard
from crm.agency import set_signer
from crm.app.app import make_app
from crm.clients import ClientFields, add_client, add_contact
from crm.incidents import open_incident
from crm.models import Client, Incident
from crm.promises import add_promise
from crm.wizard import PlanPromise

from .support import settle

# A key client, fierce, our error (issue 12's first case), and a bad client to part with (its third).
KEY_CLIENT = {"negativity": "high", "temperament": "fierce", "our_error": "yes", "tier": "key",
              "yearly_revenue": "60000", "prospects": "good"}
BAD_CLIENT = {"negativity": "high", "rude_to_staff": "yes", "unfounded_demands": "yes", "threatens_reviews": "yes",
              "within_scope": "no"}


def key_client_plan(today: date) -> dict:
    week = (today + timedelta(days=7)).isoformat()
    return {
        "answers": KEY_CLIENT,
        "remedies": ["apology_letter", "redo"],
        "compensation": {"kind": "double", "order_value": "8000", "gift_cost": "300", "fixing_cost": "3000"},
        "fixed_by": week,
        "promises": [PlanPromise("Formal apology letter", week), PlanPromise("Reprint with the right prices", week)],
        "letter_details": "the brochure went out with last year's prices",
        "postmortem_cause": "The print template kept last year's price list",
        "postmortem_rule": "Prices are checked against the current list before every print run",
    }


def bad_client_plan(today: date) -> dict:
    return {"answers": BAD_CLIENT, "remedies": ["thank_and_part", "refund"], "compensation": {"kind": "refund"},
            "leaves_on": today.isoformat(), "letter_details": "Studio Nord in Cluj"}


def incident_at(today: date, stage: str, bad: bool = False, applied: bool = False, **changes) -> int:
    """An incident whose wizard state stands at `stage` (applied first when `applied`)."""
    if bad:
        client_id = add_client(ClientFields(name="Grabbit SRL", country="RO"), today=today - timedelta(days=200))
        Client.update(revenue=Decimal(24000), currency="RON").where(Client.id == client_id).execute()
        add_promise(client_id, "Send the spring offer", due=today + timedelta(days=10), on=today - timedelta(days=5))
        words = "Your people are idiots. Redo everything for free by Monday or we post one-star reviews everywhere."
        plan = bad_client_plan(today)
    else:
        client_id = add_client(ClientFields(name="Nordwind GmbH", tier="key", language="de"),
                               today=today - timedelta(days=400))
        add_contact(client_id, "Greta Nord", decision_maker=True)
        words = "You sent the brochure with LAST YEAR's prices to 5,000 customers. The second time. Unacceptable."
        plan = key_client_plan(today)
    set_signer("Ana Pop", "Director")
    incident_id = open_incident(client_id, "Brochure with old prices", on=today, words=words)
    loaded = wizard.load_state(incident_id)[0]
    wanted = {**plan, **changes}
    state = replace(loaded, **{**wanted, "answers": {**loaded.answers, **wanted["answers"]}})
    if applied:
        wizard.apply_plan(incident_id, state.moved("postmortem"), today)
        state = replace(wizard.load_state(incident_id)[0], postmortem_cause=state.postmortem_cause,
                        postmortem_rule=state.postmortem_rule)
    wizard.save_state(incident_id, state.moved(stage), Incident.get_by_id(incident_id).version)
    return incident_id


# step widget → (stage its state stands at, ctrl+n presses from the stage's first screen, the case, more state)
STEPS = {
    "CoolDownStep": ("cool_down", 0, {}),
    "WordsStep": ("words", 0, {}),
    "UnhappyStep": ("diagnosis", 0, {}),
    "TemperamentStep": ("diagnosis", 1, {}),
    "BadSignsStep": ("diagnosis", 2, {}),
    "FaultStep": ("diagnosis", 3, {}),
    "ValueStep": ("diagnosis", 4, {}),
    "VerdictStep": ("strategy", 0, {}),
    "StrategyStep": ("strategy", 1, {}),
    "CallStep": ("strategy", 2, {}),
    "RemediesStep": ("remedies", 0, {}),
    "KindStep": ("compensation", 0, {}),
    "BonusStep": ("compensation", 1, {}),
    "GiftStep": ("compensation", 2, {}),
    "DiscountStep": ("compensation", 1, {"compensation": {"kind": "discount", "order_value": "2000", "margin": "15",
                                                          "percent": "20"}}),
    "RefundStep": ("compensation", 1, {"bad": True}),
    "OutcomeStep": ("plan", 0, {}),
    "PartingOutcome": ("plan", 0, {"bad": True}),
    "PromisesStep": ("plan", 1, {}),
    "LetterStep": ("letter", 0, {}),
    "RefusalLetter": ("letter", 0, {"answers": {**KEY_CLIENT, "our_error": "no", "within_scope": "no"},
                                    "agreement": "our agreement of 3 March 2024",
                                    "letter_details": "a free reprint of the 2024 brochure"}),
    "PostmortemStep": ("postmortem", 0, {"applied": True}),
    "ThanksStep": ("postmortem", 1, {"applied": True}),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_wizard_step(name, db, db_path, today, snap_compare):
    stage, presses, changes = STEPS[name]
    incident_id = incident_at(today, stage, **changes)

    async def open_the_step(pilot) -> None:
        app = pilot.app
        app.animation_level = "none"  # nothing caught mid-glide: the picture must not depend on speed
        await settle(app, pilot)
        app.open_wizard(incident_id=incident_id)
        await settle(app, pilot)
        for _ in range(presses):
            await pilot.press("ctrl+n")
            await settle(app, pilot)
        for field in app.screen.query("Input, TextArea"):
            field.cursor_blink = False  # a blink would make the picture depend on the machine's speed
        await pilot.pause()

    assert snap_compare(make_app(db_path, today), terminal_size=(80, 24), run_before=open_the_step)
