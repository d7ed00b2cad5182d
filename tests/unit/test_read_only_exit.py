"""Read-only commands end the `crm` process as soon as their output is flushed (no interpreter
teardown): the output and the exit code must be exactly what a normal exit gives."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from crm.clients import ClientFields, add_client

CRM = str(Path(sys.executable).parent / "crm")  # the installed console script


def env() -> dict[str, str]:
    """The test's environment with output buffered as usual (unbuffered would hide a lost flush)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


@pytest.fixture
def busy(db):
    """Enough clients for a review larger than a pipe's buffer (64 KiB)."""
    for n in range(400):
        add_client(ClientFields(name=f"Client {n:03} with a long enough name", country="US"), today=date(2026, 1, 5))
    db.close()


def crm(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([CRM, *args], capture_output=True, env=env(), timeout=60, **kwargs)


@pytest.mark.parametrize("args", [("review", "--json"), ("review",), ("digest",), ("client", "show", "Client 007"),
                                  ("client", "list", "--json")])
def test_output_is_complete_and_the_exit_code_zero(busy, cli, args):
    expected = cli(*args)
    result = crm(*args)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.decode() == expected.out


def test_output_to_a_file_is_complete(busy, tmp_path):
    out = tmp_path / "review.json"
    with out.open("wb") as handle:
        assert subprocess.run([CRM, "review", "--json"], stdout=handle, env=env(), timeout=60).returncode == 0
    assert len(json.loads(out.read_text())["items"]) == 800  # Thanksgiving and a quiet call for each


def test_bad_input_still_exits_2_with_one_line(busy):
    result = crm("review", "--days", "-1")
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode().count("\n") == 1


def test_a_reader_that_stops_early_is_not_an_error(busy):
    proc = subprocess.Popen([CRM, "review", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    assert proc.stdout.read(10) == b'{\n  "today'
    proc.stdout.close()  # like `crm review --json | head -c 10`
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""
