"""``mawjaz check``: what a build checks plus links between articles, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli.main import main
from generator.content.articles import PLACEHOLDERS


@pytest.fixture()
def digest(tmp_path: Path) -> Path:
    """A new digest with undated article URLs (``/articles/<slug>/``), which the link tests
    below spell out."""
    root = tmp_path / "d"
    assert main(["new", str(root), "--quiet"]) == 0
    config = root / "mawjaz.toml"
    text = config.read_text("utf-8")
    assert 'permalink = "/{year}/{month}/{day}/{slug}/"' in text
    config.write_text(text.replace('permalink = "/{year}/{month}/{day}/{slug}/"', 'permalink = "/articles/{slug}/"'),
                      "utf-8")
    write_example(root)
    return root


def write_example(root: Path) -> None:
    """Do what a curator does with the example article: write it (its placeholder sentence
    would otherwise be an `article-placeholder` warning, see tests/test_cli_new.py)."""
    for path in (root / "content" / "articles").glob("*.md"):
        text = path.read_text("utf-8")
        path.write_text(text.replace(PLACEHOLDERS[0], "وصل وفد الأمم المتحدة إلى دمشق."), "utf-8")


def write(root: Path, name: str, text: str) -> Path:
    path = root / "content" / "articles" / name
    path.write_text(text, "utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["check", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_clean_digest_passes_and_writes_nothing(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p for p in digest.rglob("*"))
    assert main(["check", "--root", str(digest)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("checked 1 article, 1 actor, ")
    assert "0 errors, 0 warnings" in out and "nothing written" in out
    assert sorted(p for p in digest.rglob("*")) == before


def test_errors_fail_with_every_diagnostic(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(digest, "a.md", "---\ntitel: x\ndate: 2026-01-01\n---\nنص\n")
    write(digest, "b.md", "---\ntitle: y\ndate: not a date\n---\nنص\n")
    assert main(["check", "--root", str(digest)]) == 1
    err = capsys.readouterr().err
    assert "content/articles/a.md:2:1: error[frontmatter-unknown-key]" in err
    assert "content/articles/b.md:3:1: error[frontmatter-date]" in err
    assert err.rstrip().endswith("check failed: 3 errors, 0 warnings")
    assert not (digest / "site").exists()


def test_json_lists_diagnostics_and_a_summary(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(digest, "a.md", "---\ntitel: x\ndate: 2026-01-01\n---\nنص\n")
    code, report = run_json(capsys, "--root", str(digest))
    assert code == 1
    assert report["ok"] is False
    first = next(d for d in report["diagnostics"] if d["code"] == "frontmatter-unknown-key")
    assert first == {"path": "content/articles/a.md", "line": 2, "col": 1, "severity": "error",
                     "code": "frontmatter-unknown-key",
                     "message": first["message"]}
    assert "did you mean `title`" in first["message"]
    assert report["summary"]["errors"] == 2 and report["summary"]["warnings"] == 0
    assert report["summary"]["articles"] == 1, "the site of the articles that are fine was still checked"


def test_json_of_a_clean_digest(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, "--root", str(digest))
    assert code == 0
    assert report["ok"] is True and report["diagnostics"] == []
    summary = report["summary"]
    assert (summary["articles"], summary["actors"]) == (1, 1)
    assert summary["pages"] > 3 and summary["feeds"] >= 3
    assert set(summary) == {"articles", "actors", "pages", "feeds", "errors", "warnings", "seconds"}


def test_broken_links_between_articles(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(digest, "target.md", "---\ntitle: هدف\ndate: 2026-01-01\nslug: target\n---\nنص\n")
    write(digest, "hidden.md", "---\ntitle: مسودة\ndate: 2026-01-01\nslug: hidden\ndraft: true\n---\nنص\n")
    write(digest, "links.md", "\n".join([
        "---", "title: روابط", "date: 2026-01-02", "---", "",
        "[موجود](/articles/target/) و[نسبي](../target/) و[بلا شرطة](/articles/target)",
        "[كامل](https://example.org/articles/target/#x) و[خارجي](https://example.com/articles/nope/)",
        "[خطأ إملائي](/articles/targte/)",
        "[مسودة](/articles/hidden/)",
        "[ملف](/static/css/mawjaz.css) و[بريد](mailto:a@example.org) و[مرساة](#top)", ""]))
    code, report = run_json(capsys, "--root", str(digest))
    assert code == 0, "broken links are warnings"
    broken = [(d["path"], d["line"], d["col"], d["severity"], d["code"]) for d in report["diagnostics"]]
    assert broken == [("content/articles/links.md", 8, 14, "warning", "link-broken"),
                      ("content/articles/links.md", 9, 9, "warning", "link-broken")]
    assert "`/articles/targte/`" in report["diagnostics"][0]["message"]
    code, report = run_json(capsys, "--root", str(digest), "--drafts")
    assert [d["line"] for d in report["diagnostics"]] == [8], "with --drafts the draft exists"
    assert main(["check", "--root", str(digest), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "content/articles/links.md:8:14: warning[link-broken]: link `/articles/targte/`" in err


def test_links_under_a_base_path(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = digest / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace(
        'base_url = "https://example.org/"', 'base_url = "https://example.org/digest/"'), "utf-8")
    write(digest, "target.md", "---\ntitle: هدف\ndate: 2026-01-01\nslug: هدف\n---\nنص\n")
    write(digest, "links.md", "---\ntitle: روابط\ndate: 2026-01-02\n---\n\n"
                              "[عربي](/digest/articles/%D9%87%D8%AF%D9%81/) [جذر](/digest) "
                              "[خارج](/other/articles/x/) [مكسور](/digest/articles/هدفي/)\n")
    code, report = run_json(capsys, "--root", str(digest))
    assert code == 0
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("link-broken", 6)]
    assert "/digest/articles/هدفي/" in report["diagnostics"][0]["message"]


def test_a_link_without_the_base_path_is_told(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`/articles/هدف/` works in a preview at `/` and leads out of the site once it is
    published at `/digest/`: a warning at the link, with the link to write instead."""
    config = digest / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace(
        'base_url = "https://example.org/"', 'base_url = "https://example.org/digest/"'), "utf-8")
    write(digest, "target.md", "---\ntitle: هدف\ndate: 2026-01-01\nslug: هدف\n---\nنص\n")
    write(digest, "links.md", "---\ntitle: روابط\ndate: 2026-01-02\n---\n\n"
                              "[بلا مسار](/articles/هدف/) و[غريب](/other/x/) و[الموقع](/)\n")
    code, report = run_json(capsys, "--root", str(digest))
    assert code == 0
    assert [(d["code"], d["line"], d["col"]) for d in report["diagnostics"]] == [("link-base-path", 6, 12)]
    assert report["diagnostics"][0]["message"] == (
        "link `/articles/هدف/` lacks the site's path `/digest/`: on the published site it "
        "leads out of the digest; write `/digest/articles/هدف/` or a relative link")


def test_errors_and_link_warnings_in_one_run(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken article does not hide the other articles' broken links: one run, all of it."""
    write(digest, "broken.md", "---\ntitle: خبر: عاجل\ndate: 2026-01-01\n---\nنص\n")
    write(digest, "links.md", "---\ntitle: روابط\ndate: 2026-01-02\n---\n\n[مكسور](/articles/nope/)\n")
    code, report = run_json(capsys, "--root", str(digest))
    assert code == 1 and report["ok"] is False
    assert [(d["path"], d["line"], d["code"]) for d in report["diagnostics"]] == [
        ("content/articles/broken.md", 2, "frontmatter-yaml"),
        ("content/articles/links.md", 6, "link-broken")]
    assert report["summary"]["errors"] == 1 and report["summary"]["warnings"] == 1


def test_check_and_build_count_the_same(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Articles, actors, pages and feeds as `build` counts them, for the same digest."""
    write(digest, "second.md", "---\ntitle: خبر ثان\ndate: 2026-01-02\nlang: en\n---\nText.\n")
    code, report = run_json(capsys, "--root", str(digest))
    assert code == 0
    assert main(["build", "--root", str(digest)]) == 0
    built = capsys.readouterr().out.splitlines()[0]
    summary = report["summary"]
    assert built.startswith(f"built {summary['articles']} articles, {summary['actors']} actor, "
                            f"{summary['pages']} pages, {summary['feeds']} feeds, 0 warnings in "), built
    assert summary["feeds"] > 9, "the second language has feeds of its own, counted by both"


def test_future_articles_and_strict_warnings(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(digest, "later.md", "---\ntitle: لاحقاً\ndate: 2999-01-01\nslug: later\n---\nنص\n")
    write(digest, "now.md", "---\ntitle: الآن\ndate: 2026-01-01\n---\n[لاحقاً](/articles/later/)\n")
    assert main(["check", "--root", str(digest), "--quiet"]) == 0
    assert "link-broken" in capsys.readouterr().err
    assert main(["check", "--root", str(digest), "--strict", "--quiet"]) == 1
    capsys.readouterr()
    assert main(["check", "--root", str(digest), "--future", "--strict", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_template_errors_are_checked(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(digest.parent / "themed"), "--copy-theme", "--quiet"]) == 0
    themed = digest.parent / "themed"
    base = themed / "templates" / "article.html"
    base.write_text(base.read_text("utf-8").replace("{{", "{{ no_such_name.x }}{{", 1), "utf-8")
    assert main(["check", "--root", str(themed)]) == 1
    assert "templates/article.html" in capsys.readouterr().err


def test_outside_a_digest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert "error[config-missing]" in capsys.readouterr().err


def test_syntax_errors_in_unused_templates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    themed = tmp_path / "themed"
    assert main(["new", str(themed), "--copy-theme", "--quiet"]) == 0
    (themed / "templates" / "spare.html").write_text("<p>\n{% if x %}\n<p>never closed\n", "utf-8")
    used = themed / "templates" / "404.html"
    used.write_text(used.read_text("utf-8") + "{% endfor %}\n", "utf-8")
    assert main(["check", "--root", str(themed)]) == 1
    err = capsys.readouterr().err
    assert "templates/spare.html:3: error[template-syntax]" in err
    assert err.count("templates/404.html") == 1, "a template is reported once"
