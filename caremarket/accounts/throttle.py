"""Sign-in and password throttling that cannot be dodged or turned on the person attacked.

django-axes counts failed sign-ins for an (e-mail, address) pair, keyed on the e-mail as the
service compares it (lower-case, trimmed), so "Broker@x" and " broker@x" are one counter, and a
stranger elsewhere cannot lock the account's owner out. Counters here in the shared cache add
what axes does not: one address trying many e-mails, password-reset requests, the
current-password check on the account page, and the two-factor code step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def normalise_email(value: object) -> str:
    return str(value or "").strip().lower()


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the e-mail as sign-in compares it."""
    if credentials and credentials.get("username"):
        return normalise_email(credentials["username"])
    return normalise_email(request.POST.get("username", "") if request.POST else "")


def client_ip(request: HttpRequest) -> str:
    """The caller's address, trusting exactly TRUSTED_PROXY_COUNT proxies in front of the service.

    Each trusted proxy appends the address it received from to X-Forwarded-For, so with N
    proxies the client is the Nth entry from the right; anything further left was written by
    the client and is ignored. With no proxy, X-Forwarded-For is ignored altogether.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) >= count:
        return forwarded[-count]
    return forwarded[0] if forwarded else remote


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    seconds: int


SIGN_IN_PER_ADDRESS = Limit("sign-in-address", 30, 15 * 60)
RESET_PER_EMAIL = Limit("reset-email", 3, 60 * 60)
RESET_PER_ADDRESS = Limit("reset-address", 10, 60 * 60)
CURRENT_PASSWORD_PER_USER = Limit("current-password", 5, 15 * 60)
# Keyed on the account: whoever reaches the code step already has its password, so there is no
# stranger to protect its owner from, and a million guesses at six digits must not be possible.
SECOND_FACTOR_PER_USER = Limit("second-factor", 5, 15 * 60)


def _key(limit: Limit, subject: str) -> str:
    return f"throttle:{limit.name}:{subject}"


def exceeded(limit: Limit, subject: str) -> bool:
    return int(cache.get(_key(limit, subject), 0)) >= limit.attempts


def count(limit: Limit, subject: str) -> int:
    """Counts one attempt; the window starts at the first and is not extended by later ones."""
    key = _key(limit, subject)
    if cache.add(key, 1, limit.seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, limit.seconds)
        return 1


def minutes(limit: Limit) -> int:
    return limit.seconds // 60
