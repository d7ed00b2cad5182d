"""Private by default: the database, its -wal/-shm, backups and exports are 0600 in 0700
directories, whatever the umask says."""

import os
import stat

import pytest

from crm import clients
from crm.backup import rotate_daily
from crm.db import open_database


@pytest.fixture
def open_umask():
    """The most permissive umask, so only Rapport's own choices can make files private."""
    old = os.umask(0)
    yield
    os.umask(old)


def _mode(path) -> str:
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def test_database_and_its_companions_are_private(open_umask, tmp_path, today):
    path = tmp_path / "new" / "nested" / "crm.db"
    db = open_database(path)
    clients.add_client(clients.ClientFields(name="Acme"), today=today)
    assert _mode(path) == "0o600"
    assert _mode(path.parent) == "0o700"
    assert _mode(f"{path}-wal") == "0o600" and _mode(f"{path}-shm") == "0o600"

    daily = rotate_daily(path, today, keep=7)
    assert _mode(daily) == "0o600" and _mode(daily.parent) == "0o700"
    db.close()


@pytest.mark.parametrize("args", [("export",), ("export", "--format", "csv"), ("backup",)])
def test_exports_and_backups_are_private_even_over_a_public_file(open_umask, cli, tmp_path, args):
    assert cli("client", "add", "Acme").code == 0
    target = tmp_path / "out" / "copy"
    target.parent.mkdir(mode=0o755)
    target.write_bytes(b"")
    target.chmod(0o644)  # a world-readable file already there

    command = [*args, "--out", str(target)] if args[0] == "export" else [*args, str(target)]
    assert cli(*command).code == 0
    assert _mode(target) == "0o600"
    fresh = tmp_path / "made" / "by" / "rapport"
    command = [*args, "--out", str(fresh)] if args[0] == "export" else [*args, str(fresh)]
    assert cli(*command).code == 0
    assert _mode(fresh) == "0o600" and _mode(fresh.parent) == "0o700"
