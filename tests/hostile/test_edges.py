"""Edge values: dates at the ends of the calendar and nesting deeper than a parser's stack end
as a diagnostic naming the file and line, from ``check`` and ``build`` alike, never as a
traceback. Values just inside the accepted range build, in every edition mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions
from generator.cli.main import main
from generator.core.dates import MAX_YEAR, MIN_YEAR
from tests.hostile.support import (
    BASE_CONFIG,
    NOW,
    REGISTRY,
    article_text,
    build_in_memory,
    output_problems,
    write_digest,
)

REL = "content/articles/a.md"


def run(command: str, root: Path, capsys: pytest.CaptureFixture[str],
        *options: str) -> tuple[int, list[str]]:
    """Exit code and diagnostic lines of one command (its closing summary line differs
    between ``check`` and ``build`` and is left out)."""
    code = main([command, "--root", str(root), "-q", *options])
    lines = capsys.readouterr().err.splitlines()
    return code, [line for line in lines if not line.startswith(("check failed", "build failed"))]


def refused_alike(root: Path, capsys: pytest.CaptureFixture[str], *options: str) -> list[str]:
    """``check`` and ``build`` both exit 1 with the same diagnostics; those lines."""
    checked = run("check", root, capsys, *options)
    built = run("build", root, capsys, *options)
    assert checked == built
    assert checked[0] == 1, checked
    assert not (root / "site").exists()
    return checked[1]


EDGE_DATES = [
    ("published", "0001-01-01T00:00:00+14:00"),
    ("date", "9999-12-31T20:00:00-05:00"),
    ("date", "0001-01-01"),
    ("date", "9999-12-31"),
    ("date", "0001-01-01T00:00:00-12:00"),
    ("updated", "9999-12-31T23:59:59Z"),
    ("updated", '"9999-12-31T23:59:59+23:59"'),
    ("date", "0999-12-31T23:59:59"),
    ("published", f"{MAX_YEAR + 1}-01-01"),
]


@pytest.mark.parametrize(("key", "value"), EDGE_DATES)
def test_date_at_the_end_of_the_calendar_is_a_diagnostic(tmp_path: Path, key: str, value: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    extra = f"{key}: {value}\n" if key != "date" else ""
    date = value if key == "date" else "2026-11-20"
    root = write_digest(tmp_path / "d", {"a.md": article_text(date=date, extra=extra)})
    [line] = refused_alike(root, capsys, "--future")
    number = 3 if key == "date" else 4
    assert line.startswith(f"{REL}:{number}:1: error[frontmatter-date]: `{key}`: "), line
    assert f"years {MIN_YEAR} to {MAX_YEAR}" in line


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T20:00:00-05:00",
                                   "9999-12-31", '"0001-01-01"'])
def test_build_date_at_the_end_of_the_calendar_is_a_diagnostic(
        tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = BASE_CONFIG.replace("build_date = 2026-11-29T12:00:00+03:00", f"build_date = {value}")
    root = write_digest(tmp_path / "d", {"a.md": article_text()}, config=config)
    [line] = refused_alike(root, capsys)
    assert line.startswith("mawjaz.toml:6:1: error[config-value]: `build_date`: "), line


@pytest.mark.parametrize("editions", ["daily", "weekly", "none"])
def test_dates_at_the_ends_of_the_accepted_range_build(tmp_path: Path, editions: str) -> None:
    articles = {
        "first.md": article_text(title="أول", date=f"{MIN_YEAR}-01-01T00:00:00+14:00",
                                 extra=f"published: {MIN_YEAR}-01-01T00:00:00+14:00\n"),
        "last.md": article_text(title="آخر", date=f"{MAX_YEAR}-12-31T23:59:59-12:00",
                                extra=f"updated: {MAX_YEAR}-12-31T23:59:59-12:00\n"),
    }
    config = BASE_CONFIG.replace("build_date = 2026-11-29T12:00:00+03:00",
                                 f"build_date = {MAX_YEAR}-12-31T23:59:59-12:00")
    root = write_digest(tmp_path / "d", articles, config=config + f'editions = "{editions}"\n')
    files = build_in_memory(root, BuildOptions(now=NOW, future=True))
    assert {"articles/أول/index.html", "articles/آخر/index.html"} <= {f.path for f in files}
    assert output_problems(files) == []


# -- nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value", "column"), [
    ("arrays", "[" * 5000 + "]" * 5000, 8 + 32),
    ("inline tables", "{a = " * 5000 + "1" + "}" * 5000, 8 + 32 * 5),
    ("mixed", "[{a = " * 2000 + "1" + "}]" * 2000, 8 + 16 * 6),
    ("unclosed", "[" * 100_000, 8 + 32),
])
def test_deeply_nested_config_is_a_diagnostic(tmp_path: Path, name: str, value: str, column: int,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = BASE_CONFIG + f"\n[extra]\ndeep = {value}\n"
    root = write_digest(tmp_path / "d", {"a.md": article_text()}, config=config)
    [line] = refused_alike(root, capsys)
    assert line == (f"mawjaz.toml:9:{column}: error[config-nesting]: arrays or tables nested "
                    "more than 32 levels deep"), name


def test_brackets_in_config_strings_and_comments_are_not_nesting(tmp_path: Path) -> None:
    config = (BASE_CONFIG + "# " + "[" * 200 + "\n[extra]\n"
              f'a = "{"[" * 200}"\nb = \'{"{" * 200}\'\nc = """\n{"[" * 200}\n"""\n'
              f"d = '''{'[' * 200}'''\ne = \"\\\"{'[' * 200}\"\nf = {'[' * 30}{']' * 30}\n")
    root = write_digest(tmp_path / "d", {"a.md": article_text()}, config=config)
    files = build_in_memory(root)
    assert any(f.path == "index.html" for f in files)


@pytest.mark.parametrize("value", ["[" * 5000 + "]" * 5000, "{a: " * 3000 + "1" + "}" * 3000,
                                   "\n" + "".join(" " * i + "a:\n" for i in range(3, 400))])
def test_deeply_nested_yaml_is_a_diagnostic(tmp_path: Path, value: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = write_digest(tmp_path / "front", {"a.md": article_text(extra=f"keep: {value}\n")})
    [line] = refused_alike(root, capsys)
    assert line.startswith(f"{REL}:") and "error[frontmatter-yaml]" in line, line
    assert "nest" in line
    actors = f"- id: a\n  kind: person\n  names: {{ar: اسم}}\n  aliases: {value}\n"
    root = write_digest(tmp_path / "registry", {"a.md": article_text()}, actors=actors)
    [line] = refused_alike(root, capsys)
    assert line.startswith(f"{REGISTRY}:") and "error[actor-yaml]" in line, line
    assert "nest" in line
