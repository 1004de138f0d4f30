"""Render: an edition as messages for a Telegram or WhatsApp channel, one file per message
(``editions/<day>/channel-01.txt``, ``channel-02.txt``, …); posting them is left to the
curator's own tools (README shows a loop over the Bot API).

Plain text, no Markdown: Telegram's MarkdownV2 needs every ``.``, ``-`` and ``(`` escaped and
rejects the whole message over one slip, while plain text with bare URLs is linked by both
apps. A message stays under Telegram's limit of 4,096 characters (counted in UTF-16 code
units, as its API does) and is cut between items, never inside one unless a single item is
longer than a message. Channel apps set each line's direction from its first strong letter,
so in a right-to-left digest a line that starts with Latin text (an English title, a URL)
begins with a RIGHT-TO-LEFT MARK and keeps its trailing punctuation with a LEFT-TO-RIGHT
MARK (and the reverse in a left-to-right digest).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from generator.pages.newsletter import MailView

LIMIT = 4000  # UTF-16 code units per message: under Telegram's 4,096, with room to spare
RLM, LRM = "\u200f", "\u200e"
_RTL_CLASSES = frozenset({"R", "AL"})
# A line ending in a URL gets no closing mark: apps could take the mark into the link.
_URL_END = re.compile(r"(?:https?://|mailto:)\S*$")


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _strong(text: str) -> tuple[str, str]:
    """The bidirectional class (L or R) of the first and last strong character, "" if none.
    Looked for from each end: only those two count, and every line of every edition's
    messages is asked (classing each letter of each line was a tenth of an edition's mail)."""
    first = _first_strong(text)
    return (first, _first_strong(reversed(text))) if first else ("", "")


def _first_strong(letters: Iterable[str]) -> str:
    for bidi_class in map(unicodedata.bidirectional, letters):
        if bidi_class in _RTL_CLASSES:
            return "R"
        if bidi_class == "L":
            return "L"
    return ""


def marked(line: str, rtl: bool) -> str:
    """``line`` with direction marks where its first strong letter is of the other direction:
    the digest's own mark first, and the other's last when the line ends in punctuation after
    a letter of the other direction ("Talks resume." would otherwise show ".Talks resume")."""
    first, last = _strong(line)
    other, own_mark, other_mark = ("L", RLM, LRM) if rtl else ("R", LRM, RLM)
    if first != other:
        return line
    closing = last == other and not _strong(line[-1])[0] and not _URL_END.search(line)
    return own_mark + line + (other_mark if closing else "")


def channel_blocks(view: MailView) -> list[str]:
    """The header, the note and each item as blocks of text; a group's heading goes with its
    first item so that it is never left alone at the end of a message."""
    header = [view.site_title, view.title, f"{view.date_text} · {view.count_text}", view.view_url]
    blocks = ["\n".join(header)]
    if view.note_text:
        blocks.append(view.note_text)
    for group in view.groups:
        for index, item in enumerate(group.items):
            lines = [f"▪️ {group.label}", ""] if index == 0 and group.label else []
            lines += [f"• {item.title}", *([item.summary] if item.summary else []), item.url]
            blocks.append("\n".join(lines))
    return blocks


def split_messages(blocks: Sequence[str], rtl: bool, limit: int = LIMIT) -> list[str]:
    """Blocks joined by blank lines into messages of at most ``limit`` UTF-16 units, cut only
    between blocks (a block longer than a message is cut between its lines, then words)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        text = "\n".join(marked(line, rtl) for line in block.split("\n"))
        for piece in _pieces(text, limit):
            joined = f"{current}\n\n{piece}" if current else piece
            if utf16_units(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _pieces(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` units: whole when it fits, else by lines, and a
    line too long by words (by characters for a word longer than a message)."""
    if utf16_units(text) <= limit:
        return [text]
    lines: list[str] = []
    for line in text.split("\n"):
        lines += [line] if utf16_units(line) <= limit else _greedy(_chunks(line.split(" "), limit), " ", limit)
    return _greedy(lines, "\n", limit)


def _chunks(words: Sequence[str], limit: int) -> list[str]:
    """Words, a word longer than ``limit`` cut into pieces that fit."""
    found: list[str] = []
    for word in words:
        while utf16_units(word) > limit:
            cut = limit // 2  # a character may take two units
            found.append(word[:cut])
            word = word[cut:]
        found.append(word)
    return found


def _greedy(parts: Sequence[str], separator: str, limit: int) -> list[str]:
    """``parts`` (each within ``limit``) joined by ``separator`` into as few pieces as fit."""
    pieces: list[str] = []
    current: str | None = None
    for part in parts:
        joined = part if current is None else current + separator + part
        if current is not None and utf16_units(joined) > limit:
            pieces.append(current)
            current = part
        else:
            current = joined
    if current is not None:
        pieces.append(current)
    return pieces


def channel_names(count: int) -> list[str]:
    """``channel-01.txt`` … (three digits from 100 on, so that names sort in order)."""
    width = max(2, len(str(count)))
    return [f"channel-{n:0{width}d}.txt" for n in range(1, count + 1)]


def channel_messages(view: MailView) -> list[tuple[str, str]]:
    """(file name, message) for every message of the edition, each ending in a newline."""
    messages = split_messages(channel_blocks(view), view.dir == "rtl")
    return [(name, message + "\n") for name, message in zip(channel_names(len(messages)), messages, strict=True)]


def channel_paths(folder: str, recorded: Mapping[str, object]) -> list[str] | None:
    """The channel files an earlier build recorded in ``folder``, or None when it has none."""
    for width in (2, 3, 4):
        found = []
        while (path := f"{folder}channel-{len(found) + 1:0{width}d}.txt") in recorded:
            found.append(path)
        if found:
            return found
    return None
