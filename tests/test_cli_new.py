"""``mawjaz new``: a new digest builds at once; a new article lands dated, with front matter."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from generator.cli.main import main
from generator.content.articles import PLACEHOLDERS
from generator.core.config import SETTINGS, validate_config

CLEAN_BUILD = re.compile(r"built 1 article, 1 actor, \d+ pages, \d+ feeds, 0 warnings")
PLACEHOLDER_BUILD = re.compile(r"built 1 article, 1 actor, \d+ pages, \d+ feeds, 1 warning in ")


def write_articles(root: Path) -> None:
    """What the curator does next: replace the placeholder sentences with their own text."""
    for path in (root / "content" / "articles").glob("*.md"):
        text = path.read_text("utf-8")
        for sentence in PLACEHOLDERS:
            text = text.replace(sentence, "وصل وفد الأمم المتحدة إلى دمشق.")
        path.write_text(text, "utf-8")


def test_new_digest_builds_strictly_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "my-digest"
    assert main(["new", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"created a new digest in {root}" in out and "mawjaz serve" in out
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        ".gitignore", ".mawjaz/schemas/actors.schema.json", ".mawjaz/schemas/article.schema.json",
        ".mawjaz/schemas/mawjaz.schema.json", ".vscode/extensions.json", ".vscode/settings.json",
        "content/actors.yaml",
        next(p.relative_to(root).as_posix() for p in (root / "content/articles").iterdir()),
        "mawjaz.toml"]
    assert not (root / "templates").exists(), "the default theme is used from the package"
    ignored = (root / ".gitignore").read_text("utf-8").splitlines()[1:]
    assert ignored == ["/site/", "/.mawjaz-cache/", "/.site.mawjaz-spare/"]
    # The example article builds, with a word that it is the example: published as it is, it
    # would be a page of placeholder text on the curator's site.
    assert main(["build", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert PLACEHOLDER_BUILD.search(captured.out)
    [warned] = captured.err.splitlines()
    assert warned.endswith("warning[article-placeholder]: still holds the text `mawjaz new` wrote "
                           f"(`{PLACEHOLDERS[0]}`): write the article, or make it a draft (`draft: true`) "
                           "or delete the file")
    assert main(["build", "--root", str(root), "--strict", "--quiet"]) == 1
    capsys.readouterr()
    write_articles(root)
    assert main(["build", "--root", str(root), "--strict"]) == 0
    assert CLEAN_BUILD.search(capsys.readouterr().out)
    site = root / "site"
    home = (site / "index.html").read_text("utf-8")
    assert "مرحباً بك في موجزك الجديد" in home
    actor_page = (site / "actors" / "united-nations" / "index.html").read_text("utf-8")
    assert "مرحباً بك في موجزك الجديد" in actor_page, "the example article is tagged automatically"


def test_new_digest_config_is_commented_and_takes_title_and_url(tmp_path: Path) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--title", 'موجز "الشام"', "--base-url",
                 "https://user.github.io/repo/", "--quiet"]) == 0
    text = (root / "mawjaz.toml").read_text("utf-8")
    assert text.count("\n#") > 10, "every setting is explained"
    config = tomllib.loads(text)
    assert config["title"] == 'موجز "الشام"'
    assert config["base_url"] == "https://user.github.io/repo/"
    write_articles(root)
    assert main(["check", "--root", str(root), "--strict", "--quiet"]) == 0


def test_new_digest_config_names_every_declared_setting(tmp_path: Path) -> None:
    """The template is made from the declarations: required keys set, and those with a value
    for new digests (``Setting.new``); every other key there, commented out at its default
    (``editions`` and ``search`` once went missing from it)."""
    root = tmp_path / "d"
    assert main(["new", str(root), "--quiet"]) == 0
    text = (root / "mawjaz.toml").read_text("utf-8")
    for setting in SETTINGS:
        key = re.escape(f"[{setting.name}]" if setting.kind is dict else f"{setting.name} =")
        chosen = setting.required or setting.new is not None or setting.name in WRITTEN
        assert bool(re.search(rf"^{key}", text, re.MULTILINE)) is chosen, setting.name
        assert bool(re.search(rf"^# {key}", text, re.MULTILINE)) is not chosen, setting.name
    assert re.search(r'^permalink = "/{year}/{month}/{day}/{slug}/"$', text, re.MULTILINE), "new digests: dated URLs"
    assert re.search(r'^# editions = "daily" ', text, re.MULTILINE)
    assert re.search(r"^# search = false ", text, re.MULTILINE)
    # Uncommenting every key keeps the file valid and changes nothing but the pinned date.
    every = re.sub(r"^# ((?:\w+ =|\[\w+\]) .*)$", r"\1", text, flags=re.MULTILINE)
    config = validate_config(tomllib.loads(every), every, "mawjaz.toml")
    for setting in SETTINGS:
        if not setting.required and setting.name not in WRITTEN and setting.default is not None:
            wanted = setting.default if setting.new is None else setting.new
            assert getattr(config, setting.name) == wanted, setting.name


# Keys the template sets although they have a default: entry ids must not follow base_url
# when the site moves, so a new digest pins them to its first host and day at once.
WRITTEN = {"feed_id_authority"}


def test_new_digest_pins_its_feed_ids_to_its_first_host(tmp_path: Path) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--base-url", "https://News.Example.net/digest/", "--quiet"]) == 0
    config = tomllib.loads((root / "mawjaz.toml").read_text("utf-8"))
    assert re.fullmatch(r"news\.example\.net,\d{4}-\d\d-\d\d", config["feed_id_authority"])
    root = tmp_path / "local"
    assert main(["new", str(root), "--base-url", "http://localhost:8000/", "--quiet"]) == 0
    assert "feed_id_authority" not in tomllib.loads((root / "mawjaz.toml").read_text("utf-8"))


def test_copy_theme_copies_templates_and_static(tmp_path: Path) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--copy-theme", "--quiet"]) == 0
    assert (root / "templates" / "base.html").is_file()
    assert (root / "static" / "css").is_dir()
    write_articles(root)
    assert main(["build", "--root", str(root), "--strict", "--quiet"]) == 0


def test_new_refuses_a_folder_with_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "busy"
    root.mkdir()
    (root / "notes.txt").write_text("mine", "utf-8")
    assert main(["new", str(root)]) == 3
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in root.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["new", str(empty), "--quiet"]) == 0


def test_new_article_is_dated_and_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--quiet"]) == 0
    title = 'لقاء الائتلاف: وفد "أمريكي" # بارز'
    assert main(["new", "article", title, "--root", str(root), "--date", "2026-11-28T10:30"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent == root / "content" / "articles"
    assert path.name == "2026-11-28-لقاء-الائتلاف-وفد-أمريكي-بارز.md"
    front = yaml.safe_load(path.read_text("utf-8").split("---")[1])
    assert front["title"] == title
    assert str(front["date"]).startswith("2026-11-28")
    assert front["lang"] == "ar"
    assert "draft" not in front
    assert PLACEHOLDERS[1] in path.read_text("utf-8")
    write_articles(root)
    assert main(["build", "--root", str(root), "--strict", "--quiet"]) == 0
    assert (root / "site" / "2026/11/28/لقاء-الائتلاف-وفد-أمريكي-بارز/index.html").is_file(), "dated URLs"


def test_new_article_defaults_to_now_and_takes_options(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--quiet"]) == 0
    assert main(["new", "article", "Envoys meet", "--root", str(root), "--lang", "en",
                 "--slug", "envoys", "--draft"]) == 0
    path = Path(capsys.readouterr().out.strip())
    front = yaml.safe_load(path.read_text("utf-8").split("---")[1])
    assert front["lang"] == "en" and front["slug"] == "envoys" and front["draft"] is True
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", front["date"].isoformat())
    assert path.name.endswith("-envoys.md")
    page = root / "site" / f"{front['date']:%Y/%m/%d}" / "envoys" / "index.html"
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert not page.exists(), "a draft stays out of builds"
    assert main(["build", "--root", str(root), "--drafts", "--quiet"]) == 0
    assert page.is_file()


def test_new_article_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--quiet"]) == 0
    args = ["new", "article", "خبر", "--root", str(root), "--date", "2026-01-01", "--quiet"]
    assert main(args) == 0
    path = next((root / "content" / "articles").glob("2026-01-01-*.md"))
    path.write_text(path.read_text("utf-8") + "\nنص كتبه المحرر.\n", "utf-8")
    assert main(args) == 3
    assert "already exists" in capsys.readouterr().err
    assert "نص كتبه المحرر" in path.read_text("utf-8")


@pytest.mark.parametrize(("argv", "message"), [
    (["new", "article"], "give the title"),
    (["new", "folder", "extra"], "unexpected argument"),
    (["new", "article", "x", "--date", "yesterday"], "--date"),
    (["new", "article", "x", "--slug", "a/b"], "--slug"),
])
def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                      message: str) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--quiet"]) == 0
    assert main([*argv, "--root", str(root)]) == 2
    assert message in capsys.readouterr().err


def test_new_article_outside_a_digest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "article", "خبر", "--root", str(tmp_path)]) == 1
    assert "config-missing" in capsys.readouterr().err
