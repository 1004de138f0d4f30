"""Each setting is declared once (``core.config.SETTINGS``); what is written elsewhere agrees.

``SiteConfig`` keeps typed fields so that code reading a setting is checked by tools: these
tests hold its fields to the declarations, and hold the code to reading them typed, with no
fall-back defaults of its own and no changes after loading.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generator.core.config import SETTINGS, SiteConfig, validate_config
from generator.core.diagnostics import BuildFailed

PACKAGE = Path(__file__).resolve().parents[3] / "generator"
MINIMAL = {"title": "t", "base_url": "https://example.org/"}


def field_default(item: dataclasses.Field) -> object:
    if item.default_factory is not dataclasses.MISSING:
        return item.default_factory()
    return item.default


def test_site_config_fields_are_the_declared_settings_in_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(SiteConfig)) == tuple(s.name for s in SETTINGS)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_defaults_agree(setting) -> None:
    item = next(f for f in dataclasses.fields(SiteConfig) if f.name == setting.name)
    if setting.required:
        assert item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
    else:
        assert field_default(item) == setting.default
        assert getattr(validate_config(MINIMAL, "", "mawjaz.toml"), setting.name) == setting.default


@pytest.mark.parametrize("setting", [s for s in SETTINGS if not s.required and s.default is not None],
                         ids=lambda s: s.name)
def test_each_default_passes_its_own_checks(setting) -> None:
    config = validate_config({**MINIMAL, setting.name: setting.default}, "", "mawjaz.toml")
    assert getattr(config, setting.name) == setting.default


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_has_help_and_a_template_value(setting) -> None:
    assert setting.help.strip()
    assert setting.required or setting.default is not None or setting.example


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.allowed], ids=lambda s: s.name)
def test_allowed_values_are_checked(setting) -> None:
    with pytest.raises(BuildFailed) as failed:
        validate_config({**MINIMAL, setting.name: "nonsense"}, "", "mawjaz.toml")
    [problem] = failed.value.diagnostics
    assert problem.code == "config-value"
    assert all(f"`{value}`" in problem.message for value in setting.allowed)


def python_sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize(("pattern", "why"), [
    (r"getattr\(\s*(?:site\.|ctx\.site\.)?config\b",
     "read a setting as a typed field, never with a default of its own"),
    (r"\bconfig: Any\b", "type a config parameter as SiteConfig"),
    (r"replace\(\s*(?:site\.|ctx\.site\.)?config\b", "the loaded config is never changed: put what a build "
                                                      "derives in BuildSettings"),
])
def test_config_is_used_typed_and_unchanged(pattern: str, why: str) -> None:
    found = [f"{path.relative_to(PACKAGE.parent)}:{text.count(chr(10), 0, match.start()) + 1}"
             for path in python_sources()
             for text in [path.read_text("utf-8")]
             for match in re.finditer(pattern, text)]
    assert not found, f"{why}: {found}"
