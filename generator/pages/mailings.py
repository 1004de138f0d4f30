"""Render: each edition's email files (``pages.newsletter``) and channel messages
(``pages.channels``) beside its page, ``editions/<day>/``; with the build's reuse, a rebuild
keeps an edition's files when what its page shows is unchanged, as it keeps the page.

Not pages: they stay out of the sitemap, the page count and the published-URL manifest.
"""

from __future__ import annotations

import re

import jinja2

from generator.cache.store import key
from generator.content.editions import Edition, site_editions
from generator.core.model import OutputFile, Site
from generator.pages.channels import channel_messages, channel_paths
from generator.pages.editions import edition_unchanged
from generator.pages.newsletter import (
    EML_NAME,
    HTML_NAME,
    TEXT_NAME,
    email_message,
    email_template,
    email_text,
    fitted_html,
    mail_view,
)
from generator.render.engine import RenderContext, emit, recorded_files, reused_files

_MAIL_FILE = re.compile(r"editions/[^/]+/(?:email\.(?:html|txt|eml)|channel-\d+\.txt)")


def mailed_editions(site: Site) -> tuple[Edition, ...]:
    """The editions that get email or channel files (none when editions or both are off)."""
    c = site.config
    if c.editions == "none" or not (c.emails or c.channel_text):
        return ()
    return site_editions(site)


def edition_mail(ctx: RenderContext, index: int) -> list[OutputFile]:
    """The files of the ``index``-th of ``mailed_editions`` (the build hands editions to its
    worker processes by index). A rebuild keeps an edition's files when what its page shows
    is unchanged, as it keeps its page."""
    site = ctx.site
    template = email_template(ctx) if site.config.emails else None
    return _edition_files(ctx, mailed_editions(site)[index], template)


def is_mail_file(path: str) -> bool:
    """Whether ``path`` is one of these files (not a page: kept out of the sitemap). Asked of
    every page of a site on every build: the pattern is matched in the editions' folder only."""
    return path.startswith("editions/") and _MAIL_FILE.fullmatch(path) is not None


def _edition_files(ctx: RenderContext, edition: Edition, template: jinja2.Template | None) -> list[OutputFile]:
    site = ctx.site
    folder = f"editions/{edition.key}/"
    origin = f"email of edition {edition.key}"
    file_key = ""
    if ctx.reuse is not None:
        known = [folder + name for name in (HTML_NAME, TEXT_NAME, EML_NAME)] if template else []
        channels = channel_paths(folder, ctx.reuse.pages) if site.config.channel_text else ()
        known += channels or []
        missing = site.config.channel_text and not channels  # a channel text has one message at least
        if known and not missing and edition_unchanged(ctx, edition):
            # Its articles and note are the last build's: the files by their recorded keys,
            # without spelling out the fingerprint of every article of every edition.
            previous = recorded_files(ctx.reuse, known, origin)
            if previous is not None:
                return previous
        parts = ("edition email", edition.key, site.notes.get(edition.key), ctx.fingerprints(edition.articles))
        file_key = key(ctx.reuse.salt, repr(parts))
        previous = reused_files(ctx.reuse, known, file_key, origin) if known and not missing else None
        if previous is not None:
            return previous
    view = mail_view(ctx, edition)
    made: list[tuple[str, bytes]] = []
    if template is not None:
        fitted, page = fitted_html(template, view)
        text = email_text(fitted)
        made += [(HTML_NAME, page.encode("utf-8")), (TEXT_NAME, text.encode("utf-8")),
                 (EML_NAME, email_message(site, edition, fitted, page, text))]
    if site.config.channel_text:
        made += [(name, message.encode("utf-8")) for name, message in channel_messages(view)]
    return [emit(ctx.spill, folder + name, data, origin, file_key) for name, data in made]

