"""`--json` output is exactly what `json.dumps(indent=2)` would print, however the data looks:
scripts that diff or grep it see no change from the faster encoder."""

import json
import random
from datetime import date
from decimal import Decimal

import pytest

from crm.cli.output import dumps, emit_json, emit_json_array

HOSTILE = 'é \x1b[2J "q" \\ \u2028 },\n      { [1]: \x00'


def reference(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


@pytest.mark.parametrize("value", [
    {}, [], "x", 0, None, True, 1.5, float("nan"), [{}], [{"a": 1}, {}], {"a": [], "b": {}},
    {"today": "2026-11-23", "items": [{"id": HOSTILE, "title": "}, {", "n": 3, "overdue": False, "x": None,
                                       "f": float("inf")}, {"id": "b"}]},
    [{"amount": Decimal("1.50")}], {"on": date(2026, 1, 1), "amount": Decimal("3")},
    {1: "int key", None: "none", 2.5: "float key"}, [[{"a": 1}], [{"b": [1, 2]}]], [{"a": {"nested": 1}}, {"b": 2}],
])
def test_json_is_byte_for_byte_what_json_dumps_prints(value):
    assert dumps(value) == reference(value)


@pytest.mark.parametrize("value", [
    {"today": "2026-11-23", "items": [{"id": HOSTILE, "overdue": True}]},  # the review's shape: fast
    [{"id": 1, "contacts": [{"name": HOSTILE}]}],  # the client list's
    {"id": 1, "timeline": []},
])
def test_printed_json_is_what_json_dumps_prints(capsys, value):
    emit_json(value)
    assert capsys.readouterr().out == reference(value) + "\n"


def test_json_matches_for_many_random_shapes_with_hostile_strings():
    rnd = random.Random(7)
    alphabet = ["a", "}", "{", ",", "\n", '"', "\\", " ", "é", "\x00", ":", "[", "]", "\u2028"]

    def text() -> str:
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))

    def scalar() -> object:
        return rnd.choice([text(), rnd.randint(-5, 5), None, False, 0.1, Decimal("1.0"), date(2026, 2, 28)])

    def value(depth: int = 0) -> object:
        roll = rnd.random()
        if depth < 3 and roll < 0.2:
            return [value(depth + 1) for _ in range(rnd.randint(0, 4))]
        if depth < 3 and roll < 0.4:
            return {text(): value(depth + 1) for _ in range(rnd.randint(0, 4))}
        if depth < 3 and roll < 0.6:  # a listing: flat objects
            return [{text(): scalar() for _ in range(rnd.randint(1, 4))} for _ in range(rnd.randint(1, 4))]
        return scalar()

    for _ in range(3000):
        sample = value()
        assert dumps(sample) == reference(sample), sample


@pytest.mark.parametrize("values", [
    [],
    [{"id": 1, "name": HOSTILE, "contacts": [], "promises": {"open": 0}}],
    [{"id": 1, "contacts": [{"name": HOSTILE, "birthday": None}, {}]}, {"id": 2, "notes": "a\nb", "x": [1, "}"]}],
    ["x", 2, None, [], {}],
])
def test_a_streamed_array_is_what_json_dumps_prints_of_the_list(capsys, values):
    emit_json_array(iter(values))
    assert capsys.readouterr().out == reference(values) + "\n"
