"""Settings per person: a TOML file in the user's config directory (`crm config path`), read with
`tomllib`, written by `crm config set` (and by the app when its theme is toggled).

    language = "ru"                     # en, ru, ro: before $CRM_LANG and the locale, after --lang
    theme = "textual-light"             # the app's theme (it used to live in the shared database)
    templates = "/home/ana/letters"     # letter templates here override the shipped ones
    [signature]                         # who signs letters: before the database's owner.name/title
    name = "Ana Popescu"
    title = "Director"
    company = "Blue Fox Studio"
    [keymap]                            # binding ids (see ? in the app) to keys, "d" or "x,ctrl+d"
    "review.done" = "x"

The database's `Setting` table stays what the agency shares (the owner's name, thresholds,
backups); this file is what one person prefers. A file that is not TOML, or a value that is not
right, is said in one line naming the file and the line, and the defaults stand for it: nobody is
kept out of the app by a typo in a settings file. Reading costs a command nothing when there is no
file (`tomllib` is imported only to read one).
"""

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm import validate
from crm.errors import UserError
from crm.i18n import LANGUAGES, _
from crm.text import safe_line, shorten
from crm.userdirs import user_dir

FILE_NAME = "settings.toml"
SIGNATURE_FIELDS = ("name", "title", "company")
_BINDING_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# A key as Textual names it ("d", "D", "ctrl+s", "question_mark", "f1"), or one printable character.
_KEY = re.compile(r"^((ctrl|alt|shift|super|meta|hyper)\+)*([a-z0-9_]+|[^\s,+])$", re.IGNORECASE)


@dataclass(frozen=True)
class Signature:
    """Who signs this person's letters (empty: the agency's owner, crm.agency)."""

    name: str = ""
    title: str = ""
    company: str = ""


@dataclass(frozen=True)
class Settings:
    language: str | None = None
    theme: str | None = None
    templates: Path | None = None
    signature: Signature = Signature()
    keymap: Mapping[str, str] = field(default_factory=dict)
    problem: str | None = None  # "<file>:<line>: what is wrong", the file or that value ignored, if anything


def config_dir() -> Path:
    """The user's config directory for Rapport."""
    return user_dir("config")


def settings_path() -> Path:
    return config_dir() / FILE_NAME


# --- checking values: one function per key, shared by reading the file and `crm config set` ---


def check_language(value: object) -> str:
    if value not in LANGUAGES:
        raise UserError(_("language must be one of {languages}, not {value!r}").format(
            languages=", ".join(LANGUAGES), value=_shown(value)))
    return str(value)


def check_theme(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", value):
        raise UserError(_("theme must be a theme's name such as textual-light, not {value!r}").format(
            value=_shown(value)))
    return value


def check_templates(value: object) -> Path:
    """A folder of letter templates (`<language>/<kind>.txt`, as the shipped ones)."""
    if not isinstance(value, str):
        raise UserError(_("templates must be a folder's path, not {value!r}").format(value=_shown(value)))
    folder = validate.path(value, _("templates"))
    if not folder.is_dir():
        raise UserError(_("templates: {path} is not a folder").format(path=safe_line(folder)))
    return folder.absolute()


def check_signature_line(value: object, what: str) -> str:
    if not isinstance(value, str) or "\n" in value:
        raise UserError(_("{what} must be one line of text").format(what=what))
    return validate.text(value.strip(), what, limit=validate.MAX_NAME)


def check_binding_id(value: str) -> str:
    if not _BINDING_ID.match(value):
        raise UserError(_("{value!r} is not a key's id (such as review.done: ? in the app lists them)").format(
            value=_shown(value)))
    return value


def check_keys(value: object) -> str:
    """Keys as Textual names them, several separated by commas: "x", "ctrl+d", "x,question_mark"."""
    keys = [key.strip() for key in value.split(",")] if isinstance(value, str) else []
    if not keys or not all(_KEY.match(key) for key in keys):
        raise UserError(_("not keys: {value!r} (a key such as x, X, ctrl+d or f2; several separated by commas)")
                        .format(value=_shown(value)))
    return ",".join(keys)


# --- reading -----------------------------------------------------------------------------------


def load(path: Path | None = None) -> Settings:
    """The settings in the file (the defaults where it is missing, unreadable or wrong; `problem`
    then says what, in one line)."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        if not os.path.isfile(path):  # a directory on the way this user may not enter: no file of theirs
            return Settings()
        return Settings(problem=_where(path, None, _("cannot read it: {reason}").format(reason=exc.strerror)))
    try:
        data = _parse(raw)
    except _Malformed as exc:
        return Settings(problem=_where(path, exc.line, exc.reason))
    values: dict[str, Any] = {}
    problems: list[str] = []
    text = raw.decode("utf-8")
    for key, value in data.items():
        try:
            if key == "signature":
                values[key] = _signature(value)
            elif key == "keymap":
                values[key] = _keymap(value)
            elif key in _CHECKS:
                values[key] = _CHECKS[key](value)
            else:
                raise UserError(_("unknown setting {key!r} (known: {known})").format(
                    key=_shown(key), known=", ".join(KNOWN)))
        except UserError as exc:
            problems.append(_where(path, _line_of(text, key), str(exc)))
    return Settings(**values, problem=problems[0] if problems else None)


_CHECKS: dict[str, Callable[[Any], Any]] = {"language": check_language, "theme": check_theme,
                                            "templates": check_templates}
KNOWN = ("language", "theme", "templates", "signature.name", "signature.title", "signature.company",
         "keymap.<id>")


def _signature(value: object) -> Signature:
    if not isinstance(value, dict):
        raise UserError(_("signature must be a table: [signature] with name, title and company"))
    unknown = sorted(set(value) - set(SIGNATURE_FIELDS))
    if unknown:
        raise UserError(_("unknown setting {key!r} (known: {known})").format(
            key=f"signature.{_shown(unknown[0])}", known=", ".join(KNOWN)))
    return Signature(**{name: check_signature_line(line, f"signature.{name}") for name, line in value.items()})


def _keymap(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise UserError(_("keymap must be a table: [keymap] with \"review.done\" = \"x\" lines"))
    return {check_binding_id(binding): check_keys(keys) for binding, keys in value.items()}


class _Malformed(Exception):
    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


def _parse(raw: bytes) -> dict[str, Any]:
    import tomllib

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Malformed(raw[: exc.start].count(b"\n") + 1, _("not UTF-8 text")) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # "Invalid value (at line 3, column 12)": the reason, and the line to point at.
        found = re.search(r"^(.*?)\s*\(at line (\d+), column \d+\)$", str(exc))
        if found:
            raise _Malformed(int(found.group(2)), _("not TOML: {reason}").format(reason=found.group(1))) from None
        raise _Malformed(None, _("not TOML: {reason}").format(reason=str(exc))) from None


def _line_of(text: str, key: str) -> int | None:
    """The line where `key` (or its table) is set, for pointing at it."""
    pattern = re.compile(rf"^\s*(\[\s*{re.escape(key)}\s*\]|\"?{re.escape(key)}\"?\s*=)")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def _where(path: Path, line: int | None, reason: str) -> str:
    place = f"{safe_line(path)}:{line}" if line else safe_line(path)
    return f"{place}: {safe_line(reason)}"


def _shown(value: object) -> str:
    return shorten(safe_line(value), 60)


# --- writing -----------------------------------------------------------------------------------


def set_value(key: str, value: str, path: Path | None = None) -> str:
    """Check `value` for `key` (language, theme, templates, signature.<field>, keymap.<id>) and
    write it to the file, other settings kept; an empty value removes the key. The file's text as
    written. UserError, nothing written, for a bad key or value, or a file that does not read as
    settings (it would be overwritten)."""
    path = path or settings_path()
    current = _current(path)
    section, _dot, name = key.partition(".")
    if key in _CHECKS:
        if value:
            checked = _CHECKS[key](value)
            current[key] = str(checked)
        else:
            current.pop(key, None)
    elif section == "signature" and name in SIGNATURE_FIELDS:
        table = current.setdefault("signature", {})
        if value:
            table[name] = check_signature_line(value, key)
        else:
            table.pop(name, None)
    elif section == "keymap" and name:
        table = current.setdefault("keymap", {})
        if value:
            table[check_binding_id(name)] = check_keys(value)
        else:
            table.pop(name, None)
    else:
        raise UserError(_("unknown setting {key!r} (known: {known})").format(key=_shown(key), known=", ".join(KNOWN)))
    text = dumps({k: v for k, v in current.items() if v != {}})
    from crm.backup import atomic_file

    with atomic_file(path, "w") as handle:
        handle.write(text)
    return text


def _current(path: Path) -> dict[str, Any]:
    """The file's settings as they are, to change one; UserError if they cannot be read as such."""
    settings = load(path)
    if settings.problem:
        raise UserError(_("{problem} (fix or remove the file first; nothing was written)").format(
            problem=settings.problem))
    try:
        return _parse(path.read_bytes())
    except FileNotFoundError:
        return {}


def dumps(data: Mapping[str, Any]) -> str:
    """`data` (strings at the top, then tables of strings) as TOML text."""
    lines = ["# Rapport's settings for you (crm config set KEY VALUE changes them; see crm config --help)."]
    tables = [(key, value) for key, value in data.items() if isinstance(value, Mapping)]
    lines += [f"{_toml_key(key)} = {_toml_string(str(value))}" for key, value in data.items()
              if not isinstance(value, Mapping)]
    for key, table in tables:
        lines += ["", f"[{_toml_key(key)}]"]
        lines += [f"{_toml_key(name)} = {_toml_string(str(value))}" for name, value in table.items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    """A TOML basic string: backslashes, quotes and control characters escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'
