"""Downloads that end: the HTTP client every fetch goes through.

It is `requests` with urllib3's `Retry`: server errors (5xx, 429) and failed, stalled or cut connections are tried
again after doubling waits, any other client error (4xx) stops at once with the address and the status. Three
bounds make sure a download ends: a timeout on silence, a deadline on the whole download (waits included), so
that a server sending a byte every few seconds cannot hold it forever, and a cap on the bytes taken from one
source. A body is written to a temporary file and renamed only when complete and of the expected type.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TextIO

import requests
from tqdm import tqdm
from urllib3.exceptions import HTTPError, MaxRetryError
from urllib3.util.retry import RequestHistory, Retry

from emergence.errors import InputError
from emergence.io import atomic_path

USER_AGENT = "emergence (research data pipeline; python-requests)"
CHUNK = 1 << 16
KINDS = {"xlsx": "Excel workbook (.xlsx)", "json": "JSON document"}
RETRIED_STATUS = frozenset([429, *range(500, 600)])


@dataclass(frozen=True)
class Policy:
    """How hard to try: seconds a connection may stay silent, attempts per address, the first wait between
    attempts (doubling after), and the seconds one download may take in all."""

    timeout: float = 60.0
    attempts: int = 4
    backoff: float = 2.0
    deadline: float = 600.0


class Downloaded(NamedTuple):
    """A file downloaded and the address its bytes came from, after redirects."""

    path: Path
    url: str


class _Failed(Exception):
    """A body worth asking for again: cut short, stalled, not the md5 the publisher gave, or of the wrong type."""


@dataclass(frozen=True)
class _Watch:
    """What the waits between attempts answer to: the address, the moment the deadline passes, the stream."""

    url: str
    ends: float
    deadline: float
    stream: TextIO | None

    def expired(self, what: str) -> InputError:
        return InputError(self.url, "download", f"a download within the deadline of {self.deadline:g} s", what)

    def wait(self, seconds: float, last: RequestHistory) -> None:
        reason = last.error if last.error is not None else f"HTTP {last.status}"
        if time.monotonic() + seconds > self.ends:
            raise self.expired(f"{reason}, and the next attempt would start after it")
        if self.stream is not None:
            print(f"{self.url}: {reason}; trying again in {seconds:g} s", file=self.stream, flush=True)
        time.sleep(seconds)


class _Retry(Retry):
    """urllib3's retry rules with the waits promised: `backoff` seconds before the second attempt and twice as
    long before each next one (or the server's Retry-After), said on the stream and never past the deadline."""

    def __init__(self, *args, watch: _Watch, **kwargs):
        super().__init__(*args, **kwargs)
        self.watch = watch

    def new(self, **kwargs) -> _Retry:
        return super().new(watch=self.watch, **kwargs)

    def get_backoff_time(self) -> float:
        return self.backoff_factor * 2 ** (len(self.history) - 1) if self.history else 0.0

    def sleep(self, response=None) -> None:
        try:
            after = self.get_retry_after(response) if response is not None else None
        except HTTPError:  # a Retry-After that is neither seconds nor a date
            after = None
        self.watch.wait(after or self.get_backoff_time(), self.history[-1])


class Client:
    """One session for the downloads of one source, which together may take at most `max_bytes`.

    A progress bar per file goes to `stream` (none when it is None), with a line before each new attempt.
    """

    def __init__(self, policy: Policy, max_bytes: int, stream: TextIO | None = None):
        self.policy, self.max_bytes, self.left, self.stream = policy, max_bytes, max_bytes, stream
        self.session = requests.Session()
        # identity: the announced length and the cap are then both of the bytes written
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        self.adapter = requests.adapters.HTTPAdapter()
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, self.adapter)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.session.close()

    def get(self, url: str, target: str | Path, kind: str, md5: str | None = None) -> Downloaded:
        """Download `url` to `target`, which appears only once the body is complete and is a `kind` file."""
        target, policy = Path(target), self.policy
        watch = _Watch(url, time.monotonic() + policy.deadline, policy.deadline, self.stream)
        expected = f"a complete {KINDS[kind]} within {policy.attempts} attempts"
        # statuses are judged here, not inside urllib3, which would first read a failing body to its end
        retry = _Retry(
            total=policy.attempts - 1, backoff_factor=policy.backoff, respect_retry_after_header=False, watch=watch
        )
        while True:
            self.adapter.max_retries = retry  # connection failures are retried inside urllib3 with these rules
            with self._open(url, expected) as response:
                if response.status_code in RETRIED_STATUS:
                    retry = _next(response.raw.retries, url, expected, response=response.raw)
                else:
                    try:
                        return Downloaded(self._save(response, target, kind, md5, watch), response.url)
                    except _Failed as failure:
                        retry = _next(response.raw.retries, url, expected, error=failure)
            retry.sleep(response.raw)

    def _open(self, url: str, expected: str) -> requests.Response:
        try:
            return self.session.get(url, stream=True, timeout=self.policy.timeout)
        except requests.RequestException as exc:
            silent = isinstance(exc, (requests.ConnectionError, requests.Timeout))
            raise InputError(url, "download", expected, ("no response: " if silent else "") + _reason(exc)) from None

    def _save(self, response: requests.Response, target: Path, kind: str, md5: str | None, watch: _Watch) -> Path:
        if not 200 <= response.status_code < 300:
            found = f"{response.status_code} {response.reason}"
            raise InputError(watch.url, "HTTP status", "a successful response (2xx)", found)
        total = response.raw.length_remaining  # the Content-Length as urllib3 read it (and will enforce), or None
        if total is not None and total > self.left:
            raise self._too_big(response.url, total)
        digest = hashlib.md5(usedforsecurity=False)
        received = 0
        with atomic_path(target) as tmp:
            with (
                open(tmp, "wb") as handle,
                tqdm(
                    desc=target.name,
                    total=total,
                    unit="B",
                    unit_scale=True,
                    file=self.stream,
                    disable=self.stream is None,
                ) as bar,
            ):
                try:
                    # read1 returns what one read of the socket gives, so the deadline is checked as bytes arrive
                    while chunk := response.raw.read1(CHUNK, decode_content=True):
                        received += len(chunk)
                        if received > self.left:
                            raise self._too_big(response.url, received)
                        if time.monotonic() > watch.ends:
                            raise watch.expired(f"{received} bytes received by then")
                        handle.write(chunk)
                        digest.update(chunk)
                        bar.update(len(chunk))
                except HTTPError as exc:  # urllib3's read timeout, cut connection or broken encoding
                    raise _Failed(f"connection lost after {received} bytes: {exc}") from None
            if md5 is not None and digest.hexdigest() != md5.lower():
                raise _Failed(f"md5 {digest.hexdigest()} of the body, not the publisher's {md5}")
            problem = _wrong_type(tmp, kind)
            if problem:
                raise _Failed(f"{problem} (Content-Type {response.headers.get('Content-Type', 'not given')})")
        self.left -= received
        return target

    def _too_big(self, url: str, size: int) -> InputError:
        expected = f"at most {self.max_bytes} bytes from this source (--max-mb), {self.left} of them left"
        return InputError(url, "body size", expected, f"{size} bytes")


def _next(retries: Retry, url: str, expected: str, **failure) -> Retry:
    """The retry rules after one more failure, or the error that ends the download when none is left."""
    try:
        return retries.increment("GET", url, **failure)
    except MaxRetryError as exc:
        raise InputError(url, "download", expected, str(exc.reason)) from None


def _reason(exc: requests.RequestException) -> str:
    """What urllib3 gave up on, without the wrapping of requests."""
    cause = exc.args[0] if exc.args else exc
    return str(getattr(cause, "reason", cause))


def _wrong_type(path: Path, kind: str) -> str | None:
    """Why the file is not of the expected kind, or None when it is."""
    if kind == "xlsx":
        if not zipfile.is_zipfile(path):
            with open(path, "rb") as handle:
                return f"not an {KINDS[kind]}: it starts with {handle.read(40)!r}"
        with zipfile.ZipFile(path) as book:
            if "xl/workbook.xml" not in book.namelist():
                return f"not an {KINDS[kind]}: a zip file without xl/workbook.xml"
        return None
    try:
        json.loads(path.read_bytes())
    except ValueError as exc:
        return f"not a {KINDS[kind]}: {exc}"
    return None


@dataclass(frozen=True)
class Download:
    """Upstream files downloaded for one release, the addresses their bytes came from, the release they state."""

    paths: list[Path]
    url: str
    release: str | None = None
    table: str | None = None
