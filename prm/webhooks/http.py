"""POSTing a webhook without letting an endpoint URL reach inside the network.

The host is resolved once; every address must be a public one (unless
PRM_WEBHOOK_ALLOW_PRIVATE, development and tests); the connection goes to that address
(TLS still checks the host name), so a DNS answer that changes between check and connect
cannot redirect it. No redirects are followed, and only the status code is kept."""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

USER_AGENT = "PartnerPortal-Webhooks/1.0"


@dataclass
class Result:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Blocked(Exception):
    pass


def _address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Blocked(f"cannot resolve {host}") from exc
    addresses = [info[4][0] for info in infos]
    if not getattr(settings, "PRM_WEBHOOK_ALLOW_PRIVATE", False):
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise Blocked(f"{host} resolves to a non-public address")
    return addresses[0]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Result:
    started = time.monotonic()
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    try:
        address = _address(parts.hostname, port)
    except Blocked as exc:
        return Result(None, str(exc), 0)
    default_port = port == (443 if https else 80)
    host_header = parts.hostname if default_port else f"{parts.hostname}:{port}"
    kwargs = {
        "timeout": urllib3.Timeout(connect=min(timeout, 5.0), read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if https:
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=parts.hostname, assert_hostname=parts.hostname, **kwargs
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **kwargs)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    all_headers = {
        **headers,
        "Host": host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    try:
        response = pool.urlopen(
            "POST", path, body=body, headers=all_headers, redirect=False, retries=False, preload_content=False
        )
        response.read(1024, decode_content=False)  # the answer is not kept: only its code
        response.release_conn()
        status = response.status
    except urllib3.exceptions.HTTPError as exc:
        return Result(None, _reason(exc), _ms(started))
    finally:
        pool.close()
    return Result(status, "" if 200 <= status < 300 else f"HTTP {status}", _ms(started))


def _reason(exc) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason).lower()
    # (urllib3 2's NewConnectionError is also a ConnectTimeoutError: look at the words first.)
    if "refused" in text:
        return "connection refused"
    if isinstance(exc, urllib3.exceptions.SSLError):
        return "TLS error"
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "timed out" in text:
        return "timeout"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "cannot connect"
    return type(reason).__name__[:100]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
