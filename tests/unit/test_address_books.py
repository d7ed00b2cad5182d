"""Issue 18 and issue 13 point 6: people from the files local programs write (Excel in a Russian or
Romanian locale, Google's and Outlook's CSV, Thunderbird's), where they go, what is kept in the
notes, the vCard and Excel exports, undo and forget of what an import wrote."""

import csv
import io
import json
from datetime import date

import pytest

from crm import clients
from crm.db import open_database
from crm.exchange import export_vcards
from crm.location import ServerURL
from crm.models import Client, EmailAddress, PhoneNumber, database


def _write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _show(cli, name: str) -> dict:
    return json.loads(cli("client", "show", name, "--json").out)


def test_an_excel_sheet_in_russian_windows_1251_with_semicolons(tmp_path, cli, db):
    path = _write(tmp_path, "клиенты.csv", "Фамилия;Имя;Отчество;Организация;Должность;Эл. почта;Моб. телефон;"
                  "Дата рождения;Примечание\r\n"
                  "Петрова;Ольга;Ивановна;ООО «Ромашка»;Директор;olga@romashka.example;+7 912 000-00-00;"
                  "03.04.1980;Любит чай\r\n"
                  "Сидоров;Иван;;;;ivan@mail.example;;05/06/1975;\r\n", "cp1251")
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 0, dry.err
    assert "read as windows-1251" in dry.out
    assert "line 2: Петрова Ольга Ивановна → contact of ООО «Ромашка» (a new client), Директор" in dry.out
    assert cli("import", str(path)).code == 0
    (olga,) = _show(cli, "Ромашка")["contacts"]
    assert (olga["email"], olga["phones"], olga["birthday"]) == (
        "olga@romashka.example", [{"value": "+7 912 000-00-00", "kind": "mobile"}], "1980-04-03")
    assert _show(cli, "Сидоров Иван")["birthday"] == "1975-06-05"  # day first, as the file's locale writes


def test_a_romanian_sheet_in_windows_1250(tmp_path, cli, db):
    path = _write(tmp_path, "clienti.csv", "Nume;Prenume;Companie;Funcţie;Telefon;E-mail;Zi de naştere;Ţară\n"
                  "Ionescu;Ştefan;Ţesătoria Bălan;Şef;+40 21 300 0000;stefan@tesatoria.example;20/01/1991;RO\n",
                  "cp1250")
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "read as windows-1250" in result.out
    company = _show(cli, "Ţesătoria Bălan")
    (stefan,) = company["contacts"]
    assert (stefan["name"], stefan["role"], stefan["birthday"], company["country"]) == (
        "Ionescu Ştefan", "Şef", "1991-01-20", "RO")  # in the order of the columns


def test_a_sheet_with_only_a_name_and_phone_column_in_russian(tmp_path, cli, db):
    path = _write(tmp_path, "c.csv", "Имя;Телефон\nАнна;+7 495 1\n")
    assert cli("import", str(path)).code == 0
    assert clients.find_client("анна").phone == "+7 495 1"


def test_encoding_named_by_the_user(tmp_path, cli, db):
    path = _write(tmp_path, "c.csv", "name\nЖанна\n", "koi8-r")
    assert cli("import", str(path), "--encoding", "koi8-r").code == 0
    assert clients.find_client("Жанна")


GOOGLE_NEW = ("First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
              "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
              "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
              "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,"
              "Website 1 - Label,Website 1 - Value,Event 1 - Label,Event 1 - Value\n"
              "Ada,,Lovelace,,,,,,Countess,,Analytical Ltd,Engineer,R&D,--12-10,Met in London,,"
              "* myContacts ::: VIP,* Work,ada@analytical.example ::: ada@work.example,Home,ada@home.example,"
              "Mobile,+44 7700 900000,Work Fax,+44 20 7946 0000,Profile,https://ada.example,Anniversary,"
              "1835-07-08\n")


def test_google_contacts_csv_of_today(tmp_path, cli, db):
    assert cli("import", str(_write(tmp_path, "contacts.csv", GOOGLE_NEW))).code == 0
    company = _show(cli, "Analytical Ltd")
    (ada,) = company["contacts"]
    assert (ada["name"], ada["role"], ada["birthday"]) == ("Ada Lovelace", "Engineer", "--12-10")
    assert [e["value"] for e in ada["emails"]] == ["ada@analytical.example", "ada@work.example", "ada@home.example"]
    assert [e["kind"] for e in ada["emails"]] == ["work", "work", "home"]
    assert ada["phones"] == [{"value": "+44 7700 900000", "kind": "mobile"},
                             {"value": "+44 20 7946 0000", "kind": "fax"}]
    notes = company["notes"].splitlines()
    assert notes[0] == "Ada Lovelace:"
    for line in ("Met in London", "Nickname: Countess", "Department: R&D", "Categories: VIP",
                 "Web: https://ada.example", "Anniversary: 1835-07-08"):
        assert f"  {line}" in notes


def test_outlook_csv_in_english_reads_dates_month_first(tmp_path, cli, db):
    path = _write(tmp_path, "outlook.csv", '"Title","First Name","Last Name","Company","Job Title",'
                  '"Business Phone","Home Phone","E-mail Address","E-mail Type","Birthday","Priority"\r\n'
                  '"Mr.","John","Doe","Contoso","Buyer","(425) 555-0100","","john@contoso.example","SMTP",'
                  '"3/4/1980","Normal"\r\n')
    dry = cli("import", str(path), "--dry-run")
    assert "ignored columns: E-mail Type, Priority" in dry.out
    assert "line 2: Mr. John Doe → contact of Contoso (a new client), Buyer" in dry.out
    assert cli("import", str(path)).code == 0
    (john,) = _show(cli, "Contoso")["contacts"]
    assert (john["birthday"], john["phones"]) == ("1980-03-04", [{"value": "(425) 555-0100", "kind": "work"}])


def test_thunderbird_birthday_without_a_year_is_still_greeted(tmp_path, cli, db):
    path = _write(tmp_path, "tb.csv", "First Name,Last Name,Display Name,Primary Email,Birth Year,Birth Month,"
                  "Birth Day\nMia,Wong,Mia Wong,mia@wong.example,,2,29\n")
    assert cli("import", str(path)).code == 0
    assert clients.find_client("Mia Wong").birthday == date(1604, 2, 29)
    review = json.loads(cli("--today", "2027-02-25", "review", "--json").out)
    assert [i["due"] for i in review["items"] if i["kind"] == "greeting"] == ["2027-02-28"]  # no 29th in 2027


def test_a_record_without_a_name_takes_one_from_organisation_e_mail_or_nickname(tmp_path, cli, db):
    path = _write(tmp_path, "c.vcf", "BEGIN:VCARD\nVERSION:3.0\nORG:Initech\nTEL:+1 555 0100\nEND:VCARD\n"
                  "BEGIN:VCARD\nVERSION:3.0\nEMAIL:nameless@example.org\nEND:VCARD\n"
                  "BEGIN:VCARD\nVERSION:3.0\nNICKNAME:Bobby\nEND:VCARD\n"
                  "BEGIN:VCARD\nVERSION:3.0\nTEL:+1 555 0199\nEND:VCARD\n")
    dry = cli("import", str(path), "--dry-run")
    assert "line 1: Initech → client" in dry.out and "line 6: nameless@example.org → client" in dry.out
    assert "line 10: Bobby → client" in dry.out
    assert "line 14: no name (nor an organisation, e-mail or nickname to name them by)" in dry.out
    assert dry.code == 2
    assert cli("import", str(path), "--skip-invalid").code == 0
    assert clients.find_client("Initech").phone == "+1 555 0100"


def test_what_has_no_field_is_kept_in_the_notes_and_what_is_left_out_is_named(tmp_path, cli, db):
    path = _write(tmp_path, "c.vcf", "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoe Quinn\r\nNICKNAME:Zed\r\n"
                  "URL;TYPE=work:https://zoe.example\r\nANNIVERSARY:20100612\r\nCATEGORIES:friends,press\r\n"
                  "IMPP;X-SERVICE-TYPE=Skype:skype:zoe.q\r\nGEO:geo:46.77,-71.28\r\n"
                  "PHOTO:https://zoe.example/me.jpg\r\nEND:VCARD\r\n")
    result = cli("import", str(path))
    assert result.code == 0 and "not imported: GEO, PHOTO" in result.out
    assert clients.find_client("Zoe Quinn").notes.splitlines() == [
        "Nickname: Zed", "Web (work): https://zoe.example", "Anniversary: 20100612", "Categories: friends, press",
        "IM (Skype): skype:zoe.q"]


def test_names_from_a_file_are_shown_literally(tmp_path, cli, db):
    path = _write(tmp_path, "c.csv", "name,company\n\"[bold]Eve[/] \x1b[2J\",Evil Corp\n")
    dry = cli("import", str(path), "--dry-run")
    assert "\x1b" not in dry.out and "[bold]Eve[/] \\x1b[2J → contact of Evil Corp" in dry.out


def test_an_import_is_undone_in_one_step_contacts_channels_and_notes_added(tmp_path, cli, db, db_path, today):
    clients.add_client(clients.ClientFields(name="Acme", notes="Key account"), today=today)
    db.close()
    path = _write(tmp_path, "c.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nORG:Acme\nNICKNAME:Annie\n"
                  "EMAIL:ann@acme.example\nEMAIL:ann@home.example\nTEL:+1 555 0101\nTEL:+1 555 0102\nEND:VCARD\n"
                  "BEGIN:VCARD\nVERSION:3.0\nFN:Bo Chan\nEMAIL:bo@chan.example\nEMAIL:bo@home.example\nEND:VCARD\n")
    assert cli("import", str(path)).code == 0
    assert _show(cli, "Acme")["notes"] == "Key account\nAnn Lee:\n  Nickname: Annie"
    assert cli("undo").code == 0
    acme = _show(cli, "Acme")
    assert (acme["notes"], acme["contacts"], acme["version"]) == ("Key account", [], 1)
    database.initialize(open_database(db_path))
    assert (Client.select().count(), EmailAddress.select().count(), PhoneNumber.select().count()) == (1, 0, 0)


def _everything_stored(tmp_path, db_path) -> bytes:
    """All the database holds: an SQLite file's bytes (its -wal too), or every row of every table
    of the server's schema, the journal's included, as text."""
    if isinstance(db_path, ServerURL):
        database.initialize(open_database(db_path))
        try:
            tables = [name for (name,) in database.execute_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
            return "".join(str(row) for table in tables
                           for row in database.execute_sql(f'SELECT t::text FROM "{table}" t').fetchall()).encode()
        finally:
            database.close()
    wal = tmp_path / "crm.db-wal"
    return (tmp_path / "crm.db").read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forgetting_a_client_erases_their_further_e_mails_and_phones(tmp_path, cli, db, db_path):
    db.close()
    path = _write(tmp_path, "c.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Gone Person\nEMAIL:gone@one.example\n"
                  "EMAIL:secret-second@two.example\nTEL:+1 1\nTEL:+1 987 654\nEND:VCARD\n")
    assert cli("import", str(path)).code == 0
    assert b"secret-second" in _everything_stored(tmp_path, db_path)
    assert cli("client", "forget", "Gone Person", "--yes").code == 0
    data = _everything_stored(tmp_path, db_path)
    assert b"secret-second" not in data and b"+1 987 654" not in data


def test_vcard_export_in_both_versions(tmp_path, cli, db, today):
    acme = clients.add_client(clients.ClientFields(name="Acme", country="DE", notes="Big, important; [x]"),
                              today=today)
    clients.add_client(clients.ClientFields(name="Ana Pop", company="Freelance", birthday=date(1604, 2, 3),
                                            email="ana@pop.example", phone="+40 1 ext. 12"), today=today)
    clients.add_contact(acme, "Hans Muster", role="CEO", email="hans@acme.example", birthday=date(1970, 12, 24))
    four, three = export_vcards(), export_vcards(version4=False)
    for line in ("VERSION:4.0", "KIND:org", "ORG:Acme", "NOTE:Big\\, important\\; [x]", "BDAY:--0203",
                 "TEL;PREF=1;VALUE=text:+40 1 ext. 12", "EMAIL;PREF=1:ana@pop.example", "ORG:Freelance",
                 "X-RAPPORT-CLIENT:TRUE", "TITLE:CEO", "BDAY:19701224", "ADR:;;;;;;DE", "N:Muster;Hans;;;"):
        assert line in four.split("\r\n"), line
    for line in ("VERSION:3.0", "X-ABSHOWAS:COMPANY", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03",
                 "EMAIL;TYPE=INTERNET,pref:ana@pop.example", "TEL;TYPE=pref:+40 1 ext. 12", "BDAY:1970-12-24"):
        assert line in three.split("\r\n"), line
    db.close()
    out = tmp_path / "all.vcf"
    assert cli("export", "--format", "vcf", "--vcard3", "--out", str(out)).code == 0
    assert cli("--db", str(tmp_path / "b.db"), "import", str(out)).code == 0
    again = json.loads(cli("--db", str(tmp_path / "b.db"), "client", "list", "--json").out)
    assert [(c["name"], c["company"], c["birthday"], [p["name"] for p in c["contacts"]]) for c in again] == [
        ("Acme", "", None, ["Hans Muster"]), ("Ana Pop", "Freelance", "--02-03", [])]


def test_csv_export_for_excel_in_a_russian_or_romanian_locale(tmp_path, cli, db, today):
    client = clients.add_client(clients.ClientFields(name="Ольга; «Ромашка»", email="o@r.example", phone="+7 495 1",
                                                     notes="две\nстроки"), today=today)
    with database.atomic():
        EmailAddress.create(client=client, value="o@home.example", kind="home", created_at=today, created_by="t",
                            updated_at=today, updated_by="t")
    db.close()
    result = cli("export", "--format", "csv", "--excel", "--out", str(tmp_path / "excel.csv"))
    assert result.code == 0
    data = (tmp_path / "excel.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid;name;company;email;phone;")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["name"], row["notes"], row["emails"], row["phones"]) == (
        "Ольга; «Ромашка»", "две\nстроки", "o@r.example\nhome: o@home.example", "+7 495 1")
    assert cli("--db", str(tmp_path / "b.db"), "import", str(tmp_path / "excel.csv")).code == 0
    back = json.loads(cli("--db", str(tmp_path / "b.db"), "client", "list", "--json").out)[0]
    assert back["emails"] == [{"value": "o@r.example", "kind": ""}, {"value": "o@home.example", "kind": "home"}]


@pytest.mark.parametrize("args, message", [
    (("export", "--vcard3"), "--vcard3 goes with --format vcf"),
    (("export", "--format", "vcf", "--excel"), "--excel goes with --format csv"),
])
def test_export_options_that_do_not_go_together(cli, db, args, message):
    result = cli(*args)
    assert result.code == 2 and message in result.err


def test_an_export_written_before_several_e_mails_still_imports(tmp_path, cli, db, today):
    clients.add_client(clients.ClientFields(name="Old Timer", email="old@timer.example"), today=today)
    data = json.loads(cli("export").out)
    data["schema_version"] = 3
    for table in ("email_address", "phone_number"):
        del data["tables"][table]
    for row in data["tables"]["client"]:
        del row["email_kind"], row["phone_kind"]
    path = _write(tmp_path, "old.json", json.dumps(data))
    assert cli("--db", str(tmp_path / "new.db"), "import", str(path)).code == 0
    back = json.loads(cli("--db", str(tmp_path / "new.db"), "client", "show", "Old Timer", "--json").out)
    assert back["emails"] == [{"value": "old@timer.example", "kind": ""}]


def test_skip_invalid_is_not_for_our_own_json(tmp_path, cli, db):
    path = _write(tmp_path, "e.json", json.dumps({"format": "rapport", "format_version": 1, "schema_version": 1,
                                                 "tables": {}}))
    result = cli("import", str(path), "--skip-invalid")
    assert result.code == 2 and "whole or not at all" in result.err
