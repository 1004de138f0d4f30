"""Output folder placement: the build replaces its output folder whole, so a folder that is,
holds or sits inside one the digest reads (content, static, templates, the theme in use, the
build cache, the digest itself) is refused by ``check`` and ``build`` alike, at the line of
``output_dir`` or at the ``--output`` option, before anything is written. Links are followed
before comparing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cli.main import main
from generator.render.theme import find_theme
from tests.hostile.support import BASE_CONFIG, article_text, write_digest

LINE = BASE_CONFIG.count("\n") + 1  # where the test appends `output_dir`


def digest(root: Path, output_dir: str | None = None) -> Path:
    config = BASE_CONFIG + (f'output_dir = "{output_dir}"\n' if output_dir is not None else "")
    write_digest(root, {"a.md": article_text()}, config=config)
    (root / "static").mkdir()
    (root / "static" / "style.css").write_text("body { color: black }\n", "utf-8")
    (root / "templates").mkdir()
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".mawjaz-cache" not in p.parts}


def run(command: str, root: Path, capsys: pytest.CaptureFixture[str],
        *options: str) -> tuple[int, list[str]]:
    code = main([command, "--root", str(root), "-q", *options])
    lines = capsys.readouterr().err.splitlines()
    return code, [line for line in lines if not line.startswith(("check failed", "build failed"))]


@pytest.mark.parametrize(("output_dir", "problem"), [
    (".", "is the digest folder"),
    ("./", "is the digest folder"),
    ("content", "is the digest's content/ folder"),
    ("content/articles/site", "is inside the digest's content/ folder"),
    ("static", "is the digest's static/ folder"),
    ("static/css", "is inside the digest's static/ folder"),
    ("templates", "is the digest's templates/ folder"),
    ("./templates/site", "is inside the digest's templates/ folder"),
    (".mawjaz-cache", "is the build cache"),
])
def test_output_dir_over_the_sources_is_refused(tmp_path: Path, output_dir: str, problem: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = digest(tmp_path / "d", output_dir)
    before = snapshot(root)
    checked, built = run("check", root, capsys), run("build", root, capsys)
    assert checked == built
    code, [line] = built
    assert code == 1
    assert line.startswith(f"mawjaz.toml:{LINE}:1: error[output-dir]: `output_dir` "), line
    assert problem in line
    assert snapshot(root) == before


def test_output_dir_linked_to_content_is_refused(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = digest(tmp_path / "d", "out")
    os.symlink(root / "content", root / "out")
    before = snapshot(root / "content")
    code, [line] = run("build", root, capsys)
    assert code == 1
    assert line.startswith(f"mawjaz.toml:{LINE}:1: error[output-dir]: `output_dir` (`out`) is "
                           "the digest's content/ folder"), line
    assert snapshot(root / "content") == before


@pytest.mark.parametrize(("where", "problem"), [
    (lambda root: root / "content", "is the digest's content/ folder"),
    (lambda root: root / "static" / "site", "is inside the digest's static/ folder"),
    (lambda root: root.parent, "holds the digest folder"),
    (lambda root: root / "link", "is the digest's content/ folder"),
    (lambda root: find_theme(root).templates, "is the theme's templates folder"),
])
def test_output_option_over_the_sources_is_refused(tmp_path: Path, where, problem: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = digest(tmp_path / "d")
    os.symlink(root / "content", root / "link")
    before = snapshot(tmp_path)
    target = where(root)
    code, [line] = run("build", root, capsys, "--output", str(target))
    assert code == 1
    assert line == (f"--output: error[output-dir]: `{target}` {problem}; the build replaces "
                    "its output folder whole: choose a folder of its own, such as `site`")
    assert snapshot(tmp_path) == before


def test_output_option_into_the_default_theme_is_refused(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = write_digest(tmp_path / "d", {"a.md": article_text()})
    theme = find_theme(root)
    assert not theme.templates.is_relative_to(root)
    for target, problem in ((theme.templates / "site", "is inside the theme's templates folder"),
                            (theme.static, "is the theme's static folder")):
        code, [line] = run("build", root, capsys, "--output", str(target))
        assert code == 1
        assert problem in line
    assert not (theme.templates / "site").exists()


@pytest.mark.parametrize("output_dir", ["site", "public/site", "static-site", "contents"])
def test_output_dir_of_its_own_builds(tmp_path: Path, output_dir: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = digest(tmp_path / "d", output_dir)
    code, lines = run("build", root, capsys)
    assert (code, lines) == (0, [])
    assert (root / output_dir / "index.html").is_file()
    code, lines = run("build", root, capsys, "--output", str(tmp_path / "elsewhere"))
    assert (code, lines) == (0, [])
    assert (tmp_path / "elsewhere" / "index.html").is_file()
