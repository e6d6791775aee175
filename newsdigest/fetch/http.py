"""Polite, bounded HTTP: what every request of the fetcher goes through.

httpx gives connection reuse, separate connect and read timeouts and streamed bodies;
on top of it this module adds what a well-behaved news fetcher owes the sites it
reads and itself: http(s) only, also after each redirect (followed by hand, at most
`max_redirects`); one request at a time per host with a delay between them; robots.txt
(RFC 9309, through `urllib.robotparser`) for pages; retries with backoff on 429, 5xx
and dropped connections, honouring Retry-After; and a size limit on every body, also
after gzip or deflate, checked while it streams in.
"""

from __future__ import annotations

import email.utils
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from newsdigest.fetch.sources import Politeness

RETRY_STATUSES = {429, 500, 502, 503, 504}
ROBOTS_MAX_BYTES = 512 * 1024


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, in one line."""


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip(" \"'"):
                return value.strip(" \"'")
        return None


class PoliteClient:
    """One client per run, shared by the threads that fetch different hosts."""

    def __init__(self, politeness: Politeness, user_agent: str):
        self.politeness = politeness
        self.user_agent = user_agent
        self._client = httpx.Client(
            timeout=httpx.Timeout(politeness.read_timeout, connect=politeness.connect_timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=max(4, politeness.hosts_at_once * 2)),
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(self, url: str, headers: dict | None = None, accept_statuses=(200,)) -> Response:
        """GET `url` following redirects by hand; raise FetchError unless the final status is
        one of `accept_statuses` (a feed's conditional request also accepts 304)."""
        seen = 0
        while True:
            _check_scheme(url)
            response = self._get_with_retries(url, headers or {})
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"redirect ({response.status}) without a Location")
                seen += 1
                if seen > self.politeness.max_redirects:
                    raise FetchError(f"more than {self.politeness.max_redirects} redirects")
                url = urljoin(url, location.strip())
                if urlsplit(url).scheme.lower() not in ("http", "https"):
                    raise FetchError(f"redirected to a non-http(s) address ({url[:80]})")
                continue
            if response.status not in accept_statuses:
                reason = httpx.codes.get_reason_phrase(response.status) or "error"
                raise FetchError(f"HTTP {response.status} {reason}".strip())
            return response

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's site lets this fetcher read the page."""
        if not self.politeness.robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            known = origin in self._robots
        if not known:
            rules = self._read_robots(origin)
            with self._lock:
                self._robots[origin] = rules
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(self.user_agent, url)

    def _read_robots(self, origin: str) -> RobotFileParser | None:
        """RFC 9309: a missing file (4xx) allows everything; an unreachable one (5xx, no
        answer) allows nothing for now."""
        rules = RobotFileParser(origin + "/robots.txt")
        try:
            response = self.get(origin + "/robots.txt", accept_statuses=range(200, 500))
        except FetchError:
            rules.disallow_all = True
            return rules
        if response.status >= 400:
            return None
        text = response.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        rules.parse(text.splitlines())
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            self._gate(origin).delay = max(self._gate(origin).delay, min(float(delay), 30.0))
        return rules

    def _gate(self, url: str) -> _HostGate:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(self.politeness.delay)
            return gate

    def _get_with_retries(self, url: str, headers: dict) -> Response:
        attempt = 0
        while True:
            try:
                with self._gate(url):
                    response = self._get_once(url, headers)
            except FetchError as error:
                if not getattr(error, "transient", False) or attempt >= self.politeness.retries:
                    raise
                wait = self.politeness.backoff * 2**attempt
            else:
                if response.status not in RETRY_STATUSES or attempt >= self.politeness.retries:
                    return response
                wait = _retry_after(
                    response.headers.get("retry-after"), self.politeness.backoff * 2**attempt
                )
                if wait > self.politeness.max_retry_wait:
                    raise FetchError(f"HTTP {response.status}, asked to retry after {wait:.0f} s")
            attempt += 1
            time.sleep(wait)

    def _get_once(self, url: str, headers: dict) -> Response:
        limit = self.politeness.max_bytes
        try:
            with self._client.stream("GET", url, headers=headers) as answer:
                declared = answer.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(
                        f"response too large ({_size(int(declared))}, limit {_size(limit)})"
                    )
                body = _read_limited(answer, limit, self.politeness.total_timeout)
                return Response(str(answer.url), answer.status_code, answer.headers, body)
        except httpx.TimeoutException as error:
            raise _transient(
                f"timed out ({type(error).__name__.removesuffix('Timeout').lower() or 'read'})"
            ) from None
        except (httpx.TransportError, httpx.DecodingError) as error:
            raise _transient(f"connection failed ({_first_line(error)})") from None
        except httpx.InvalidURL as error:
            raise FetchError(f"invalid URL ({error})") from None


class _HostGate:
    """At most one request at a time to a host, `delay` seconds apart."""

    def __init__(self, delay: float):
        self.delay = delay
        self._lock = threading.Lock()
        self._last = float("-inf")

    def __enter__(self):
        self._lock.acquire()
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def __exit__(self, *exc):
        self._last = time.monotonic()
        self._lock.release()


def _read_limited(answer: httpx.Response, limit: int, seconds: float) -> bytes:
    """The body, decompressed here (so that a small gzip bomb cannot expand past the limit),
    given up when it takes longer than `seconds` (a server that trickles bytes forever)."""
    deadline = time.monotonic() + seconds
    encoding = answer.headers.get("content-encoding", "").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = _Deflate()
    elif encoding in ("", "identity"):
        inflater = None
    else:
        raise FetchError(f"unsupported content encoding {encoding!r}")
    body = bytearray()
    try:
        for chunk in answer.iter_raw():
            if inflater is None:
                body += chunk
            else:
                body += inflater.decompress(chunk, limit + 1 - len(body))
            if len(body) > limit:
                raise FetchError(f"response too large (over {_size(limit)})")
            if time.monotonic() > deadline:
                raise FetchError(f"timed out (the response took over {seconds:g} s)")
    except zlib.error:
        raise FetchError(f"broken {encoding} body") from None
    return bytes(body)


class _Deflate:
    """`deflate` as servers send it: zlib-wrapped as the standard says, or raw as some do."""

    def __init__(self):
        self._inflater = None
        self._raw = False

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inflater is None:
            self._raw = not (
                len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            )
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS if self._raw else zlib.MAX_WBITS)
        return self._inflater.decompress(data, max(max_length, 1))


def _retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchError(f"not an http(s) address ({url[:80]})")


def _transient(message: str) -> FetchError:
    error = FetchError(message)
    error.transient = True
    return error


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:120] if text else type(error).__name__


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n // 1024} KB"
