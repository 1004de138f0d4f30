"""The publishing recipes in docs/ and README, run as far as a machine without the hosts allows:
the workflow's and netlify.toml's own ``mawjaz`` command lines are executed by a real shell,
and the result is checked for what the host will need (links under the project sub-path,
security headers equal to the theme's policy)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from packaging.requirements import Requirement

from generator.core.config import SiteConfig
from generator.render.engine import CSP

REPO = Path(__file__).resolve().parent.parent
PROJECT_URLS = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["urls"]
DOCS = REPO / "docs"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


@pytest.fixture()
def digest(tmp_path: Path) -> Path:
    """The sample digest, as a user's repository would hold it, and ``mawjaz`` on PATH."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy2(REPO / "mawjaz.toml", root / "mawjaz.toml")
    shutil.copytree(REPO / "content", root / "content")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mawjaz"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n', "utf-8")
    shim.chmod(0o755)
    return root


def shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{cwd.parent / 'bin'}{os.pathsep}{os.environ['PATH']}"
    full_env = {**os.environ, "PATH": path, "PYTHONPATH": str(REPO), **env}
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=full_env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def check_site_under(site: Path, base_path: str) -> None:
    """Every root-relative link of every page stays under ``base_path`` and finds its file."""
    pages = [p for p in site.rglob("*.html")]
    assert pages
    for page in pages:
        parser = Links()
        parser.feed(page.read_text("utf-8"))
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            assert parts.path.startswith(base_path), f"{page}: {link} escapes {base_path}"
            rel = unquote(parts.path[len(base_path):])
            target = site / rel / "index.html" if rel.endswith("/") or not rel else site / rel
            assert target.is_file(), f"{page}: {link} has no file"


def test_github_pages_workflow_builds_for_the_project_sub_path(digest: Path) -> None:
    workflow = yaml.safe_load((DOCS / "github-pages.yml").read_text("utf-8"))
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = workflow["jobs"]["build"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == SiteConfig.__dataclass_fields__["output_dir"].default
    assert any(s.get("uses", "").startswith("actions/deploy-pages")
               for s in workflow["jobs"]["deploy"]["steps"])
    commands = [s for s in steps if s.get("run", "").startswith("mawjaz ")]
    assert [s["run"].split()[1] for s in commands] == ["check", "build"]
    for step in commands:
        env = {k: v.replace("${{ steps.pages.outputs.base_url }}", "https://user.github.io/repo")
               for k, v in step.get("env", {}).items()}
        shell(step["run"], digest, **env)
    home = (digest / "site" / "index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://user.github.io/repo/">' in home
    check_site_under(digest / "site", "/repo/")


def pinned_install(command: str, env: dict[str, str]) -> str:
    """The ``pip install`` half of a recipe's command: it installs mawjaz from its git
    repository at a fixed tag or commit (not a branch), which the recipe sets in ``env``.
    Returns the rest of the command (the ``mawjaz`` part) to run."""
    install, _, rest = command.partition(" && ")
    words = shlex.split(install)
    assert words[:2] == ["pip", "install"] and len(words) == 3, install
    requirement = Requirement(words[2].replace("$MAWJAZ", env["MAWJAZ"]))
    assert requirement.name == "mawjaz" and requirement.url, requirement
    url, _, ref = requirement.url.rpartition("@")
    assert url.startswith("git+https://") and url.endswith("/mawjaz"), requirement.url
    assert ref and ref not in ("main", "master", "HEAD"), f"not pinned: {requirement.url}"
    assert url.removeprefix("git+") == PROJECT_URLS["Source"], "the recipe installs from the project's repository"
    return rest


def test_github_pages_installs_a_pinned_mawjaz() -> None:
    workflow = yaml.safe_load((DOCS / "github-pages.yml").read_text("utf-8"))
    step = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("run", "").startswith("pip "))
    assert pinned_install(step["run"], step["env"]) == ""


def test_netlify_builds_each_context_for_its_own_address(digest: Path) -> None:
    """Production gets the site's main address ($URL) even though Netlify sets
    $DEPLOY_PRIME_URL in production too; previews and branch deploys get their own."""
    config = tomllib.loads((DOCS / "netlify.toml").read_text("utf-8"))
    assert config["build"]["publish"] == SiteConfig.__dataclass_fields__["output_dir"].default
    recipe_env = config["build"]["environment"]
    netlify_env = {"URL": "https://digest.example",
                   "DEPLOY_PRIME_URL": "https://main--digest.netlify.app"}
    expected = {"production": "https://digest.example/",
                "deploy-preview": "https://main--digest.netlify.app/",
                "branch-deploy": "https://main--digest.netlify.app/"}
    for context, address in expected.items():
        command = pinned_install(config["context"][context]["command"], recipe_env)
        shell(command, digest, **netlify_env)
        assert f"<loc>{address}</loc>" in (digest / "site" / "sitemap.xml").read_text("utf-8"), context
        check_site_under(digest / "site", "/")
    assert pinned_install(config["build"]["command"], recipe_env)


def test_netlify_sends_the_theme_policy() -> None:
    """The header says what every page's <meta> says, plus frame-ancestors (which only a
    header can say), and allows nothing unsafe: the search page needs no more than the others
    (tests/e2e/test_publishing_headers.py searches in a browser with these headers)."""
    config = tomllib.loads((DOCS / "netlify.toml").read_text("utf-8"))
    headers = next(h for h in config["headers"] if h["for"] == "/*")["values"]
    policy = dict(_directives(headers["Content-Security-Policy"]))
    theme = dict(_directives(CSP))
    assert {k: policy[k] for k in theme} == theme
    assert policy.keys() - theme.keys() == {"frame-ancestors"}
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_readme_points_at_the_recipes() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    publishing = readme[readme.index("## Publishing"):]
    for needle in ("docs/github-pages.yml", "docs/netlify.toml", "mawjaz build --base-url",
                   "rsync", "aws s3 sync"):
        assert needle in publishing, needle


def _directives(policy: str) -> list[tuple[str, str]]:
    return [(d.split()[0], " ".join(d.split()[1:])) for d in re.split(r"\s*;\s*", policy.strip()) if d]
