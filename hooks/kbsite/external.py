"""Check external http(s) URLs: bounded, polite, cached, never hanging.

- at most ``workers`` requests at once, and ``per_host`` per host;
- a timeout on every request and no retry after one: a host that never
  answers costs one timeout;
- 429/503: retried with backoff, honouring ``Retry-After`` (capped);
  connection errors: retried with backoff;
- redirects followed; a permanent one (301/308) is reported with the new URL;
- 401/403 and a final 429 usually mean bot protection: "unverified", not broken;
- HEAD first, GET when the server refuses HEAD;
- results cached in a JSON file with a time-to-live: a second run within the
  TTL sends no request.
"""

from __future__ import annotations

import email.utils
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
    ttl: float = 24 * 3600.0


class _RecordRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self):
        self.chain: list[tuple[int, str]] = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.chain.append((code, newurl))
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new = urllib.request.Request(newurl, headers=dict(req.header_items()), method="HEAD")
        return new


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
    redirects = _RecordRedirects()
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with opener.open(request, timeout=settings.timeout) as response:
            return response.status, response.headers, redirects.chain, None
    except urllib.error.HTTPError as error:
        return error.code, error.headers, redirects.chain, None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, None, redirects.chain, reason


def check_url(url: str, settings: Settings, sleep=time.sleep) -> Result:
    method = "HEAD"
    attempt = 0
    while True:
        code, headers, chain, error = _request(url, method, settings)
        if error is not None:
            if isinstance(error, (socket.timeout, TimeoutError)) or "timed out" in str(error):
                return Result(url, "unreachable", None, f"no answer within {settings.timeout:g} s")
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
        permanent = [(c, new) for c, new in chain if c in (301, 308)]
        if code is not None and 200 <= code < 400:
            if permanent:
                return Result(url, "redirected", code, f"permanent redirect ({permanent[0][0]})", chain[-1][1])
            return Result(url, "ok", code)
        if code in UNVERIFIED_CODES:
            return Result(url, "unverified", code, "refused to a robot (bot protection?)")
        return Result(url, "broken", code, f"HTTP {code}")


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
