"""argparse's own words ("usage:", "options", "unrecognized arguments: %s" …) in the reader's
language, from Rapport's catalogs.

argparse translates its words with the names `_` and `ngettext` it took from `gettext` when it was
imported (gettext's "messages" domain, which no installed catalog fills). `speak` points those two
names at crm.i18n, so `crm --lang ru --help` and a usage error read in Russian; its English is its
own, so nothing changes in English. The messages below are argparse's (Python 3.11 to 3.13) as it
spells them, marked here so that `make messages` extracts them; argparse's errors about how a
program builds its parser are left out, as no user meets them.
"""

import argparse

from crm import i18n
from crm.i18n import N_, N_plural

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("can't open '%(filename)s': %(error)s"),
)
PLURALS = (N_plural("expected %s argument", "expected %s arguments"),)


def speak() -> None:
    """Let argparse's own words follow crm.i18n's language from now on (English stays argparse's)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
