"""The core never imports Textual: scripted commands start fast and the domain stays testable
without a screen. Each check runs in a fresh interpreter, so nothing imported by pytest hides it."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "crm").rglob("*.py")
    if "app" not in path.relative_to(ROOT / "crm").parts[:1]
)


def _python(code: str, tmp_path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CRM_DB": str(tmp_path / "crm.db"),
           "CRM_TODAY": "2026-11-23", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=60)


def test_the_core_module_list_is_discovered():
    assert {"crm", "crm.clients", "crm.db", "crm.cli", "crm.cli.clients"} <= set(CORE)
    assert not any(name.startswith("crm.app") for name in CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_without_textual(module, tmp_path):
    result = _python(f"import sys, {module}; assert 'textual' not in sys.modules, 'textual imported'", tmp_path)
    assert result.returncode == 0, result.stderr


def test_running_commands_does_not_import_textual(tmp_path):
    code = """
import sys, crm.cli
for args in (["client", "add", "Acme"], ["touch", "acme"], ["client", "list", "--json"],
             ["client", "show", "1"], ["incident", "open", "1", "Late"]):
    assert crm.cli.main(args) == 0, args
assert "textual" not in sys.modules, "textual imported"
"""
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1\n1\n[")
