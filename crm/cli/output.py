"""Plain and JSON output for the command line. Plain text is made terminal-safe; JSON stays exact."""

import json
import sys
from collections.abc import Sequence

from crm.text import safe_line, shorten


def emit_json(value: object) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_width: int = 40) -> str:
    """A left-aligned text table; cells are made safe and cut to `max_width`."""
    cells = [[shorten(safe_line("" if v is None else v), max_width) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def created(new_id: int, as_json: bool) -> None:
    """What every creating command prints: the new id, alone or as {"id": …}."""
    if as_json:
        emit_json({"id": new_id})
    else:
        print(new_id)
