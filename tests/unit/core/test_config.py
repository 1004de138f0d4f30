"""Configuration: every key typed, unknown keys with a hint and their line, all problems at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.core.config import BuildSettings, SiteConfig, load_config
from generator.core.diagnostics import BuildFailed

MINIMAL = 'title = "موجز"\nbase_url = "https://example.org/"\n'


def load(tmp_path: Path, text: str) -> SiteConfig:
    path = tmp_path / "mawjaz.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        load(tmp_path, text)
    return [d.format() for d in failed.value.diagnostics]


def test_minimal_config_gets_documented_defaults(tmp_path):
    config = load(tmp_path, MINIMAL)
    assert config.title == "موجز"
    assert config.base_url == "https://example.org/"
    assert (config.language, config.timezone, config.digits) == ("ar", "UTC", "latn")
    assert (config.slug_policy, config.output_dir, config.items_per_page) == ("unicode", "site", 20)
    assert config.build_date is None
    assert dict(config.extra) == {}


def test_config_is_frozen(tmp_path):
    config = load(tmp_path, MINIMAL)
    with pytest.raises(AttributeError):
        config.title = "other"  # type: ignore[misc]


@pytest.mark.parametrize(("base_url", "normal", "path"), [
    ("https://example.org", "https://example.org/", "/"),
    ("https://example.org/", "https://example.org/", "/"),
    ("https://example.org/digest", "https://example.org/digest/", "/digest/"),
    ("https://example.org/a/digest/", "https://example.org/a/digest/", "/a/digest/"),
    ("http://localhost:8000/digest/", "http://localhost:8000/digest/", "/digest/"),
])
def test_base_url_keeps_its_sub_path(tmp_path, base_url, normal, path):
    config = load(tmp_path, f'title = "t"\nbase_url = "{base_url}"\n')
    assert config.base_url == normal
    assert BuildSettings.of(config).base_path == path


def test_non_ascii_base_path_is_percent_encoded(tmp_path):
    """Sitemaps and feeds need URLs, not IRIs; the base path is stored encoded once."""
    config = load(tmp_path, 'title = "t"\nbase_url = "https://example.org/موجز/"\n')
    assert config.base_url == "https://example.org/%D9%85%D9%88%D8%AC%D8%B2/"
    assert BuildSettings.of(config).base_path == "/%D9%85%D9%88%D8%AC%D8%B2/"
    override = BuildSettings.of(config, "https://example.org/%D9%85/")
    assert override.base_url == "https://example.org/%D9%85/"


def test_a_base_url_override_is_normalised_and_leaves_the_config_alone(tmp_path):
    config = load(tmp_path, MINIMAL)
    settings = BuildSettings.of(config, "http://localhost:8000/sub")
    assert (settings.base_url, settings.base_path) == ("http://localhost:8000/sub/", "/sub/")
    assert config.base_url == "https://example.org/"


@pytest.mark.parametrize("search", [True, False])
def test_search_is_on_when_asked_for(tmp_path, search):
    config = load(tmp_path, MINIMAL + f"search = {str(search).lower()}\n")
    assert BuildSettings.of(config).search is search
    assert config.search is search


def test_full_config_round_trips(tmp_path):
    config = load(tmp_path, MINIMAL + (
        'description = "وصف"\nlanguage = "ar"\ntimezone = "Asia/Damascus"\ndigits = "arab"\n'
        'month_names = "levantine"\nslug_policy = "ascii"\noutput_dir = "public/site"\n'
        "items_per_page = 5\nsearch = true\nbuild_date = 2026-11-27\n"
        '[extra]\naccent = "#006"\nnested = { a = 1 }\n'))
    assert (config.digits, config.month_names, config.slug_policy) == ("arab", "levantine", "ascii")
    assert config.output_dir == "public/site"
    assert config.items_per_page == 5 and config.search is True
    assert config.tz == ZoneInfo("Asia/Damascus")
    # A bare date means midnight in the site's zone.
    assert config.build_date == datetime(2026, 11, 27, tzinfo=ZoneInfo("Asia/Damascus"))
    assert config.extra["accent"] == "#006"
    with pytest.raises(TypeError):
        config.extra["accent"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(("value", "expected"), [
    ('"2026-11-27T10:00:00+02:00"', datetime.fromisoformat("2026-11-27T10:00:00+02:00")),
    ("2026-11-27T10:00:00", datetime(2026, 11, 27, 10, tzinfo=ZoneInfo("Asia/Damascus"))),
])
def test_build_date_forms(tmp_path, value, expected):
    config = load(tmp_path, MINIMAL + f'timezone = "Asia/Damascus"\nbuild_date = {value}\n')
    assert config.build_date == expected


def test_unknown_key_names_its_line_and_a_close_key(tmp_path):
    assert problems(tmp_path, MINIMAL + '\ntimzone = "Asia/Damascus"\n') == [
        "mawjaz.toml:4:1: error[config-unknown-key]: unknown key `timzone` "
        "(did you mean `timezone`?)",
    ]


def test_unknown_key_without_a_close_match_has_no_hint(tmp_path):
    assert problems(tmp_path, MINIMAL + "colour_scheme = 1\n") == [
        "mawjaz.toml:3:1: error[config-unknown-key]: unknown key `colour_scheme`",
    ]


def test_unknown_table_points_at_its_header(tmp_path):
    assert problems(tmp_path, MINIMAL + "\n[extras]\naccent = 1\n") == [
        "mawjaz.toml:4:1: error[config-unknown-key]: unknown key `extras` (did you mean `extra`?)",
    ]


def test_indented_key_column_is_where_the_key_starts(tmp_path):
    assert problems(tmp_path, MINIMAL + '   titel = "x"\n') == [
        "mawjaz.toml:3:4: error[config-unknown-key]: unknown key `titel` (did you mean `title`?)",
    ]


@pytest.mark.parametrize(("line", "message"), [
    ('items_per_page = "10"', "`items_per_page` must be an integer, not str"),
    ("items_per_page = true", "`items_per_page` must be an integer, not bool"),
    ("items_per_page = 2.5", "`items_per_page` must be an integer, not float"),
    ("search = 1", "`search` must be true or false, not int"),
    ("title = 5", "`title` must be a string, not int"),
    ("digits = [\"arab\"]", "`digits` must be a string, not list"),
    ("extra = 3", "`extra` must be a table, not int"),
    ("build_date = 20261127", "`build_date` must be a date, not int"),
])
def test_wrong_types(tmp_path, line, message):
    text = MINIMAL.replace('title = "موجز"\n', "") if line.startswith("title") else MINIMAL
    text = line + "\n" + text if line.startswith("title") else text + line + "\n"
    found = problems(tmp_path, text)
    expected_line = 1 if line.startswith("title") else 3
    assert found == [f"mawjaz.toml:{expected_line}:1: error[config-type]: {message}"]


@pytest.mark.parametrize(("line", "message"), [
    ('base_url = "example.org/digest/"',
     "`base_url` must be an absolute http(s) URL, not `example.org/digest/`"),
    ('base_url = "/digest/"', "`base_url` must be an absolute http(s) URL, not `/digest/`"),
    ('base_url = "ftp://example.org/"',
     "`base_url` must be an absolute http(s) URL, not `ftp://example.org/`"),
    ('base_url = "https://"', "`base_url` must be an absolute http(s) URL, not `https://`"),
])
def test_bad_base_url(tmp_path, line, message):
    assert problems(tmp_path, f'title = "t"\n{line}\n') == [
        f"mawjaz.toml:2:1: error[config-value]: {message}",
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../../etc/passwd", "damascus"])
def test_bad_timezone(tmp_path, zone):
    assert problems(tmp_path, MINIMAL + f'timezone = "{zone}"\n') == [
        f"mawjaz.toml:3:1: error[config-value]: unknown time zone `{zone}` "
        "(use an IANA name such as `Asia/Damascus`)",
    ]


@pytest.mark.parametrize(("key", "value", "options", "hint"), [
    ("digits", "arabic", "`latn`, `arab`", " (did you mean `arab`?)"),
    ("month_names", "levant", "`standard`, `levantine`, `maghrebi`", " (did you mean `levantine`?)"),
    ("slug_policy", "latin", "`unicode`, `ascii`", ""),
    ("auto_actors", "yes", "`add`, `suggest`, `off`", ""),
    ("feed_content", "summaries", "`full`, `summary`, `both`", " (did you mean `summary`?)"),
    ("editions", "monthly", "`daily`, `weekly`, `none`", ""),
])
def test_bad_choices_list_the_options(tmp_path, key, value, options, hint):
    assert problems(tmp_path, MINIMAL + f'{key} = "{value}"\n') == [
        f"mawjaz.toml:3:1: error[config-value]: `{key}` must be one of {options}, "
        f"not `{value}`{hint}",
    ]


@pytest.mark.parametrize(("line", "message"), [
    ("items_per_page = 0", "`items_per_page` must be at least 1"),
    ("feed_limit = -3", "`feed_limit` must be at least 1"),
    ('output_dir = "../elsewhere"', "`output_dir` must be a folder inside the digest (no `..`, not absolute)"),
    ('output_dir = "/var/www"', "`output_dir` must be a folder inside the digest (no `..`, not absolute)"),
    ('output_dir = " "', "`output_dir` must be a folder inside the digest (no `..`, not absolute)"),
    ('language = ""', "`language` must not be empty"),
    ('build_date = "yesterday"',
     "`build_date` must be an ISO 8601 date such as 2026-11-27, not `yesterday`"),
])
def test_bad_values(tmp_path, line, message):
    assert problems(tmp_path, MINIMAL + line + "\n") == [
        f"mawjaz.toml:3:1: error[config-value]: {message}",
    ]


def test_all_problems_are_reported_together(tmp_path):
    text = (
        'titel = "x"\n'               # 1: unknown, and title is then missing
        'base_url = "example.org"\n'  # 2
        'digits = "hindi"\n'          # 3
        'items_per_page = "ten"\n'    # 4
        'timezone = "Asia/Damascuss"\n'  # 5
    )
    assert problems(tmp_path, text) == [
        "mawjaz.toml: error[config-missing-key]: `title` is required",
        "mawjaz.toml:1:1: error[config-unknown-key]: unknown key `titel` (did you mean `title`?)",
        "mawjaz.toml:2:1: error[config-value]: `base_url` must be an absolute http(s) URL, "
        "not `example.org`",
        "mawjaz.toml:3:1: error[config-value]: `digits` must be one of `latn`, `arab`, not `hindi`",
        "mawjaz.toml:4:1: error[config-type]: `items_per_page` must be an integer, not str",
        "mawjaz.toml:5:1: error[config-value]: unknown time zone `Asia/Damascuss` "
        "(use an IANA name such as `Asia/Damascus`)",
    ]


def test_missing_required_keys(tmp_path):
    assert problems(tmp_path, "") == [
        "mawjaz.toml: error[config-missing-key]: `base_url` is required",
        "mawjaz.toml: error[config-missing-key]: `title` is required",
    ]


def test_missing_file(tmp_path):
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path / "mawjaz.toml")
    [problem] = failed.value.diagnostics
    assert problem.code == "config-missing"
    assert "mawjaz new" in problem.message


def test_toml_syntax_error_has_its_position(tmp_path):
    assert problems(tmp_path, MINIMAL + 'digits = "latn\n') == [
        "mawjaz.toml:3:15: error[config-syntax]: invalid TOML: "
        "Illegal character '\\n' (at line 3, column 15)",
    ]


def test_duplicate_key_is_a_syntax_error(tmp_path):
    [line] = problems(tmp_path, MINIMAL + 'title = "again"\n')
    assert line.startswith("mawjaz.toml:3:")
    assert "error[config-syntax]" in line


def test_non_utf8_config(tmp_path):
    path = tmp_path / "mawjaz.toml"
    path.write_bytes(b'title = "caf\xe9"\nbase_url = "https://example.org/"\n')
    with pytest.raises(BuildFailed) as failed:
        load_config(path)
    assert [d.format() for d in failed.value.diagnostics] == [
        "mawjaz.toml:1:13: error[config-encoding]: not UTF-8 (byte 12)",
    ]
