"""``mawjaz actors`` and the missing-name suggestions behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.actors import parse_registry
from generator.actors.candidates import names_in, unknown_names
from generator.cli.main import main
from generator.core.config import SiteConfig

CONFIG = SiteConfig(title="t", base_url="https://example.org/")
REGISTRY = """\
- id: france
  kind: state
  names: {ar: فرنسا, en: France}
- id: mustafa
  kind: person
  names: {ar: عبد الرحمن مصطفى, en: Abdurrahman Mustafa}
"""


@pytest.mark.parametrize(("text", "expected"), [
    ("The envoy Geir Pedersen met them", ["Geir Pedersen"]),
    ("The Syrian Democratic Forces said", ["Syrian Democratic Forces"]),
    ("talks with the SDF today", ["SDF"]),
    ("a statement from the Kremlin on Monday", ["Kremlin", "Monday"]),
    ("Then they left. The end", []),
    ("قال “غير بيدرسن” إن", ["غير بيدرسن"]),
    ("«قسد»", ["قسد"]),
    ("قال: “الوضع في سوريا صعب جداً هذه الأيام”", []),  # a quotation, not a name
    ('"Not Arabic"', ["Not Arabic"]),  # as a Latin name, not as an Arabic quotation
])
def test_names_in(text: str, expected: list[str]) -> None:
    assert names_in(text) == expected


def test_unknown_names_counts_and_skips_known() -> None:
    registry, _ = parse_registry(REGISTRY, CONFIG.slug_policy)
    texts = ["التقى “عبدالرحمن مصطفى” بـ“غير بيدرسن”", "«غير بيدرسن» و«غير  بيدرسن»",
             "met Geir Pedersen", "«فرنسا» «فرنسا»"]
    (candidate,) = unknown_names(texts, registry)
    assert (candidate.name, candidate.mentions, candidate.articles) == ("غير بيدرسن", 3, 2)


def test_command_lists_actors_and_suggestions(tmp_path: Path, capsys) -> None:
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "mawjaz.toml").write_text('title = "t"\nbase_url = "https://example.org/"\n',
                                          "utf-8")
    (tmp_path / "content" / "actors.yaml").write_text(REGISTRY, "utf-8")
    for i in range(2):
        (tmp_path / "content" / "articles" / f"a{i}.md").write_text(
            f"---\ntitle: لقاء {i}\ndate: 2020-01-0{i + 1}\n---\n\n"
            "التقى عبدالرحمن مصطفى المبعوث “غير بيدرسن” في جنيف.\n", "utf-8")
    assert main(["actors", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "2 actors, 2 articles",
        "",
        "person (1)",
        "  mustafa    2 articles  عبد الرحمن مصطفى / Abdurrahman Mustafa",
        "",
        "state (1)",
        "  france    0 articles  فرنسا / France",
        "",
        "names found in the text that no actor answers to (add them as actors or aliases):",
        "  غير بيدرسن  (2 mentions in 2 articles)",
    ]


def test_command_reports_registry_errors(tmp_path: Path, capsys) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "mawjaz.toml").write_text('title = "t"\nbase_url = "https://example.org/"\n',
                                          "utf-8")
    (tmp_path / "content" / "actors.yaml").write_text("- id: x\n", "utf-8")
    assert main(["actors", "--root", str(tmp_path)]) == 1
    assert "content/actors.yaml:1:3: error[actor-missing-key]" in capsys.readouterr().err


SHARED = """\
- id: oman
  kind: state
  names: {ar: سلطنة عمان}
  aliases:
    - alias: عمان
      shared: true
      when: [مسقط]
- id: amman
  kind: place
  names: {ar: العاصمة الأردنية}
  aliases:
    - alias: عمان
      shared: true
      when: [الأردنية]
"""


def test_command_lists_shared_names_nothing_decides(tmp_path: Path, capsys) -> None:
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "mawjaz.toml").write_text('title = "t"\nbase_url = "https://example.org/"\n',
                                          "utf-8")
    (tmp_path / "content" / "actors.yaml").write_text(SHARED, "utf-8")
    bodies = {"a": "عقد الاجتماع في عمان بحضور عشر دول.",  # nothing decides
              "b": "استضافت عمان المحادثات في مسقط.",  # Oman, by a context word
              "c": "---\nactors: [amman]\n"}  # decided by the curator
    for name, body in bodies.items():
        front, text = (body, "عقد الاجتماع في عمان.") if body.startswith("---") else ("---\n", body)
        (tmp_path / "content" / "articles" / f"{name}.md").write_text(
            f"{front}title: {name}\ndate: 2020-01-01\n---\n\n{text}\n", "utf-8")
    assert main(["actors", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert ("shared names nothing in the article decides (add the right actor to the article's "
            "`actors:`, or a `when` to the alias):\n"
            "  content/articles/a.md: `عمان` (oman or amman?)\n") in out
    assert "b.md" not in out and "c.md" not in out


def test_suggestions_without_noise() -> None:
    registry, _ = parse_registry(REGISTRY, CONFIG.slug_policy)
    texts = ["Officials in CA and NY said. Moreover the Democratic Party agreed.",
             "Moreover, the Democratic party met; officials in CA said so. moreover it was late.",
             "The Democratic Party and the Democratic Party again."]
    names = [c.name for c in unknown_names(texts, registry, 2)]
    assert names == ["Democratic Party"]
