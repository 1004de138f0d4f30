"""Site configuration: one TOML file, validated into a frozen ``SiteConfig``.

Every key is typed and checked up front, unknown keys get a did-you-mean, and all problems are
reported together; only the ``[extra]`` table is open, for theme values.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.core.dates import out_of_range
from generator.core.diagnostics import BuildFailed, Diagnostic, did_you_mean, error
from generator.core.model import frozen_map

CONFIG_NAME = "mawjaz.toml"

CHOICES: Mapping[str, tuple[str, ...]] = {
    "digits": ("latn", "arab"),
    "month_names": ("standard", "levantine", "maghrebi"),
    "slug_policy": ("unicode", "ascii"),
    "auto_actors": ("add", "suggest", "off"),
    "feed_content": ("full", "summary", "both"),
    "editions": ("daily", "weekly", "none"),
}


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Validated site settings (see README for each key)."""

    title: str
    base_url: str  # absolute, always ends with "/"
    description: str = ""
    author: str = ""
    language: str = "ar"
    timezone: str = "UTC"
    digits: str = "latn"
    month_names: str = "standard"
    slug_policy: str = "unicode"
    output_dir: str = "site"
    items_per_page: int = 20
    max_file_size: int = 2_000_000
    auto_actors: str = "add"
    feed_content: str = "full"
    feed_limit: int = 50
    editions: str = "daily"
    search: bool = False
    build_date: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=frozen_map)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, e.g. ``/digest/``."""
        return urlsplit(self.base_url).path or "/"

    def with_base_url(self, url: str) -> SiteConfig:
        return replace(self, base_url=_normal_base_url(url))


REQUIRED = ("title", "base_url")
_TYPES: Mapping[str, type | tuple[type, ...]] = {
    f.name: (int if f.name in ("items_per_page", "max_file_size", "feed_limit")
             else bool if f.name == "search"
             else (datetime, date, str) if f.name == "build_date"
             else dict if f.name == "extra" else str)
    for f in fields(SiteConfig)
}


def load_config(path: Path, rel: str = CONFIG_NAME) -> SiteConfig:
    """Read and validate ``path``; raise ``BuildFailed`` with every problem found."""
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise BuildFailed([error(rel, 0, 0, "config-missing",
                                 f"no {CONFIG_NAME} here; run `mawjaz new DIR` to start a digest")]) from None
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildFailed([error(rel, 1, 1, "config-encoding",
                                 f"not UTF-8 (byte {exc.start})")]) from None
    return validate_config(_parse_toml(text, rel), text, rel)


MAX_DEPTH = 32  # arrays and inline tables in arrays and tables; the settings need 2


def _parse_toml(text: str, rel: str) -> dict[str, Any]:
    """The TOML document, or ``BuildFailed``. tomllib parses nested arrays by recursion, so a
    few hundred ``[`` end in a RecursionError: nesting is measured first, cheaply."""
    deep = _too_deep(text)
    try:
        if deep is None:
            return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_position(str(exc))
        raise BuildFailed([error(rel, line, col, "config-syntax", f"invalid TOML: {exc}")]) from None
    except RecursionError:  # a depth the scan did not see (it is a scan, not a parser)
        deep = (1, 1)
    line, col = deep
    raise BuildFailed([error(rel, line, col, "config-nesting",
                             f"arrays or tables nested more than {MAX_DEPTH} levels deep")])


def _too_deep(text: str) -> tuple[int, int] | None:
    """1-based line and column of the first bracket nested deeper than ``MAX_DEPTH``, outside
    strings and comments; None when there is none."""
    depth, line, line_start, index = 0, 1, 0, 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line, line_start = line + 1, index + 1
        elif char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif char in "\"'":
            end = _string_end(text, index)
            line += text.count("\n", index, end)
            if "\n" in text[index:end]:
                line_start = text.rindex("\n", index, end) + 1
            index = end
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, index - line_start + 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        index += 1
    return None


def _string_end(text: str, start: int) -> int:
    """The index just past the TOML string opening at ``start`` (the end of the text or line
    for one left open; tomllib reports that)."""
    quote = text[start]
    triple = text.startswith(quote * 3, start)
    if triple:
        end = text.find(quote * 3, start + 3)
        return len(text) if end < 0 else end + 3
    index = start + 1
    while index < len(text) and text[index] not in (quote, "\n"):
        index += 2 if quote == '"' and text[index] == "\\" else 1
    return min(index + 1, len(text)) if index < len(text) and text[index] == quote else index


def validate_config(data: Mapping[str, Any], text: str, rel: str) -> SiteConfig:
    problems: list[Diagnostic] = []
    values: dict[str, Any] = {}

    def at(key: str) -> tuple[int, int]:
        return _key_position(text, key)

    for key, value in data.items():
        if key not in _TYPES:
            line, col = at(key)
            problems.append(error(rel, line, col, "config-unknown-key",
                                  f"unknown key `{key}`{did_you_mean(key, _TYPES)}"))
            continue
        expected = _TYPES[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            line, col = at(key)
            names = expected.__name__ if isinstance(expected, type) else "date"
            problems.append(error(rel, line, col, "config-type",
                                  f"`{key}` must be {_article(names)}, not {type(value).__name__}"))
            continue
        problem = _check_value(key, value)
        if problem:
            line, col = at(key)
            problems.append(error(rel, line, col, "config-value", problem))
            continue
        values[key] = value
    for key in REQUIRED:
        if key not in data:
            problems.append(error(rel, 1, 1, "config-missing-key", f"`{key}` is required"))
    if problems:
        raise BuildFailed(problems)
    values["base_url"] = _normal_base_url(values["base_url"])
    if "build_date" in values:
        values["build_date"] = _as_datetime(values["build_date"], values.get("timezone", "UTC"))
    values["extra"] = frozen_map(values.get("extra"))
    return SiteConfig(**values)


def _check_value(key: str, value: Any) -> str | None:
    if key in CHOICES and value not in CHOICES[key]:
        options = ", ".join(f"`{c}`" for c in CHOICES[key])
        return f"`{key}` must be one of {options}, not `{value}`{did_you_mean(value, CHOICES[key])}"
    if key == "base_url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return f"`base_url` must be an absolute http(s) URL, not `{value}`"
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"unknown time zone `{value}` (use an IANA name such as `Asia/Damascus`)"
    if key == "build_date":
        return _check_build_date(value)
    if key in ("items_per_page", "feed_limit", "max_file_size") and value < 1:
        return f"`{key}` must be at least 1"
    if key == "output_dir" and (not value.strip() or Path(value).is_absolute() or ".." in Path(value).parts):
        return "`output_dir` must be a folder inside the digest (no `..`, not absolute)"
    if key in ("title", "language") and not value.strip():
        return f"`{key}` must not be empty"
    if key == "language" and (not _LANGUAGE_TAG.match(value) or len(value) > 35):
        return f"`language` must be a language tag such as `ar` or `en`, not `{value}`"
    if isinstance(value, str) and key != "extra" and any(
            unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        # Feeds are XML, where control characters cannot be written at all.
        return f"`{key}` contains a control character; remove it"
    return None


def _check_build_date(value: date | datetime | str) -> str | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return f"`build_date` must be an ISO 8601 date such as 2026-11-27, not `{value}`"
    problem = out_of_range(value)
    return f"`build_date`: {problem}" if problem else None


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _as_datetime(value: date | datetime | str, tz: str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(tz))


def _normal_base_url(url: str) -> str:
    # Percent-encode a non-ASCII path once (already-encoded `%XX` stays): sitemaps and feeds
    # need URLs, not IRIs, and links are built by appending encoded paths to this one.
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return url if url.endswith("/") else url + "/"


def _article(noun: str) -> str:
    return {"str": "a string", "int": "an integer", "bool": "true or false",
            "dict": "a table", "date": "a date"}.get(noun, noun)


def config_key_position(path: Path, key: str) -> tuple[int, int]:
    """1-based line and column of ``key`` in the settings file at ``path`` (for checks made
    after loading, which know the value but not where it was written)."""
    try:
        return _key_position(path.read_text("utf-8"), key)
    except (OSError, UnicodeDecodeError):
        return 1, 1


def _key_position(text: str, key: str) -> tuple[int, int]:
    """1-based line and column of ``key = ...`` (tomllib reports no positions)."""
    pattern = re.compile(rf'^([ \t]*)(?:{re.escape(key)}|"{re.escape(key)}")[ \t]*=', re.MULTILINE)
    match = pattern.search(text) or re.search(rf"^[ \t]*\[{re.escape(key)}\]", text, re.MULTILINE)
    if not match:
        return 1, 1
    line = text.count("\n", 0, match.start()) + 1
    return line, len(match.group(1) or "") + 1 if match.groups() else 1


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)
