"""First-party attribution of anonymous visitors, shared by the apps that count them.

A visitor is a keyed hash of the address, the user agent and the day (never the address
itself; two days of one visitor cannot be linked). The channel cookie holds only the code
of the tracked link a visitor agreed to be remembered by: promotion writes it after the
visitor's consent, partners reads it when an application is submitted. No third party
sees either.
"""

import re

from django.conf import settings
from django.utils.crypto import salted_hmac

from prm.http.clientip import client_ip

CHANNEL_COOKIE = "prm_channel"
CHANNEL_COOKIE_SALT = "prm.channel"
CHANNEL_COOKIE_DAYS = 30
CHANNEL_CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,20}")

BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|monitor|curl|wget|python-|"
    r"headless|scanner|fetch|http-client|java/|okhttp|go-http",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_RE.search(user_agent))


def visitor_hash(*, ip: str, user_agent: str, day, purpose: str = "promotion.click.visitor") -> str:
    """One visitor on one day, keyed with the portal's SECRET_KEY: the address is never
    stored, and the same visitor on two days gives two unrelated values."""
    message = f"{ip}\n{user_agent}\n{day.isoformat()}"
    return salted_hmac(purpose, message, algorithm="sha256").hexdigest()[:32]


def request_visitor(request, *, day, purpose: str) -> str | None:
    """The visitor hash of a request, or None for a bot (nothing is counted for it)."""
    user_agent = request.headers.get("User-Agent", "")[:500]
    if is_bot(user_agent):
        return None
    return visitor_hash(ip=client_ip(request), user_agent=user_agent, day=day, purpose=purpose)


def channel_code(request) -> str:
    """The tracked link's code the visitor agreed to be remembered by ("" without consent)."""
    value = request.get_signed_cookie(CHANNEL_COOKIE, default="", salt=CHANNEL_COOKIE_SALT)
    return value if CHANNEL_CODE_RE.fullmatch(value) else ""


def channel_remember(response, code: str) -> None:
    response.set_signed_cookie(
        CHANNEL_COOKIE,
        code,
        salt=CHANNEL_COOKIE_SALT,
        max_age=CHANNEL_COOKIE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def channel_forget(response) -> None:
    response.delete_cookie(CHANNEL_COOKIE, samesite="Lax")
