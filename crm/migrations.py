"""The schema, version by version. A step, once released, never changes: later needs get a new step.

Each step is a list of SQL statements; `db.open_database` applies the missing ones in order inside
one IMMEDIATE transaction after backing the file up, so no release ever asks a user to start over.
"""

# Version 1: the whole domain of docs/spec.md.
V1 = [
    'CREATE TABLE "client" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "company" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "country" VARCHAR(255) NOT NULL, "language" VARCHAR(255) NOT NULL, "birthday" DATE, "notes" TEXT NOT NULL, "tier" VARCHAR(255) NOT NULL, "temperament" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "status_since" DATE NOT NULL, "revenue" TEXT, "currency" VARCHAR(255) NOT NULL, "version" INTEGER NOT NULL)',
    'CREATE INDEX "client_status" ON "client" ("status")',
    'CREATE INDEX "client_name" ON "client" ("name" COLLATE NOCASE)',
    'CREATE TABLE "contact" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "birthday" DATE, "decision_maker" INTEGER NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "contact_client_id" ON "contact" ("client_id")',
    'CREATE TABLE "status_change" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "on" DATE NOT NULL, "old_status" VARCHAR(255) NOT NULL, "new_status" VARCHAR(255) NOT NULL, "reason" TEXT NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "status_change_client_on" ON "status_change" ("client_id", "on")',
    'CREATE TABLE "touch" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "on" DATE NOT NULL, "kind" VARCHAR(255) NOT NULL, "note" TEXT NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "touch_client_on" ON "touch" ("client_id", "on")',
    'CREATE TABLE "incident" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "title" VARCHAR(255) NOT NULL, "severity" VARCHAR(255) NOT NULL, "group" VARCHAR(255), "cause" TEXT NOT NULL, "opened_on" DATE NOT NULL, "resolved_on" DATE, "outcome" VARCHAR(255), "strategy" VARCHAR(255), "postmortem_cause" TEXT NOT NULL, "postmortem_rule" TEXT NOT NULL, "wizard" TEXT NOT NULL, "version" INTEGER NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "incident_client_id" ON "incident" ("client_id")',
    'CREATE INDEX "incident_resolved_on" ON "incident" ("resolved_on")',
    'CREATE TABLE "incident_event" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "incident_id" INTEGER NOT NULL, "on" DATE NOT NULL, "kind" VARCHAR(255) NOT NULL, "text" TEXT NOT NULL, FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "incident_event_incident_on" ON "incident_event" ("incident_id", "on")',
    'CREATE TABLE "promise" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "incident_id" INTEGER, "text" TEXT NOT NULL, "made_on" DATE NOT NULL, "due" DATE NOT NULL, "status" VARCHAR(255) NOT NULL, "closed_on" DATE, "replaces_id" INTEGER, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE, FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE SET NULL, FOREIGN KEY ("replaces_id") REFERENCES "promise" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "promise_client_id" ON "promise" ("client_id")',
    'CREATE INDEX "promise_incident_id" ON "promise" ("incident_id")',
    'CREATE INDEX "promise_replaces_id" ON "promise" ("replaces_id")',
    'CREATE INDEX "promise_status_due" ON "promise" ("status", "due")',
    'CREATE TABLE "compensation" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "incident_id" INTEGER, "on" DATE NOT NULL, "kind" VARCHAR(255) NOT NULL, "amount" TEXT NOT NULL, "currency" VARCHAR(255) NOT NULL, "valid_until" DATE, "status" VARCHAR(255) NOT NULL, "note" TEXT NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE, FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "compensation_client_id" ON "compensation" ("client_id")',
    'CREATE INDEX "compensation_incident_id" ON "compensation" ("incident_id")',
    'CREATE INDEX "compensation_kind_valid_until" ON "compensation" ("kind", "valid_until")',
    'CREATE TABLE "reminder" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "text" TEXT NOT NULL, "due" DATE NOT NULL, "every" VARCHAR(255) NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "reminder_client_id" ON "reminder" ("client_id")',
    'CREATE INDEX "reminder_due" ON "reminder" ("due")',
    'CREATE TABLE "item_state" ("item_id" VARCHAR(255) NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "state" VARCHAR(255) NOT NULL, "until" DATE, "note" TEXT NOT NULL)',
    'CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL)',
]

# Version 2: the change journal (crm.journal): one change_log row per change a person makes, and
# the before/after image of every row it wrote, so that it can be undone exactly.
V2 = [
    'CREATE TABLE "change_log" ("id" INTEGER NOT NULL PRIMARY KEY, "at" DATETIME NOT NULL, "author" VARCHAR(255) NOT NULL, "what" TEXT NOT NULL, "params" TEXT NOT NULL, "client_id" INTEGER, "undoes" INTEGER, "undone_at" DATETIME, "undone_by" VARCHAR(255))',
    'CREATE INDEX "change_log_author" ON "change_log" ("author", "id")',
    'CREATE INDEX "change_log_client_id" ON "change_log" ("client_id")',
    'CREATE TABLE "change_row" ("id" INTEGER NOT NULL PRIMARY KEY, "change_id" INTEGER NOT NULL, "tbl" VARCHAR(255) NOT NULL, "pk" TEXT NOT NULL, "old" TEXT, "new" TEXT, FOREIGN KEY ("change_id") REFERENCES "change_log" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "change_row_change_id" ON "change_row" ("change_id")',
    'CREATE INDEX "change_row_tbl_pk" ON "change_row" ("tbl", "pk")',
]

# Version 3: the "let off steam" text leaves the database. Earlier releases kept it in the wizard's
# saved state (an incident's `wizard`, a client's draft setting) and so in journal images; it is
# meant to be thrown away when the cool-down ends (docs/method.md §8), never stored or exported.
_NO_STEAM = "json_remove({0}, '$.steam')"
_HAS_STEAM = "json_valid({0}) AND json_type({0}, '$.steam') IS NOT NULL"
_IMAGE = "json_extract({0}, '$.{1}')"
V3 = [
    f"UPDATE incident SET wizard = {_NO_STEAM.format('wizard')} WHERE {_HAS_STEAM.format('wizard')}",
    f"UPDATE setting SET value = {_NO_STEAM.format('value')} "
    f"WHERE key LIKE 'wizard.client.%' AND {_HAS_STEAM.format('value')}",
    *(
        f"UPDATE change_row SET {image} = json_set({image}, '$.{column}', "  # || '': kept a string
        f"{_NO_STEAM.format(_IMAGE.format(image, column))} || '') "
        f"WHERE tbl = '{table}' AND {_HAS_STEAM.format(_IMAGE.format(image, column))}"
        for table, column in (("incident", "wizard"), ("setting", "value"))
        for image in ("old", "new")
    ),
]

# Version 4: several e-mails and phones per client and contact (issue 18). The first stays in the
# row's `email` and `phone`, now with its kind (work, home, mobile…); the others have a table each.
V4 = [
    'ALTER TABLE "client" ADD COLUMN "email_kind" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "client" ADD COLUMN "phone_kind" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "contact" ADD COLUMN "email_kind" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "contact" ADD COLUMN "phone_kind" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'CREATE TABLE "email_address" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "contact_id" INTEGER, "value" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE, FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "email_address_client_id" ON "email_address" ("client_id")',
    'CREATE INDEX "email_address_contact_id" ON "email_address" ("contact_id")',
    'CREATE TABLE "phone_number" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" DATETIME NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "client_id" INTEGER NOT NULL, "contact_id" INTEGER, "value" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, FOREIGN KEY ("client_id") REFERENCES "client" ("id") ON DELETE CASCADE, FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "phone_number_client_id" ON "phone_number" ("client_id")',
    'CREATE INDEX "phone_number_contact_id" ON "phone_number" ("contact_id")',
]

# Version 5: indexes so that a read costs what it shows (issue 16). The review finds the clients of
# a country and the birthdays of the window's days (crm.rules writes the same `substr`) by lookup,
# not by reading every client and contact, and the snoozes coming back by date; a client's open
# promises and incidents are counted (and its promises listed by date) from the index alone.
V5 = [
    'CREATE INDEX "client_country" ON "client" ("country", "status")',
    'CREATE INDEX "client_birthday_day" ON "client" (substr("birthday", 6, 5)) WHERE "birthday" IS NOT NULL',
    'CREATE INDEX "contact_birthday_day" ON "contact" (substr("birthday", 6, 5)) WHERE "birthday" IS NOT NULL',
    'CREATE INDEX "item_state_state_until" ON "item_state" ("state", "until")',
    'CREATE INDEX "promise_client_status" ON "promise" ("client_id", "status", "due")',
    'CREATE INDEX "incident_client_resolved_on" ON "incident" ("client_id", "resolved_on")',
]

# MIGRATIONS[n - 1] brings a database from version n - 1 to version n.
MIGRATIONS: list[list[str]] = [V1, V2, V3, V4, V5]
LATEST = len(MIGRATIONS)
