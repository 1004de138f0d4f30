"""Cleanup quality: saved pages and pasted text, line by line and token by token.

Two sets of fixtures:

**Labelled plain text** (``tests/fixtures/cleanup/*.txt``, format in that folder's README):
every source line is labelled article or boilerplate (with its category), and the cleaner's
output is scored per line: precision (article lines among the kept ones), recall (article
lines kept), F1, article lines lost, boilerplate lines left, and the boilerplate left per
category (the misses to work on).

**Import fixtures** (below):

Each fixture is a source (``*.txt`` pasted text or ``*.html`` saved page) beside
``<name>.expected.txt``: the headline, a blank line, then the article's paragraphs separated
by blank lines. The script imports each source the way ``mawjaz import`` does and compares
the body with the expected paragraphs:

* token precision/recall/F1: multiset overlap of whitespace-separated tokens;
* lost: expected paragraphs missing from the output (an article line the cleaner dropped);
* leaked: output paragraphs that are not expected (boilerplate left in).

The "raw" rows show the same figures without the cleaner (every pasted line kept; for pages,
trafilatura's text alone), so the cleaner's share is visible. Run from the repository root::

    python benchmarks/cleanup_quality.py
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.authoring import importer  # noqa: E402
from generator.content.cleanup import clean_text  # noqa: E402

FIXTURES = (ROOT / "tests" / "fixtures" / "import", ROOT / "tests" / "fixtures" / "seed")
LABELLED = ROOT / "tests" / "fixtures" / "cleanup"
GLUE = "\u27e6"  # ⟦: in a G line, where the glued boilerplate begins


@dataclass(frozen=True, slots=True)
class Labelled:
    """One fixture line: what the source holds, what must come out (None: nothing), and the
    boilerplate category (empty for an article line)."""

    source: str
    expected: str | None
    category: str


def read_labelled(path: Path) -> list[Labelled]:
    """The lines of a labelled fixture (see tests/fixtures/cleanup/README.md)."""
    lines = []
    for number, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not row:
            lines.append(Labelled("", "", ""))
            continue
        label, tab, text = row.partition("\t")
        kind, _, category = label.partition(":")
        if not tab or kind not in ("A", "B", "G") or (kind != "A") != bool(category):
            raise ValueError(f"{path}:{number}: bad label `{label}`")
        if kind == "A":
            lines.append(Labelled(text, text, ""))
        elif kind == "B":
            lines.append(Labelled(text, None, category))
        else:
            kept, glue, tail = text.partition(GLUE)
            if not glue or not kept.strip() or not tail.strip():
                raise ValueError(f"{path}:{number}: a G line needs `kept{GLUE}tail`")
            lines.append(Labelled(kept + tail, kept.rstrip(), category))
    return lines


@dataclass(frozen=True, slots=True)
class LineScore:
    name: str
    article: int  # article lines (G lines count as article lines)
    boiler: int  # boilerplate units (B lines and glued tails)
    kept_article: int
    left_boiler: int
    misses: tuple[str, ...]  # category of each boilerplate unit left
    lost: tuple[str, ...]  # article lines lost or changed

    @property
    def precision(self) -> float:
        return self.kept_article / max(1, self.kept_article + self.left_boiler)

    @property
    def recall(self) -> float:
        return self.kept_article / max(1, self.article)


def score_labelled(path: Path) -> LineScore:
    """Clean the fixture's source and compare the output with its labels line by line (the
    cleaner reports removed line numbers; a glued tail leaves the line, shortened)."""
    from generator.content.cleanup import clean_text

    lines = read_labelled(path)
    result = clean_text("\n".join(x.source for x in lines) + "\n")
    removed_lines = {r.line for r in result.removed if not r.rule.startswith("glued-")}
    out = iter(x for x in result.text.split("\n"))
    kept_text: dict[int, str] = {}
    for number, line in enumerate(lines, 1):
        if number in removed_lines:
            continue
        if line.source.strip():
            # Kept lines come out in order; blank ones may have been merged away.
            for candidate in out:
                if candidate.strip():
                    kept_text[number] = candidate
                    break
    article = boiler = kept_article = left = 0
    misses: list[str] = []
    lost: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.source.strip():
            continue
        got = kept_text.get(number)
        if line.expected is None:
            boiler += 1
            if got is not None:
                left += 1
                misses.append(line.category)
            continue
        article += 1
        is_glued = line.category != ""
        boiler += is_glued
        if got is not None and got.rstrip() == line.expected.rstrip():
            kept_article += 1
        elif got is not None and is_glued and got.rstrip() == line.source.rstrip():
            kept_article += 1
            left += 1
            misses.append(line.category)
        else:
            lost.append(line.expected)
    return LineScore(path.stem, article, boiler, kept_article, left, tuple(misses), tuple(lost))


def labelled_table(rows: list[LineScore]) -> tuple[float, float, float]:
    """Print the per-fixture table and the totals (micro-averaged over lines)."""
    print("\nplain text, line by line (tests/fixtures/cleanup)")
    print(f"{'fixture':<26}{'P':>7}{'R':>7}{'article':>9}{'lost':>6}{'boiler':>8}{'left':>6}")
    for r in rows:
        print(f"{r.name:<26}{r.precision:>7.3f}{r.recall:>7.3f}{r.article:>9}{len(r.lost):>6}"
              f"{r.boiler:>8}{r.left_boiler:>6}")
    kept = sum(r.kept_article for r in rows)
    left = sum(r.left_boiler for r in rows)
    precision = kept / max(1, kept + left)
    recall = kept / max(1, sum(r.article for r in rows))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    boiler = sum(r.boiler for r in rows)
    print(f"{'total':<26}{precision:>7.3f}{recall:>7.3f}{sum(r.article for r in rows):>9}"
          f"{sum(len(r.lost) for r in rows):>6}{boiler:>8}{left:>6}")
    print(f"F1 {f1:.3f}; boilerplate left {left}/{boiler} ({left / max(1, boiler):.1%})")
    misses = Counter(m for r in rows for m in r.misses)
    print("boilerplate left per category: "
          + (", ".join(f"{k} {v}" for k, v in sorted(misses.items())) or "none"))
    for r in rows:
        for text in r.lost:
            print(f"  LOST in {r.name}: {text[:70]}")
    return precision, recall, f1


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    lost: int
    leaked: int
    expected: int
    title_ok: bool


def score(name: str, got_title: str, got: list[str], expected_text: str) -> Score:
    title, _, body = expected_text.strip("\n").partition("\n\n")
    want = [p.strip() for p in body.split("\n\n") if p.strip()]
    got = [p.strip() for p in got if p.strip()]
    want_tokens = Counter(t for p in want for t in p.split())
    got_tokens = Counter(t for p in got for t in p.split())
    common = sum((want_tokens & got_tokens).values())
    precision = common / max(1, sum(got_tokens.values()))
    recall = common / max(1, sum(want_tokens.values()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    lost = sum(1 for p in want if p not in got)
    leaked = sum(1 for p in got if p not in want)
    return Score(name, precision, recall, f1, lost, leaked, len(want), got_title == title)


def run_fixture(source: Path, cleaned: bool) -> tuple[str, list[str]]:
    data = source.read_bytes()
    fetched = importer.Fetched(str(source), data,
                               content_type="text/html" if source.suffix == ".html" else None)
    text, is_html = importer.decode(fetched)
    if not cleaned:
        if is_html:
            import trafilatura
            raw = trafilatura.extract(text, include_comments=False, favor_precision=True,
                                      include_tables=True, output_format="txt",
                                      deduplicate=False) or ""
            title = importer.page_metadata(text).get("title", "")
            lines = [x for x in raw.split("\n") if x.strip()]
            if lines and lines[0].strip() == title:
                lines = lines[1:]
            return title, lines
        lines = [x.strip() for x in text.splitlines() if x.strip()]
        return lines[0], lines[1:]
    draft = importer.from_html(text, name=str(source)) if is_html else importer.from_text(text)
    lines = (reading_line(x) for block in draft.paragraphs for x in block.split("\n"))
    return draft.title, [x for x in lines if x]


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+)")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")


def reading_line(line: str) -> str:
    """What a reader reads on an imported Markdown line, as the expected files write it:
    no image (its alt text is not a paragraph), link text without its target, no emphasis
    marks, heading or list markers; a table row's cells joined by spaces, its rule line
    nothing."""
    line = line.strip()
    if _TABLE_RULE.match(line):
        return ""
    if line.startswith("|"):
        cells = re.split(r"(?<!\\)\|", line.strip("|"))
        line = " ".join(c.strip() for c in cells if c.strip())
    line = _LINK.sub(r"\1", _IMAGE.sub("", line)).replace("**", "")
    line = _MARKER.sub("", line)
    return re.sub(r"\\([\\`*_\[\]<>|#])", r"\1", line).strip()


def sources() -> list[tuple[Path, Path]]:
    pairs = []
    for folder in FIXTURES:
        for expected in sorted(folder.glob("*.expected.txt")):
            stem = expected.name[: -len(".expected.txt")]
            for suffix in (".txt", ".html"):
                source = folder / f"{stem}{suffix}"
                if source.exists():
                    pairs.append((source, expected))
    return pairs


def table(rows: list[Score], label: str) -> None:
    print(f"\n{label}")
    print(f"{'fixture':<34}{'P':>7}{'R':>7}{'F1':>7}{'lost':>6}{'leaked':>8}{'paras':>7}{'title':>7}")
    for r in rows:
        print(f"{r.name:<34}{r.precision:>7.3f}{r.recall:>7.3f}{r.f1:>7.3f}{r.lost:>6}"
              f"{r.leaked:>8}{r.expected:>7}{'ok' if r.title_ok else 'DIFF':>7}")
    p = sum(r.precision for r in rows) / len(rows)
    rc = sum(r.recall for r in rows) / len(rows)
    f1 = sum(r.f1 for r in rows) / len(rows)
    print(f"{'mean / total':<34}{p:>7.3f}{rc:>7.3f}{f1:>7.3f}{sum(r.lost for r in rows):>6}"
          f"{sum(r.leaked for r in rows):>8}{sum(r.expected for r in rows):>7}")


def speed(pairs: list[tuple[Path, Path]]) -> None:
    texts = [p.read_text(encoding="utf-8") for p, _ in pairs if p.suffix == ".txt"]
    lines = sum(t.count("\n") + 1 for t in texts)
    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            clean_text(text)
    elapsed = time.perf_counter() - start
    print(f"\nclean_text speed: {rounds * lines / elapsed:,.0f} lines/s "
          f"({elapsed / (rounds * len(texts)) * 1000:.2f} ms per pasted article)")


def main() -> int:
    labelled_table([score_labelled(p) for p in sorted(LABELLED.glob("*.txt"))])
    pairs = sources()
    for cleaned in (False, True):
        rows = []
        for source, expected in pairs:
            title, got = run_fixture(source, cleaned)
            rows.append(score(source.name, title, got, expected.read_text(encoding="utf-8")))
        table(rows, "with the cleaner" if cleaned else "raw (no cleaner)")
    speed(pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
