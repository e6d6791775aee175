"""A real HTTP server on 127.0.0.x serving feeds and pages, for the fetcher's tests and benchmark.

Routes map a path to a fixed answer or to a function of the request; every request is
logged with its headers, so tests can see what the fetcher asked and how often.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: a slow server
    gzip: bool = False
    trickle: float = 0.0  # seconds between 1 KB pieces of the body: a server that dawdles


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    time: float


class Newsroom:
    """`with Newsroom() as site: site.route("/rss.xml", Answer(...)); site.url("/rss.xml")`."""

    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.routes: dict[str, Answer | Callable[[Request], Answer]] = {}
        self.log: list[Request] = []
        self._server = None

    def route(self, path: str, answer: Answer | Callable[[Request], Answer]) -> str:
        self.routes[path] = answer
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}{path}"

    def requests(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    def __enter__(self) -> Newsroom:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                request = Request(self.path, dict(self.headers), time.monotonic())
                site.log.append(request)
                answer = site.routes.get(self.path.split("#")[0]) or site.routes.get(
                    self.path.split("?")[0]
                )
                if callable(answer):
                    answer = answer(request)
                answer = answer or Answer(404, b"not here", {"Content-Type": "text/plain"})
                if answer.delay:
                    time.sleep(answer.delay)
                body = answer.body.encode("utf-8") if isinstance(answer.body, str) else answer.body
                headers = dict(answer.headers)
                if answer.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                try:
                    self.send_response(answer.status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if answer.status != 304:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if answer.status != 304 and answer.trickle:
                        for start in range(0, len(body), 1024):
                            self.wfile.write(body[start : start + 1024])
                            self.wfile.flush()
                            time.sleep(answer.trickle)
                    elif answer.status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a size limit, a timeout): expected

            def log_message(self, *args):
                pass

        self._server = _QuietServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


def article_page(title: str, paragraphs: int = 6, *, meta: str = "", words: str = "") -> str:
    """A plain news page with a body long enough to be an article."""
    text = words or (
        "The council approved the new budget after a long debate on Tuesday evening, "
        "and officials said the plan would fund schools, roads and the city's hospitals."
    )
    body = "\n".join(f"<p>{text} Paragraph {n}.</p>" for n in range(1, paragraphs + 1))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{meta}</head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>\n{body}\n</article>"
        "<footer>Copyright</footer></body></html>"
    )


class _QuietServer(http.server.ThreadingHTTPServer):
    """A client that drops its connection before sending a request (a fetch that gave up) is
    expected here, not a server error to print."""

    def handle_error(self, request, client_address):
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
