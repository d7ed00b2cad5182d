"""A PostgreSQL server as Rapport's database: `--db postgresql://user@host/dbname`.

The rest of Rapport writes one SQL for both engines (`?` placeholders, `crm.dialect` for the few
pieces that differ); this module is the PostgreSQL side of opening a database:
- the driver (psycopg2), loaded only when a URL asks for it;
- placeholders turned into psycopg's;
- transactions with SQLite's promise: writers queue (one transaction-scoped advisory lock per
  database schema, like SQLite's single writer), readers read one snapshot;
- the schema: the released migration steps, translated (`postgres_statement`);
- the journal's and the change watch's triggers (SQLite's are TEMP triggers, crm.journal).
"""

import re
from functools import cache
from typing import Any

import peewee
from peewee import PostgresqlDatabase

from crm.errors import DatabaseError
from crm.i18n import _
from crm.location import shown as shown_url
from crm.migrations import LATEST, MIGRATIONS
from crm.models import MODELS, database, primary_key

CONNECT_TIMEOUT_S = 5
NOTIFY_CHANNEL = "rapport"  # the payload names the schema that changed
# What a writer takes first, till its transaction ends: SQLite's one writer at a time, per schema.
WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('rapport:' || current_schema()))"


# ---- placeholders ---------------------------------------------------------------------------

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$\$.*?\$\$|%s|[?%]", re.S)


@cache
def psycopg_sql(sql: str) -> str:
    """`sql` with `?` placeholders as psycopg's `%s`, and a literal `%` doubled (psycopg reads
    `%` as the start of a placeholder everywhere, quotes included). A `%s` already there (peewee's
    own catalog queries) is left as it is."""

    def token(found: re.Match[str]) -> str:
        text = found.group()
        if text == "?":
            return "%s"
        if text == "%s":
            return text
        return text.replace("%", "%%")

    return _TOKENS.sub(token, sql)


# ---- the driver -----------------------------------------------------------------------------

_DATE_OID, _TIMESTAMP_OID = 1082, 1114  # PostgreSQL's type oids of `date` and `timestamp`


class _Adapter(peewee.Psycopg2Adapter):
    """peewee's psycopg2 adapter with the driver imported when first needed: peewee binds the
    driver when it is itself imported, and Rapport keeps psycopg2 out of an SQLite session's
    start-up (crm/__init__.py). psycopg2 rather than psycopg 3: a fifth of the import time."""

    def __init__(self) -> None:
        import psycopg2
        import psycopg2.extensions as extensions
        from psycopg2._json import Json  # what psycopg2.extras offers, without its other imports

        self._psycopg2 = psycopg2
        self._extensions = extensions
        self.txn_idle = extensions.TRANSACTION_STATUS_IDLE
        self.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
        self.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
        peewee._BasePsycopgAdapter.__init__(self)
        self.json_type = self.jsonb_type = Json
        self.cast_json_case = True
        # Days and moments come back as the text SQLite keeps ('2026-12-07', '2026-12-07 09:30:00'):
        # peewee's fields read them into dates either way, and a query written as SQL text reads
        # the same values from both engines.
        self._as_text = extensions.new_type((_DATE_OID, _TIMESTAMP_OID), "RAPPORT_TEXT", lambda value, cursor: value)

    def check_driver(self) -> None:
        pass

    def get_binary_type(self) -> Any:
        return self._psycopg2.Binary

    def connect(self, db: PostgresqlDatabase, **params: Any) -> Any:
        extensions = self._extensions
        conn = self._psycopg2.connect(dsn=db.database, **params)
        for caster in (extensions.UNICODE, extensions.UNICODEARRAY, self._as_text):
            extensions.register_type(caster, conn)
        return conn


class PostgresDatabase(PostgresqlDatabase):
    """peewee's PostgreSQL database, speaking Rapport's SQL (`?`) and transactions."""

    param = "?"  # peewee writes `?` as for SQLite; execute_sql hands psycopg its `%s`
    psycopg2_adapter = psycopg3_adapter = _Adapter

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        return super().execute_sql(psycopg_sql(sql), params or ())  # type: ignore[no-untyped-call]

    def begin(self, lock_type: str | None = None) -> None:
        """`DEFERRED` (a reader, as on SQLite): one snapshot for the whole transaction. Anything
        else is a writer: it waits (up to BUSY_TIMEOUT_S) until the writer before it is done, so
        concurrent writers queue as SQLite's do, and none reads what another is about to change."""
        from crm.db import BUSY_TIMEOUT_S  # one wait for both engines (storage_problem says it)

        cursor = self.cursor()  # type: ignore[no-untyped-call]
        with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # driver errors as peewee's
            if lock_type == "DEFERRED":
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                return
            # One round trip, not three: every change a person makes starts here.
            cursor.execute(f"BEGIN; SET LOCAL lock_timeout = '{BUSY_TIMEOUT_S}s'; {WRITE_LOCK}")


def _cannot_connect(url: str, exc: BaseException) -> DatabaseError:
    reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    reason = reason.removeprefix("FATAL:").strip()
    return DatabaseError(_("cannot open database {url}: {reason}").format(url=shown_url(url), reason=reason))


def open_postgres(url: str) -> PostgresDatabase:
    """Connect to the server at `url`, bring its schema to LATEST and make it Rapport's database."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    db = PostgresDatabase(url, autoconnect=True, connect_timeout=CONNECT_TIMEOUT_S,
                          application_name="rapport")
    try:
        db.connect()
    except peewee.DatabaseError as exc:
        raise _cannot_connect(url, exc) from None
    except Exception as exc:  # psycopg's own (a malformed URL) before peewee can wrap them
        if type(exc).__module__.startswith("psycopg"):
            raise _cannot_connect(url, exc) from None
        raise
    try:
        _migrate(db, url)
    except BaseException:
        db.close()
        raise
    database.initialize(db)
    return db


# ---- the schema -----------------------------------------------------------------------------


def _schema_version(db: PostgresDatabase, url: str) -> int:
    tables = {name for (name,) in db.execute_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    if not tables:
        return 0
    if "schema_version" not in tables:
        raise DatabaseError(_("{path} is not a Rapport database (it has other tables)").format(path=shown_url(url)))
    (version,) = db.execute_sql("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    if version > LATEST:
        raise DatabaseError(_("{path} was written by a newer Rapport (schema {version}; this release knows {latest}); "
                              "upgrade Rapport to open it").format(path=shown_url(url), version=version, latest=LATEST))
    return int(version)


def _migrate(db: PostgresDatabase, url: str) -> None:
    """The missing steps in one transaction, after the writers before it (the advisory lock)."""
    if _schema_version(db, url) == LATEST and _triggers_in_place(db):
        return
    from crm.dates import utcnow

    with db.atomic():
        found = _schema_version(db, url)  # another session may have migrated meanwhile
        if found == 0:
            db.execute_sql("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)")
        for version in range(found + 1, LATEST + 1):
            for statement in MIGRATIONS[version - 1]:
                if translated := postgres_statement(statement):
                    db.execute_sql(translated)
            db.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, utcnow()))
        for statement in _trigger_sql():
            db.execute_sql(statement)


_BOOLEANS = {(model._meta.table_name, f.column_name) for model in MODELS for f in model._meta.sorted_fields
             if isinstance(f, peewee.BooleanField)}


def postgres_statement(statement: str) -> str | None:
    """A released migration step (written for SQLite) as PostgreSQL runs it; None for a step that
    has nothing to do there (V3 cleans JSON that no PostgreSQL database ever held)."""
    if "json_remove(" in statement:
        return None
    sql = re.sub(r'"(\w+)" INTEGER NOT NULL PRIMARY KEY', r'"\1" SERIAL PRIMARY KEY', statement)
    sql = sql.replace(" DATETIME", " TIMESTAMP")
    # References are checked at commit when a transaction asks (crm.dialect.defer_foreign_keys).
    sql = re.sub(r'(REFERENCES "\w+" \("\w+"\)(?: ON DELETE (?:CASCADE|SET NULL))?)',
                 r"\1 DEFERRABLE INITIALLY IMMEDIATE", sql)
    sql = sql.replace('("name" COLLATE NOCASE)', '(lower("name"))')
    from crm.dialect import month_day_index

    sql = sql.replace('(substr("birthday", 6, 5))', f'(({month_day_index(chr(34) + "birthday" + chr(34))}))')
    if table := re.match(r'CREATE TABLE "(\w+)"', sql):
        for owner, column in _BOOLEANS:
            if owner == table.group(1):
                sql = sql.replace(f'"{column}" INTEGER', f'"{column}" BOOLEAN')
    return sql


# ---- triggers: the journal's row images and the change watch's notices ----------------------

_JOURNAL_FUNCTION = """CREATE OR REPLACE FUNCTION crm_journal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    recording text := current_setting('crm.change', true);
BEGIN
    IF recording IS NULL OR recording = '' THEN
        RETURN NULL;
    END IF;
    INSERT INTO change_row (change_id, tbl, pk, old, new) VALUES (
        recording::integer, TG_TABLE_NAME,
        CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ->> TG_ARGV[0] ELSE to_jsonb(NEW) ->> TG_ARGV[0] END,
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD)::text END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW)::text END);
    RETURN NULL;
END $$"""

_NOTIFY_FUNCTION = f"""CREATE OR REPLACE FUNCTION crm_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{NOTIFY_CHANNEL}', current_schema());
    RETURN NULL;
END $$"""


def _trigger_sql() -> list[str]:
    statements = [_JOURNAL_FUNCTION, _NOTIFY_FUNCTION]
    for model in MODELS:
        table = model._meta.table_name
        statements.append(f'CREATE OR REPLACE TRIGGER "crm_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                          f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION crm_notify()')
        statements.append(f'CREATE OR REPLACE TRIGGER "crm_journal" AFTER INSERT OR UPDATE OR DELETE '
                          f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION crm_journal(\'{primary_key(model)}\')')
    return statements


def _triggers_in_place(db: PostgresDatabase) -> bool:
    """Whether every table has its triggers (a later release may add tables)."""
    (count,) = db.execute_sql(
        "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND t.tgname IN ('crm_journal', 'crm_notify')"
    ).fetchone()
    return bool(count == 2 * len(MODELS))


def start_recording(change_id: int) -> None:
    """The journal's triggers record this transaction's writes as change `change_id`."""
    database.execute_sql("SELECT set_config('crm.change', ?, true)", (str(change_id),))


def stop_recording() -> None:
    database.execute_sql("SELECT set_config('crm.change', '', true)")
