"""The health traffic light: a coloured dot with its word (for monochrome terminals) and reasons.

Takes plain data (`crm.health.Health` or anything with `light` and `reasons`).
"""

from collections.abc import Sequence
from typing import Protocol

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from crm.i18n import NC_, pgettext

# Rich colours for table cells (Rich styles there), theme variables for widgets.
CELL_STYLES = {"green": "green", "amber": "yellow", "red": "bold red"}
THEME_STYLES = {"green": "$text-success", "amber": "$text-warning", "red": "bold $text-error"}
# The light's word in the reader's language: what it means, at most five letters (the Clients
# table's column is "● amber" wide).
LIGHT_WORDS = {"green": NC_("health light", "green"), "amber": NC_("health light", "amber"),
               "red": NC_("health light", "red")}


def light_word(light: str) -> str:
    """"amber" as the reader's language says it; a light the table lacks as it is."""
    return pgettext(*LIGHT_WORDS[light]) if light in LIGHT_WORDS else light


class HealthLike(Protocol):
    light: str
    reasons: Sequence[str]


def health_cell(health: HealthLike) -> Text:
    """"● amber" for a table cell."""
    return Text(f"● {light_word(health.light)}", style=CELL_STYLES.get(health.light, ""))


def health_content(health: HealthLike) -> Content:
    """"● amber — 1 open incident, silent 120 days" (reasons come from our rules, not from users)."""
    light = Content.styled(f"● {light_word(health.light)}", THEME_STYLES.get(health.light, ""))
    if not health.reasons:
        return light
    return Content.assemble(light, " — ", ", ".join(health.reasons))


class HealthLight(Static):
    """One line (wrapping if needed): the light and what drives it."""

    DEFAULT_CSS = """
    HealthLight { height: auto; }
    """

    def show(self, health: HealthLike) -> None:
        self.update(health_content(health))
