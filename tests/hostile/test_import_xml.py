"""``mawjaz import`` of feeds and WordPress exports that try to read the curator's files,
blow up in memory, or make the import write outside the digest.

A feed or an export is a document from someone else. XML lets a document declare entities:
an external one (``<!ENTITY x SYSTEM "file:///...">``) would put a local file into an
article, and nested ones ("billion laughs") expand a kilobyte into gigabytes. Exports are
refused whole when they carry a DOCTYPE (WordPress never writes one); feeds are read by a
parser that resolves no external entity and stops exponential expansion.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cli.main import main

SECRET = "TOPSECRET-do-not-import-4f1c"
LAUGHS = "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, 10))
WP = 'xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"'


def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def everything(root: Path) -> str:
    return "".join(p.read_text("utf-8", "replace") for p in root.rglob("*") if p.is_file())


def export(doctype: str, entity: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<rss version="2.0" {WP}><channel>'
            f"<title>Site</title><item><title>Post {entity}</title><link>https://x.example/1</link>"
            f"<content:encoded>Body text of the post. {entity}</content:encoded>"
            "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel></rss>")


def feed(doctype: str, entity: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<rss version="2.0"><channel>'
            f"<title>Feed</title><item><title>Entry {entity}</title><link>https://x.example/1</link>"
            f"<description>Text of the entry. {entity}</description></item></channel></rss>")


@pytest.mark.parametrize("kind", ["external", "laughs"])
def test_an_export_with_entities_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  kind: str) -> None:
    doctype = (f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret_file(tmp_path)}">]>' if kind == "external"
               else f"<!DOCTYPE rss [{LAUGHS}]>")
    source = tmp_path / "export.xml"
    source.write_text(export(doctype, "&x;" if kind == "external" else "&lol9;"), encoding="utf-8")
    root = tmp_path / "digest"
    assert main(["import", str(source), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:")
    assert not (root / "content").exists()
    assert SECRET not in err


@pytest.mark.parametrize("kind", ["external", "laughs"])
def test_a_feed_with_entities_never_expands_them(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 kind: str) -> None:
    doctype = (f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret_file(tmp_path)}">]>' if kind == "external"
               else f"<!DOCTYPE rss [{LAUGHS}]>")
    source = tmp_path / "feed.xml"
    source.write_text(feed(doctype, "&x;" if kind == "external" else "&lol9;"), encoding="utf-8")
    root = tmp_path / "digest"
    main(["import", str(source), "--root", str(root)])
    captured = capsys.readouterr()
    written = everything(root) if root.exists() else ""
    assert SECRET not in written + captured.out + captured.err
    assert "lollol" not in written
    assert len(written) < 2000


def test_articles_are_never_written_through_a_link_out_of_the_digest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cloned digest whose ``content/articles`` is a link elsewhere must not make an import
    drop files there."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "digest"
    (root / "content").mkdir(parents=True)
    os.symlink(elsewhere, root / "content" / "articles")
    source = Path(__file__).parents[1] / "fixtures" / "import" / "bulk" / "feed.atom.xml"
    assert main(["import", str(source), "--root", str(root)]) == 3
    single = Path(__file__).parents[1] / "fixtures" / "import" / "en_pasted.txt"
    assert main(["import", str(single), "--root", str(root)]) == 3
    assert list(elsewhere.iterdir()) == []
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{root / 'content' / 'articles'}: error[import]: leads outside "
                               f"the digest (to {elsewhere.resolve()}); nothing written") for line in lines)
