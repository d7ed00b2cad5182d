"""Plain and JSON output for the command line. Plain text is made terminal-safe; JSON stays exact."""

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import chain
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

from crm.text import safe_line, shorten

_SCALARS = frozenset({str, int, float, bool, type(None)})  # exact types: C encodes these as Python does


def emit_json(value: object) -> None:
    """`value` as JSON indented by two, as `json.dumps(value, ensure_ascii=False, indent=2,
    default=str)` prints it: Python's indenting encoder is pure Python (15 ms for a 5,000-client
    review), so `dumps` lays out the objects and lists and has json's C encoder write the values."""
    sys.stdout.write(dumps(value))
    sys.stdout.write("\n")


def emit_json_array(values: Iterable[object]) -> None:
    """`emit_json(list(values))`, written value by value as they come: a listing of 50,000 clients
    never sits in memory whole."""
    opened = False
    for value in values:
        sys.stdout.write(",\n  " if opened else "[\n  ")
        sys.stdout.write(dumps(value, 1))
        opened = True
    sys.stdout.write("\n]\n" if opened else "[]\n")


def dumps(value: object, level: int = 0) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2, default=str)` at nesting `level`, byte for
    byte: objects with string keys and lists are laid out here, and each run of plain values (and
    each list of flat objects) is encoded in C in one call. Anything else goes through json as is."""
    try:
        if type(value) is dict and value:
            return _object(value, level)
        if type(value) is list and value:
            return _array(value, level)
    except TypeError:  # a key that is not a string, somewhere inside: json's own way for all of it
        pass
    return _plain(value, level)


def _object(value: dict[str, object], level: int) -> str:
    inner = _INNER[level + 1] if level + 1 < len(_INNER) else "\n" + "  " * (level + 1)
    encode, scalars = _encoder(inner), _SCALARS
    pieces, run = [], {}
    for key, item in value.items():
        if type(item) in scalars:
            run[key] = item
            continue
        if run:
            pieces.append(encode(run)[1:-1])
            run = {}
        pieces.append(f"{encode_basestring(key)}: {dumps(item, level + 1)}")
    if run:
        pieces.append(encode(run)[1:-1])
    return "{" + inner + ("," + inner).join(pieces) + inner[:-2] + "}"


def _array(value: list[object], level: int) -> str:
    scalars = _SCALARS
    # A listing of flat objects (a review's 33,000 items): every value's type looked at in C.
    if all(type(row) is dict and row for row in value) and set(
        map(type, chain.from_iterable(map(dict.values, value)))  # type: ignore[arg-type]
    ) <= scalars:
        return _flat_objects(value, level)  # type: ignore[arg-type]
    inner = _INNER[level + 1] if level + 1 < len(_INNER) else "\n" + "  " * (level + 1)
    if all(type(item) in scalars for item in value):
        return "[" + inner + _encoder(inner)(value)[1:-1] + inner[:-2] + "]"
    return "[" + inner + ("," + inner).join(dumps(item, level + 1) for item in value) + inner[:-2] + "]"


_INNER = tuple("\n" + "  " * level for level in range(8))  # a line break and a level's indent


@cache
def _encoder(inner: str) -> Callable[[object], str]:
    """json's C encoder with `inner` between the items of one container: a raw newline occurs in
    JSON text only in a separator (strings escape theirs), so each item lands on its own line. Made
    once and called directly: `JSONEncoder.encode` would build it again for each of a listing's
    hundreds of thousands of values."""
    if c_make_encoder is None:  # a Python without json's C accelerator
        return json.JSONEncoder(ensure_ascii=False, separators=("," + inner, ": "), default=str).encode
    # markers None: no cycle check (the values are trees of plain data); default=str as json.dumps's
    chunks = c_make_encoder(None, str, encode_basestring, None, ": ", "," + inner, False, False, True)
    return lambda value: "".join(chunks(value, 0))


def _plain(value: object, level: int) -> str:
    # Raw newlines in JSON text are line breaks of the layout (strings escape theirs): indent them.
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).replace("\n", "\n" + "  " * level)


def _flat_objects(rows: list[dict[str, object]], level: int) -> str:
    outer, inner = "\n" + "  " * (level + 1), "\n" + "  " * (level + 2)
    flat = _encoder(inner)(rows)
    # A raw newline occurs only in a separator (strings escape theirs), so "},<newline>…{" always
    # lies between two objects: there the list's own line breaks go.
    body = flat[2:-2].replace("}," + inner + "{", f"{outer}}},{outer}{{{inner}")
    return f"[{outer}{{{inner}{body}{outer}}}\n{'  ' * level}]"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_width: int = 40) -> str:
    """A left-aligned text table; cells are made safe and cut to `max_width`."""
    cells = [[shorten(safe_line("" if v is None else v), max_width) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def created(new_id: int, as_json: bool) -> None:
    """What every creating command prints: the new id, alone or as {"id": …}."""
    if as_json:
        emit_json({"id": new_id})
    else:
        print(new_id)
