"""Django's Redis cache backend, sharing one redis-py client per connection pool.

Django's `RedisCacheClient` builds a new `redis.Redis` for every cache call, and each one
fills its table of response callbacks: a third of the CPU of reading a cached vacancy search
answer (issue 13). redis-py clients are safe to share between threads and take a connection
from their pool for each command, so one per pool does the same work.
"""

from __future__ import annotations

from typing import Any

import redis as redis_py
from django.core.cache.backends import redis


class _SharedClients(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # not in the stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = redis_py.Redis(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClients
