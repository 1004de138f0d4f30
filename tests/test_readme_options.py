"""README documents every command, option and setting: the parser and the settings'
declarations (``core.config.SETTINGS``) are the lists to check against.

Each command ``NAME`` needs a row in the Commands table (`` `mawjaz NAME` ``) and a table
introduced by ``Options of `mawjaz NAME`:`` naming each of its options in backticks. A new
option without a README row fails here, naming the command and the option. The settings
table has one row per declared key, in declaration order, with its default and its allowed
values as declared.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from generator.cli.main import make_parser
from generator.core.config import SETTINGS, Setting

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


# --- the settings table ----------------------------------------------------------------------

SETTINGS_HEADING = "## Configuration: `mawjaz.toml`"


def settings_rows() -> list[list[str]]:
    """The cells of each row of README's settings table (the first table under its heading)."""
    start = README.index(SETTINGS_HEADING)
    table = re.search(r"^\|.*(?:\n\|.*)*", README[start:], re.MULTILINE)
    assert table, "README's configuration section has no table"
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.group(0).splitlines()]
    assert rows[0] == ["key", "type", "default", "meaning"]
    return rows[2:]


def documented_key(setting: Setting) -> str:
    return f"`[{setting.name}]`" if setting.kind is dict else f"`{setting.name}`"


def documented_default(setting: Setting) -> str:
    """How the table shows a default: ``required``, a word where it is not a value, text and
    flags in backticks, numbers bare."""
    if setting.required:
        return "required"
    if setting.default_text:
        return setting.default_text
    if isinstance(setting.default, bool):
        return f"`{str(setting.default).lower()}`"
    if isinstance(setting.default, str):
        return f"`{setting.default}`" if setting.default else '`""`'
    return str(setting.default)


def test_settings_table_lists_every_declared_key_in_order_and_nothing_else() -> None:
    assert [row[0] for row in settings_rows()] == [documented_key(s) for s in SETTINGS]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_settings_table_gives_each_default_and_allowed_values(setting: Setting) -> None:
    row = next(row for row in settings_rows() if row[0] == documented_key(setting))
    assert row[2] == documented_default(setting), f"README's default for `{setting.name}`"
    if setting.allowed:
        assert row[1] == "/".join(f"`{value}`" for value in setting.allowed), \
            f"README's allowed values for `{setting.name}`"
    assert row[3], f"README does not say what `{setting.name}` means"
