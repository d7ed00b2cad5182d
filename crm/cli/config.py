"""`crm config path | show | set KEY VALUE`: this person's settings file (crm.config)."""

import argparse

from crm.cli import Context, Subcommands, group
from crm.errors import UserError
from crm.i18n import _
from crm.text import safe_line


def register(sub: Subcommands) -> None:
    actions = group(sub, "config", _("your own settings: language, theme, keys, signature, letter templates"))
    text = _("print where your settings file is (it may not exist yet)")
    actions.add_parser("path", help=text, description=text).set_defaults(handler=_path, no_db=True)
    text = _("print your settings as the file holds them")
    actions.add_parser("show", help=text, description=text).set_defaults(handler=_show, no_db=True)
    text = _("set one setting (an empty VALUE removes it)")
    setter = actions.add_parser(
        "set", help=text, description=text,
        epilog=_("KEY is language (en, ru, ro), theme (e.g. textual-light), templates (a folder of letter "
                 "templates, <language>/<kind>.txt), signature.name, signature.title, signature.company, or "
                 "keymap.ID (ID a key's id as ? in the app lists it, e.g. keymap.review.done x)."))
    setter.add_argument("key", metavar="KEY", help=_("the setting"))
    setter.add_argument("value", metavar="VALUE", help=_("its new value"))
    setter.set_defaults(handler=_set, no_db=True)


def _path(args: argparse.Namespace, ctx: Context) -> int:
    from crm.config import settings_path

    print(safe_line(settings_path()))
    return 0


def _show(args: argparse.Namespace, ctx: Context) -> int:
    from crm.config import load, settings_path

    path = settings_path()
    settings = load(path)
    if settings.problem:
        raise UserError(settings.problem)
    if not path.exists():
        print(_("No settings yet ({path}): the defaults are used.").format(path=safe_line(path)))
        return 0
    for line in path.read_text(encoding="utf-8").splitlines():
        print(safe_line(line))
    return 0


def _set(args: argparse.Namespace, ctx: Context) -> int:
    from crm import config

    key, value = args.key.strip(), args.value.strip()
    if value and key == "theme" and value not in (names := _theme_names()):
        raise UserError(_("unknown theme {value!r} (known: {known})").format(
            value=safe_line(value), known=", ".join(names)))
    if key.startswith("keymap.") and (binding := key.removeprefix("keymap.")) not in (ids := _binding_ids()):
        raise UserError(_("unknown key id {value!r} ({hint})").format(value=safe_line(binding),
                                                                      hint=_near(binding, ids)))
    config.set_value(key, value)
    if value:
        print(_("{key} = {value}").format(key=safe_line(key), value=safe_line(value)))
    else:
        print(_("{key} removed: the default is used").format(key=safe_line(key)))
    return 0


def _near(binding: str, ids: list[str]) -> str:
    """What the person may have meant: close ids, else the ids of the same screen, else the screens."""
    from difflib import get_close_matches

    if near := get_close_matches(binding, ids, n=3):
        return _("did you mean {ids}?").format(ids=", ".join(near))
    section = binding.split(".")[0]
    if same := [i for i in ids if i.split(".")[0] == section]:
        return _("the keys of {section}: {ids}").format(section=safe_line(section), ids=", ".join(same))
    return _("an id is a screen and an action, such as review.done; the screens: {sections}").format(
        sections=", ".join(dict.fromkeys(i.split(".")[0] for i in ids)))


# The themes and key ids are the app's (Textual's): only `crm config set theme|keymap.…` asks it.
def _theme_names() -> list[str]:
    from crm.app.keys import theme_names

    return theme_names()


def _binding_ids() -> list[str]:
    from crm.app.keys import binding_ids

    return binding_ids()
