"""Random sequences of edits a curator makes (text, title, date, actors, sources, topics,
drafts, aliases, translations, additions and removals; editions' notes, the actors'
registry, the outlets' registry), each incremental build compared
with a clean build of the same files: the shortcuts a rebuild takes (pages kept by their
recorded keys, lists kept by the span of the archive that changed) must never leave a page
as it was when what it shows changed. Seeded: a failure names its seed and its steps."""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.build.pipeline as pipeline
from tests.test_incremental import cold, incremental
from tests.unit.build.test_recipe import backdate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpus import generate

ARTICLES = 40
STEPS = 12


def _files(root: Path) -> list[Path]:
    return sorted((root / "content" / "articles").glob("*.md"))


def _front(path: Path) -> tuple[str, str]:
    text = path.read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    return front, body


def _untranslated(root: Path) -> list[Path]:
    """The articles no other version names (``translation_of:``): removing one, or making it
    a draft, is an error while a version names it, not an edit."""
    named = {m.group(1) for p in _files(root) for m in re.finditer(r"translation_of: '([^']+)'", p.read_text("utf-8"))}
    return [p for p in _files(root) if p.stem not in named]


def _write(path: Path, front: str, body: str) -> None:
    path.write_text(f"---\n{front}---\n{body}", "utf-8")


def _set(front: str, key: str, value: str | None) -> str:
    """``front`` with ``key:`` set to ``value`` (None: removed)."""
    lines = [line for line in front.splitlines(keepends=True) if not line.startswith(f"{key}:")]
    return "".join(lines) + (f"{key}: {value}\n" if value is not None else "")


def body_word(rng: random.Random, root: Path) -> str:
    path = rng.choice(_files(root))
    front, body = _front(path)
    _write(path, front, body.replace(" ", f" كلمة{rng.randint(0, 99)} ", 1))
    return f"a word in {path.name}"


def title(rng: random.Random, root: Path) -> str:
    path = rng.choice(_files(root))
    front, body = _front(path)
    _write(path, re.sub(r'title: "', f'title: "معدل {rng.randint(0, 9)} ', front, count=1), body)
    return f"the title of {path.name}"


def date(rng: random.Random, root: Path) -> str:
    path = rng.choice(_files(root))
    front, body = _front(path)
    when = f"2029-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T1{rng.randint(0, 9)}:00:00+03:00"
    _write(path, _set(front, "date", when), body)
    return f"the date of {path.name}"


def actors(rng: random.Random, root: Path) -> str:
    path = rng.choice(_files(root))
    front, body = _front(path)
    chosen = sorted({f"actor-{rng.randint(0, 12)}" for _ in range(rng.randint(0, 3))})
    _write(path, _set(front, "actors", f"[{', '.join(chosen)}]"), body)
    return f"the actors of {path.name}"


def source(rng: random.Random, root: Path) -> str:
    path = rng.choice(_files(root))
    front, body = _front(path)
    name = rng.choice(["الوكالة", "Wire Service", "https://news.example/item"])
    _write(path, _set(front, "source", name), body)
    return f"the source of {path.name}"


def topics(rng: random.Random, root: Path) -> str:
    path = rng.choice(_files(root))
    front, body = _front(path)
    _write(path, _set(front, "topics", rng.choice(["[اقتصاد]", "[اقتصاد, سياسة]", "[Economy]", None])), body)
    return f"the topics of {path.name}"


def draft(rng: random.Random, root: Path) -> str:
    path = rng.choice(_untranslated(root))
    front, body = _front(path)
    _write(path, _set(front, "draft", None if "draft: true" in front else "true"), body)
    return f"draft of {path.name}"


def alias(rng: random.Random, root: Path) -> str:
    path = rng.choice(_files(root))
    front, body = _front(path)
    _write(path, _set(front, "aliases", f"[/old/{path.stem}-{rng.randint(0, 9)}/]"), body)
    return f"an alias of {path.name}"


def translation(rng: random.Random, root: Path) -> str:
    original = rng.choice([p for p in _files(root) if not p.name.startswith("zz-")])
    number = rng.randint(0, 99)
    path = original.with_name(f"zz-en-{number}.md")
    path.write_text(f"---\ntitle: An English version {number}\ndate: 2029-06-0{rng.randint(1, 9)}T10:00:00+03:00\n"
                    f"lang: en\ntranslation_of: '{original.stem}'\n---\n\nThe same news in English.\n", "utf-8")
    return f"{path.name}, a version of {original.name}"


def addition(rng: random.Random, root: Path) -> str:
    """A new article, at times from an outlet or on topics the archive may have already
    (see ``source`` and ``topics``): such an addition may follow the recipe, grown."""
    number = rng.randint(0, 99)
    path = root / "content" / "articles" / f"zz-new-{number}.md"
    extra = rng.choice(["", "", "source: الوكالة\n", "source: {name: الوكالة, url: https://news.example/n}\n",
                        "source: https://news.example/n\n", "topics: [اقتصاد]\n", "topics: [سياسة, Economy]\n"])
    path.write_text(f"---\ntitle: خبر مضاف {number}\ndate: 2029-0{rng.randint(1, 9)}-11T10:00:00+03:00\n"
                    f"actors: [actor-{rng.randint(0, 5)}]\n{extra}---\n\nنص الخبر المضاف.\n", "utf-8")
    return f"added {path.name}"


def removal(rng: random.Random, root: Path) -> str:
    path = rng.choice(_untranslated(root))
    path.unlink()
    return f"removed {path.name}"


def note(rng: random.Random, root: Path) -> str:
    """An editor's note on the edition of a random article (its pages and its neighbours')."""
    path = rng.choice(_files(root))
    day = next(line for line in path.read_text("utf-8").splitlines() if line.startswith("date: "))[6:16]
    target = root / "content" / "editions" / f"{day}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"---\ntitle: عدد خاص {rng.randint(0, 9)}\n---\n\nكلمة المحرر.\n", "utf-8")
    return f"a note on {day}"


def actor_alias(rng: random.Random, root: Path) -> str:
    """A new alias in the registry: the actors found in many articles' text change."""
    registry = root / "content" / "actors.yaml"
    number = rng.randint(0, 12)
    word = rng.choice(["الحكومة", "المعارضة", "مجلس الأمن", "government", "envoy"])
    text = registry.read_text("utf-8")
    if f'"{word}"' in text:  # an alias two actors claim is an error, not an edit
        return f"{word}: an alias already"
    registry.write_text(text.replace(f"    - Actor{number}\n", f'    - Actor{number}\n    - "{word}"\n', 1), "utf-8")
    return f"{word}: an alias of actor-{number}"


def actor_name(rng: random.Random, root: Path) -> str:
    registry = root / "content" / "actors.yaml"
    number = rng.randint(0, 12)
    registry.write_text(registry.read_text("utf-8").replace(
        f"en: Actor Number {number}\n", f"en: Actor {number} Renamed {rng.randint(0, 9)}\n"), "utf-8")
    return f"the name of actor-{number}"


def outlets(rng: random.Random, root: Path) -> str:
    """A registry of outlets claiming the host of the URL-only sources (see ``source``)."""
    (root / "content" / "sources.yaml").write_text(
        f"- id: wire\n  names: {{ar: الوكالة {rng.randint(0, 3)}, en: The Wire}}\n  hosts: [news.example]\n", "utf-8")
    return "sources.yaml"


EDITS: tuple[Callable[[random.Random, Path], str], ...] = (
    body_word, title, date, actors, source, topics, draft, alias, translation, addition, removal,
    note, actor_alias, actor_name, outlets)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_match_a_clean_build(tmp_path: Path, seed: int) -> None:
    root = generate(tmp_path / "digest", ARTICLES, actors=13, seed=seed)
    rng = random.Random(seed)
    incremental(root)
    done: list[str] = []
    for _ in range(STEPS):
        for _ in range(rng.randint(1, 2)):
            done.append(rng.choice(EDITS)(rng, root))
        assert incremental(root) == cold(root, tmp_path / "clean"), f"seed {seed}: {done}"


@pytest.mark.parametrize(("seed", "search"), [(4, False), (5, True)])
def test_random_edits_of_trusted_files_match_a_clean_build(tmp_path: Path, seed: int, search: bool,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, with every file saved long enough before its build for the build to trust
    its stat, as a curator's files are: each build keeps its recipe, and a step that edits
    only words follows it (see ``build.recipe``), search index included; more such steps
    here than above."""
    followed: list[int] = []
    original = pipeline._followed
    monkeypatch.setattr(pipeline, "_followed", lambda read: followed.append(1) or original(read))
    root = generate(tmp_path / "digest", ARTICLES, actors=13, seed=seed)
    if search:
        with (root / "mawjaz.toml").open("a", encoding="utf-8") as config:
            config.write("search = true\n")
    backdate(root)
    rng = random.Random(seed)
    incremental(root)
    done: list[str] = []
    for _ in range(STEPS):
        for _ in range(rng.randint(1, 2)):
            done.append(rng.choice((body_word,) * 5 + EDITS)(rng, root))
        backdate(root)
        assert incremental(root) == cold(root, tmp_path / "clean"), f"seed {seed}: {done}"
    assert followed, "no step followed a recipe"
