"""Check external http(s) URLs: bounded, polite, cached, never hanging.

- at most ``workers`` requests at once, and ``per_host`` per host;
- a timeout on every request and no retry after one: a host that never
  answers costs one timeout;
- 429/503: retried with backoff, honouring ``Retry-After`` (capped);
  connection errors: retried with backoff;
- redirects followed here, one hop at a time (urllib's own handler would
  accept anything it ends on): at most ``max_redirects`` hops; a loop, a hop
  past the limit, or a redirect to another scheme (``file:``, ``ftp:``) is
  broken; a permanent one (301/308) that ends well is reported with the new URL;
- a URL whose host cannot be requested (``http://.example.org/``: an empty
  label; a non-numeric port) is broken, with no request;
- 401/403 and a final 429 usually mean bot protection: "unverified", not broken;
- HEAD first, GET when the server refuses HEAD;
- results cached in a JSON file with a time-to-live: a second run within the
  TTL sends no request.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import SplitResult, urljoin, urlsplit

USER_AGENT = "kb-linkcheck/1.0 (harm-reduction knowledge base; link checker)"
UNVERIFIED_CODES = {401, 403, 429}
RETRY_CODES = {429, 503}


@dataclass
class Result:
    url: str
    status: str  # ok, redirected, broken, unverified, unreachable
    code: int | None = None
    detail: str = ""
    new_url: str | None = None
    checked_at: float = 0.0


@dataclass
class Settings:
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 30.0
    workers: int = 8
    per_host: int = 2
    max_redirects: int = 10
    ttl: float = 24 * 3600.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand every 3xx back to check_url, which follows it itself."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


BAD_HOST_CHARACTERS = frozenset(" <>\"{}|\\^`%/?#@[]")
REDIRECT_CODES = {301, 302, 303, 307, 308}


def host_problem(parts: SplitResult) -> str | None:
    """Why the host of an http(s) URL cannot be requested, or None."""
    try:
        parts.port
    except ValueError:
        return "the port is not a number from 0 to 65535"
    host = parts.hostname
    if not host:
        return "no host name"
    if ":" in host:  # [IPv6]
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            return "not a valid IPv6 address"
        return None
    if any(c in host for c in BAD_HOST_CHARACTERS) or any(ord(c) < 0x21 for c in host):
        return "the host name has characters no host name can have"
    try:
        host.encode("idna")
    except UnicodeError:
        return "not a valid host name (an empty or too long label)"
    return None


def _retry_after(value: str | None, settings: Settings, attempt: int) -> float:
    delay = settings.backoff * (2 ** attempt)
    if value:
        value = value.strip()
        if value.isdigit():
            delay = float(value)
        else:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            if parsed is not None:
                delay = max(0.0, parsed.timestamp() - time.time())
    return min(delay, settings.max_retry_after)


def _request(url: str, method: str, settings: Settings):
    """(status, headers, error) of one request, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirects())
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with opener.open(request, timeout=settings.timeout) as response:
            return response.status, response.headers, None
    except urllib.error.HTTPError as error:
        return error.code, error.headers, None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as error:
        return None, None, getattr(error, "reason", error)
    except (ValueError, UnicodeError) as error:  # http.client's own checks of the URL
        return None, None, ValueError(f"not a valid URL: {error}")


def _next_hop(current: str, code: int, headers, chain: list[tuple[int, str]], settings: Settings) -> str | Result:
    """The URL a redirect leads to, or the Result that ends the check there."""
    location = (headers.get("Location") or "").strip() if headers else ""
    if not location:
        return Result(current, "broken", code, f"HTTP {code} without a Location")
    try:
        target = urljoin(current, location)
        parts = urlsplit(target)
    except ValueError as error:
        return Result(current, "broken", code, f"redirects to a malformed URL {location!r}: {error}")
    if parts.scheme.lower() not in ("http", "https"):
        return Result(current, "broken", code, f"redirects to another scheme: {target}")
    target = parts._replace(fragment="").geturl()
    if len(chain) >= settings.max_redirects:
        return Result(current, "broken", code, f"more than {settings.max_redirects} redirects")
    return target


def check_url(url: str, settings: Settings, sleep=time.sleep) -> Result:
    method = "HEAD"
    attempt = 0
    current, visited, chain = url, {url}, []
    while True:
        try:
            problem = host_problem(urlsplit(current))
        except ValueError as error:
            problem = f"not a valid URL: {error}"
        if problem:
            where = "" if current == url else f"redirects to {current}: "
            return Result(url, "broken", None, where + problem)
        code, headers, error = _request(current, method, settings)
        if error is not None:
            if isinstance(error, (socket.timeout, TimeoutError)) or "timed out" in str(error):
                return Result(url, "unreachable", None, f"no answer within {settings.timeout:g} s")
            if isinstance(error, ValueError):
                return Result(url, "broken", None, str(error))
            if attempt < settings.retries:
                sleep(_retry_after(None, settings, attempt))
                attempt += 1
                continue
            return Result(url, "unreachable", None, str(error))
        if method == "HEAD" and code in (405, 501):
            method = "GET"
            continue
        if code in RETRY_CODES and attempt < settings.retries:
            sleep(_retry_after(headers.get("Retry-After") if headers else None, settings, attempt))
            attempt += 1
            continue
        if code in REDIRECT_CODES:
            hop = _next_hop(current, code, headers, chain, settings)
            if isinstance(hop, Result):
                return Result(url, hop.status, hop.code, hop.detail)
            if hop in visited:
                return Result(url, "broken", code, f"redirect loop ({len(chain) + 1} hops, back to {hop})")
            visited.add(hop)
            chain.append((code, hop))
            current, attempt = hop, 0
            continue
        permanent = [(c, new) for c, new in chain if c in (301, 308)]
        if code is not None and 200 <= code < 300:
            if permanent:
                return Result(url, "redirected", code, f"permanent redirect ({permanent[0][0]})", chain[-1][1])
            return Result(url, "ok", code)
        if code in UNVERIFIED_CODES:
            return Result(url, "unverified", code, "refused to a robot (bot protection?)")
        where = f" after redirects to {current}" if chain else ""
        return Result(url, "broken", code, f"HTTP {code}{where}")


class Cache:
    def __init__(self, path: Path | None, ttl: float):
        self.path, self.ttl = path, ttl
        self.entries: dict[str, dict] = {}
        if path and path.is_file():
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    def get(self, url: str, now: float) -> Result | None:
        entry = self.entries.get(url)
        if entry and now - entry.get("checked_at", 0) < self.ttl:
            return Result(**entry)
        return None

    def put(self, result: Result) -> None:
        self.entries[result.url] = asdict(result)

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.entries, indent=1, sort_keys=True), encoding="utf-8")


def check_urls(urls: list[str], settings: Settings, cache_path: Path | None = None) -> dict[str, Result]:
    cache = Cache(cache_path, settings.ttl)
    now = time.time()
    results: dict[str, Result] = {}
    to_check = []
    for url in sorted(set(urls)):
        cached = cache.get(url, now)
        if cached is not None:
            results[url] = cached
        else:
            to_check.append(url)
    host_locks: dict[str, threading.Semaphore] = {}
    guard = threading.Lock()

    def one(url: str) -> Result:
        host = (urlsplit(url).hostname or "").lower()
        with guard:
            semaphore = host_locks.setdefault(host, threading.Semaphore(settings.per_host))
        with semaphore:
            result = check_url(url, settings)
        result.checked_at = time.time()
        return result

    if to_check:
        with ThreadPoolExecutor(max_workers=settings.workers) as pool:
            for result in pool.map(one, to_check):
                results[result.url] = result
                cache.put(result)
        cache.save()
    return results
