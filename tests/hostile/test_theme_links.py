"""Links in a digest's own theme: ``static/`` and ``templates/`` come with a cloned repository,
as ``content/`` does, and are held to the same rule. A link that leads out of the digest is an
error naming it, from ``check`` and ``build`` alike, and what it points at is never copied into
the site, read into a page or served by the preview. Before this rule, ``static/x.css ->
~/.ssh/id_rsa`` was published as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site
from generator.cli.main import EXIT_CONTENT, EXIT_OK, main
from generator.core.diagnostics import BuildFailed
from tests.hostile.support import NOW, article_text, write_digest

SECRET = "-----BEGIN OPENSSH PRIVATE KEY----- planted secret"


@pytest.fixture
def digest(tmp_path: Path) -> Path:
    root = write_digest(tmp_path / "digest", {"a.md": article_text()})
    (root / "static" / "css").mkdir(parents=True)
    (root / "static" / "css" / "own.css").write_text("body { color: black }\n", "utf-8")
    return root


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    (tmp_path / "home" / ".ssh").mkdir(parents=True)
    path = tmp_path / "home" / ".ssh" / "id_rsa"
    path.write_text(SECRET, "utf-8")
    return path


def outcome(root: Path, command: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main([command, "--root", str(root), "--quiet"])
    lines = [line for line in capsys.readouterr().err.splitlines() if ": error[" in line]
    return code, lines


def nothing_holds_the_secret(root: Path) -> None:
    for folder in (root / "site", root / ".mawjaz-cache"):
        for path in folder.rglob("*") if folder.is_dir() else ():
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path


def test_a_static_file_linked_out_of_the_digest_is_refused(digest: Path, secret: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    (digest / "static" / "css" / "key.css").symlink_to(secret)
    expected = [f"static/css/key.css: error[file-outside]: refusing a link that leads outside "
                f"the digest (to {secret.resolve()})"]
    assert outcome(digest, "check", capsys) == (EXIT_CONTENT, expected)
    assert outcome(digest, "build", capsys) == (EXIT_CONTENT, expected)
    assert not (digest / "site").exists()
    nothing_holds_the_secret(digest)


def test_the_preview_refuses_it_too(digest: Path, secret: Path) -> None:
    """``mawjaz serve`` renders through ``load_site`` with the cache on."""
    (digest / "static" / "key.css").symlink_to(secret)
    with pytest.raises(BuildFailed) as failed:
        load_site(digest, BuildOptions(now=NOW, cache=True))
    assert [d.code for d in failed.value.diagnostics] == ["file-outside"]


def test_a_static_folder_linked_out_of_the_digest_is_refused(tmp_path: Path, secret: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = write_digest(tmp_path / "digest", {"a.md": article_text()})
    (root / "static").symlink_to(secret.parent, target_is_directory=True)
    code, lines = outcome(root, "build", capsys)
    assert code == EXIT_CONTENT
    assert lines == [f"static: error[file-outside]: refusing a link that leads outside the digest "
                     f"(to {secret.parent.resolve()})"]
    nothing_holds_the_secret(root)


def test_a_template_linked_out_of_the_digest_is_refused(tmp_path: Path, secret: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = write_digest(tmp_path / "digest", {"a.md": article_text()})
    templates = root / "templates"
    templates.mkdir()
    (templates / "base.html").write_text('{% include "partial.html" %}{% block content %}{% endblock %}', "utf-8")
    (templates / "partial.html").symlink_to(secret)
    code, lines = outcome(root, "build", capsys)
    assert code == EXIT_CONTENT
    assert lines == [f"templates/partial.html: error[file-outside]: refusing a link that leads "
                     f"outside the digest (to {secret.resolve()})"]
    nothing_holds_the_secret(root)


def test_a_linked_folder_and_a_fifo_in_static_are_refused(digest: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (digest / "assets").mkdir()
    (digest / "static" / "fonts").symlink_to(digest / "assets", target_is_directory=True)
    os.mkfifo(digest / "static" / "pipe.css")  # reading it would wait for a writer forever
    code, lines = outcome(digest, "build", capsys)
    assert code == EXIT_CONTENT
    assert lines == [
        "static/fonts: error[folder-link]: symlinked folders are not followed; move the files into the theme",
        "static/pipe.css: error[file-not-regular]: not a regular file",
    ]


def test_a_link_that_stays_inside_the_digest_is_copied(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (digest / "assets").mkdir()
    (digest / "assets" / "shared.css").write_text("p { margin: 0 }\n", "utf-8")
    (digest / "static" / "css" / "shared.css").symlink_to(digest / "assets" / "shared.css")
    assert main(["build", "--root", str(digest), "--quiet"]) == EXIT_OK
    site = digest / "site" / "static" / "css"
    assert (site / "shared.css").read_text("utf-8") == "p { margin: 0 }\n"
    assert not (site / "shared.css").is_symlink()
    assert (site / "own.css").is_file()
