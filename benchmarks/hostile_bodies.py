"""Per-article cost of pathological bodies: it must grow linearly with the body's size.

A curator pastes whatever the web gives, up to ``max_file_size`` (2 MB by default), and an
unattended build must not stall on one article. A stage whose cost is quadratic in some run of
the text (one paragraph, one text node, one line) looks fine on normal articles and takes
minutes on a 2 MB paste; it shows only when the same body is measured at several sizes.

For each body below, built at 0.5, 1 and 2 MB of UTF-8, this times the whole per-article
work of a build (reading, the boilerplate cleaner, Markdown, the sanitiser, actor tagging,
the search index, related articles, summaries, page and feed rendering: ``load_site`` and
``render_site`` of a one-article digest with the sample actors registry, nothing written)
and prints a table. The best of ``--repeat`` runs is kept, to damp a loaded machine.

It exits 1 when, for any body,

- the 2 MB build takes more than ``--budget`` seconds (3 by default), or
- the 2 MB build takes more than ``--ratio`` (6) times the 0.5 MB one, and more than
  ``--floor`` (0.5) seconds: linear work gives a ratio of 4, quadratic work 16; below the
  floor, ratios are noise (startup, caches) and cost nothing anyway.

A body refused with a diagnostic (nesting too deep, too much markup in one paragraph) counts
like one built: what matters is the time to the answer; the outcome column says which.

    python benchmarks/hostile_bodies.py
    python benchmarks/hostile_bodies.py --only nbsp-words --repeat 3
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from generator.build.pipeline import BuildOptions, load_site, render_site  # noqa: E402
from generator.core.diagnostics import BuildFailed  # noqa: E402
from generator.render.theme import find_theme  # noqa: E402

SIZES = (500_000, 1_000_000, 2_000_000)
WORDS = ("في", "من", "على", "قال", "سوريا", "the", "of", "is", "a", "to")
CONFIG = """\
title = "قياس"
base_url = "https://example.org/"
language = "ar"
timezone = "Asia/Damascus"
build_date = 2026-11-29T12:00:00+03:00
max_file_size = 3000000
"""


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode()))


def _words(separator: str, newline_every: int = 0) -> Callable[[int], str]:
    def make(size: int) -> str:
        words = itertools.cycle(WORDS)
        parts, length = [], 0
        for count in itertools.count(1):
            word = next(words)
            parts.append(word)
            length += len(word.encode()) + len(separator.encode())
            if newline_every and count % newline_every == 0:
                parts.append("\n")
            if length >= size:
                return separator.join(parts)
        raise AssertionError("unreachable")
    return make


BODIES: dict[str, Callable[[int], str]] = {
    "nbsp-words": _words("\u00a0"),
    "nbsp-words-lines": _words("\u00a0", newline_every=12),
    "narrow-nbsp-words": _words("\u202f"),
    "figure-space-words": _words("\u2007"),
    "ideographic-space-words": _words("\u3000"),
    "zwnj-words": _words("\u200c"),
    "soft-hyphen-words": _words("\u00ad"),
    "entity-words": _words("&nbsp;"),
    "space-words": _words(" "),
    "one-word": lambda size: _repeat("x", size),
    "arabic-no-space": lambda size: _repeat("كتب", size),
    "tashkeel": lambda size: _repeat("\u064e\u0650\u064f\u0652", size),
    "tatweel-lines": lambda size: _repeat("ـ" * 5000 + "\n", size),
    "stars": lambda size: _repeat("*", size),
    "underscores": lambda size: _repeat("_", size),
    "brackets": lambda size: _repeat("[", size),
    "angles": lambda size: _repeat("<", size),
    "ampersands": lambda size: _repeat("&", size),
    "quotes": lambda size: _repeat(">", size) + " x",
    "quote-lines": lambda size: _repeat("> ", size // 2) + "\n" + _repeat("> x\n", size // 2),
    "indents": lambda size: "".join("  " * (i % 400) + f"- {i}\n" for i in range(size // 400)),
    "nbsp-title-attribute": lambda size: '<p title="' + _repeat("\u00a0", size) + '">x</p>',
}


def measure(name: str, size: int, folder: Path) -> tuple[float, str]:
    """(seconds, outcome) of the per-article work of a build of one article."""
    root = folder / f"{name}-{size}"
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "mawjaz.toml").write_text(CONFIG, "utf-8")
    (root / "content" / "actors.yaml").write_bytes((REPO / "content" / "actors.yaml").read_bytes())
    body = BODIES[name](size)
    (articles / "a.md").write_text(f"---\ntitle: خبر\ndate: 2026-11-28\n---\n{body}\n", "utf-8")
    started = time.perf_counter()
    try:
        site, _ = load_site(root, BuildOptions(workers=1))
        render_site(site, find_theme(root), workers=1)
        outcome = "built"
    except BuildFailed as failed:
        outcome = ",".join(sorted({d.code for d in failed.diagnostics}))
    return time.perf_counter() - started, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(BODIES), help="bodies to measure")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best is kept")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds allowed for 2 MB")
    parser.add_argument("--ratio", type=float, default=6.0, help="2 MB / 0.5 MB time allowed")
    parser.add_argument("--floor", type=float, default=0.5,
                        help="2 MB times under this pass whatever their ratio")
    args = parser.parse_args()
    failures = []
    print(f"{'body':<24}" + "".join(f"{s / 1e6:>8.1f} MB" for s in SIZES) + "   ratio  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for run, name in enumerate(args.only or BODIES):
            times, outcome = [], ""
            for size in SIZES:
                runs = [measure(name, size, Path(tmp) / f"{run}-{i}") for i in range(args.repeat)]
                times.append(min(t for t, _ in runs))
                outcome = runs[0][1]
            ratio = times[-1] / max(times[0], 1e-6)
            slow = times[-1] > args.budget
            superlinear = ratio > args.ratio and times[-1] > args.floor
            mark = "  <- over budget" if slow else "  <- superlinear" if superlinear else ""
            print(f"{name:<24}" + "".join(f"{t:>9.2f} s" for t in times)
                  + f"{ratio:>8.1f}  {outcome}{mark}", flush=True)
            if slow or superlinear:
                failures.append(name)
    if failures:
        print(f"FAIL: {', '.join(failures)}")
        return 1
    print("ok: every body linear and within budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
