"""Site configuration: one TOML file, validated into a frozen ``SiteConfig``.

Each key is declared once, in ``SETTINGS``: its type, default, allowed values, further checks
and a line of help. Validation reads the declarations, and so do the ``mawjaz new`` template
(``authoring/scaffold.py``) and the tests that hold README's settings table and
``SiteConfig``'s fields to them; a new key is one ``Setting`` here plus its ``SiteConfig``
field. Every problem is reported together, unknown keys with a did-you-mean; only the
``[extra]`` table is open, for theme values.

The loaded ``SiteConfig`` is never changed. What one build does differently from the file
(another base URL) is a separate ``BuildSettings``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.core.dates import out_of_range
from generator.core.diagnostics import BuildFailed, Diagnostic, byte_position, did_you_mean, error
from generator.core.files import CONFIG_NAME as CONFIG_NAME  # named here too, beside the settings
from generator.core.model import frozen_map
from generator.core.urls import DATED_PERMALINK, DEFAULT_PERMALINK, normal_permalink, permalink_problem

TomlValue = str | int | bool | date | datetime | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of ``mawjaz.toml``, declared once for validation, the ``mawjaz new`` template
    and the README check, so that those three cannot drift apart.

    Checks run in this order and the first problem is the one reported: ``allowed``,
    ``not_empty``, ``minimum``, ``check``, then (for text) control characters."""

    name: str
    kind: type | tuple[type, ...]  # what TOML must hold; a tuple is one of several date forms
    default: TomlValue | None = None  # the value when the key is absent (none when required)
    help: str = ""  # for the `mawjaz new` template
    required: bool = False
    allowed: tuple[str, ...] = ()
    not_empty: bool = False
    minimum: int | None = None
    check: Callable[[Any], str | None] | None = None  # a further check: the problem, or None
    # The stored form of a checked value, given every setting's checked value or default.
    convert: Callable[[Any, Mapping[str, Any]], Any] | None = None
    default_text: str = ""  # README's default where it is not a value (build_date's)
    example: str = ""  # TOML for the template where there is no default value to show
    # What `mawjaz new` sets in a new digest where that differs from the default: the default
    # keeps older digests as they were, a new digest starts with what is best now.
    new: TomlValue | None = None

    @property
    def noun(self) -> str:
        """What ``config-type`` says the value must be."""
        kind = self.kind if isinstance(self.kind, type) else self.kind[0]
        return _NOUNS[kind]


_NOUNS: Mapping[type, str] = MappingProxyType({str: "a string", int: "an integer", bool: "true or false",
                                               dict: "a table", datetime: "a date"})


def _check_base_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"`base_url` must be an absolute http(s) URL, not `{value}`"
    return None


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone `{value}` (use an IANA name such as `Asia/Damascus`)"
    return None


def _check_language(value: str) -> str | None:
    if not _LANGUAGE_TAG.match(value) or len(value) > 35:
        return f"`language` must be a language tag such as `ar` or `en`, not `{value}`"
    return None


def _check_output_dir(value: str) -> str | None:
    if not value.strip() or Path(value).is_absolute() or ".." in Path(value).parts:
        return "`output_dir` must be a folder inside the digest (no `..`, not absolute)"
    return None


def _check_build_date(value: date | datetime | str) -> str | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return f"`build_date` must be an ISO 8601 date such as 2026-11-27, not `{value}`"
    problem = out_of_range(value)
    return f"`build_date`: {problem}" if problem else None


def valid_address(value: str) -> bool:
    """An address for mail headers: ASCII (an address with other letters needs SMTPUTF8,
    which many servers refuse), one ``@``, no spaces, brackets or quotes."""
    return bool(_ADDRESS.match(value))


def _check_address(key: str, value: str) -> str | None:
    if value and not valid_address(value):
        return f"`{key}` must be an email address such as `news@example.org`, not `{value}`"
    return None


def _check_unsubscribe_url(value: str) -> str | None:
    parts = urlsplit(value)
    if value and (parts.scheme != "https" or not parts.netloc or any(c.isspace() or c in "<>," for c in value)):
        return f"`unsubscribe_url` must be an absolute https URL, not `{value}`"
    return None


_ADDRESS = re.compile(r"^[!#-'*+\-/-9=?A-Z^-~.]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")

# RFC 4151's tagging entity: a domain name or an e-mail address, then optionally "," and a
# date (a year, a month or a day) on which it was yours.
_DNS_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
_TAG_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def tag_authority(value: str) -> str:
    """The ``feed_id_authority`` setting in the form entry ids spell it: an ASCII host in
    lower case (IDNA for a non-ASCII one), then the date as written. ``ValueError`` says what
    is wrong with a value that is not a tagging entity."""
    name, comma, day = value.strip().partition(",")
    local, at, domain = name.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"`{domain}` is not a domain name") from None
    if not _DNS_NAME.match(domain) or "." not in domain:
        raise ValueError(f"`{domain}` is not a domain name such as `example.org`")
    if at and (not local or any(ch.isspace() or ch in "@,:" for ch in local)):
        raise ValueError(f"`{name}` is not an e-mail address")
    if comma:
        match = _TAG_DATE.match(day)
        if not match:
            raise ValueError(f"`{day}` is not a date such as `2026` or `2026-01-31`")
        year, month, mday = (int(part) if part else 1 for part in match.groups())
        try:
            date(year, month, mday)
        except ValueError as exc:
            raise ValueError(f"`{day}` is not a date: {exc}") from None
        if out_of_range(date(year, month, mday)):
            raise ValueError(f"`{day}` is out of range")
    return f"{local}{at}{domain}{comma}{day}"


def _check_tag_authority(value: str) -> str | None:
    if not value.strip():
        return None  # unset: the host of base_url (see ``feeds.items.tag_uri``)
    try:
        tag_authority(value)
    except ValueError as exc:
        return (f"`feed_id_authority` must be a domain you held and the day you held it, such as "
                f"`example.org,2026-01-31` (RFC 4151): {exc}")
    return None


def _as_datetime(value: date | datetime | str, settled: Mapping[str, Any]) -> datetime:
    """A bare date is midnight, and a time without an offset is read, in the site's zone."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(settled["timezone"]))


def _normal_base_url(url: str) -> str:
    # Percent-encode a non-ASCII path once (already-encoded `%XX` stays): sitemaps and feeds
    # need URLs, not IRIs, and links are built by appending encoded paths to this one.
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return url if url.endswith("/") else url + "/"


# In ``SiteConfig``'s field order (a test holds them together, and README's table to both).
SETTINGS: tuple[Setting, ...] = (
    Setting("title", str, required=True, not_empty=True,
            help="the digest's name, on every page and in every feed"),
    Setting("base_url", str, required=True, check=_check_base_url,
            convert=lambda value, _settled: _normal_base_url(value),
            help="The absolute URL the site is published under; may carry a sub-path, for example "
                 '"https://USER.github.io/REPO/". Override it for one build with '
                 "`mawjaz build --base-url URL`."),
    Setting("description", str, "", "shown on the home page, in feeds and in search results"),
    Setting("author", str, "", "named in the feeds; the title when empty"),
    Setting("language", str, "ar", "default language of articles and of the interface",
            not_empty=True, check=_check_language),
    Setting("timezone", str, "UTC", 'dates without an offset are read here, e.g. "Asia/Damascus"',
            check=_check_timezone),
    Setting("digits", str, "latn", '"latn" (27) or "arab" (٢٧)', allowed=("latn", "arab")),
    Setting("month_names", str, "standard",
            '"standard" (نوفمبر), "levantine" (تشرين الثاني), "maghrebi" (نونبر)',
            allowed=("standard", "levantine", "maghrebi")),
    Setting("slug_policy", str, "unicode", '"unicode" keeps Arabic in URLs; "ascii" transliterates',
            allowed=("unicode", "ascii")),
    Setting("permalink", str, DEFAULT_PERMALINK,
            "Article URLs, below base_url: {year}, {month} and {day} (the article's date in `timezone`), "
            "{slug} (from the title, or `slug:`) and {id}. Of two articles whose titles make one URL, "
            "the later gets a short suffix from its id. Changing this moves every article: "
            "`mawjaz check` then lists the `aliases` that keep old links working.",
            check=permalink_problem, convert=lambda value, _settled: normal_permalink(value),
            new=DATED_PERMALINK),
    Setting("output_dir", str, "site", "where `mawjaz build` writes the site", check=_check_output_dir),
    Setting("items_per_page", int, 20, "articles per archive page and on the home page", minimum=1),
    Setting("max_file_size", int, 2_000_000, "larger content files are refused", minimum=1),
    Setting("auto_actors", str, "add", 'find registry actors in the text: "add", "suggest" or "off"',
            allowed=("add", "suggest", "off")),
    Setting("feed_content", str, "full", 'feeds carry the "full" text, the "summary", or "both"',
            allowed=("full", "summary", "both")),
    Setting("feed_limit", int, 50, "entries per feed, newest first", minimum=1),
    Setting("feed_id_authority", str, "",
            'the "tag:" authority of feed entry ids (RFC 4151): a domain of yours and a day it was '
            'yours, e.g. "example.org,2026-01-31". Readers know an entry by its id: put your own '
            "domain here before you publish, then keep it, even when the site moves to another host "
            "(unset: the host of base_url).",
            check=_check_tag_authority,
            convert=lambda value, _settled: tag_authority(value) if value.strip() else "",
            default_text="`base_url`'s host"),
    Setting("editions", str, "daily", 'group articles into "daily" or "weekly" editions, or "none"',
            allowed=("daily", "weekly", "none")),
    Setting("search", bool, False, "a search index and a /search/ page"),
    Setting("emails", bool, True, "write email.html, email.txt and email.eml beside every edition page "
            "(see Email and channels; `mawjaz send` mails them)"),
    Setting("channel_text", bool, True, "write channel-01.txt, … beside every edition page: the edition "
            "as Telegram or WhatsApp messages"),
    Setting("email_sender_name", str, "", "the name emails come from; the title when empty"),
    Setting("email_sender", str, "", "the address emails come from; `noreply@` the base_url's host when empty",
            check=lambda value: _check_address("email_sender", value)),
    Setting("email_reply_to", str, "", "where replies to an email go; no Reply-To when empty",
            check=lambda value: _check_address("email_reply_to", value)),
    Setting("unsubscribe_email", str, "", "an address that unsubscribes whoever writes to it: "
            "in each email's footer and its List-Unsubscribe header",
            check=lambda value: _check_address("unsubscribe_email", value)),
    Setting("unsubscribe_url", str, "", "an https page that unsubscribes: in each email's footer and its "
            "List-Unsubscribe header", check=_check_unsubscribe_url),
    Setting("build_date", (datetime, date, str), None, "pin \"last updated\"; default: the newest article's date",
            check=_check_build_date, convert=_as_datetime, default_text="newest article",
            example="2026-01-31"),
    Setting("extra", dict, frozen_map(), "free values for themes",
            convert=lambda value, _settled: frozen_map(value), default_text="—"),
)

SETTING: Mapping[str, Setting] = frozen_map({s.name: s for s in SETTINGS})


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Validated site settings, as the file says them (see ``SETTINGS`` for each key)."""

    title: str
    base_url: str  # absolute, always ends with "/"
    description: str = ""
    author: str = ""
    language: str = "ar"
    timezone: str = "UTC"
    digits: str = "latn"
    month_names: str = "standard"
    slug_policy: str = "unicode"
    permalink: str = DEFAULT_PERMALINK  # checked, with a leading "/" (see ``core.urls.permalink``)
    output_dir: str = "site"
    items_per_page: int = 20
    max_file_size: int = 2_000_000
    auto_actors: str = "add"
    feed_content: str = "full"
    feed_limit: int = 50
    feed_id_authority: str = ""  # "" or a tagging entity, "example.org[,2026-01-31]"
    editions: str = "daily"
    search: bool = False
    emails: bool = True
    channel_text: bool = True
    email_sender_name: str = ""
    email_sender: str = ""
    email_reply_to: str = ""
    unsubscribe_email: str = ""
    unsubscribe_url: str = ""
    build_date: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=frozen_map)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """What one build does where the file alone does not decide: the URL it publishes under
    (``--base-url`` and the preview's address win over ``base_url``) and whether search is
    on. Made once per build, beside the ``SiteConfig``, which stays as it was read; pages and
    feeds take these from here."""

    base_url: str  # absolute, always ends with "/"
    search: bool

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, e.g. ``/digest/``."""
        return urlsplit(self.base_url).path or "/"

    @classmethod
    def of(cls, config: SiteConfig, base_url: str | None = None) -> BuildSettings:
        """``config``'s own settings, with ``base_url`` (normalised like the file's) in place of
        the file's when given."""
        return cls(_normal_base_url(base_url) if base_url else config.base_url, config.search)


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
        raise BuildFailed([error(rel, *byte_position(raw_bytes, exc.start), "config-encoding",
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
        deep = (0, 0)
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
    """The ``SiteConfig`` of parsed TOML ``data`` (``text`` gives the problems' positions), or
    ``BuildFailed`` with every problem the declarations find."""
    problems: list[Diagnostic] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        problem = _problem(key, value)
        if problem is None:
            values[key] = value
            continue
        line, col = _key_position(text, key)
        problems.append(error(rel, line, col, *problem))
    problems += [error(rel, 0, 0, "config-missing-key", f"`{s.name}` is required")
                 for s in SETTINGS if s.required and s.name not in data]
    if problems:
        raise BuildFailed(problems)
    settled = {s.name: s.default for s in SETTINGS if not s.required} | values
    return SiteConfig(**{key: _converted(SETTING[key], value, settled) for key, value in values.items()})


def _problem(key: str, value: object) -> tuple[str, str] | None:
    """The code and message of what is wrong with ``key = value``, or None."""
    setting = SETTING.get(key)
    if setting is None:
        return "config-unknown-key", f"unknown key `{key}`{did_you_mean(key, SETTING)}"
    if not isinstance(value, setting.kind) or (setting.kind is int and isinstance(value, bool)):
        return "config-type", f"`{key}` must be {setting.noun}, not {type(value).__name__}"
    problem = _value_problem(setting, value)
    return ("config-value", problem) if problem else None


def _value_problem(setting: Setting, value: Any) -> str | None:
    """What is wrong with a value of the right type, in ``Setting``'s order of checks."""
    key = setting.name
    if setting.allowed and value not in setting.allowed:
        options = ", ".join(f"`{c}`" for c in setting.allowed)
        return f"`{key}` must be one of {options}, not `{value}`{did_you_mean(value, setting.allowed)}"
    if setting.not_empty and not value.strip():
        return f"`{key}` must not be empty"
    if setting.minimum is not None and value < setting.minimum:
        return f"`{key}` must be at least {setting.minimum}"
    problem = setting.check(value) if setting.check else None
    if problem is None and setting.kind is str and any(
            unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        # Feeds are XML, where control characters cannot be written at all.
        return f"`{key}` contains a control character; remove it"
    return problem


def _converted(setting: Setting, value: Any, settled: Mapping[str, Any]) -> Any:
    return setting.convert(value, settled) if setting.convert else value


def config_key_position(path: Path, key: str) -> tuple[int, int]:
    """1-based line and column of ``key`` in the settings file at ``path`` (for checks made
    after loading, which know the value but not where it was written)."""
    try:
        return _key_position(path.read_text("utf-8"), key)
    except (OSError, UnicodeDecodeError):
        return 0, 0


def _key_position(text: str, key: str) -> tuple[int, int]:
    """1-based line and column of ``key = ...`` (tomllib reports no positions)."""
    pattern = re.compile(rf'^([ \t]*)(?:{re.escape(key)}|"{re.escape(key)}")[ \t]*=', re.MULTILINE)
    match = pattern.search(text) or re.search(rf"^[ \t]*\[{re.escape(key)}\]", text, re.MULTILINE)
    if not match:
        return 0, 0  # a key with its default value: the problem is the whole file's
    line = text.count("\n", 0, match.start()) + 1
    return line, len(match.group(1) or "") + 1 if match.groups() else 1


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)
