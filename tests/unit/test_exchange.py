"""Export and import: a lossless JSON round trip, clients from CSV and vCards, all or nothing."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from crm import audit, clients, incidents, promises
from crm.db import open_database
from crm.exchange import export_json
from crm.models import MODELS, Client, EmailAddress, ItemState, PhoneNumber, Reminder, Setting, database
from tests import postgres
from tests.hostile import HOSTILE, LONG_TEXT

CRM = [str(Path(sys.executable).parent / "crm")]  # the console script, as users run it


def fill(today: date) -> None:
    """A database with a row in every table, hostile text included."""
    a = clients.add_client(clients.ClientFields(name="Acme", company=HOSTILE[0], email="a@acme.example",
                                                phone="+49 30 1", country="DE", language="de",
                                                birthday=date(1980, 2, 29), notes=LONG_TEXT,
                                                tier="key", temperament="fierce"), today=today)
    b = clients.add_client(clients.ClientFields(name=HOSTILE[8], notes="\n".join(HOSTILE)), status="prospect",
                           today=today)
    clients.add_contact(a, "Hans", role="CEO", birthday=date(1970, 12, 24), decision_maker=True)
    clients.log_touch(a, kind="call", on=today, note=HOSTILE[9])
    clients.change_status(b, "depart", on=today, reason=HOSTILE[20])
    incident = incidents.open_incident(a, "Late", severity="high", on=today, words=HOSTILE[1])
    incidents.log_event(incident, HOSTILE[3], kind="apology", on=today)
    incidents.compensate(incident, kind="bonus", amount=Decimal("250.10"), on=today)
    first = promises.add_promise(a, "Fix it", due=today + timedelta(days=3), on=today, incident_id=incident)
    promises.renegotiate_promise(first, new_due=today + timedelta(days=9), on=today)
    incidents.resolve_incident(incident, on=today + timedelta(days=1))
    with database.atomic():
        Reminder.create(client=a, text=HOSTILE[12], due=today, every="3m", **audit.created())
        ItemState.create(item_id="quiet-1-20261123", state="snoozed", until=today, note="x", **audit.created())
        Setting.create(key="backup.keep", value="3")
        EmailAddress.create(client=a, value="home@acme.example", kind="home", **audit.created())
        PhoneNumber.create(client=a, contact=1, value="+49 30 2", kind="mobile", **audit.created())


def test_json_round_trip_is_identical(db, tmp_path, today, cli):
    fill(today)
    first = export_json()
    assert all(json.loads(first)["tables"][m._meta.table_name] for m in MODELS)  # every table is covered
    db.close()
    (tmp_path / "export.json").write_text(first, encoding="utf-8")

    result = cli("--db", str(tmp_path / "copy.db"), "import", str(tmp_path / "export.json"))
    assert result.code == 0, result.err
    assert "client: 2" in result.out
    again = cli("--db", str(tmp_path / "copy.db"), "export")
    assert again.out == first
    assert json.loads(again.out)["tables"]["client"][0]["notes"] == LONG_TEXT


def test_json_import_only_into_an_empty_database(db, tmp_path, today, cli):
    fill(today)
    (tmp_path / "e.json").write_text(export_json(), encoding="utf-8")
    db.close()
    result = cli("import", str(tmp_path / "e.json"))
    assert result.code == 2 and "empty database" in result.err
    assert len(result.err.splitlines()) == 1


def test_json_with_bad_rows_or_references_imports_nothing(db, tmp_path, today, cli):
    fill(today)
    data = json.loads(export_json())
    db.close()
    data["tables"]["client"][1]["status"] = "angry"
    data["tables"]["touch"][0]["client_id"] = 99
    data["tables"]["contact"][0]["birthday"] = "1970-13-01"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    target = str(tmp_path / "new.db")

    result = cli("--db", target, "import", str(path))
    assert result.code == 2
    assert "3 invalid records; nothing was imported" in result.err
    assert "client #2: status: unknown status: 'angry'" in result.err
    assert "touch #1: client_id 99 is not in the file" in result.err
    assert "contact #1: birthday" in result.err
    open_database(tmp_path / "new.db")
    assert Client.select().count() == 0


@pytest.mark.parametrize("change, message", [
    ({"schema_version": 99}, "newer Rapport"),
    ({"format": "other"}, "not a Rapport export"),
    ({"tables": {"secret": []}}, "unknown tables: secret"),
])
def test_json_that_is_not_ours_or_too_new_is_refused(tmp_path, cli, change, message):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"format": "rapport", "format_version": 1, "schema_version": 1, "tables": {}} | change))
    result = cli("import", str(path))
    assert result.code == 2 and message in result.err


def test_csv_with_sniffed_delimiter_and_common_headers(tmp_path, cli, db):
    path = tmp_path / "clients.csv"
    path.write_bytes(
        "\ufeffFull Name;E-Mail;Organization;Tel;Date of birth;Country;Status;Source\r\n"
        "Anna Berg;anna@berg.example;Berg AG;+49 30 5;17.05.1980;de;active;fair\r\n"
        '"Bob; the ""builder""";;;;;;departed;\r\n'.encode()
    )
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "imported 2 clients from" in result.out and "columns kept in the notes: Source" in result.out
    anna = clients.find_client("anna berg")  # a status column: our own export's kind of file, clients all
    assert (anna.email, anna.company, anna.phone, anna.birthday, anna.country, anna.notes) == (
        "anna@berg.example", "Berg AG", "+49 30 5", date(1980, 5, 17), "DE", "Source: fair")
    assert clients.find_client('Bob; the "builder"').status == "departed"


def test_people_with_an_organisation_become_its_contacts(tmp_path, cli, db, today):
    acme = clients.add_client(clients.ClientFields(name="ACME", notes="Ours since 2020"), today=today)
    db.close()
    path = tmp_path / "people.csv"
    path.write_text("First Name,Last Name,Company,Job Title,E-mail Address,Mobile Phone,Business Phone,"
                    "Country,Nickname\n"
                    "Anna,Berg,Berg AG,CEO,anna@berg.example,+49 170 1,+49 30 5,DE,Annie\n"
                    "Carl,Berg,Berg AG,,carl@berg.example,,,,\n"
                    "Dora,Lee,Acme,Buyer,,,,,\n"
                    "Eve,Solo,,,eve@solo.example,,,,\n", encoding="utf-8")
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 0, dry.err
    assert "would import 2 clients, 3 contacts, 1 more phone number" in dry.out
    assert "line 2: Anna Berg → contact of Berg AG (a new client), CEO" in dry.out
    assert "line 4: Dora Lee → contact of Acme (client #1), Buyer" in dry.out
    assert "line 5: Eve Solo → client" in dry.out
    assert cli("import", str(path)).code == 0
    detail = json.loads(cli("client", "show", "Berg AG", "--json").out)
    assert (detail["country"], [c["name"] for c in detail["contacts"]]) == ("DE", ["Anna Berg", "Carl Berg"])
    anna = detail["contacts"][0]
    assert (anna["role"], anna["email"], anna["phone"]) == ("CEO", "anna@berg.example", "+49 170 1")
    assert anna["phones"] == [{"value": "+49 170 1", "kind": "mobile"}, {"value": "+49 30 5", "kind": "work"}]
    assert detail["notes"] == "Anna Berg:\n  Nickname: Annie"
    acme_now = json.loads(cli("client", "show", str(acme), "--json").out)
    assert acme_now["notes"] == "Ours since 2020" and acme_now["contacts"][0]["name"] == "Dora Lee"
    assert cli("import", str(path)).code == 2  # the same people twice: nobody is added twice


def test_tab_separated_first_and_last_name(tmp_path, cli, db):
    path = tmp_path / "people.txt"
    path.write_text("First Name\tLast Name\tmobile\nAda\tLovelace\t+44 20 1\n", encoding="utf-8")
    assert cli("import", str(path)).code == 0
    assert clients.find_client("Ada Lovelace").phone == "+44 20 1"


def test_csv_bad_rows_are_listed_with_line_numbers_and_nothing_is_written(tmp_path, cli, db, db_path):
    path = tmp_path / "c.csv"
    path.write_text('name,email,notes\nGood,,\nBad,not-mail,\n"Multi\nline",,\n,x@y.example,\nWorse,,"a\x00b"\n'
                    "Good,,\n,,just a note\n", encoding="utf-8")
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 2
    assert "would import 4 clients" in dry.out
    assert "line 3: not an e-mail address: 'not-mail'; kept in the notes" in dry.out
    assert "line 6: x@y.example → client" in dry.out  # no name: the e-mail names them
    assert "line 7: notes must not contain a NUL character" in dry.out
    assert "line 8: same name and e-mail as line 2" in dry.out
    assert "line 9: no name (nor an organisation, e-mail or nickname to name them by)" in dry.out
    real = cli("import", str(path))
    assert real.code == 2 and "3 invalid records; nothing was imported" in real.err
    assert "line 7:" in real.err and "--skip-invalid" in real.err
    open_database(db_path)
    assert Client.select().count() == 0


def test_skip_invalid_imports_the_others_in_one_change(tmp_path, cli, db):
    path = tmp_path / "c.csv"
    path.write_text("name,email,notes\nGood,,\n,,just a note\nAlso good,a@b.example,\n", encoding="utf-8")
    dry = cli("import", str(path), "--dry-run", "--skip-invalid")
    assert dry.code == 0
    assert "would import 2 clients" in dry.out and "1 record would be skipped:\n  line 3: no name" in dry.out
    real = cli("import", str(path), "--skip-invalid")
    assert real.code == 0 and "1 record skipped:\n  line 3: no name" in real.out
    assert [c["name"] for c in json.loads(cli("client", "list", "--json").out)] == ["Also good", "Good"]
    assert cli("undo").code == 0
    assert cli("client", "list").out.strip() == "No clients."


def _held(cli, db_path) -> tuple[str, str, bytes]:
    """What the database holds: every table, the journal, and an SQLite file's very bytes."""
    return (cli("export").out, cli("log", "--json").out,
            db_path.read_bytes() if isinstance(db_path, Path) else b"")


def test_dry_run_writes_nothing(tmp_path, cli, db, db_path):
    path = tmp_path / "c.csv"
    path.write_text("name\nAnna\nBob\n", encoding="utf-8")
    db.close()
    before = _held(cli, db_path)
    result = cli("import", str(path), "--dry-run")
    assert result.code == 0 and "would import 2 clients" in result.out
    assert _held(cli, db_path) == before
    assert cli("client", "list").out.strip() == "No clients."
    assert cli("import", str(path)).code == 0
    assert cli("import", str(path)).code == 2  # the same file twice adds nothing twice


def test_csv_without_a_name_column_names_the_columns_found(tmp_path, cli):
    path = tmp_path / "c.csv"
    path.write_text("id|label|mail\n1|x|y\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 2
    assert "no column naming people" in result.err and "'id|label|mail'" in result.err


def test_text_in_no_known_encoding_names_line_and_byte(tmp_path, cli):
    path = tmp_path / "c.csv"
    path.write_bytes(b"name,notes\nAnna,fine\nJos\x98,odd\n")
    result = cli("import", str(path))
    assert result.code == 2
    assert "not UTF-8 text: line 3, byte 4 (0x98)" in result.err and "--encoding" in result.err
    named = cli("import", str(path), "--encoding", "windows-1253", "--dry-run")
    assert named.code == 2 and "not cp1253 text: line 3, byte 4 (0x98)" in named.err
    assert "unknown encoding: martian" in cli("import", str(path), "--encoding", "martian").err


def test_huge_file_refused_before_reading(tmp_path, cli):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: no time spent writing it
    result = cli("import", str(path))
    assert result.code == 2 and "51.0 MB" in result.err and "limited to 50 MB" in result.err


VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:Anna Example
N:Example;Anna;;;
ORG:Acme;Sales
TITLE:Buyer
EMAIL;TYPE=work:anna@acme.example
EMAIL;TYPE=home:anna@home.example
TEL:+49 30 1234
BDAY:1980-05-17
ADR;TYPE=work:;;Street 1;Berlin;;10115;DE
NOTE:Met at the fair\\, liked [bold]us[/]
END:VCARD
BEGIN:VCARD
VERSION:4.0
N:Doe;John;;;
BDAY:--0517
LANG:en
END:VCARD
"""


def test_vcards_map_to_contacts_and_clients(tmp_path, cli, db):
    path = tmp_path / "contacts.vcf"
    path.write_text(VCARDS, encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 0, result.err
    acme = json.loads(cli("client", "show", "Acme", "--json").out)
    (anna,) = acme["contacts"]
    assert (anna["name"], anna["role"], anna["email"], anna["phone"], anna["birthday"]) == (
        "Anna Example", "Buyer", "anna@acme.example", "+49 30 1234", "1980-05-17")
    assert anna["emails"] == [{"value": "anna@acme.example", "kind": "work"},
                              {"value": "anna@home.example", "kind": "home"}]
    assert acme["country"] == "DE"
    assert acme["notes"].startswith("Anna Example:\n  Met at the fair, liked [bold]us[/]\n  Department: Sales\n")
    assert "  Address (work): Street 1, Berlin, 10115, DE" in acme["notes"]
    john = clients.find_client("John Doe")
    assert (john.language, john.birthday, john.notes) == ("en", date(1604, 5, 17), "")  # a year-less birthday
    assert json.loads(cli("client", "show", "John Doe", "--json").out)["birthday"] == "--05-17"


def test_broken_vcard_is_one_rejected_record(tmp_path, cli):
    path = tmp_path / "contacts.vcf"
    path.write_text(VCARDS + "BEGIN:VCARD\nVERSION:3.0\nFN:Broken\nTHIS LINE IS NOT A PROPERTY\nEND:VCARD\n"
                    "BEGIN:VCARD\nVERSION:3.0\nFN:Mail\nEMAIL:nope\nEND:VCARD\n", encoding="utf-8")
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 2
    assert "would import 3 clients, 1 contact, 1 more e-mail address" in dry.out
    assert "line 20: not a valid vCard (Failed to parse line: THIS LINE IS NOT A PROPERTY)" in dry.out
    assert "line 25: not an e-mail address: 'nope'; kept in the notes" in dry.out


def test_csv_export_is_spreadsheet_safe_and_imports_back(tmp_path, cli, db, today):
    for name in HOSTILE[:30]:
        clients.add_client(clients.ClientFields(name=name, notes=name, company=name), today=today)
    db.close()
    exported = cli("export", "--format", "csv", "--out", str(tmp_path / "c.csv"))
    assert exported.code == 0
    text = (tmp_path / "c.csv").read_bytes().decode()
    assert "'=HYPERLINK(" in text and ",'+cmd|" in text
    # a spreadsheet sees text, not a formula
    assert not any(cell.lstrip('"').startswith(("=", "+c", "@"))
                   for line in text.split("\r\n") for cell in line.split(","))
    assert cli("--db", str(tmp_path / "other.db"), "import", str(tmp_path / "c.csv")).code == 0
    database.initialize(open_database(tmp_path / "other.db"))
    names = [(c.name, c.company, c.notes) for c in Client.select().order_by(Client.id)]
    assert names == [(n, n, n) for n in HOSTILE[:30]]


# ---- from one engine to the other --------------------------------------------------------


@pytest.fixture
def own_schema():
    """A PostgreSQL schema of this test's own on CRM_TEST_DATABASE_URL's server, dropped after."""
    if not postgres.URL:
        pytest.skip("CRM_TEST_DATABASE_URL is not set: no PostgreSQL server to move an agency to")
    import psycopg

    schema = f"rapport_move_{os.getpid()}"
    with psycopg.connect(postgres.URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    yield postgres.schema_url(schema)
    with psycopg.connect(postgres.URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _piped(export_from: str, import_into: str) -> tuple[bytes, str]:
    """`crm --db A export --out - | crm --db B import -`, two processes as a shell runs them: the
    bytes that went through and what the import printed."""
    env = {**os.environ, "CRM_DB": ""}
    exporter = subprocess.run([*CRM, "--db", export_from, "export", "--out", "-"], capture_output=True, env=env,
                              timeout=120)
    assert exporter.returncode == 0, exporter.stderr.decode()
    importer = subprocess.run([*CRM, "--db", import_into, "import", "-"], input=exporter.stdout,
                              capture_output=True, env=env, timeout=120)
    assert importer.returncode == 0, importer.stderr.decode()
    return exporter.stdout, importer.stdout.decode()


def test_an_agency_moves_sqlite_to_postgresql_and_back_byte_for_byte(tmp_path, own_schema, cli):
    first, server, back = str(tmp_path / "first.db"), own_schema, str(tmp_path / "back.db")
    assert cli("--db", first, "demo", "--clients", "40", "--seed", "1", "--no-tui").code == 0

    exported, said = _piped(first, server)
    assert "imported" in said and "client: 40" in said and "from standard input" in said
    again, _said = _piped(server, back)
    assert again == exported
    assert cli("--db", back, "export").out.encode() == exported
    # New rows on the server take the ids after the imported ones (its sequences moved on).
    added = cli("--db", server, "client", "add", "Newcomer", "--json")
    assert added.code == 0, added.err
    assert json.loads(added.out)["id"] == 41
