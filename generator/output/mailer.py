"""Mailing an edition: the ``email.eml`` a build wrote, sent through SMTP to each address of
a list, each (edition, address) at most once.

What was sent is recorded in a file of its own (``mawjaz-sent.tsv`` in the digest by
default), outside the site and the build cache: a build may replace both at any time, and a
curator who sends from CI commits the record with the digest. A line is appended, and
flushed to disk, as soon as the server accepts a message, so a send stopped half-way (or
killed) resumes where it stopped and never mails anyone twice. While a send runs it holds a
lock on the record, so two sends of one digest cannot both mail the same address.

Failures the server calls temporary (4xx replies, a dropped connection, a refused connect)
are tried again after a wait; permanent ones (5xx) are reported for that address and the
rest of the list still gets the edition.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime
from pathlib import Path

from generator.core.config import valid_address
from generator.core.diagnostics import Diagnostic, error, warning

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

RECORD_NAME = "mawjaz-sent.tsv"
RECORD_HEADER = "# mawjaz send: edition\taddress\tsent at (UTC)\n"
USER_VARIABLE, PASSWORD_VARIABLE = "MAWJAZ_SMTP_USER", "MAWJAZ_SMTP_PASSWORD"
_COMMENT = re.compile(r"(?:^|\s)#.*$")


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    line: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened for one address: ``sent``, ``already sent``, ``would send`` or ``failed``."""

    address: str
    status: str
    detail: str = ""


class RecordBusy(Exception):
    """Another ``mawjaz send`` holds the record."""


class Transient(Exception):
    """A failure worth trying again (the server said 4xx, or the connection broke)."""


class Permanent(Exception):
    """A failure that trying again will not mend (the server said 5xx)."""


class Fatal(Exception):
    """A failure no address can get past (the server refused the login, cannot do STARTTLS,
    or its certificate does not check out): the send stops rather than try every address."""


def read_recipients(path: Path, rel: str) -> tuple[tuple[Recipient, ...], tuple[Diagnostic, ...]]:
    """Addresses of ``path``, one a line; ``#`` starts a comment, blank lines are skipped.
    A line that is not an address is an error at its line; a repeated address a warning."""
    found: list[Recipient] = []
    problems: list[Diagnostic] = []
    seen: dict[str, int] = {}
    text = path.read_bytes().decode("utf-8", "replace")
    for number, raw in enumerate(text.splitlines(), start=1):
        address = _COMMENT.sub("", raw).strip()
        if not address:
            continue
        if not valid_address(address):
            problems.append(error(rel, number, 1, "send-address", f"`{address}` is not an email address"))
        elif address.casefold() in seen:
            problems.append(warning(rel, number, 1, "send-repeated",
                                    f"`{address}` is already on line {seen[address.casefold()]}; it gets one email"))
        else:
            seen[address.casefold()] = number
            found.append(Recipient(address, number))
    return tuple(found), tuple(problems)


class SentRecord:
    """The (edition, address) pairs already mailed, and the file new ones are appended to."""

    def __init__(self, path: Path, handle: int | None) -> None:
        self.path = path
        self._handle = handle  # None: read only (a dry run)
        self._sent = self._read()

    def _read(self) -> set[tuple[str, str]]:
        sent = set()
        data = b""
        while self._handle is not None and (chunk := os.pread(self._handle, 1 << 16, len(data))):
            data += chunk
        for line in data.decode("utf-8", "replace").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and not line.startswith("#"):
                sent.add((parts[0], parts[1].casefold()))
        return sent

    def has(self, edition: str, address: str) -> bool:
        return (edition, address.casefold()) in self._sent

    def add(self, edition: str, address: str, when: datetime) -> None:
        """Appended and on disk before the next address is tried."""
        if self._handle is None:
            raise OSError(errno.EBADF, "the record was opened for reading only", str(self.path))
        line = f"{edition}\t{address}\t{when.astimezone(UTC).isoformat(timespec='seconds')}\n"
        if os.fstat(self._handle).st_size == 0:
            line = RECORD_HEADER + line
        os.write(self._handle, line.encode("utf-8"))
        os.fsync(self._handle)
        self._sent.add((edition, address.casefold()))


@contextlib.contextmanager
def open_record(path: Path, write: bool = True) -> Iterator[SentRecord]:
    """The record at ``path``, created when missing and locked while in use (a link is
    refused: a cloned digest could plant one that leads anywhere). ``write=False`` (a dry
    run) reads what is there and creates nothing."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not write:
        if not os.path.lexists(path):
            yield SentRecord(path, None)
            return
        handle = os.open(path, os.O_RDONLY | nofollow)
        try:
            yield SentRecord(path, handle)
        finally:
            os.close(handle)
        return
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | nofollow, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EAGAIN):
                    raise RecordBusy(str(path)) from None
                raise
        yield SentRecord(path, handle)
    finally:
        os.close(handle)


def edition_message(eml: bytes) -> EmailMessage:
    message = message_from_bytes(eml, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def addressed(message: EmailMessage, address: str, when: datetime) -> bytes:
    """The edition's message for one reader: their address in ``To`` and the sending time
    in ``Date`` (the written file carries the edition's own date)."""
    copy = edition_message(message.as_bytes(policy=SMTP))
    del copy["To"]
    del copy["Date"]
    copy["To"] = address
    copy["Date"] = format_datetime(when)
    return copy.as_bytes(policy=SMTP)


def envelope_sender(message: EmailMessage) -> str:
    return message["From"].addresses[0].addr_spec


class Postman:
    """One SMTP connection, opened when first needed and opened again after a failure."""

    def __init__(self, host: str, port: int, starttls: bool, login: tuple[str, str] | None,
                 timeout: float = 60.0) -> None:
        self.host, self.port, self.starttls, self.login, self.timeout = host, port, starttls, login, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.login:
                smtp.login(*self.login)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, sender: str, address: str, data: bytes) -> None:
        """Raises ``Transient``, ``Permanent`` or ``Fatal``; the connection is dropped after any."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, ssl.SSLError) as exc:
            raise Fatal(_reason(exc)) from None
        except smtplib.SMTPResponseException as exc:
            detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise (Transient if 400 <= exc.smtp_code < 500 else Permanent)(detail) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out
            raise Transient(str(exc) or exc.__class__.__name__) from None
        try:
            refused = self._smtp.sendmail(sender, [address], data)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _text in exc.recipients.values()]
            detail = "; ".join(f"{code} {_text(text)}" for code, text in exc.recipients.values())
            raise (Transient if all(400 <= c < 500 for c in codes) else Permanent)(detail) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise (Transient if 400 <= exc.smtp_code < 500 else Permanent)(detail) from None
        except (smtplib.SMTPException, OSError) as exc:  # a dropped or refused connection, a timeout
            self.close()
            raise Transient(str(exc) or exc.__class__.__name__) from None
        if refused:  # one recipient per message: not reached, but never taken for success
            raise Permanent(str(refused))

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or exc.__class__.__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


@dataclass(frozen=True, slots=True)
class Delivery:
    """How one edition is mailed: tries per address and the waits between them (seconds)."""

    edition: str
    message: EmailMessage
    attempts: int = 3
    waits: Sequence[float] = (2.0, 8.0)
    dry_run: bool = False


def deliver(delivery: Delivery, recipients: Sequence[Recipient], record: SentRecord,
            postman: Postman | None, report: Callable[[Outcome], None],
            sleep: Callable[[float], None], clock: Callable[[], datetime]) -> list[Outcome]:
    """Send the edition to every recipient not in ``record``; ``report`` hears each outcome
    as it happens."""
    outcomes = []
    sender = envelope_sender(delivery.message)
    stopped = ""
    for recipient in recipients:
        address = recipient.address
        if record.has(delivery.edition, address):
            outcome = Outcome(address, "already sent")
        elif delivery.dry_run or postman is None:
            outcome = Outcome(address, "would send")
        elif stopped:
            outcome = Outcome(address, "failed", f"not tried: {stopped}")
        else:
            try:
                outcome = _send_one(delivery, sender, address, record, postman, sleep, clock)
            except Fatal as exc:
                stopped = str(exc)
                outcome = Outcome(address, "failed", stopped)
        report(outcome)
        outcomes.append(outcome)
    return outcomes


def _send_one(delivery: Delivery, sender: str, address: str, record: SentRecord, postman: Postman,
              sleep: Callable[[float], None], clock: Callable[[], datetime]) -> Outcome:
    problem = ""
    for attempt in range(delivery.attempts):
        if attempt:
            sleep(delivery.waits[min(attempt - 1, len(delivery.waits) - 1)] if delivery.waits else 0)
        when = clock()
        try:
            postman.send(sender, address, addressed(delivery.message, address, when))
        except Permanent as exc:
            return Outcome(address, "failed", str(exc))
        except Transient as exc:
            problem = str(exc)
            continue
        record.add(delivery.edition, address, when)
        return Outcome(address, "sent", f"after {attempt + 1} tries" if attempt else "")
    return Outcome(address, "failed", f"{problem} (tried {delivery.attempts} times)")
