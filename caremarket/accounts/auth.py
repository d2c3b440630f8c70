"""API authentication: the browser session, or a per-user bearer token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from caremarket.accounts import selectors, services


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = selectors.api_token_get_active_by_hash(key_hash=services.api_token_hash(token))
        if api_token is None:
            # A token was sent and is wrong or revoked: say so, rather than falling through to
            # the session check and answering "CSRF check failed" or the public view.
            raise AuthenticationError(401, "The API token is not valid or has been revoked.")
        services.api_token_touch(token=api_token, now=timezone.now())
        request.user = api_token.user
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """Session auth (with Django's CSRF check on unsafe methods) for active users only."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # No one signed in: nothing for a CSRF check to protect, and the truthful answer is
        # 401 (sign in or send a token), not "CSRF check failed".
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            return user
        return None


class Anonymous(APIKeyHeader):
    """Lets a public endpoint run for anyone; the handler sees an anonymous user."""

    param_name = "X-Anonymous"

    def __call__(self, request: HttpRequest) -> Any:
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            request.user = AnonymousUser()
        return request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return request.user


token_auth = TokenAuth()
session_auth = ActiveSessionAuth()
# Signed-in callers only.
required_auth = [token_auth, session_auth]
# Public endpoints: a token or session widens what is seen, no credentials is the public view.
optional_auth = [token_auth, session_auth, Anonymous()]
