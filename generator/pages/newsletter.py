"""Render: every edition as an email, written beside its page (``editions/<day>/``):
``email.html``, ``email.txt`` and ``email.eml``, the complete message ``mawjaz send`` mails.

An email is read in clients that follow none of the web's rules: Gmail and Outlook drop
``<html>`` attributes and ``<style>`` blocks, Outlook lays out with Word, and Gmail clips a
message past 102 KB. So the HTML is a table about 600 px wide with every style inlined (by
``css-inline``), ``lang``/``dir`` repeated on the body wrapper and on every block of the
other direction, physical ``text-align`` beside ``dir`` for clients that ignore ``dir``,
absolute links only, and no script, form or external stylesheet. An edition too large for
102 KB shows its first articles and links to the edition page for the rest; the text part
lists the same items.

Everything is made from the edition page's own view (``pages.editions.edition_view``):
titles and summaries are the cleaned article data and are escaped by the template; a note's
body is the sanitised HTML of ``content.markup`` with its links made absolute.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import css_inline
import jinja2
from markupsafe import Markup, escape

from generator.content.editions import Edition
from generator.core.labels import phrase, plural
from generator.core.model import Site, direction_of
from generator.core.urls import absolute
from generator.feeds.absolute_urls import absolutize_html
from generator.pages.editions import EditionView, edition_view
from generator.render.engine import RenderContext
from generator.render.theme import default_theme, make_environment
from generator.render.views import ActorRef, ArticleView

TEMPLATE = "email/edition.html"
HTML_NAME, TEXT_NAME, EML_NAME = "email.html", "email.txt", "email.eml"
# For a browser that opens the email from the site: its styles are inline by design (mail
# clients read nothing else), and it runs, loads and submits nothing else. Mail clients drop
# the element; the site's own policy (``render.engine.CSP``) is for its pages.
EMAIL_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
             "base-uri 'none'; form-action 'none'")
# Gmail clips a message whose HTML passes 102 KB (102 × 1024 bytes); a margin for what a
# sending service adds (tracking pixels, footers).
MAX_HTML_BYTES = 100_000


@dataclass(frozen=True, slots=True)
class MailItem:
    """One article as an email shows it; ``lang``/``dir`` are its own, ``align`` the
    physical side its text starts on."""

    title: str
    url: str
    summary: str
    meta: str
    lang: str
    dir: str
    align: str
    foreign: bool


@dataclass(frozen=True, slots=True)
class MailGroup:
    label: str  # "" for the one list of a curated edition
    url: str
    lang: str
    dir: str
    align: str
    foreign: bool
    items: tuple[MailItem, ...]


@dataclass(frozen=True, slots=True)
class MailView:
    """What an edition's email shows, in the digest's language."""

    key: str
    subject: str
    preheader: str
    site_title: str
    site_url: str
    title: str
    date_text: str
    count_text: str
    view_url: str
    note_html: str  # sanitised, links absolute
    note_text: str
    lang: str
    dir: str
    align: str
    groups: tuple[MailGroup, ...]
    omitted: int  # articles left for the edition page when the whole would be too large
    digits: str
    unsubscribe: tuple[tuple[str, str], ...]  # (label, URL): https page, mailto
    labels: tuple[tuple[str, str], ...]

    @property
    def items(self) -> tuple[MailItem, ...]:
        return tuple(item for group in self.groups for item in group.items)

    def label(self, name: str) -> str:
        return dict(self.labels)[name]

    @property
    def more_text(self) -> str:
        """"The rest of this edition (12 articles) is on its page", when articles were left out."""
        articles = plural(self.lang, "plural.articles", self.omitted, self.digits)
        return phrase(self.lang, "email.more", articles=articles) if self.omitted else ""


def align_of(direction: str) -> str:
    """The physical side text starts on: what ``text-align`` must say in clients that ignore
    ``dir`` (and CSS's ``start``)."""
    return "right" if direction == "rtl" else "left"


def mail_view(ctx: RenderContext, edition: Edition) -> MailView:
    return _mail_view(ctx.site, edition_view(ctx, edition))


def _mail_view(site: Site, view: EditionView) -> MailView:
    c = site.config
    lang = c.language
    base = site.settings.base_url
    page_url = absolute(base, f"editions/{view.key}/")
    note = site.notes.get(view.key)
    note_html = absolutize_html(note.body_html, page_url) if note and note.body_html else ""
    groups = tuple(_group(base, lang, g.label if not view.curated else "", g.actor, g.articles) for g in view.groups)
    subject = f"{c.title}: {view.title}"
    if view.date_text not in view.title:  # a note's own title: the date still goes in
        subject += f" ({view.date_text})"
    subject = " ".join(subject.split())  # a note's title may span lines; a header may not
    # each title isolated (FSI … PDI): an English title must not reorder the Arabic around it
    titles = " · ".join(f"\u2068{item.title}\u2069" for group in groups for item in group.items)
    preheader = _cut(f"{view.count_text}: {titles}", 140)
    return MailView(
        key=view.key, subject=subject, preheader=preheader, site_title=c.title, site_url=base,
        title=view.title, date_text=view.date_text, count_text=view.count_text, view_url=page_url,
        note_html=note_html, note_text=html_to_text(note_html), lang=lang, dir=direction_of(lang),
        align=align_of(direction_of(lang)), groups=groups, omitted=0, digits=c.digits,
        unsubscribe=unsubscribe_links(site),
        labels=(("view_online", phrase(lang, "email.view_online")), ("unsubscribe", phrase(lang, "email.unsubscribe")),
                ("why", phrase(lang, "email.why", title=c.title)), ("note", phrase(lang, "edition.note"))),
    )


def _group(base: str, lang: str, label: str, actor: ActorRef | None, articles: Sequence[ArticleView]) -> MailGroup:
    name_lang = actor.lang if actor is not None else lang
    direction = direction_of(name_lang)
    items = []
    for a in articles:
        meta = " · ".join(part for part in (a.source_name, a.date_text) if part)
        items.append(MailItem(a.title, a.abs_url, a.summary, meta, a.lang, a.dir, align_of(a.dir), a.foreign))
    url = urljoin(base, actor.url) if actor is not None else ""
    return MailGroup(label, url, name_lang, direction, align_of(direction),
                     name_lang.split("-")[0] != lang.split("-")[0], tuple(items))


def unsubscribe_links(site: Site) -> tuple[tuple[str, str], ...]:
    c = site.config
    links = []
    if c.unsubscribe_url:
        links.append((c.unsubscribe_url, c.unsubscribe_url))
    if c.unsubscribe_email:
        links.append((c.unsubscribe_email, f"mailto:{c.unsubscribe_email}?subject=unsubscribe"))
    return tuple(links)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ·،,") + "…"


# --- HTML ------------------------------------------------------------------------------------

def email_template(ctx: RenderContext) -> jinja2.Template:
    """The theme's email template; a digest whose own theme has none uses the default's."""
    try:
        return ctx.env.get_template(TEMPLATE)
    except jinja2.TemplateNotFound:
        return make_environment(default_theme()).get_template(TEMPLATE)


def email_html(template: jinja2.Template, view: MailView) -> str:
    """The email's HTML, every style inlined; only rules that cannot be inline (dark colours,
    narrow screens) stay in the ``<style>`` block, and the layout needs none of them."""
    page = template.render(mail=view, label=view.label, breakable=breakable, csp=EMAIL_CSP)
    return css_inline.inline(page, keep_at_rules=True, load_remote_stylesheets=False)


_LONG_WORD = re.compile(r"\S{25,}")


def breakable(text: str) -> Markup:
    """``text`` escaped, with a ``<wbr>`` every 20 characters of a word longer than 24 (a
    pasted URL, a run-together headline): a client that drops every style, and so
    ``overflow-wrap``, must still fit a phone without scrolling sideways."""
    if _LONG_WORD.search(text) is None:
        return escape(text)
    parts = []
    last = 0
    for match in _LONG_WORD.finditer(text):
        word = match.group(0)
        parts += [escape(text[last:match.start()]),
                  Markup("<wbr>").join(escape(word[i:i + 20]) for i in range(0, len(word), 20))]
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def fitted_html(template: jinja2.Template, view: MailView) -> tuple[MailView, str]:
    """The view and its HTML, with the edition's last articles left to the edition page
    when the whole would pass ``MAX_HTML_BYTES``."""
    page = email_html(template, view)
    total = len(view.items)
    keep = total
    while len(page.encode("utf-8")) > MAX_HTML_BYTES and keep > 1:
        keep = max(1, min(keep - 1, int(keep * MAX_HTML_BYTES / len(page.encode("utf-8")) * 0.95)))
        view = _first(view, keep, total)
        page = email_html(template, view)
    return view, page


def _first(view: MailView, keep: int, total: int) -> MailView:
    groups = []
    left = keep
    for group in view.groups:
        if left <= 0:
            break
        groups.append(replace(group, items=group.items[:left]))
        left -= len(group.items)
    shown = tuple(g for g in groups if g.items)
    return replace(view, groups=shown, omitted=total - sum(len(g.items) for g in shown))


# --- plain text ------------------------------------------------------------------------------

class _Text(HTMLParser):
    """Sanitised HTML as plain text: one paragraph per block, a link's URL after its text."""

    BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                        "tr", "br", "ul", "ol", "figure", "figcaption", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href = self.links.pop()
            if href.startswith(("http://", "https://", "mailto:")):
                self.parts.append(f" ({href})")
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(fragment: str) -> str:
    if not fragment:
        return ""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n\n".join(line for line in lines if line)


def email_text(view: MailView) -> str:
    """The text part: the same items and links as the HTML, a line under each heading."""
    out = [view.site_title, "", view.title, f"{view.date_text} · {view.count_text}", "",
           f"{view.label('view_online')}: {view.view_url}", ""]
    if view.note_text:
        out += [view.label("note"), "-" * len(view.label("note")), view.note_text, ""]
    for group in view.groups:
        if group.label:
            out += [group.label, "=" * len(group.label), ""]
        for item in group.items:
            out += [f"• {item.title}"]
            out += [f"  {item.summary}"] if item.summary else []
            out += [f"  {item.meta}"] if item.meta else []
            out += [f"  {item.url}", ""]
    if view.omitted:
        out += [f"{view.more_text}: {view.view_url}", ""]
    out += ["--", view.label("why")]
    out += [f"{view.label('unsubscribe')}: {url}" for _text, url in view.unsubscribe]
    return "\n".join(out).rstrip("\n") + "\n"


# --- the message -----------------------------------------------------------------------------

def sender(site: Site) -> Address:
    c = site.config
    address = c.email_sender or f"noreply@{_host(site)}"
    local, _, domain = address.rpartition("@")
    return Address(c.email_sender_name or c.title, local, domain)


def _host(site: Site) -> str:
    host = urlsplit(site.settings.base_url).hostname or "localhost"
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def email_message(site: Site, edition: Edition, view: MailView, page: str, text: str) -> bytes:
    """The complete message, ``multipart/alternative`` (text, then HTML), UTF-8 in base64
    (Arabic in quoted-printable takes three times its size), headers folded and encoded per
    RFC 2047 by ``email.policy.SMTP``, CRLF line ends. Deterministic: the date is the
    edition's newest article's, the boundary and Message-ID are made from the edition."""
    # From the parts alone (not ``cache.store.key``, which changes with mawjaz's own code).
    boundary = "=_mawjaz_" + hashlib.sha256(f"{text}\0{page}".encode()).hexdigest()[:24]
    return alternative_message(message_headers(site, edition, view), text, page, boundary)


def message_headers(site: Site, edition: Edition, view: MailView) -> EmailMessage:
    """The message's own headers, without a body. No Content-Language: ``set_content`` drops
    every ``Content-*`` header of the message it fills, so the messages mawjaz wrote never
    carried the one it once set (the HTML part has its ``lang``)."""
    c = site.config
    message = EmailMessage(policy=SMTP)
    message["Subject"] = view.subject
    message["From"] = sender(site)
    if c.email_reply_to:
        local, _, domain = c.email_reply_to.rpartition("@")
        message["Reply-To"] = Address("", local, domain)
    newest = max(a.updated or a.date for a in edition.articles)
    message["Date"] = format_datetime(newest.astimezone(c.tz))
    message["Message-ID"] = f"<edition.{c.editions}.{edition.key}@{_host(site)}>"
    if view.unsubscribe:
        message["List-Unsubscribe"] = ", ".join(f"<{url}>" for _text, url in reversed(view.unsubscribe))
    return message


_CRLF = b"\r\n"
# The part headers ``set_content(..., charset="utf-8", cte="base64")`` writes; the second
# part is made as a message of its own, so it has a MIME-Version too.
_TEXT_PART_HEAD = b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
_HTML_PART_HEAD = (b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n'
                   b"MIME-Version: 1.0\r\n\r\n")


def alternative_message(headers: EmailMessage, text: str, page: str, boundary: str) -> bytes:
    """Byte for byte what ``headers.set_content(text, subtype="plain", charset="utf-8",
    cte="base64")``, ``add_alternative(page, subtype="html", ...)`` (the same),
    ``set_boundary(boundary)`` and ``as_bytes()`` give, with ``email.policy.SMTP``; the
    ``email`` package folds and encodes the headers, the parts are written here.
    ``as_bytes`` flattens each body line by line in Python: four fifths of the message's
    time (tests/unit/pages/test_newsletter.py compares the bytes with that path)."""
    mime = EmailMessage(policy=SMTP)  # the headers the multipart adds after the message's own
    mime["MIME-Version"] = "1.0"
    mime["Content-Type"] = "multipart/alternative"
    mime.set_boundary(boundary)
    head = [SMTP.fold_binary(name, value) for message in (headers, mime) for name, value in message.raw_items()]
    mark = b"--" + boundary.encode("ascii")
    return b"".join((*head, _CRLF, mark, _CRLF, _TEXT_PART_HEAD, _base64_body(text),
                     _CRLF, mark, _CRLF, _HTML_PART_HEAD, _base64_body(page),
                     _CRLF, mark, b"--", _CRLF))


def _base64_body(text: str) -> bytes:
    """``text`` as a base64 body the way the ``email`` package encodes it: lines ended with
    CRLF (any of CR, LF or CRLF in ``text`` ends one), 76 characters a line, each CRLF-ended."""
    data = b"\r\n".join(text.encode("utf-8").splitlines()) + _CRLF
    return base64.encodebytes(data).replace(b"\n", _CRLF)
