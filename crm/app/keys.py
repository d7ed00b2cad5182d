"""Key bindings shared by screens."""

from textual.binding import Binding

_SECTIONS = (
    Binding("r", "app.show_review", "Review", show=False),
    Binding("c", "app.show_clients", "Clients", show=False),
    Binding("k", "app.show_keep_in_touch", "Keep in touch", show=False),
)


def quiet_sections(*taken: str) -> list[Binding]:
    """The section keys, working but left out of the footer, except the keys in `taken` (the
    screen's own use of them wins).

    For screens with many keys of their own: a footer wider than 80 columns is cut and garbled,
    and help (?) and the palette list every key anyway.
    """
    return [binding for binding in _SECTIONS if binding.key not in taken]
