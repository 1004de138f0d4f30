"""The terminal experience: progress bar and colour on a terminal only, quiet and verbose,
the one-line summary, --version, and the exit codes README documents.

Commands run in a subprocess; "on a terminal" means on a pseudo-terminal (``pty``), which is
what a curator's terminal is to the program.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.cli.main import main
from generator.content.articles import PLACEHOLDERS
from tests.hostile.support import article_text, write_digest

REPO = Path(__file__).resolve().parent.parent
ESC = "\x1b["
WARNING_IN_YELLOW = "\x1b[1;33mwarning[link-broken]\x1b[0m"
SUMMARY = re.compile(r"built (\d+) articles?, (\d+) actors?, (\d+) pages?, (\d+) feeds?, "
                     r"(\d+) warnings? in \d+\.\d\d s -> ")


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return {**env, "PYTHONPATH": str(REPO), "TERM": "xterm-256color", "COLUMNS": "100", **extra}


def on_terminal(*argv: str, **env: str) -> tuple[int, str]:
    """Run ``mawjaz ARGV`` with stdout and stderr on one pseudo-terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator", *argv], stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal, env=environment(**env))
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # EIO: the program closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(controller)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def piped(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *argv], capture_output=True,
                          text=True, encoding="utf-8", env=environment(**env), timeout=120)


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty articles, each with one link to a page that does not exist."""
    root = tmp_path_factory.mktemp("terminal") / "digest"
    assert main(["new", str(root), "--quiet"]) == 0
    for example in (root / "content" / "articles").glob("*.md"):  # written, as a curator would
        example.write_text(example.read_text("utf-8").replace(PLACEHOLDERS[0], "نص الخبر."), "utf-8")
    for n in range(60):
        (root / "content" / "articles" / f"n{n:02}.md").write_text(
            f"---\ntitle: خبر رقم {n}\ndate: 2026-01-01\n---\nنص الخبر [رابط](/articles/nope/)\n\n"
            "اترك تعليقاً\n", "utf-8")
    return root


def test_progress_bar_summary_and_colour_on_a_terminal(digest: Path, tmp_path: Path) -> None:
    code, screen = on_terminal("build", "--root", str(digest), "-o", str(tmp_path / "out"))
    assert code == 0
    assert "articles" in screen and "61/61" in screen, "the bar counted every article"
    for stage in ("pages and feeds", "writing"):  # the display follows the build to its end
        assert stage in screen, stage
    summary = SUMMARY.search(screen)
    assert summary and summary.groups() == ("61", "1", summary.group(3), summary.group(4), "0")
    code, screen = on_terminal("check", "--root", str(digest))
    assert code == 0
    assert "61/61" in screen
    assert screen.count(WARNING_IN_YELLOW) == 60


def test_no_colour_when_asked(digest: Path) -> None:
    code, screen = on_terminal("check", "--root", str(digest), NO_COLOR="1")
    assert code == 0
    assert "warning[link-broken]" in screen and WARNING_IN_YELLOW not in screen


def test_quiet_on_a_terminal_prints_no_bar_and_no_summary(digest: Path, tmp_path: Path) -> None:
    code, screen = on_terminal("build", "--root", str(digest), "-o", str(tmp_path / "out"), "--quiet")
    assert code == 0
    assert screen == ""


def test_piped_output_has_no_bar_and_no_escape_codes(digest: Path, tmp_path: Path) -> None:
    result = piped("build", "--root", str(digest), "-o", str(tmp_path / "out"))
    assert result.returncode == 0
    summary, hint = result.stdout.splitlines()
    assert SUMMARY.search(summary)
    assert hint == f"to look at it locally: mawjaz serve (live reload), or any static server in {tmp_path / 'out'} " \
                   f"(python -m http.server -d {tmp_path / 'out'})"
    assert result.stderr == ""
    result = piped("check", "--root", str(digest))
    assert ESC not in result.stdout + result.stderr
    assert result.stderr.count("warning[link-broken]") == 60


def test_verbose_shows_what_the_cleaner_removed(digest: Path, tmp_path: Path) -> None:
    for command in (["build", "-o", str(tmp_path / "out")], ["check"]):
        result = piped(*command, "--root", str(digest), "--verbose")
        assert result.returncode == 0
        assert "content/articles/n07.md:7: removed [" in result.stderr, command


def test_version() -> None:
    result = piped("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"mawjaz {__version__}")


def test_exit_codes(digest: Path, tmp_path: Path) -> None:
    assert piped("check", "--root", str(digest)).returncode == 0
    assert piped("check", "--root", str(digest), "--strict").returncode == 1
    assert piped("build", "--root", str(tmp_path)).returncode == 1  # no mawjaz.toml
    assert piped("build", "--no-such-option").returncode == 2
    assert piped("check", "--format", "xml").returncode == 2
    assert piped().returncode == 2
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not mawjaz's", "utf-8")
    result = piped("build", "--root", str(digest), "-o", str(foreign))
    assert result.returncode == 3 and "refusing to replace it" in result.stderr


def test_the_command_exits_with_its_code_and_flushed_output(tmp_path) -> None:
    """``python -m generator`` ends with ``os._exit`` (no heap teardown): exit codes and every
    line written to a pipe must still arrive."""
    version = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True,
                             check=False)
    assert version.returncode == 0 and version.stdout.startswith("mawjaz ")
    usage = subprocess.run([sys.executable, "-m", "generator", "--bogus"], capture_output=True, text=True,
                           check=False)
    assert usage.returncode == 2 and "unrecognized arguments" in usage.stderr
    failed = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert "config-missing" in failed.stderr and "nothing was written" in failed.stderr


def test_output_to_a_closed_pipe_is_exit_141_not_a_traceback(digest: Path, tmp_path: Path) -> None:
    """``mawjaz build | head -1``: the reader goes before the summary is written. The pipe's
    reading end is closed before the command starts, so every write to it fails."""
    reading, writing = os.pipe()
    os.close(reading)
    try:
        result = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(digest),
                                 "-o", str(tmp_path / "site")], stdout=writing, stderr=subprocess.PIPE,
                                text=True, env=environment(), timeout=120, check=False)
    finally:
        os.close(writing)
    assert result.returncode == 141 and "Traceback" not in result.stderr, result.stderr
    assert (tmp_path / "site" / "index.html").is_file(), "the site is written before the report"


# A build whose reading workers die as the out-of-memory killer would end them: SIGKILL, on
# the first article a worker (not the building process) reads.
_KILLED_WORKER = """
import os, signal, sys
import generator.content.ingest as ingest
parent, real = os.getpid(), ingest._process
def killed(job, rel):
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(job, rel)
ingest._process = killed
from generator.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_worker_killed_by_the_system_is_exit_5_not_a_traceback(tmp_path: Path) -> None:
    root = tmp_path / "digest"
    write_digest(root, {f"item-{n:03}.md": article_text(f"خبر رقم {n}", date="2026-11-20") for n in range(80)})
    result = subprocess.run([sys.executable, "-c", _KILLED_WORKER, "build", "--root", str(root), "-j", "2"],
                            capture_output=True, text=True, encoding="utf-8", env=environment(), timeout=120)
    assert result.returncode == 5, result.stderr
    assert "was killed by SIGKILL" in result.stderr and "wrote nothing" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "site").exists()
