"""``mawjaz send``: mail one edition of the built site to a list of addresses.

The message is the ``email.eml`` the build wrote beside the edition page, so what is mailed
is what was built and reviewed. The SMTP user and password come from the environment only
(``MAWJAZ_SMTP_USER``, ``MAWJAZ_SMTP_PASSWORD``), never from ``mawjaz.toml``, which is
committed and cloned; they are sent only over ``--starttls`` or to this machine. Exit 0 when
every address has the edition, 1 when any failed, 2 on wrong usage, 3 when the built edition
or the list cannot be read, 4 when another send of the digest is running.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from generator.cli.main import EXIT_BUSY, EXIT_CONTENT, EXIT_IO, EXIT_OK, EXIT_USAGE
from generator.cli.report import print_diagnostics
from generator.core.config import CONFIG_NAME, load_config
from generator.core.diagnostics import BuildFailed, has_errors
from generator.output.mailer import (
    PASSWORD_VARIABLE,
    RECORD_NAME,
    USER_VARIABLE,
    Delivery,
    Outcome,
    Postman,
    RecordBusy,
    deliver,
    edition_message,
    open_record,
    read_recipients,
)
from generator.pages.newsletter import EML_NAME

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOCAL = ("127.0.0.1", "::1", "localhost")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "send", help="mail an edition of the built site to a list of addresses",
        description="Send one edition's email (editions/<day>/email.eml of the built site) to each "
                    "address in FILE through SMTP, never twice to one address. SMTP credentials "
                    f"come from {USER_VARIABLE} and {PASSWORD_VARIABLE}.")
    parser.add_argument("--root", default=".", metavar="DIR",
                        help="the digest folder (holding mawjaz.toml); default: current folder")
    parser.add_argument("--edition", default="latest", metavar="DATE",
                        help="the edition's day (YYYY-MM-DD, a weekly edition's Monday) or `latest` (default)")
    parser.add_argument("--to", required=True, metavar="FILE",
                        help="addresses, one a line; `#` starts a comment")
    parser.add_argument("--smtp", required=True, metavar="HOST:PORT", help="the SMTP server")
    parser.add_argument("--starttls", action="store_true", help="switch to TLS (STARTTLS) before sending")
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    parser.add_argument("--site", metavar="DIR", help="the built site (default: output_dir of mawjaz.toml)")
    parser.add_argument("--record", metavar="FILE",
                        help=f"the record of what was sent (default: {RECORD_NAME} in the digest)")
    parser.add_argument("--attempts", type=int, default=3, metavar="N",
                        help="tries per address on temporary failures (default: 3)")
    parser.add_argument("--retry-wait", type=float, default=5.0, metavar="SECONDS",
                        help="wait before the second try, doubled before each later one (default: 5)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).absolute()
    server = _server(args.smtp)
    if server is None or args.attempts < 1 or args.retry_wait < 0:
        print("mawjaz send: --smtp is HOST:PORT, --attempts at least 1, --retry-wait not negative",
              file=sys.stderr)
        return EXIT_USAGE
    login = _login(server[0], args.starttls)
    if isinstance(login, str):
        print(f"mawjaz send: {login}", file=sys.stderr)
        return EXIT_USAGE
    try:
        config = load_config(root / CONFIG_NAME)
    except BuildFailed as failed:
        print_diagnostics(failed.diagnostics)
        return EXIT_CONTENT
    site = Path(args.site).absolute() if args.site else root / config.output_dir
    found = _edition(site, args.edition)
    if isinstance(found, str):
        print(f"mawjaz send: {found}", file=sys.stderr)
        return EXIT_IO
    edition, eml = found
    try:
        recipients, problems = read_recipients(Path(args.to), args.to)
        message = edition_message(eml.read_bytes())
    except OSError as exc:
        print(f"mawjaz send: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_IO
    print_diagnostics(problems)
    print(f"edition {edition}: {message['Subject']}")
    waits = tuple(args.retry_wait * 2 ** n for n in range(max(args.attempts - 1, 0)))
    delivery = Delivery(edition, message, args.attempts, waits, args.dry_run)
    record_path = Path(args.record).absolute() if args.record else root / RECORD_NAME
    postman = None if args.dry_run else Postman(*server, args.starttls, login)
    try:
        with open_record(record_path, write=not args.dry_run) as record:
            outcomes = deliver(delivery, recipients, record, postman, _print, time.sleep, lambda: datetime.now(UTC))
    except RecordBusy:
        print(f"mawjaz send: another send is using {record_path}", file=sys.stderr)
        return EXIT_BUSY
    except OSError as exc:
        print(f"mawjaz send: cannot use the record {record_path}: {exc.strerror}", file=sys.stderr)
        return EXIT_IO
    finally:
        if postman is not None:
            postman.close()
    counts = {status: sum(o.status == status for o in outcomes)
              for status in ("sent", "would send", "already sent", "failed")}
    print(", ".join(f"{n} {status}" for status, n in counts.items() if n) or "no addresses")
    failed = counts["failed"] or has_errors(problems)
    return EXIT_CONTENT if failed else EXIT_OK


def _print(outcome: Outcome) -> None:
    detail = f": {outcome.detail}" if outcome.detail else ""
    stream = sys.stderr if outcome.status == "failed" else sys.stdout
    print(f"{outcome.status:<12} {outcome.address}{detail}", file=stream, flush=True)


def _server(value: str) -> tuple[str, int] | None:
    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return host, int(port)


def _login(host: str, starttls: bool) -> tuple[str, str] | str | None:
    """The credentials from the environment, None without them, or what is wrong."""
    user, password = os.environ.get(USER_VARIABLE, ""), os.environ.get(PASSWORD_VARIABLE, "")
    if not user and not password:
        return None
    if not (user and password):
        return f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither"
    if not starttls and host not in _LOCAL:
        return "a password is sent only over --starttls (or to this machine)"
    return user, password


def _edition(site: Path, wanted: str) -> tuple[str, Path] | str:
    """(day, its email.eml), or what is wrong."""
    folder = site / "editions"
    if wanted == "latest":
        days = sorted((p.name for p in folder.glob("*") if _DAY.match(p.name) and (p / EML_NAME).is_file()),
                      reverse=True) if folder.is_dir() else []
        if not days:
            return f"no edition email in {folder}: build the site first (with `emails = true`)"
        wanted = days[0]
    elif not _DAY.match(wanted):
        return f"--edition is a day (YYYY-MM-DD) or `latest`, not `{wanted}`"
    eml = folder / wanted / EML_NAME
    if not eml.is_file():
        return f"no {eml}: is it an edition's day, and is the site built (with `emails = true`)?"
    return wanted, eml
