"""``mawjaz serve`` against hostile requests: other sites' names in ``Host`` (DNS rebinding),
malformed queries and paths, and many connections at once.

Requests are written by hand on a socket, so the test sends exactly the bytes an attacker
would, whatever a client library would have refused or normalised. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator

import pytest

from generator.cli.main import main
from generator.cli.preview import (
    LISTEN_BACKLOG,
    BadRequest,
    LiveSite,
    PreviewServer,
    Terminal,
    host_allowed,
    host_names,
    split_target,
    status_query,
)
from tests.serving import TIMEOUT, Server

STATUS = "/__mawjaz/status"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve") / "digest"
    assert main(["new", str(root), "--quiet"]) == 0
    running = Server(root)
    yield running
    running.stop()
    assert "Traceback" not in running.err.text(), running.err.text()


def ask(port: int, target: str, host: str | None = "127.0.0.1:{port}",
        version: str = "HTTP/1.1", extra: str = "") -> tuple[int, bytes]:
    """One request as raw bytes; the status code and the body."""
    lines = [f"GET {target} {version}"]
    if host is not None:
        lines.append(f"Host: {host.format(port=port)}")
    lines += ["Connection: close", *filter(None, [extra])]
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


# ------------------------------------------------------------------ Host (DNS rebinding)

@pytest.mark.parametrize(("host", "version", "status"), [
    ("127.0.0.1:{port}", "HTTP/1.1", 200),
    ("127.0.0.1", "HTTP/1.1", 200),
    ("localhost:{port}", "HTTP/1.1", 200),
    ("LocalHost:{port}", "HTTP/1.1", 200),
    ("[::1]:{port}", "HTTP/1.1", 200),
    (None, "HTTP/1.0", 200),
    (None, "HTTP/1.1", 421),
    ("attacker.example:{port}", "HTTP/1.1", 421),
    ("attacker.example", "HTTP/1.0", 421),
    ("127.0.0.1.attacker.example:{port}", "HTTP/1.1", 421),
    ("localhost.attacker.example", "HTTP/1.1", 421),
    ("127.0.0.1:1", "HTTP/1.1", 421),
    ("", "HTTP/1.1", 421),
])
def test_only_requests_naming_the_preview_are_answered(server: Server, host: str | None,
                                                       version: str, status: int) -> None:
    for target in ("/", f"{STATUS}?since=0&page=/", "/__mawjaz/reload.js"):
        code, body = ask(server.port, target, host, version)
        assert code == status, (target, host)
        if status == 421:
            assert body.startswith(b"this preview answers only at http://127.0.0.1:")


def test_two_host_headers_are_refused(server: Server) -> None:
    assert ask(server.port, "/", extra="Host: attacker.example")[0] == 421


def test_the_event_stream_checks_host_too(server: Server) -> None:
    code, body = ask(server.port, "/__mawjaz/events", "attacker.example:{port}")
    assert code == 421 and b"event:" not in body


def test_host_names_for_other_addresses() -> None:
    assert host_names("192.0.2.7", 8000) == frozenset({
        "192.0.2.7", "192.0.2.7:8000", "localhost", "localhost:8000"})
    assert "[::1]:80" in host_names("::1", 80) and "127.0.0.1" in host_names("0.0.0.0", 80)
    names = host_names("192.0.2.7", 8000)
    assert not host_allowed([], names, "HTTP/1.0", loopback=False)
    assert host_allowed([], names, "HTTP/1.0", loopback=True)
    assert not host_allowed(["localhost", "localhost"], names, "HTTP/1.1", loopback=True)


# ------------------------------------------------------------------ bad queries and paths

BAD_QUERIES = [
    "since=abc", "since=-1", "since=+1", "since=1.5", "since=%C2%B2", "since=%D9%A3",
    "since=" + "9" * 19, "since=" + "9" * 5000, "since=1%00", "since=1&since=2",
    "page=/&page=/x", "since=%zz", "since=%", "page=%ff", "page=/%00", "page=/a%0Ab",
    "page=nope", "page=", "&".join(f"f{i}=1" for i in range(40)), "since=1" + "&x=" + "y" * 5000,
]
BAD_PATHS = [
    "/%00", "/a%00.html", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
    "/../../etc/passwd", "/articles/../../x", "/%zz", "/%", "/%ff%fe", "/a%0d%0aSet-Cookie:x",
    "/" + "a" * 10_000, "http://127.0.0.1/", "*", f"{STATUS}/../x",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_bad_status_query_is_a_400(server: Server, query: str) -> None:
    code, body = ask(server.port, f"{STATUS}?{query}")
    assert code == 400, query
    assert body.startswith(b"bad request: ") and body.count(b"\n") == 1
    assert "Traceback" not in server.err.text()


@pytest.mark.parametrize("target", BAD_PATHS)
def test_a_bad_path_is_a_400(server: Server, target: str) -> None:
    code, body = ask(server.port, target)
    assert code == 400, target
    assert b"root:" not in body
    assert "Traceback" not in server.err.text()


@pytest.mark.parametrize(("target", "status"), [
    (f"{STATUS}?since=0&page=/", 200), (f"{STATUS}?since=000000000000000001", 200),
    (f"{STATUS}", 200), (f"{STATUS}?page=%2Farticles%2F&unknown=1", 200),
    ("/no/such/page/", 404), ("/static/../index.html.", 400), ("/index.html", 200),
    ("//attacker.example/", 404),  # http.server itself folds leading slashes into one
])
def test_good_requests_still_work(server: Server, target: str, status: int) -> None:
    assert ask(server.port, target)[0] == status


def test_parsers_refuse_rather_than_raise() -> None:
    assert status_query("") == (0, "/")
    assert status_query("since=12&page=/a%20b/") == (12, "/a b/")
    assert split_target("/%D8%A3/?x") == ("/أ/", "x")
    for query in BAD_QUERIES:
        with pytest.raises(BadRequest):
            status_query(query)


# ------------------------------------------------------------------ many connections

def test_200_simultaneous_connections_are_all_answered() -> None:
    """All 200 connections are made before the server accepts any, so each must wait in the
    listen queue; with the default backlog (5) the later ones would not get in at all. The
    connect timeout is only a safety net."""
    assert LISTEN_BACKLOG >= 200
    live = LiveSite()
    live.succeeded({"index.html": b"<p>hello</p>"}, ())
    server = PreviewServer(("127.0.0.1", 0), live, Terminal(io.StringIO(), io.StringIO(), quiet=True))
    port = server.server_address[1]
    clients: list[socket.socket] = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    try:
        for _ in range(200):
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT))
        for client in clients:
            client.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Connection: close\r\n\r\n".encode())
        thread.start()
        answers = []
        for client in clients:
            client.settimeout(TIMEOUT)
            data = b""
            while chunk := client.recv(65536):
                data += chunk
            answers.append(data)
    finally:
        for client in clients:
            client.close()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
    assert len(answers) == 200
    assert all(a.startswith(b"HTTP/1.0 200 ") and a.endswith(b"<p>hello</p>") for a in answers)
