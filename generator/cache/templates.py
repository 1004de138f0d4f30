"""Compiled templates kept between builds, signed as every file of the build cache is (see
``cache.store``). Apart from the store, which a rebuild with nothing to do reads, so that
such a rebuild does not import Jinja."""

from __future__ import annotations

import contextlib
import hmac
from pathlib import Path

import jinja2

from generator.cache.key import MAC_SIZE, sign
from generator.cache.store import code_digest, write_atomically


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in ``folder`` with a MAC in front.

    Jinja's own file cache reads its files with ``pickle`` and ``marshal`` unchecked: a
    planted file runs code, and one flipped byte can crash the interpreter or quietly change
    the HTML. Here a file is given to Jinja only when its MAC (this user's key, the template's
    cache key, this code and Jinja's version) checks; anything else means compiling again."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        mac, payload = data[:MAC_SIZE], data[MAC_SIZE:]
        if hmac.compare_digest(mac, self._mac(bucket.key, payload)):
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # not kept: compiled again next time
            write_atomically(self._path(bucket), self._mac(bucket.key, payload) + payload)

    def clear(self) -> None:
        for path in self.folder.glob("*.jinja"):
            path.unlink(missing_ok=True)

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"  # the key is a hex digest

    @staticmethod
    def _mac(name: str, payload: bytes) -> bytes:
        return sign(b"mawjaz-jinja", name.encode(), code_digest().encode(), jinja2.__version__.encode(), payload)
