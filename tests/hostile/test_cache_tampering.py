"""A build cache someone else made: planted in a repository, copied from another machine, or
damaged. It must never run code, and a build that meets it must give exactly the bytes of a
``--no-cache`` build; the user's own cache must still be reused.

The planted files carry a pickle whose ``__reduce__`` opens a marker file for writing: loading
one, by mawjaz or by Jinja's bytecode cache, leaves the marker behind. They are planted in
both forms an attacker could use: the pre-signing format (a CRC-32 header, and Jinja's own
unchecked file cache), and the current format signed with the attacker's own key.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from generator.build.pipeline import BuildOptions, build
from generator.cache import store as build_cache
from generator.cache.key import KEY_DIR_ENV, KEY_NAME, KEY_SIZE, _key_in, _read_or_create, cache_key, key_folder
from generator.cache.store import CACHE_DIR, SHARDS, code_digest, load_cache, template_cache
from generator.cli.preview import render_in_memory
from generator.render.theme import find_theme, make_environment
from tests.hostile.support import NOW, REPO, article_text, write_digest

ARTICLES = 8


class Plant:
    """Unpickled, it creates ``marker``: proof that a planted file was loaded."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (self.marker, "w"))


@pytest.fixture()
def digest(tmp_path: Path) -> Path:
    articles = {f"2025-0{1 + i % 9}-1{i}-n{i}.md": article_text(
        title=f"خبر رقم {i}", body=f"نص الخبر رقم {i}.\n\nفقرة ثانية عن الموضوع {i}.",
        date=f"2025-0{1 + i % 9}-1{i}") for i in range(ARTICLES)}
    root = write_digest(tmp_path / "digest", articles)
    settle(root)
    return root


@pytest.fixture()
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Two users' key folders; the victim's is the one in force."""
    folders = {"victim": tmp_path / "victim-key", "attacker": tmp_path / "attacker-key"}
    monkeypatch.setenv(KEY_DIR_ENV, str(folders["victim"]))
    return folders


def settle(root: Path) -> None:
    """Date every input well in the past: a file younger than two seconds is never trusted by
    its stat alone, and these tests are about what the cache gives."""
    for path in [root / "mawjaz.toml", *root.joinpath("content").rglob("*")]:
        os.utime(path, (1_700_000_000, 1_700_000_000))


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli_build(root: Path, key_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``mawjaz build`` in a process of its own (a crash must not take the tests with it)."""
    env = {**os.environ, KEY_DIR_ENV: str(key_dir),
           "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root), "-j", "1", *args],
                          env=env, cwd=REPO, capture_output=True, text=True, check=False)


def reference(root: Path, key_dir: Path, out: Path) -> dict[str, str]:
    done = cli_build(root, key_dir, "--no-cache", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return tree(out)


# -- planting ----------------------------------------------------------------------------


def plant(form: str, root: Path, marker: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    if form == "crc header":
        plant_crc_format(root, marker)
    else:
        plant_signed_by_another_key(root, marker, keys, monkeypatch)


def plant_crc_format(root: Path, marker: Path) -> None:
    """Files as mawjaz wrote them before they were signed: a header of this code's digest,
    the payload's length and its CRC-32, which anyone can compute; and Jinja's own file
    cache, which has no check at all."""
    folder = root / CACHE_DIR
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(Plant(marker), protocol=5)
    header = b"mawjaz-cache 4 %s %d %08x" % (code_digest().encode(), len(payload), zlib.crc32(payload))
    for name in [*(f"articles-{n:02d}.pickle" for n in range(SHARDS)), "pages.pickle", "meta.pickle",
                 "related.pickle"]:
        (folder / name).write_bytes(header + b"\n\n" + payload)
    plant_templates(root, marker, jinja2.FileSystemBytecodeCache(str(folder / "templates")))


def plant_signed_by_another_key(root: Path, marker: Path, keys: dict[str, Path],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole cache as the attacker's own build made it, then every file replaced by one
    that mawjaz itself signed, with the attacker's key."""
    monkeypatch.setenv(KEY_DIR_ENV, str(keys["attacker"]))
    build(root, BuildOptions(now=NOW, cache=True, workers=1))
    for path in (root / CACHE_DIR).glob("*.pickle"):
        build_cache._save(path, Plant(marker))
    plant_templates(root, marker, make_environment(find_theme(root), template_cache(root)).bytecode_cache)
    monkeypatch.setenv(KEY_DIR_ENV, str(keys["victim"]))
    assert not marker.exists()


def plant_templates(root: Path, marker: Path, bytecode: jinja2.BytecodeCache) -> None:
    """For every template, a compiled file under the name the build will look for, whose
    source checksum (which Jinja unpickles) is the planted object."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(find_theme(root).templates)))
    for name in env.list_templates():
        source, filename, _ = env.loader.get_source(env, name)
        bucket = bytecode.get_bucket(env, name, filename, source)
        bucket.checksum = Plant(marker)
        bucket.code = compile("", filename or name, "exec")
        bytecode.set_bucket(bucket)


class Parsed:
    """A progress callback: how many articles a build read anew (not from the cache)."""

    def __init__(self) -> None:
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.total = max(self.total, total)


FORMS = ["crc header", "signed by another key"]


# -- planted caches ------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_a_planted_cache_runs_nothing_on_build(digest: Path, keys: dict[str, Path], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    want = reference(digest, keys["victim"], tmp_path / "reference")
    marker = tmp_path / "planted-code-ran"
    plant(form, digest, marker, keys, monkeypatch)
    for run in ("over the planted cache", "over the cache it made"):
        done = cli_build(digest, keys["victim"], "-v")
        assert done.returncode == 0, done.stderr
        assert not marker.exists(), f"a planted file was unpickled ({run})"
        assert tree(digest / "site") == want, run


@pytest.mark.parametrize("form", FORMS)
def test_a_planted_cache_runs_nothing_in_the_preview(digest: Path, keys: dict[str, Path], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    """``mawjaz serve`` loads the cache through ``load_site``, in its own process."""
    want, _ = render_in_memory(digest, BuildOptions(now=NOW, workers=1))
    marker = tmp_path / "planted-code-ran"
    plant(form, digest, marker, keys, monkeypatch)
    for _ in range(2):
        got, _ = render_in_memory(digest, BuildOptions(now=NOW, cache=True, workers=1))
        assert not marker.exists(), "a planted file was unpickled"
        assert got == want


# -- damage ---------------------------------------------------------------------------------


def damage(path: Path, how: str) -> bool:
    """Change ``path`` in place: flip the case of every closing tag's first letter (valid
    bytecode that writes other HTML), or invert one byte at a fraction of the file."""
    data = bytearray(path.read_bytes())
    if how == "closing tags":
        spots = [i + 2 for i in range(len(data) - 2)
                 if data[i:i + 2] == b"</" and ord("a") <= data[i + 2] <= ord("z")]
        for i in spots:
            data[i] ^= 0x20
    else:
        spots = [int(len(data) * float(how))]
        data[spots[0]] ^= 0xFF
    path.write_bytes(bytes(data))
    return bool(spots)


@pytest.mark.parametrize("how", ["closing tags", "0.2", "0.5", "0.8"])
def test_a_damaged_compiled_template_is_compiled_again(digest: Path, keys: dict[str, Path], tmp_path: Path,
                                                       how: str) -> None:
    want = reference(digest, keys["victim"], tmp_path / "reference")
    first = cli_build(digest, keys["victim"])
    assert first.returncode == 0, first.stderr
    compiled = [p for p in (digest / CACHE_DIR / "templates").iterdir() if p.is_file()]
    assert sum(damage(path, how) for path in compiled), "the compiled templates were damaged"
    again = cli_build(digest, keys["victim"], "-o", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    assert tree(tmp_path / "again") == want


def test_a_signed_file_under_another_name_is_not_trusted(digest: Path, keys: dict[str, Path]) -> None:
    """The MAC covers the file's name: one good shard copied over another is not taken for
    it (nor the page record for a shard)."""
    build(digest, BuildOptions(now=NOW, cache=True, workers=1))
    shards = sorted((digest / CACHE_DIR).glob("articles-*.pickle"))
    assert len(shards) >= 2
    whole = load_cache(digest).entries
    shards[1].write_bytes(shards[0].read_bytes())
    loaded = load_cache(digest)
    assert shards[1].name in loaded.note
    assert len(loaded.entries) < len(whole)


# -- whose cache -----------------------------------------------------------------------------


def test_a_cache_signed_by_another_user_is_ignored(digest: Path, keys: dict[str, Path], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    want = reference(digest, keys["victim"], tmp_path / "reference")
    monkeypatch.setenv(KEY_DIR_ENV, str(keys["attacker"]))
    build(digest, BuildOptions(now=NOW, cache=True, workers=1))
    assert len(load_cache(digest).entries) == ARTICLES
    monkeypatch.setenv(KEY_DIR_ENV, str(keys["victim"]))
    foreign = load_cache(digest)
    assert not foreign.entries and not foreign.pages and foreign.note
    parsed = Parsed()
    result = build(digest, BuildOptions(now=NOW, cache=True, workers=1, progress=parsed))
    assert result.site is not None and parsed.total == ARTICLES, "every article was read again"
    assert tree(digest / "site") == want


def test_the_users_own_cache_is_reused(digest: Path, keys: dict[str, Path]) -> None:
    """Signing must not cost the speed work: the page record, the article entries and the
    compiled templates of the user's own builds are all taken."""
    options = BuildOptions(now=NOW, cache=True, workers=1)
    build(digest, options)
    own = load_cache(digest)
    assert len(own.entries) == ARTICLES and own.note == ""
    assert build(digest, options).site is None, "nothing changed: answered from the page record"
    templates = digest / CACHE_DIR / "templates"
    compiled = {p.name: p.stat().st_ino for p in templates.iterdir()}
    assert compiled
    edited = next((digest / "content" / "articles").glob("*.md"))
    edited.write_text(edited.read_text("utf-8").replace("نص الخبر", "نص الخبر المعدل"), "utf-8")
    parsed = Parsed()
    result = build(digest, BuildOptions(now=NOW, cache=True, workers=1, progress=parsed))
    assert result.site is not None and result.cache_note == ""
    assert parsed.total == 1, "only the edited article was read again"
    assert {p.name: p.stat().st_ino for p in templates.iterdir()} == compiled, "no template compiled again"


# -- the key ---------------------------------------------------------------------------------


@pytest.fixture()
def fresh_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A key folder of this test's, and no key remembered from before."""
    folder = tmp_path / "nested" / "keys"
    monkeypatch.setenv(KEY_DIR_ENV, str(folder))
    _key_in.cache_clear()
    yield folder
    _key_in.cache_clear()


def test_the_key_is_made_once_and_private(fresh_key: Path) -> None:
    key = cache_key()
    path = fresh_key / KEY_NAME
    assert key.note == "" and len(key.secret) == KEY_SIZE and path.read_bytes() == key.secret
    if sys.platform != "win32":
        assert path.stat().st_mode & 0o777 == 0o600
        assert fresh_key.stat().st_mode & 0o077 == 0
    _key_in.cache_clear()
    assert cache_key() == key, "the next process reads the same key"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and owners")
@pytest.mark.parametrize("how", ["group-readable", "world-writable", "symlink", "short", "another owner"])
def test_a_key_file_others_could_read_or_replace_is_refused(fresh_key: Path, tmp_path: Path, how: str) -> None:
    real = cache_key().secret
    path = fresh_key / KEY_NAME
    if how == "group-readable":
        path.chmod(0o640)
    elif how == "world-writable":
        path.chmod(0o602)
    elif how == "symlink":
        target = tmp_path / "elsewhere"
        target.write_bytes(real)
        target.chmod(0o600)
        path.unlink()
        path.symlink_to(target)
    elif how == "short":
        path.write_bytes(real[:KEY_SIZE // 2])
    else:
        if os.geteuid() != 0:
            pytest.skip("only root can give a file to another user")
        os.chown(path, 4242, -1)
    _key_in.cache_clear()
    key = cache_key()
    assert str(path) in key.note and "not reused" in key.note
    assert key.secret != real and len(key.secret) == KEY_SIZE


def test_without_a_usable_key_every_run_starts_afresh(digest: Path, tmp_path: Path) -> None:
    """A process with no key it can keep signs with a key of its own: its caches are never
    trusted by another process, and the build is still right."""
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    want = reference(digest, blocked, tmp_path / "reference")
    for _ in range(2):
        done = cli_build(digest, blocked, "-v")
        assert done.returncode == 0, done.stderr
        assert "cache: cannot keep the cache key" in done.stderr
        assert "(nothing changed)" not in done.stdout
        assert tree(digest / "site") == want


def test_builds_making_the_key_at_once_agree_on_it(tmp_path: Path) -> None:
    for attempt in range(5):
        path = tmp_path / f"keys-{attempt}" / KEY_NAME
        start = threading.Barrier(8)
        made: list[bytes] = []

        def make(path: Path = path, start: threading.Barrier = start, made: list[bytes] = made) -> None:
            start.wait()
            made.append(_read_or_create(path))

        threads = [threading.Thread(target=make) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(made) == 8 and set(made) == {path.read_bytes()}
        assert [p.name for p in path.parent.iterdir()] == [KEY_NAME], "no temporary file is left"


@pytest.mark.skipif(sys.platform == "win32", reason="the home folder is found otherwise there")
def test_the_key_lives_in_the_users_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert key_folder() == tmp_path / "xdg" / "mawjaz"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert key_folder() == tmp_path / "home" / ".cache" / "mawjaz"
