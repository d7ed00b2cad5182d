"""Issue 18's corpus: real files written by phones, Google, Apple, Outlook, Thunderbird and others
(tests/fixtures/contacts/README.md says where each comes from). Each is imported as a user would
(--skip-invalid), and the people, e-mails, phones (kind:value), companies and birthdays that come
through are checked against this table; a vCard export of what came in and imported again gives
the same table, in vCard 4.0 and 3.0.
"""

from pathlib import Path

import pytest

from crm.db import open_database
from crm.exchange import export_vcards, import_file
from crm.models import database
from crm.summary import summaries

FIXTURES = Path(__file__).parents[1] / "fixtures" / "contacts"

# file → (name, client of a contact or "" for a client, e-mails, phones, birthday), in name order as
# `crm client list` gives them, each client followed by its contacts.
PEOPLE = {
    "ez-vcard/John_Doe_ANDROID.vcf": (
        ('jane.doe@company.com', "", ('jane.doe@company.com',), (), None),
        ('john.doe@company.com', "", ('john.doe@company.com',), (), None),
        ('Ñ Ñ Ñ Ñ Ñ', "", (), ('mobile:123456789',), None),
        ('Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ', "", (), ('mobile:123456', 'home:234567', 'mobile:3456789', 'home:45678901'), None),
        ('ÑÑÑÑÑÑÑÑÑÑÑÑ', "", (), (), None),
        ('Ñ Ñ Ñ Ñ', 'ÑÑÑÑÑÑÑÑÑÑÑÑ', ('work:bob@company.com',), ('mobile:123456',), None),
        ('ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ', "", (), (), None),
        ('ÑÑÑÑ', 'ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ', ('henry@company.com',), ('mobile:55556666',), None),
    ),
    "ez-vcard/John_Doe_BLACK_BERRY.vcf": (
        ('Acme Solutions', "", (), (), None),
        ('John Doe', 'Acme Solutions', (), ('mobile:+96123456789',), None),
    ),
    "ez-vcard/John_Doe_EVOLUTION.vcf": (
        ('IBM', "", (), (), None),
        ('Mr. John Richter, James Doe Sr.', 'IBM', ('work:john.doe@ibm.com',), ('mobile:905-666-1234', 'work:905-555-1234'), '1980-03-22'),
    ),
    "ez-vcard/John_Doe_GMAIL.vcf": (
        ('IBM', "", (), (), None),
        ('Mr. John Richter, James Doe Sr.', 'IBM', ('home:john.doe@ibm.com',), ('mobile:905-555-1234', 'home:905-666-1234'), '1980-03-22'),
    ),
    "ez-vcard/John_Doe_IPHONE.vcf": (
        ('IBM', "", (), (), None),
        ('Mr. John Richter James Doe Sr.', 'IBM', ('john.doe@ibm.com',), ('mobile:905-555-1234', 'home:905-666-1234', 'work:905-777-1234', 'fax:905-888-1234', 'fax:905-999-1234', 'pager:905-111-1234', '905-222-1234'), '2012-06-06'),
    ),
    "ez-vcard/John_Doe_LOTUS_NOTES.vcf": (
        ('IBM', "", (), (), None),
        ('Mr. Doe John I Johny', 'IBM', ('work:john.doe@ibm.com', 'work:billy_bob@gmail.com'), ('mobile:+1 (212) 204-34456', 'fax:00-1-212-555-7777'), '1980-05-21'),
    ),
    "ez-vcard/John_Doe_MAC_ADDRESS_BOOK.vcf": (
        ('IBM', "", (), (), None),
        ('Mr. John Richter,James Doe Sr.', 'IBM', ('work:john.doe@ibm.com',), ('work:905-777-1234', 'home:905-666-1234', 'mobile:905-555-1234', 'fax:905-888-1234', 'fax:905-999-1234', 'pager:905-111-1234', '905-222-1234'), '2012-06-06'),
    ),
    "ez-vcard/John_Doe_MS_OUTLOOK.vcf": (
        ('IBM', "", (), (), None),
        ('Mr. John Richter James Doe Sr.', 'IBM', ('john.doe@ibm.cm',), ('work:(905) 555-1234', 'home:(905) 666-1234'), '1980-03-22'),
    ),
    "ez-vcard/fullcontact.vcf": (
        ('Organization1', "", (), (), None),
        ('Prefix FirstName MiddleName LastName Suffix', 'Organization1', ('home:home@example.com', 'work:work@example.com', 'school@example.com', 'other:other@example.com', 'custom@example.com'), ('home:555-555-1111', 'work:555-555-1112', 'mobile:555-555-1113', 'mobile:555-555-1114', '555-555-1115', 'fax:555-555-1116', 'fax:555-555-1117', '555-555-1118', '555-555-1119'), '2016-08-01'),
    ),
    "ez-vcard/gmail-list.vcf": (
        ('Arnold Smith', "", ('asmithk@gmail.com',), (), None),
        ('Chris Beatle', "", ('chrisy55d@yahoo.com',), (), None),
        ('Doug White', "", ('dwhite@gmail.com',), (), None),
    ),
    "ez-vcard/gmail-single.vcf": (
        ('TheCompany', "", (), (), None),
        ('Greg Dartmouth', 'TheCompany', ('gdartmouth@hotmail.com',), ('mobile:555 555 1111', '555 555 2222'), '1960-09-10'),
    ),
    "ez-vcard/gmail-single2.vcf": (
        ('TheCompany', "", (), (), None),
        ('VCard Test', 'TheCompany', ('email@example.com', 'home:homeemail@example.com', 'work:workemail@example.com', 'otheremail@example.com', 'customcategory@example.com'), ('5555551111', 'home:5555551112', 'work:5555551113', '5555551114', 'mobile:5555551115', 'main:5555551116', 'fax:5555551117', 'fax:5555551118', '5555551119', 'pager:5555551120', '5555551121'), '1912-06-23'),
    ),
    "ez-vcard/issue114.vcf": (
        ('Dummy GmbH', "", (), (), None),
        ('Dummy, Dummy', 'Dummy GmbH', ('home:dummy.dummy@dummy.com',), ('mobile:+49 1234 56789', 'work:+49 9876 54321'), None),
    ),
    "ez-vcard/outlook-2003.vcf": (
        ('Company, The', "", (), (), None),
        ('John Doe III', 'Company, The', ('jdoe@hotmail.com',), (), '1980-03-21'),
    ),
    "ez-vcard/outlook-2007.vcf": (
        ('TheCompany', "", (), (), None),
        ('Mr. Michael Angstadt Jr.', 'TheCompany', ('mike.angstadt@gmail.com',), ('work:(111) 555-1111', 'home:(111) 555-2222', 'mobile:(111) 555-4444', 'fax:(111) 555-3333'), '1922-03-10'),
    ),
    "ez-vcard/rfc2426-example.vcf": (
        ('Lotus Development Corporation', "", (), (), None),
        ('Frank Dawson', 'Lotus Development Corporation', ('Frank_Dawson@Lotus.com', 'fdawson@earthlink.net'), ('work:+1-919-676-9515', 'fax:+1-919-676-9564'), None),
        ('Netscape Communications Corp.', "", (), (), None),
        ('Tim Howes', 'Netscape Communications Corp.', ('howes@netscape.com',), ('work:+1-415-937-3419', 'fax:+1-415-528-4164'), None),
    ),
    "ez-vcard/rfc6350-example.vcf": (
        ('Viagenie', "", (), (), None),
        ('Simon Perreault', 'Viagenie', ('work:simon.perreault@viagenie.ca',), ('work:+1-418-656-9254 ext. 102', 'mobile:+1-418-262-6501'), '--02-03'),
    ),
    "ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf": (
        ('TheOrganization', "", (), (), None),
        ('John Doe', 'TheOrganization', ('doe.john@hotmail.com', 'additional-email@company.com', 'additional-email1@company.com', 'additional-email2@company.com', 'additional-email3@company.com'), ('work:555-555-1111', 'home:555-555-2222', 'mobile:555-555-5555', 'fax:555-555-3333', 'pager:555-555-4444'), '1970-09-21'),
    ),
    "folkerkinzel/AnsiIssue.vcf": (
        ('Ralf Rastral', "", (), (), None),
    ),
    "folkerkinzel/MultiAnsi_German.vcf": (
        ('Sören Täve Nüßlebaum', "", (), (), None),
    ),
    "folkerkinzel/MultiAnsi_Greek.vcf": (
        ('Βαγγέλης', "", (), (), None),
    ),
    "folkerkinzel/MultiAnsi_Ukrainian.vcf": (
        ('Віталій Володимирович Кличко', "", (), (), None),
    ),
    "folkerkinzel/MultiAnsi_v3Utf16Bom.vcf": (
        ('Folker Kinzel', "", ('email1@wumms.de', 'email2@folker-kinzel.de'), ('0123-45678',), '1978-03-11'),
        ('KMS Außenstelle', "", ('blablö@blub.com',), ('home:03443-303776', 'fax:03443-333440'), None),
    ),
    "folkerkinzel/Outlook_v2.vcf": (
        ('Musterfirma GmbH', "", (), (), None),
        ('Herr Max Anderer Mustermann sen.', 'Musterfirma GmbH', ('max.mustermann@musterfirma.de',), ('work:+49 (0611) 123456 - 11', 'home:+49 (0611) 123456 - 12', 'mobile:+49 (0611) 123456 - 14', 'fax:+49 (0611) 123456 - 13'), None),
    ),
    "folkerkinzel/WhatsAppIssue.vcf": (
        ('zzMad Perla 45', "", (), (), None),
    ),
    "folkerkinzel/v2_1.vcf": (
        ('Firma', "", (), (), None),
        ('Maxl', 'Firma', ('privat@folker-kinzel.de', 'business@folker-kinzel.de', 'andere@folker-kinzel.de'), ('fax:0123/579',), '1972-01-31'),
    ),
    "folkerkinzel/v3.vcf": (
        ('Folker Kinzel', "", ('email1@wumms.de', 'email2@folker-kinzel.de'), ('0123-45678',), '1978-03-11'),
        ('KMS Außenstelle', "", ('blablö@blub.com',), ('home:01234-303776', 'fax:03443-333440'), None),
    ),
    "folkerkinzel/v4.vcf": (
        ('KiTa Öhrdingen', "", (), (), None),
        ('Möhrke Gerda', 'KiTa Öhrdingen', ('home:info@kinderland-blubblub.de',), ('work:034441/ 2 22 67', 'fax:034441/ 39 23 34'), None),
        ('SED', "", (), (), None),
        ('Dr. Max Horst Mustermann jr. Maxl SED', 'SED', ('home:privat@freenet.de', 'work:geschaeftlich@freenet.de', 'other:sonstige@freenet.de', 'nichts@wabbel.de'), (), None),
    ),
    "jeroendesloovere/example.vcf": (
        ('Jeroen Desloovere', "", ('site@example.com',), (), None),
    ),
    "roundcube/all.csv": (
        ('Company', "", (), (), None),
        ('Display Name', 'Company', ('home:home@example.com', 'work:work@example.com', 'other:other@example.com'), ('home:100', 'home:200', 'work:300', 'work:400', 'mobile:500', 'main:600', 'fax:700', 'fax:800', 'mobile:900', 'pager:111', '222', '333', 'other:444'), '1991-01-20'),
    ),
    "roundcube/apple.vcf": (
        ('Apple Computer AG', "", (), (), None),
    ),
    "roundcube/email.csv": (
        ('test1@domain.tld', "", ('test1@domain.tld',), (), None),
        ('test2@domain.tld', "", ('test2@domain.tld',), (), None),
        ('test3@domain.tld', "", ('test3@domain.tld',), (), None),
        ('test4@domain.tld', "", ('test4@domain.tld',), (), None),
    ),
    "roundcube/gmail.csv": (
        ('company', "", (), (), None),
        ('Prefix Firstname Middle Lastname Suffix', 'company', ('home:home@aaa.pl', 'work:work@email.pl', 'unknown@email.com', 'other:other@email.com'), (), '1975-12-12'),
    ),
    "roundcube/johndoe.vcf": (
        ('roundcube.net', "", (), (), None),
        ('John Doë', 'roundcube.net', ('home:roundcube@gmail.com', 'work:inbox@roundcube.net'), ('work:+123456789', 'mobile:+987654321'), None),
    ),
    "roundcube/outlook.csv": (
        ('test1@domain.tld', "", ('test1@domain.tld', 'test2@domain.tld', 'test3@domain.tld'), (), None),
    ),
    "roundcube/tb_plain.csv": (
        ('Organization', "", (), (), None),
        ('Displayname', 'Organization', ('test@domain.tld', 'next@domain.tld'), (), '1970-11-15'),
    ),
    "roundcube/thebat.vcf": (
        ('Piotr Iksiński', "", ('piotr.iksinski@somedomain.com',), (), None),
    ),
    "roundcube/utf-16_sample.vcf": (
        ('Ǽgean ĽdaMonté', "", (), (), None),
    ),
    "sabre/issue153.vcf": (
        ('Test Benutzer', "", (), (), None),
    ),
    "sabre/issue64.vcf": (
    ),
    "thunderbird/basic_csv_addressbook.csv": (
        ('Jane Doe', "", ('jane@doe.invalid',), (), None),
        ('John Doe', "", ('john@doe.invalid',), (), None),
    ),
    "thunderbird/csv_semicolon.csv": (
        ('Jane Doe', "", ('jane@doe.invalid',), (), None),
        ('John Doe', "", ('john@doe.invalid',), (), None),
    ),
    "thunderbird/dos_vcard_addressbook.vcf": (
        ('Name Surname', "", ('home:example@gmail.com',), (), None),
    ),
    "thunderbird/emptylines_vcard_addressbook.vcf": (
        ('Jane Doe', "", ('jane.doe@genericemail.invalid',), (), None),
        ('John Doe', "", ('john.doe@genericemail.invalid',), (), None),
    ),
    "thunderbird/export.csv": (
        ('contact number one', "", (), (), None),
        ('contact number two', "", (), (), None),
    ),
    "thunderbird/export.vcf": (
        ('contact number one', "", (), (), None),
        ('contact number two', "", (), (), None),
    ),
    "thunderbird/import.csv": (
        ('contact number one', "", (), (), None),
    ),
    "thunderbird/quote.csv": (
        ('Acer America', "", (), ('work:(800) 000-0000',), None),
    ),
    "thunderbird/shiftjis_addressbook.csv": (
        ('名無しの権兵衛', "", ('名無しの権兵衛@host.invalid',), (), None),
    ),
    "thunderbird/utf16_addressbook.csv": (
        ('John Doe', "", ('johndoe@host.invalid',), (), None),
    ),
    "vobject/radicale-1587.vcf": (
        ('Given Family', "", (), (), None),
    ),
}
# Invalid records, left out with --skip-invalid and listed.
SKIPPED = {"sabre/issue64.vcf": ["line 1: no name (nor an organisation, e-mail or nickname to name them by)"]}
# Files that are not UTF-8, and the encoding found (or, for Shift JIS, named with --encoding).
ENCODINGS = {
    "folkerkinzel/AnsiIssue.vcf": "windows-1252", "folkerkinzel/MultiAnsi_Ukrainian.vcf": "windows-1251",
    "folkerkinzel/MultiAnsi_German.vcf": "windows-1252", "folkerkinzel/MultiAnsi_Greek.vcf": "windows-1253",
    "folkerkinzel/MultiAnsi_v3Utf16Bom.vcf": "utf-16", "roundcube/johndoe.vcf": "windows-1252",
    "roundcube/utf-16_sample.vcf": "utf-16-be", "thunderbird/utf16_addressbook.csv": "utf-16",
    "thunderbird/shiftjis_addressbook.csv": "shift_jis",
}


def _people() -> list[tuple]:
    def channels(items: list[dict]) -> tuple[str, ...]:
        return tuple(f"{i['kind']}:{i['value']}" if i["kind"] else i["value"] for i in items)

    found = []
    for client in summaries(full=True):
        found.append((client["name"], "", channels(client["emails"]), channels(client["phones"]), client["birthday"]))
        found += [(c["name"], client["name"], channels(c["emails"]), channels(c["phones"]), c["birthday"])
                  for c in client["contacts"]]
    return found


def _import(name: str, today):
    return import_file(FIXTURES / name, today=today, skip_invalid=True,
                       encoding="shift_jis" if "shiftjis" in name else None)


def test_the_table_covers_every_file_of_the_corpus():
    files = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.suffix in (".vcf", ".csv")}
    assert files == set(PEOPLE) and len(files) >= 30


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_everyone_in_the_file_comes_through(name, db, today):
    report = _import(name, today)
    assert _people() == list(PEOPLE[name])
    assert [str(r) for r in report.rejected] == SKIPPED.get(name, [])
    assert report.encoding == ENCODINGS.get(name, "utf-8")


def test_the_whole_corpus_exported_as_vcards_imports_back_the_same(db, db_path, tmp_path, today):
    for name in sorted(PEOPLE):  # one book: IBM's people from five programs meet at one client
        _import(name, today)
    book = _people()
    assert len(book) > 75
    for version4 in (True, False):
        path = tmp_path / f"export-{version4}.vcf"
        path.write_text(export_vcards(version4=version4), encoding="utf-8")
        database.close()
        database.initialize(open_database(tmp_path / f"again-{version4}.db"))
        assert import_file(path, today=today).rejected == []
        assert _people() == book, "vCard 4.0" if version4 else "vCard 3.0"
        database.close()
        database.initialize(open_database(db_path))
