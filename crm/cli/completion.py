"""`crm completion bash|zsh`: a shell completion script, generated from the parser itself.

Nothing here lists a command or an option: the script is written from `build_parser()`'s tree, so
a command added tomorrow completes without anyone keeping a table in step. The script walks the
words typed so far as argparse reads them (down the subcommands, past options and the values they
take) and offers what fits where the cursor is: the subcommands, the options (after a `-`), an
option's or a positional's choices (argparse `choices`, or a metavar such as `low|medium|high`),
or file names for a PATH or FILE.
"""

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from crm.cli import Context, Subcommands
from crm.i18n import _

SHELLS = ("bash", "zsh")
FILES = "@files"  # the completion of a value that names a file
FILE_METAVARS = ("PATH", "FILE", "DIR")
_WORD = re.compile(r"[a-z][a-z0-9_-]*")


@dataclass(frozen=True)
class Node:
    """One command of the tree (`crm`, `crm client`, `crm client add`) and what completes after it."""

    path: str  # "crm client add"
    commands: tuple[tuple[str, str], ...]  # (subcommand, its help)
    options: tuple[tuple[str, str], ...]  # (option string, its help)
    values: tuple[tuple[str, str], ...]  # (option that takes a value, what the value completes to)
    arguments: tuple[str, ...]  # what each positional completes to ("" for free text)
    repeats: bool  # the last positional takes several words (`crm done ITEM [ITEM ...]`)


def register(sub: Subcommands) -> None:
    text = _("print a shell completion script for bash or zsh")
    parser = sub.add_parser(
        "completion", help=text,
        description=_("Print a script that completes crm's commands, options and their values in bash or "
                      "zsh. bash: add 'eval \"$(crm completion bash)\"' to ~/.bashrc. zsh: save the output "
                      "as _crm in a directory of $fpath (e.g. crm completion zsh > ~/.zfunc/_crm, with "
                      "fpath+=(~/.zfunc) before compinit in ~/.zshrc)."))
    parser.add_argument("shell", choices=SHELLS, metavar="bash|zsh", help=_("the shell the script is for"))
    parser.set_defaults(handler=_print_script, no_db=True)


def _print_script(args: argparse.Namespace, ctx: Context) -> int:
    from crm.cli import build_parser

    sys.stdout.write(script(args.shell, build_parser()))
    return 0


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for `shell` of the command `parser` describes."""
    nodes = list(walk(parser))
    return (_bash if shell == "bash" else _zsh)(parser.prog, nodes)


def walk(parser: argparse.ArgumentParser, path: str | None = None) -> Iterator[Node]:
    """`parser`'s node, then every subcommand's, depth first."""
    path = path or parser.prog
    commands: list[tuple[str, str]] = []
    children: list[tuple[str, argparse.ArgumentParser]] = []
    options: list[tuple[str, str]] = []
    values: list[tuple[str, str]] = []
    arguments: list[str] = []
    repeats = False
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, child in action.choices.items():
                commands.append((name, helps.get(name, "")))
                children.append((name, child))
        elif action.option_strings:
            shown = _help(parser, action)
            options += [(option, shown) for option in action.option_strings]
            if action.nargs != 0:
                values += [(option, _completion(action)) for option in action.option_strings]
        else:
            arguments.append(_completion(action))
            repeats = action.nargs in ("+", "*", argparse.REMAINDER)
    yield Node(path, tuple(commands), tuple(options), tuple(values), tuple(arguments), repeats)
    for name, child in children:
        yield from walk(child, f"{path} {name}")


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """The action's help as `--help` prints it (argparse's %-placeholders filled in), on one line."""
    if not action.help:
        return ""
    return " ".join(parser._get_formatter()._expand_help(action).split())


def _completion(action: argparse.Action) -> str:
    """What a value completes to: the choices as words, FILES, or "" (free text such as a note)."""
    if action.choices is not None:
        return " ".join(str(choice) for choice in action.choices)
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    alternatives = metavar.split("|")
    if alternatives[0] in FILE_METAVARS:
        return FILES
    if len(alternatives) > 1:  # `low|medium|high`; a pattern such as `Nm` is not a word to offer
        return " ".join(word for word in alternatives if _WORD.fullmatch(word))
    return ""


def _quote(text: str) -> str:
    """`text` as one single-quoted shell word."""
    return "'" + text.replace("'", "'\\''") + "'"


def _cases(entries: list[tuple[str, str]]) -> str:
    """`case` branches (the same syntax in bash and zsh), one per (pattern, body)."""
    lines = [f"        {_quote(pattern)}) {body} ;;" for pattern, body in entries]
    return "\n".join([*lines, "        *) reply=() ;;"])


def _lookups(nodes: list[Node], words: Callable[[str], str]) -> str:
    """The two lookups both shells share: an option's value and a positional's completion, each
    a `case` on "NODE OPTION" or "NODE INDEX" that sets `reply`; `words` renders a completion."""
    values = [(f"{node.path} {option}", f"reply=({words(completion)})")
              for node in nodes for option, completion in node.values if completion]
    arguments = [(f"{node.path} {index}", f"reply=({words(completion)})")
                 for node in nodes for index, completion in enumerate(node.arguments) if completion]
    return f"""_crm_value() {{  # what the value of option $2 of command $1 completes to
    case "$1 $2" in
{_cases(values)}
    esac
}}

_crm_argument() {{  # what positional $2 (from 0) of command $1 completes to
    case "$1 $2" in
{_cases(arguments)}
    esac
}}"""


def _last_argument(node: Node) -> str:
    """The index the positional count stops at: the last positional, when it takes several words."""
    return str(len(node.arguments) - 1) if node.repeats else ""


def _bash(prog: str, nodes: list[Node]) -> str:
    def words(completion: str) -> str:
        return " ".join(_quote(word) for word in completion.split())

    def node_body(node: Node) -> str:
        valued = " ".join(option for option, _completion in node.values)
        return (f"subcommands={_quote(' '.join(name for name, _help in node.commands))}; "
                f"opts={_quote(' '.join(option for option, _help in node.options))}; "
                f"valued={_quote(valued)}; last={_quote(_last_argument(node))}")

    nodes_case = "\n".join(f"        {_quote(node.path)}) {node_body(node)} ;;" for node in nodes)
    made = _("bash completion for {prog}, generated by '{prog} completion bash'.").format(prog=prog)
    load = _('Load it from ~/.bashrc: eval "$({prog} completion bash)"').format(prog=prog)
    return f"""# {made}
# {load}

_crm_node() {{  # the subcommands, options, options taking a value, last positional of command $1
    case $1 in
{nodes_case}
    esac
}}

{_lookups(nodes, words)}

_crm_offer() {{  # $@: the words to offer, or {FILES}
    if [[ $1 == {FILES} ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
    fi
}}

_crm() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} node={prog} word value= arg=0 i
    local subcommands opts valued last reply
    _crm_node "$node"
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${{COMP_WORDS[i]}}
        if [[ $word == = ]]; then continue  # bash splits --opt=value at the =
        elif [[ -n $value ]]; then value=
        elif [[ $word == -*=* ]]; then :
        elif [[ $word == -* ]]; then [[ " $valued " == *" $word "* ]] && value=$word
        elif [[ " $subcommands " == *" $word "* ]]; then node="$node $word"; arg=0; _crm_node "$node"
        elif [[ $arg != "$last" ]]; then ((arg++))
        fi
    done
    [[ $cur == = ]] && cur=
    reply=()
    if [[ -n $value ]]; then _crm_value "$node" "$value"; _crm_offer "${{reply[@]}}"
    elif [[ $cur == -* ]]; then _crm_offer $opts
    elif [[ -n $subcommands ]]; then _crm_offer $subcommands
    else _crm_argument "$node" "$arg"; _crm_offer "${{reply[@]}}"
    fi
}}

complete -F _crm {prog}
"""


def _zsh(prog: str, nodes: list[Node]) -> str:
    def words(completion: str) -> str:
        return " ".join(_quote(word) for word in completion.split())

    def described(pairs: tuple[tuple[str, str], ...]) -> str:
        """Entries for _describe: "name:description", a colon in the name escaped."""
        entries = (name.replace(":", "\\:") + (f":{text}" if text else "") for name, text in pairs)
        return " ".join(_quote(entry) for entry in entries)

    def node_body(node: Node) -> str:
        valued = " ".join(_quote(option) for option, _completion in node.values)
        return (f"subcommands=({described(node.commands)}); opts=({described(node.options)}); "
                f"valued=({valued}); last={_quote(_last_argument(node))}")

    nodes_case = "\n".join(f"        ({_quote(node.path)}) {node_body(node)} ;;" for node in nodes)
    made = _("zsh completion for {prog}, generated by '{prog} completion zsh'.").format(prog=prog)
    load = _("Save it as _{prog} in a directory of $fpath, or load it with: source <({prog} completion zsh)").format(
        prog=prog)
    return f"""#compdef {prog}
# {made}
# {load}

_crm_node() {{  # the subcommands, options, options taking a value, last positional of command $1
    case $1 in
{nodes_case}
    esac
}}

{_lookups(nodes, words)}

_crm_offer() {{  # $@: the words to offer, or {FILES}
    if [[ $1 == {FILES} ]]; then _files
    elif (( $# )); then compadd -- "$@"
    fi
}}

_crm() {{
    local node={prog} word value= arg=0 i last
    local -a subcommands opts valued reply
    _crm_node $node
    for ((i = 2; i < CURRENT; i++)); do
        word=${{words[i]}}
        if [[ -n $value ]]; then value=
        elif [[ $word == -*=* ]]; then :
        elif [[ $word == -* ]]; then (( ${{valued[(Ie)$word]}} )) && value=$word
        elif (( ${{subcommands[(I)$word(|:*)]}} )); then node="$node $word"; arg=0; _crm_node $node
        elif [[ $arg != $last ]]; then (( arg++ ))
        fi
    done
    if [[ -z $value && $PREFIX == -*=* ]]; then value=${{PREFIX%%=*}}; compset -P '*='; fi
    reply=()
    if [[ -n $value ]]; then _crm_value $node $value; _crm_offer $reply
    elif [[ $PREFIX == -* ]]; then _describe -t options option opts
    elif (( $#subcommands )); then _describe -t commands command subcommands
    else _crm_argument $node $arg; _crm_offer $reply
    fi
}}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _crm "$@"  # autoloaded from $fpath: this is the completion itself
else
    compdef _crm {prog}  # sourced: register it
fi
"""
