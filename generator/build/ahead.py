"""A rebuild's first steps on both cores: the snapshot of the inputs taken by a child while
this process loads the build cache it will need if anything changed.

A rebuild first tells whether anything it reads changed (``fingerprint.snapshot``: every
input file looked at, a third of a second or more at 50,000 articles), and only then, when
something did, loads every cached article (more than half a second at 50,000) and has the
live site surveyed (``survey``: a second and more at 50,000 articles' 130,000 files, which
the render then waited for). Each waited for the one before, on one core. So a child, forked
first while this process is small, takes the snapshot and sends its digest, then the
snapshot, and goes straight on to the survey when the digest is not the one the last build
recorded; meanwhile this process loads the cache a shard at a time on the other core, and
stops at the first shard after the digest has come when nothing changed. A rebuild with
something to do no longer waits for the snapshot, nor for the survey; one with nothing to do
pays for the shards it loaded in vain (it holds them until it exits, see
``shortcut.BuildResult.held``) and for a snapshot taken beside that loading.

On one core (``workers`` < 2), or where processes cannot be forked, it is all done here,
one after the other, as before."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build.fingerprint import Snapshot, snapshot
from generator.cache.store import BuildCache, load_cache, loading_cache
from generator.core.parallel import ChildSteps, default_workers, in_child_steps
from generator.render.theme import Theme

if TYPE_CHECKING:  # named in annotations only: the survey's module is the child's to import
    from generator.build.survey import Listing, ListingDiff, Moved


@dataclass(frozen=True, slots=True)
class Surveyed:
    """A survey of the live site (see ``survey``) as a build takes it, each part when it
    needs it: the moved files when it starts to render, the spare's listing when it writes.
    None: not surveyed, the build looks at each file as it needs to."""

    moved: Callable[[], Moved | None]
    listing: Callable[[], Listing | ListingDiff | None]


class FirstLook:
    """The snapshot, the cache and the survey of one rebuild, each taken when the build
    asks for it, from the child or, when it has not sent it, made here."""

    def __init__(self, root: Path, steps: ChildSteps, take_here: Callable[[], Snapshot]) -> None:
        self._steps = steps
        self._take_here = take_here
        self._loading = loading_cache(root)
        self._cache: BuildCache | None = None
        self._parts: list[Any] = []  # what the child sent: the digest, the snapshot, the survey's two parts

    def digest(self) -> str:
        """The digest of the inputs' snapshot, all a build with nothing to do needs of it;
        the cache is loaded meanwhile, a shard at a time."""
        first = self._part(0)
        return first if isinstance(first, str) else self.snapshot().digest

    def snapshot(self) -> Snapshot:
        """The inputs' snapshot (sent after its digest), or taken here when the child could not."""
        taken = self._part(1)
        if not isinstance(taken, Snapshot):
            taken = self._take_here()
            self._parts[1] = taken
        return taken

    def cache(self) -> BuildCache:
        """The build cache, with what was loaded while the snapshot was taken."""
        while self._cache is None:
            self._cache = next(self._loading)
        return self._cache

    def loaded(self) -> object:
        """What was loaded of the cache so far, for a build that needs none of it to hold
        until it exits (see ``shortcut.BuildResult.held``)."""
        return self._loading

    def surveyed(self) -> Surveyed:
        """The child's survey of the live site (``survey.surveys``): each part None when it
        has not made it (the snapshot was the last build's, or it failed)."""
        return Surveyed(lambda: self._part(2), lambda: self._part(3))

    def _part(self, number: int) -> Any:
        """The child's ``number``th value; the cache is loaded while it has not come."""
        while not self._steps.ready() and self._cache is None and len(self._parts) <= number:
            self._cache = next(self._loading)
        while len(self._parts) <= number:
            self._parts.append(self._steps.take())
        return self._parts[number]


@contextlib.contextmanager
def first_look(root: Path, theme: Theme, options: str, started: int, output: Path | None,
               workers: int | None, survey_anyway: bool = False) -> Iterator[FirstLook]:
    """The child that takes the snapshot (``options``: the build's options as the snapshot
    spells them, ``started``: when the build started) and surveys the site built into
    ``output`` (None: the configured folder), for the block; ``survey_anyway``: survey even
    when nothing changed (the caller needs the site). The child ends with the block."""
    recorded = load_cache(root, articles=False, pages=False).meta.get("snapshot", "")

    def take_here() -> Snapshot:
        return snapshot(root, theme, options, started)

    if (default_workers() if workers is None else workers) < 2:
        yield FirstLook(root, ChildSteps(None), take_here)
        return
    with in_child_steps(_looked, take_here, recorded if not survey_anyway else "", root, output) as steps:
        yield FirstLook(root, steps, take_here)


def _looked(take: Callable[[], Snapshot], recorded: str, root: Path, output: Path | None) -> Iterator[Any]:
    """The child's work: the snapshot, then, unless it is ``recorded`` (the last build's),
    the survey."""
    taken = take()
    yield taken.digest
    yield taken
    if taken.digest != recorded:
        # Imported here, by the child: a rebuild with nothing to do never needs the writer.
        from generator.build.survey import surveys

        yield from surveys(root, output)
