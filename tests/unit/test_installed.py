"""The installed `crm` console script, run as a user's shell runs it."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path


def _crm() -> str:
    beside = Path(sys.executable).parent / "crm"
    return str(beside) if beside.exists() else shutil.which("crm")


def test_the_installed_command_adds_and_lists(tmp_path):
    db = tmp_path / "scripted.db"
    env = {k: v for k, v in os.environ.items() if k not in ("CRM_DB", "CRM_TODAY")}

    def crm(*args):
        return subprocess.run([_crm(), "--db", str(db), "--today", "2026-11-23", *args], capture_output=True,
                              text=True, env=env, timeout=60)

    added = crm("client", "add", "Ærø Design ApS", "--country", "dk", "--temperament", "quiet")
    assert (added.returncode, added.stdout, added.stderr) == (0, "1\n", "")
    listed = crm("client", "list", "--json")
    assert listed.returncode == 0
    (client,) = json.loads(listed.stdout)
    assert {k: client[k] for k in ("id", "name", "country", "temperament", "status", "status_since")} == {
        "id": 1, "name": "Ærø Design ApS", "country": "DK", "temperament": "quiet", "status": "active",
        "status_since": "2026-11-23"}
    bad = crm("client", "add", "X", "--birthday", "31.02.2026")
    assert (bad.returncode, bad.stdout, bad.stderr) == (2, "", "crm: no such date: '31.02.2026'\n")
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def _files_under(folder) -> list[str]:
    found = []
    for entry in folder.iterdir():
        found += _files_under(entry) if entry.is_dir() else [entry.name]
    return found


def test_the_package_data_is_installed():
    """The playbook, templates and demo seeds are read with importlib.resources: they must be there."""
    data = files("crm.data")
    assert data.is_dir()
    assert any(name.endswith(".json") for name in _files_under(data))


def _checkout_files(root: Path) -> set[str]:
    """Every file of the checkout's packages, named as the wheel places it (widgets/ and data/ are
    installed as crm.widgets and crm.data: pyproject.toml's package-dir)."""
    found = set()
    for folder, installed in (("crm", "crm"), ("widgets", "crm/widgets"), ("data", "crm/data")):
        for path in (root / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(f"{installed}/{path.relative_to(root / folder).as_posix()}")
    return found


def test_the_wheel_builds_without_warnings_and_ships_every_file(tmp_path):
    """`pip wheel .` warns about nothing, and the wheel holds every module and data file of the
    checkout: a package missing from pyproject.toml's list, or a stylesheet or template no
    package-data pattern names, is silently left out, and the installed app fails where the
    editable checkout worked (crm.exchange and app.tcss both were). Built from a copy, so the
    checkout gets no build/ or egg-info of its own."""
    root = Path(__file__).resolve().parents[2]
    source = tmp_path / "source"
    for folder in ("crm", "widgets", "data"):
        shutil.copytree(root / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(root / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-cache-dir",
                            "-w", str(tmp_path / "wheel")], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    # setuptools' warnings are Python warnings ("BuildBackendWarning: Package … would be ignored");
    # pip's own notes about the index ("WARNING: Location …") are not about this package.
    warnings = [line.strip() for line in (built.stdout + built.stderr).splitlines() if re.search(r"\w+Warning\b", line)]
    assert warnings == []
    (wheel,) = (tmp_path / "wheel").glob("rapport_crm-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if ".dist-info/" not in name}
    missing = _checkout_files(source) - shipped
    assert not missing, ("not in the wheel (add the package or a package-data pattern in pyproject.toml): "
                         f"{sorted(missing)}")
    assert shipped == _checkout_files(source)
