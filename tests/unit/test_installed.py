"""The installed `crm` console script, run as a user's shell runs it."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tomllib
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


def test_every_data_file_in_the_packages_is_shipped():
    """A non-Python file (a .tcss stylesheet, a template) that no package-data pattern names is left
    out of the wheel, and the installed app fails where the editable checkout worked."""
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    where = {name: root / config["package-dir"].get(name, name.replace(".", "/")) for name in config["packages"]}
    patterns = config.get("package-data", {})
    for folder in {root / "crm", root / "data", root / "widgets"}:
        for path in folder.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            package = max((n for n, d in where.items() if path.is_relative_to(d)), key=lambda n: len(str(where[n])))
            shipped = {p for pattern in patterns.get(package, []) for p in glob.glob(pattern, root_dir=where[package],
                                                                                    recursive=True)}
            assert str(path.relative_to(where[package])) in shipped, f"{path.relative_to(root)} is not in the wheel"
