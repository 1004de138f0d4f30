"""``mawjaz import URL`` against hostile servers: redirects to other schemes and to local
addresses, redirect loops, servers that drip bytes, pages without end.

Every server here listens on 127.0.0.1 and every address a test makes the importer visit is
a loopback one; the other addresses (private, metadata...) are only classified, never
contacted. A public origin is stood for by ``trust_internal=False`` or by a resolver that
maps a made-up name to 127.0.0.1: tests may not reach the internet.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.authoring import importer
from generator.authoring.fetch import FetchFailed, fetch, hop_refusal, is_internal, origin_policy
from generator.cli.main import main

PAGE = (b"<html><head><title>T</title></head><body><article><h1>A headline for the test"
        b"</h1><p>A paragraph of the page with enough words in it to be kept.</p>"
        b"<p>Another paragraph of the page with enough words in it to be kept.</p>"
        b"</article></body></html>")
DRIP_EVERY = 0.2
DRIP_AT_MOST = 300  # bytes: a safety net so a dripping handler ends by itself


class _Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    stopping = threading.Event()  # replaced per server by the fixture
    hosts: list[str] = []  # noqa: RUF012 - replaced per server by the fixture

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.hosts.append(self.headers.get("Host", ""))
        route = getattr(self, "route_" + url.path.strip("/"), None)
        if route is None:
            self.send_error(404)
            return
        route(parse_qs(url.query))

    def route_page(self, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def route_to(self, query: dict[str, list[str]]) -> None:
        self.send_response(302)
        self.send_header("Location", query["u"][0])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_loop(self, query: dict[str, list[str]]) -> None:
        count = int(query.get("n", ["0"])[0])
        self.route_to({"u": [f"/loop?n={count + 1}"]})

    def route_drip(self, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.flush()
        self._drip(b"<")

    def route_drip_headers(self, query: dict[str, list[str]]) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
        self._drip(b"X")

    def route_endless(self, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        block = b"x" * 65536
        for _ in range(1000):  # 64 MB at most, far past any cap used here
            if self.stopping.is_set():
                return
            try:
                self.wfile.write(block)
            except OSError:
                return

    def _drip(self, byte: bytes) -> None:
        for _ in range(DRIP_AT_MOST):
            if self.stopping.wait(DRIP_EVERY):
                return
            try:
                self.wfile.write(byte)
                self.wfile.flush()
            except OSError:
                return  # the importer gave up and closed the connection

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    hosts: list[str] = []
    stopping = threading.Event()
    handler = type("Handler", (_Hostile,), {"stopping": stopping, "hosts": hosts})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hosts
    finally:
        stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


# ------------------------------------------------------------------ redirects: schemes

@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/pub/x",
                                    "gopher://127.0.0.1/", "data:text/html,hello",
                                    "javascript:alert(1)"])
def test_redirect_to_another_scheme_is_refused(server: tuple[str, list[str]], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               target: str) -> None:
    base, _ = server
    url = f"{base}/to?u={target}"
    assert main(["import", url, "--root", str(tmp_path), "--dry-run"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.strip().splitlines()
    assert line.startswith(f"{url}:") and "only http and https" in line
    assert target.split(":")[0] in line


# ------------------------------------------------------------------ redirects: addresses

@pytest.mark.parametrize("target", [
    "http://127.0.0.1:{port}/page", "http://localhost:{port}/page", "http://127.9.8.7:{port}/page",
    "http://2130706433:{port}/page", "http://0x7f.1:{port}/page", "http://[::1]:{port}/page",
    "http://[::ffff:127.0.0.1]:{port}/page"])
def test_a_public_origin_cannot_redirect_to_a_local_address(server: tuple[str, list[str]],
                                                            target: str) -> None:
    base, hosts = server
    hop = target.format(port=_port(base))
    with pytest.raises(FetchFailed, match="local or private address") as refused:
        fetch(f"{base}/to?u={hop}", max_bytes=100_000, trust_internal=False)
    assert hop in str(refused.value)
    assert hosts == [f"127.0.0.1:{_port(base)}"]  # the hop was never requested


def test_made_up_public_name_redirecting_to_loopback_is_refused(
        server: tuple[str, list[str]]) -> None:
    """The origin is judged public by default when its addresses are: here a resolver
    stands in for DNS, and the name it resolves is classified with the address it
    resolves to, so the test stands for a public name only through ``trust_internal``."""
    base, hosts = server
    port = _port(base)
    names = {"news.example": ("127.0.0.1",), "localhost": ("127.0.0.1",)}
    with pytest.raises(FetchFailed, match=r"127\.0\.0\.1\); not followed"):
        fetch(f"http://news.example:{port}/to?u=http://localhost:{port}/page", max_bytes=1000,
              resolver=lambda host, _port: names[host], trust_internal=False)
    assert hosts == [f"news.example:{port}"]


def test_a_local_origin_may_redirect_locally(server: tuple[str, list[str]]) -> None:
    base, hosts = server
    port = _port(base)
    fetched = importer.read_source(f"{base}/to?u=http://localhost:{port}/page")
    assert fetched.data == PAGE and fetched.url == f"http://localhost:{port}/page"
    assert hosts == [f"127.0.0.1:{port}", f"localhost:{port}"]


def test_the_connection_goes_to_the_checked_address(server: tuple[str, list[str]]) -> None:
    """A name is resolved once; the request goes to that address, with the name as Host.
    (``.example`` names never resolve in real DNS: only the pinned address can answer.)"""
    base, hosts = server
    port = _port(base)
    page = fetch(f"http://pinned.example:{port}/page", max_bytes=100_000,
                 resolver=lambda host, _port: ("127.0.0.1",) if host == "pinned.example" else ())
    assert page.data == PAGE
    assert hosts == [f"pinned.example:{port}"]


def test_redirects_are_bounded(server: tuple[str, list[str]], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    url = f"{server[0]}/loop"
    assert main(["import", url, "--root", str(tmp_path), "--dry-run"]) == 3
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"{url}:") and "more than 5 redirects" in line
    assert len(server[1]) == 6


# ------------------------------------------------------------------ links found in documents

@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/page", "http://localhost:{port}/page",
                                    "http://[::1]:{port}/page"])
def test_a_link_in_a_public_document_to_a_local_address_is_not_fetched(
        server: tuple[str, list[str]], target: str) -> None:
    """A feed names its entries' pages; a feed from the web (or a file) must not send
    ``mawjaz import --fetch`` to the curator's own machine or network."""
    base, hosts = server
    link = target.format(port=_port(base))
    with pytest.raises(FetchFailed, match="local or private address") as refused:
        fetch(link, max_bytes=100_000, trust_internal=False, linked=True)
    assert str(refused.value).startswith(f"links to {link}, which is on a local or private address")
    assert hosts == []  # never requested
    with pytest.raises(FetchFailed, match="local or private address"):
        fetch(link, max_bytes=100_000, linked=True)  # untrusted unless said otherwise


def test_a_made_up_public_name_linking_to_loopback_is_not_fetched(
        server: tuple[str, list[str]]) -> None:
    base, hosts = server
    with pytest.raises(FetchFailed, match=r"127\.0\.0\.1\); not followed"):
        fetch(f"http://news.example:{_port(base)}/page", max_bytes=1000, linked=True,
              resolver=lambda host, _port: ("127.0.0.1",), trust_internal=False)
    assert hosts == []


def test_a_local_document_may_link_locally_and_says_where_it_came_from(
        server: tuple[str, list[str]]) -> None:
    base, _ = server
    page = fetch(f"{base}/page", max_bytes=100_000, trust_internal=True, linked=True)
    assert page.data == PAGE and page.local_origin
    assert fetch(f"{base}/page", max_bytes=100_000).local_origin  # the curator's local URL
    assert not fetch(f"{base}/page", max_bytes=100_000, trust_internal=False).local_origin


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "169.254.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1",
    "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd00:ec2::254", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "2002:7f00:1::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe"])
def test_internal_addresses(address: str) -> None:
    assert is_internal(address)
    assert hop_refusal("http://host.example/", (address,), trust_internal=False)
    assert hop_refusal("http://host.example/", (address,), trust_internal=True) is None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111",
                                     "::ffff:93.184.216.34"])
def test_public_addresses(address: str) -> None:
    assert not is_internal(address)
    assert hop_refusal("https://host.example/", (address,), trust_internal=False) is None


def test_one_local_address_among_public_ones_is_enough_to_refuse() -> None:
    assert hop_refusal("http://mixed.example/", ("93.184.216.34", "10.0.0.5"), False)


def test_the_origin_is_local_only_when_all_its_addresses_are() -> None:
    assert origin_policy(("127.0.0.1", "::1")) == (True, ("127.0.0.1", "::1"))
    assert origin_policy(("93.184.216.34", "10.0.0.5")) == (False, ("93.184.216.34",))
    assert origin_policy(("10.0.0.5", "2606:4700:4700::1111")) == (
        False, ("2606:4700:4700::1111",))
    assert origin_policy(()) == (False, ())


# ------------------------------------------------------------------ slow servers, big pages

@pytest.mark.parametrize("route", ["drip", "drip_headers"])
def test_a_dripping_server_is_stopped_by_the_deadline(server: tuple[str, list[str]],
                                                      route: str) -> None:
    """Each byte arrives well within the per-read timeout (20 s): only the total stops it."""
    url = f"{server[0]}/{route}"
    with pytest.raises(importer.ImportFailed) as stopped:
        importer.read_source(url, timeout=20.0, deadline=1.0)
    assert stopped.value.exit_code == 3
    assert str(stopped.value) == f"{url}: took longer than 1 s in total; stopped"


def test_the_size_cap_stays(server: tuple[str, list[str]]) -> None:
    with pytest.raises(importer.ImportFailed, match="larger than 100000 bytes"):
        importer.read_source(f"{server[0]}/endless", max_bytes=100_000)
    with pytest.raises(importer.ImportFailed, match="larger than 100 bytes"):
        importer.read_source(f"{server[0]}/page", max_bytes=100)
    assert importer.read_source(f"{server[0]}/page", max_bytes=len(PAGE)).data == PAGE

