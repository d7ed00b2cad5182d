"""Key bindings as the reader sees them: descriptions and tooltips in the reader's language.

BINDINGS are class attributes, built when a module is imported, before the language is chosen
(and tests switch languages in one process), so their texts are marked with `N_` and translated
where they are shown. A screen built on `TranslatedBindings` hands translated copies to whatever
reads its `active_bindings`: Textual's footer and key panel, and the palette's "on this screen"
commands. The help screen reads classes' BINDINGS and translates with `translated`.
"""

from dataclasses import replace
from typing import Any

from textual.binding import ActiveBinding, Binding
from textual.screen import Screen

from crm.i18n import _


def _shown(text: str) -> str:
    return _(text) if text else ""  # gettext maps "" to the catalog's header


def translated(binding: Binding) -> Binding:
    """`binding` with its description and tooltip in the reader's language."""
    return replace(binding, description=_shown(binding.description), tooltip=_shown(binding.tooltip))


class TranslatedBindings(Screen[Any]):
    """A screen whose footer, key panel and palette show its keys in the reader's language.

    Put it first among the bases: `class ReviewScreen(TranslatedBindings, Screen[None])`.
    """

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        shown = {}
        for key, active in super().active_bindings.items():
            binding = translated(active.binding)
            shown[key] = active._replace(binding=binding, tooltip=_shown(active.tooltip))
        return shown
