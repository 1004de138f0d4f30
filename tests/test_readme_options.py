"""README documents every command and every option: the parser is the list to check against.

Each command ``NAME`` needs a row in the Commands table (`` `mawjaz NAME` ``) and a table
introduced by ``Options of `mawjaz NAME`:`` naming each of its options in backticks. A new
option without a README row fails here, naming the command and the option.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from generator.cli.main import make_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = make_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert actions, "mawjaz has sub-commands"
    return dict(actions[0].choices)


def options_of(parser: argparse.ArgumentParser) -> list[str]:
    return [option for action in parser._actions if not isinstance(action, argparse._HelpAction)
            for option in action.option_strings]


def section(command: str) -> str:
    """The README text from ``Options of `mawjaz COMMAND`:`` to the next such table or heading."""
    start = README.find(f"Options of `mawjaz {command}`:")
    assert start >= 0, f"README has no 'Options of `mawjaz {command}`:' table"
    rest = README[start + 1:]
    ends = [m.start() for m in re.finditer(r"^(?:Options of `mawjaz |#)", rest, re.MULTILINE)]
    return rest[:min(ends)] if ends else rest


def documented(option: str, text: str) -> bool:
    """`` `--opt` `` or `` `--opt VALUE` `` in a table row."""
    return re.search(rf"^\|.*`{re.escape(option)}[ `=]", text, re.MULTILINE) is not None


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_option_of_every_command_is_in_readme(command: str) -> None:
    assert re.search(rf"^\| `mawjaz {re.escape(command)}\b", README, re.MULTILINE), \
        f"README's Commands table has no row for `mawjaz {command}`"
    text = section(command)
    missing = [o for o in options_of(subcommands()[command]) if not documented(o, text)]
    assert not missing, f"README does not document these options of `mawjaz {command}`: {missing}"


def test_top_level_options_are_in_readme() -> None:
    for option in options_of(make_parser()):
        assert f"`mawjaz {option}`" in README, option


def test_the_check_itself_catches_a_missing_option() -> None:
    assert documented("--strict", "| `--strict` | warnings fail |")
    assert documented("--root", "| `--root DIR` | folder |")
    assert not documented("--root", "| `--rooted` | folder |")
    assert not documented("--root", "the --root option, in prose")
