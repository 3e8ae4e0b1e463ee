"""Egress allow-list and audit log for the testbed's Python code (same rules as the Java SDK's
``io.llmtestbed.ait.sdk.net.EgressPolicy``; see docs/egress.md).

Entries (comma, space or new line separated; ``#`` starts a comment): an exact host name, which
is allowed whatever it resolves to; ``*.suffix`` for every name below ``suffix``; an IPv4/IPv6
address or CIDR; the keywords ``loopback`` (127.0.0.0/8, ::1), ``private`` (10/8, 172.16/12,
192.168/16, fc00::/7) and ``link-local`` (169.254/16, fe80::/10). A host not listed by name is
allowed only when every address it resolves to is in a listed range; a name that does not
resolve is denied. The keywords never cover the cloud metadata addresses 169.254.169.254 and
fd00:ec2::254.

Configuration: ``LLM_TESTBED_EGRESS_ALLOW`` plus the file named by ``LLM_TESTBED_EGRESS_FILE``
(or ``/etc/llm-testbed/egress-allow.txt`` if it exists). With neither, the default is
``loopback,private``; with either, the list is exactly what they give.

:func:`install_guard` makes every urllib3 request of the process (``requests``, MLflow's tracking
client, botocore) pass :meth:`EgressPolicy.check` first - each redirect hop and retry, too - and
records it in :func:`audit`. ``llm_testbed.evaluate`` and ``llm_testbed.pyfunc_llm`` install it
when imported.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import json
import os
import socket
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ALLOW_ENV = "LLM_TESTBED_EGRESS_ALLOW"
FILE_ENV = "LLM_TESTBED_EGRESS_FILE"
DEFAULT_FILE = Path("/etc/llm-testbed/egress-allow.txt")
DEFAULT_ENTRIES = "loopback,private"
AUDIT_FILE_NAME = "egress_audit.jsonl"

NO_RESPONSE = -1
"""Audit status of a call that got no HTTP response (connection error, timeout)."""
DENIED = 0
"""Audit status of a call the policy refused (nothing was sent)."""

Resolver = Callable[[str], Sequence[str]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "loopback": ("127.0.0.0/8", "::1/128"),
    "private": ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
    "link-local": ("169.254.0.0/16", "fe80::/10"),
}
_METADATA = (ipaddress.ip_network("169.254.169.254/32"), ipaddress.ip_network("fd00:ec2::254/128"))
_RULE = (
    "an entry is a host name, *.suffix, an IP address or CIDR, or one of the keywords "
    "loopback, private, link-local"
)


class EgressDenied(ValueError):  # noqa: N818 - the name the Java side and docs use
    """A call refused before any byte was sent; error code E102 like the Java SDK's
    ``EgressDeniedException``. The message names host, addresses, purpose, the kind and size of
    the data (never the data) and the setting to change."""

    code = "E102"

    def __init__(
        self,
        message: str,
        *,
        host: str | None,
        addresses: Sequence[str],
        purpose: str,
        data_kind: str | None,
        nbytes: int,
    ) -> None:
        super().__init__(message)
        self.host = host
        self.addresses = list(addresses)
        self.purpose = purpose
        self.data_kind = data_kind
        self.nbytes = nbytes


def system_resolver(host: str) -> list[str]:
    """Every address of ``host`` (``socket.getaddrinfo``); raises ``OSError`` if none."""
    infos = socket.getaddrinfo(host, None)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def _normalize_host(host: str | None) -> str | None:
    if host is None:
        return None
    h = host.strip().lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    return h.rstrip(".")


def _ip(text: str) -> Address | None:
    try:
        a = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
        return a.ipv4_mapped
    return a


def _network_text(n: Network) -> str:
    return str(n.network_address) if n.prefixlen == n.max_prefixlen else str(n)


def _is_ip_literal(text: str) -> bool:
    return _ip(text.split("/", 1)[0]) is not None


def _normalize_entry(raw: str, where: str) -> str:
    e = _normalize_host(raw) or ""
    if e in _KEYWORDS:
        return e
    if _is_ip_literal(e):
        try:
            return _network_text(ipaddress.ip_network(e, strict=False))
        except ValueError as err:
            raise ValueError(
                f"egress allow-list entry {raw!r} in {where} is not a valid address or CIDR: "
                f"{err}. Fix: write e.g. 10.1.0.0/16 or fd12:3456::/48"
            ) from err
    name = e[2:] if e.startswith("*.") else e
    labels = name.split(".")
    if not name or not all(
        label
        and label[0] != "-"
        and label[-1] != "-"
        and all(c.isalnum() or c in "-_" for c in label)
        and label.isascii()
        for label in labels
    ):
        raise ValueError(
            f"egress allow-list entry {raw!r} in {where} is not valid: {_RULE} (no scheme, "
            "port, path or bare '*'). Fix: write e.g. api.openai.com, *.corp.example or "
            "10.0.0.0/8"
        )
    return e


def split_entries(text: str, where: str) -> list[str]:
    """Splits and validates allow-list entries; ``where`` names their source in errors."""
    out: list[str] = []
    for line in text.splitlines():
        content = line.split("#", 1)[0]
        for raw in content.replace(",", " ").split():
            out.append(_normalize_entry(raw, where))
    return out


def _describe_data(data_kind: str | None, nbytes: int) -> str:
    kind = data_kind if data_kind and data_kind.strip() else "a request"
    size = "size not known" if nbytes < 0 else f"{nbytes} bytes"
    return f"{kind} ({size}, content not shown)"


@dataclass(frozen=True)
class EgressPolicy:
    """An allow-list (see the module docstring). Build it with :meth:`parse`, :meth:`load`,
    :meth:`defaults` or :func:`current`; immutable."""

    entries: tuple[str, ...]
    source: str
    defaults_in_force: bool = False
    env_entries: tuple[str, ...] = ()
    file: Path = DEFAULT_FILE
    resolver: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def parse(cls, text: str, *, resolver: Resolver = system_resolver) -> EgressPolicy:
        """Exactly the given entries (no defaults added); an empty string allows nothing."""
        entries = tuple(split_entries(text, "given entries"))
        return cls(entries, "given entries", False, entries, DEFAULT_FILE, resolver)

    @classmethod
    def defaults(cls) -> EgressPolicy:
        """``loopback,private``."""
        return cls(tuple(split_entries(DEFAULT_ENTRIES, "default")), "default", True)

    @classmethod
    def load(
        cls, env: Mapping[str, str] | None = None, default_file: Path = DEFAULT_FILE
    ) -> EgressPolicy:
        """The policy an environment (default ``os.environ``) and default file give."""
        env = os.environ if env is None else env
        allow = env.get(ALLOW_ENV)
        file_setting = (env.get(FILE_ENV) or "").strip()
        path = Path(file_setting) if file_setting else default_file
        from_env = split_entries(allow, ALLOW_ENV) if allow is not None else []
        from_file: list[str] = []
        if file_setting or path.is_file():
            try:
                from_file = split_entries(path.read_text(encoding="utf-8"), f"file {path}")
            except OSError as err:
                raise ValueError(
                    f"{FILE_ENV} names the egress allow-list file {path}, which cannot be read "
                    f"({err}). Fix: create it with one entry per line (host, *.suffix, CIDR, "
                    f"loopback, private) or unset {FILE_ENV}"
                ) from err
        if not from_env and not from_file:
            return cls(
                tuple(split_entries(DEFAULT_ENTRIES, "default")),
                f"default ({ALLOW_ENV} not set, no entries in {path})",
                True,
                (),
                path,
            )
        merged = tuple(dict.fromkeys([*from_env, *from_file]))
        source = " + ".join(
            s for s in (ALLOW_ENV if from_env else "", str(path) if from_file else "") if s
        )
        return cls(merged, source, False, tuple(from_env), path)

    def with_resolver(self, resolver: Resolver) -> EgressPolicy:
        """This policy resolving names with ``resolver`` (tests stay offline with it)."""
        return EgressPolicy(
            self.entries, self.source, self.defaults_in_force, self.env_entries, self.file, resolver
        )

    def _parts(self) -> tuple[set[str], list[str], list[Network], list[Network]]:
        hosts: set[str] = set()
        suffixes: list[str] = []
        ranges: list[Network] = []
        keyword_ranges: list[Network] = []
        for e in self.entries:
            if e in _KEYWORDS:
                keyword_ranges.extend(ipaddress.ip_network(n) for n in _KEYWORDS[e])
            elif e.startswith("*."):
                suffixes.append(e[1:])
            elif _is_ip_literal(e):
                ranges.append(ipaddress.ip_network(e, strict=False))
            else:
                hosts.add(e)
        return hosts, suffixes, ranges, keyword_ranges

    def _allowed_address(self, a: Address, ranges: list[Network], keywords: list[Network]) -> bool:
        if any(a.version == n.version and a in n for n in ranges):
            return True
        if any(a.version == n.version and a in n for n in _METADATA):
            return False
        return any(a.version == n.version and a in n for n in keywords)

    def allows(self, url: str) -> bool:
        """Whether a call to ``url`` would pass :meth:`check`."""
        try:
            self.check(url, "allows", "nothing", 0)
        except EgressDenied:
            return False
        return True

    def check(self, url: str, purpose: str, data_kind: str | None, nbytes: int) -> None:
        """Raises :class:`EgressDenied` unless ``url``'s host is allowed; call it before any
        byte is sent. ``nbytes`` is the body size that would be sent, -1 when not known."""
        try:
            raw_host = urlsplit(url).hostname
        except ValueError:
            raw_host = None
        host = _normalize_host(raw_host)
        if not host:
            raise EgressDenied(
                f"egress denied before sending: {url} has no host that the egress allow-list "
                f"can check (purpose {purpose}, would have sent "
                f"{_describe_data(data_kind, nbytes)}). Fix: use a URI of the form "
                "scheme://host:port/path with a valid host name",
                host=None,
                addresses=[],
                purpose=purpose,
                data_kind=data_kind,
                nbytes=nbytes,
            )
        hosts, suffixes, ranges, keywords = self._parts()
        literal = _ip(host)
        if literal is None and (host in hosts or any(host.endswith(s) for s in suffixes)):
            return
        if literal is not None:
            addresses = [literal]
        else:
            try:
                addresses = [a for a in (_ip(t) for t in self.resolver(host)) if a is not None]
            except OSError:
                addresses = []
            if not addresses:
                raise self._deny(
                    host,
                    [],
                    "does not resolve, so it cannot be shown to be private",
                    purpose,
                    data_kind,
                    nbytes,
                )
        texts = list(dict.fromkeys(str(a) for a in addresses))
        denied = list(
            dict.fromkeys(
                str(a) for a in addresses if not self._allowed_address(a, ranges, keywords)
            )
        )
        if not denied:
            return
        if literal is not None:
            why = "is not in an allowed range"
        else:
            why = "resolves to " + ", ".join(texts)
            if len(denied) != len(texts):
                verb = "is" if len(denied) == 1 else "are"
                why += f" of which {', '.join(denied)} {verb} not allowed"
            why += "; a name is public when any of its addresses is"
        raise self._deny(host, texts, why, purpose, data_kind, nbytes)

    def _deny(
        self,
        host: str,
        addresses: list[str],
        why: str,
        purpose: str,
        data_kind: str | None,
        nbytes: int,
    ) -> EgressDenied:
        suggested = [*(self.entries if self.defaults_in_force else self.env_entries), host]
        message = (
            f"egress denied before sending: host '{host}' {why}, and the egress allow-list "
            f"[{', '.join(self.entries)}] (from {self.source}) does not allow it. Nothing was "
            f"sent. Purpose: {purpose}; would have sent {_describe_data(data_kind, nbytes)}. A "
            "host is allowed when its name is listed (exact or *.suffix) or every address it "
            "resolves to is in a listed range. Fix, only if this destination may receive this "
            f"data: {ALLOW_ENV}={','.join(suggested)} (or a line '{host}' in {self.file})"
        )
        return EgressDenied(
            message,
            host=host,
            addresses=addresses,
            purpose=purpose,
            data_kind=data_kind,
            nbytes=nbytes,
        )


_cache_lock = threading.Lock()
_cache: tuple[str, EgressPolicy] | None = None
_override: contextvars.ContextVar[EgressPolicy | None] = contextvars.ContextVar(
    "llm_testbed_egress_override", default=None
)
_purpose: contextvars.ContextVar[str] = contextvars.ContextVar(
    "llm_testbed_egress_purpose", default="unattributed"
)


def current() -> EgressPolicy:
    """The policy configured for this process (re-read when the variable or file changes)."""
    override = _override.get()
    if override is not None:
        return override
    global _cache
    file_setting = (os.environ.get(FILE_ENV) or "").strip()
    path = Path(file_setting) if file_setting else DEFAULT_FILE
    try:
        stamp = f"{path.stat().st_mtime_ns}/{path.stat().st_size}"
    except OSError:
        stamp = "-"
    key = f"{os.environ.get(ALLOW_ENV)}|{path}|{stamp}"
    with _cache_lock:
        if _cache is None or _cache[0] != key:
            _cache = (key, EgressPolicy.load())
        return _cache[1]


@contextlib.contextmanager
def use_policy(policy: EgressPolicy) -> Iterator[EgressPolicy]:
    """Makes :func:`current` return ``policy`` inside the block (tests)."""
    token = _override.set(policy)
    try:
        yield policy
    finally:
        _override.reset(token)


@contextlib.contextmanager
def purpose(name: str) -> Iterator[None]:
    """Attributes the calls made inside the block to ``name`` in the audit log."""
    token = _purpose.set(name)
    try:
        yield
    finally:
        _purpose.reset(token)


def check(url: str, purpose: str, data_kind: str | None, nbytes: int) -> None:
    """:meth:`EgressPolicy.check` with :func:`current`; raises :class:`EgressDenied`."""
    current().check(url, purpose, data_kind, nbytes)


@dataclass(frozen=True)
class AuditEntry:
    time: datetime
    host: str | None
    purpose: str
    bytes_sent: int
    bytes_received: int
    status: int

    def to_json(self) -> str:
        return json.dumps(
            {
                "time": self.time.isoformat().replace("+00:00", "Z"),
                "host": self.host,
                "purpose": self.purpose,
                "bytes_sent": self.bytes_sent,
                "bytes_received": self.bytes_received,
                "status": self.status,
                "decision": "denied" if self.status == DENIED else "sent",
            },
            separators=(",", ":"),
        )


class EgressAudit:
    """Thread-safe record of outbound calls, one entry per HTTP exchange (each redirect hop and
    retry is one) plus one per denied call. Same JSONL shape as the Java SDK's audit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[AuditEntry] = []

    def record(
        self,
        host: str | None,
        purpose: str,
        bytes_sent: int,
        bytes_received: int,
        status: int,
        *,
        time: datetime | None = None,
    ) -> None:
        entry = AuditEntry(
            time or datetime.now(timezone.utc), host, purpose, bytes_sent, bytes_received, status
        )
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[AuditEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def summary(self) -> dict[str, Any]:
        """``{"total": counts, "by_host": {host: counts}, "by_purpose": {...}}``, where counts
        are ``calls, denied, failed, bytes_sent, bytes_received`` (as the Java summary)."""

        def empty() -> dict[str, int]:
            return {"calls": 0, "denied": 0, "failed": 0, "bytes_sent": 0, "bytes_received": 0}

        total = empty()
        by_host: dict[str, dict[str, int]] = {}
        by_purpose: dict[str, dict[str, int]] = {}
        for e in self.entries():
            for counts in (
                total,
                by_host.setdefault(str(e.host), empty()),
                by_purpose.setdefault(e.purpose, empty()),
            ):
                counts["calls"] += 1
                counts["denied"] += e.status == DENIED
                counts["failed"] += e.status == NO_RESPONSE or e.status >= 400
                counts["bytes_sent"] += max(0, e.bytes_sent)
                counts["bytes_received"] += max(0, e.bytes_received)
        return {
            "total": total,
            "by_host": dict(sorted(by_host.items())),
            "by_purpose": dict(sorted(by_purpose.items())),
        }

    def to_jsonl(self, *, since: int = 0) -> str:
        """The entries from index ``since`` on, one JSON object per line."""
        return "".join(e.to_json() + "\n" for e in self.entries()[since:])

    def write_jsonl(self, path: str | Path) -> Path:
        """Writes every entry as one JSON line to ``path`` (replacing it); returns the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.to_jsonl(), encoding="utf-8")
        return p


_AUDIT = EgressAudit()


def audit() -> EgressAudit:
    """The process-wide audit the guard records into."""
    return _AUDIT


_guard_lock = threading.Lock()
_guard_installed = False


def install_guard() -> None:
    """Checks and audits every urllib3 request of this process (idempotent).

    urllib3 carries ``requests`` (MLflow's tracking and artifact-proxy client, the pyfunc LLM
    model) and botocore; its ``urlopen`` is also re-entered for each redirect and retry, so
    every hop is checked. Denied calls are recorded with status 0 and raise
    :class:`EgressDenied` before a connection is made.
    """
    # LIMIT: only urllib3 is guarded; code using raw sockets, http.client or another HTTP
    # library is not. tests/test_egress.py fails when a module of this package imports one.
    global _guard_installed
    with _guard_lock:
        if _guard_installed:
            return
        from urllib3 import connectionpool

        original = connectionpool.HTTPConnectionPool.urlopen

        def guarded_urlopen(
            self: Any, method: str, url: str, body: Any = None, *args: Any, **kwargs: Any
        ) -> Any:
            host = str(self.host)
            authority = f"[{host}]" if ":" in host else host
            target = (
                url
                if url.lower().startswith(("http://", "https://"))
                else (f"{self.scheme}://{authority}:{self.port}{url}")
            )
            nbytes = _body_size(body)
            name = _purpose.get()
            try:
                check(target, name, f"HTTP {method} body", nbytes)
            except EgressDenied as denied:
                _AUDIT.record(denied.host, name, 0, 0, DENIED)
                raise
            audit_host = _normalize_host(urlsplit(target).hostname)
            try:
                response = original(self, method, url, body, *args, **kwargs)
            except Exception:
                _AUDIT.record(audit_host, name, max(nbytes, 0), -1, NO_RESPONSE)
                raise
            _AUDIT.record(audit_host, name, nbytes, _received(response), int(response.status))
            return response

        connectionpool.HTTPConnectionPool.urlopen = guarded_urlopen  # type: ignore[method-assign]
        _guard_installed = True


def _body_size(body: Any) -> int:
    if body is None:
        return 0
    if isinstance(body, str):
        return len(body.encode("utf-8"))
    if isinstance(body, (bytes, bytearray, memoryview)):
        return len(body)
    return -1


def _received(response: Any) -> int:
    # LIMIT: streamed bodies (requests' default) are not counted as read; the Content-Length
    # header stands in, -1 when the server sends none (chunked).
    length = response.headers.get("Content-Length") if response.headers is not None else None
    try:
        return int(length) if length is not None else -1
    except ValueError:
        return -1
