"""README "A team on one server": two Unix users sharing one database through a group and a
setgid directory. Each opens the database, writes, and makes the daily backup the app makes at
start, day after day, while the other has it open; both always succeed and see each other's
writes, and every file either of them creates stays usable by the other."""

import os
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

from crm.backup import DAILY_NAME, rotate_daily
from crm.clients import ClientFields, add_client
from crm.db import open_database
from crm.models import Client
from tests.users import Child, needs_root, reachable_dir

pytestmark = needs_root

ANNA, BORIS, TEAM = 61001, 61002, 61000  # two users who share no group but the team's
DAYS = 4
KEEP = 1  # each day's copy replaces the one the other user made the day before


def _mode(path: Path) -> tuple[str, int]:
    info = path.stat()
    return oct(stat.S_IMODE(info.st_mode)), info.st_gid


def _day_of(uid: int, db_path: Path, day: date, *, first: bool):
    """What one user does on `day`: open the database (the app's start), write, and make the daily
    backup; the first user of the day pauses with the database open while the other works."""

    def work(pause) -> dict[str, object]:
        db = open_database(db_path)
        add_client(ClientFields(name=f"written by {uid} on {day}"), today=day)
        seen_files = {name: _mode(db_path.with_name(name)) for name in sorted(os.listdir(db_path.parent))
                      if name.startswith("crm.db")}
        if first:
            pause()  # the other user works now, through this session's -wal and -shm
        made = rotate_daily(db_path, day, keep=KEEP)
        names = sorted(c.name for c in Client.select())
        db.close()
        return {"names": names, "made": made.name if made else None, "files": seen_files}

    return work


def _names_in(backup: Path) -> list[str]:
    conn = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    try:
        return sorted(name for (name,) in conn.execute("SELECT name FROM client"))
    finally:
        conn.close()


def test_two_users_share_one_database_and_its_backups_every_day(today):
    with reachable_dir("rapport-team-") as team:
        os.chown(team, 0, TEAM)
        team.chmod(0o2770)  # README: chgrp team DIR && chmod 2770 DIR
        db_path = team / "crm.db"
        written: list[str] = []
        for n in range(DAYS):
            day = today + timedelta(days=n)
            first, second = (ANNA, BORIS) if n % 2 == 0 else (BORIS, ANNA)
            holding = Child(first, TEAM, _day_of(first, db_path, day, first=True))
            try:
                holding.paused()
                late = Child(second, TEAM, _day_of(second, db_path, day, first=False)).result()
                holding.resume()
                early = holding.result()
            finally:
                holding.stop()
            written += [f"written by {first} on {day}", f"written by {second} on {day}"]

            # Both succeed, every day, and each sees the other's writes.
            assert late["names"] == sorted(written)
            assert early["names"] == sorted(written)
            # The second user of the day made today's copy, through the first one's files.
            assert (late["made"], early["made"]) == (DAILY_NAME.format(day=day), None)
            assert late["files"] == {name: ["0o660", TEAM] for name in ("crm.db", "crm.db-shm", "crm.db-wal")}
            backups = team / "backups"
            assert sorted(p.name for p in backups.iterdir()) == [DAILY_NAME.format(day=day)]
            copy = backups / DAILY_NAME.format(day=day)
            assert copy.stat().st_uid == second  # and it removed yesterday's, the other user's
            assert (_mode(backups), _mode(copy)) == (("0o2770", TEAM), ("0o660", TEAM))
            assert _names_in(copy) == sorted(written)  # the first user's write of the day included

        assert _mode(db_path) == ("0o660", TEAM)
        assert {db_path.stat().st_uid} == {ANNA}  # the first user created the database
        assert sorted(os.listdir(team)) == ["backups", "crm.db"]  # the last one out removed -wal and -shm
