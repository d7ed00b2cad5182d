"""Every message a person reads can be translated (crm.i18n, issue 13).

Static checks over the code, cheap and exact: a refusal (`UserError` and its kinds) carries text that
went through `_`/`ngettext` (an English literal or f-string could not be extracted into the
catalogs); the command line prints no English literal; and no function that translates with `_`
also binds `_` as a throwaway name (the call would then hit the throwaway, on an error path
perhaps no test walks).
"""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(path for folder in ("crm", "widgets") for path in (ROOT / folder).rglob("*.py"))
CLI = sorted((ROOT / "crm" / "cli").glob("*.py"))
_WORDS = re.compile(r"[A-Za-z]{2,}")


@cache  # each file parsed once for all the checks
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _refusals() -> set[str]:
    """UserError and every class that derives from it, wherever it is defined."""
    bases: dict[str, set[str]] = {}
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id for b in node.bases if isinstance(b, ast.Name)}
    found = {"UserError"}
    while grown := {name for name, parents in bases.items() if parents & found} - found:
        found |= grown
    return found


def _english(node: ast.expr) -> str:
    """The English written into `node` as literal text, not through `_` ("" if none)."""
    match node:
        case ast.Constant(value=str(text)):
            return text
        case ast.JoinedStr(values=parts):
            return "".join(_english(part) for part in parts)
        case ast.Call(func=ast.Attribute(value=template, attr="format")):
            return _english(template)
        case ast.BinOp(left=left, right=right):
            return _english(left) + _english(right)
        case ast.IfExp(body=body, orelse=orelse):
            return _english(body) + _english(orelse)
    return ""  # a call to _ or ngettext, a variable, str(exc)…


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_every_refusal_is_in_the_readers_language():
    refusals = _refusals()
    untranslated = [
        f"{_where(path, node)}: {_english(node.args[0])!r}"
        for path in SOURCES for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in refusals
        and node.args and _WORDS.search(_english(node.args[0]))
    ]
    assert not untranslated, "messages not through crm.i18n:\n" + "\n".join(untranslated)


def test_the_command_line_prints_no_english_literal():
    untranslated = [
        f"{_where(path, node)}: {_english(arg)!r}"
        for path in CLI for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        for arg in node.args if _WORDS.search(_english(arg))
    ]
    assert not untranslated, "output not through crm.i18n:\n" + "\n".join(untranslated)


def _own_nodes(function: ast.AST):
    """The nodes of `function`'s own scope: nested functions and classes left out, and the targets
    of comprehensions (`for _, x in pairs` inside one binds `_` in the comprehension only)."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield node
        if isinstance(node, ast.comprehension):
            stack.extend((node.iter, *node.ifs))
        else:
            stack.extend(ast.iter_child_nodes(node))


def test_no_function_translating_with_underscore_binds_it():
    shadowed = []
    for path in SOURCES:
        for function in ast.walk(_tree(path)):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            nodes = list(_own_nodes(function))
            binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in nodes)
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in nodes)
            if binds and calls:
                shadowed.append(f"{_where(path, function)} {function.name}")
    assert not shadowed, "`_` is both a throwaway and the translation in:\n" + "\n".join(shadowed)
