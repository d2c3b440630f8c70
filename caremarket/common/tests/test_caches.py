"""The Redis cache backend: one client per pool (no server needed), and round trips against
the machine's Redis (CI and production have one; the production smoke test uses it too)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from caremarket.common.caches import RedisCache

URL = "redis://127.0.0.1:6379/7"


def test_every_call_gets_the_one_client_of_its_pool_without_a_server():
    # redis-py connects on the first command, so this needs no Redis running.
    backend = RedisCache("redis://127.0.0.1:1/0", {})
    client = backend._cache.get_client()
    assert client is backend._cache.get_client(write=True) is backend._cache.get_client("k")
    assert client.connection_pool is backend._cache._get_connection_pool(False)


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {URL}")
    backend = RedisCache(URL, {"KEY_PREFIX": "caches-test", "TIMEOUT": 60})
    backend.clear()
    yield backend
    backend.clear()


def test_values_round_trip_through_the_shared_client(cache):
    cache.set("answer", b"body" * 1000)
    cache.set("rows", [("Willow House", 2)])
    assert cache.get("answer") == b"body" * 1000
    assert cache.get("rows") == [("Willow House", 2)]
    assert cache.get("missing", "default") == "default"


def test_threads_share_the_client_without_mixing_answers(cache):
    def round_trip(n: int) -> bool:
        for i in range(50):
            cache.set(f"k{n}-{i}", (n, i))
            if cache.get(f"k{n}-{i}") != (n, i):
                return False
        return True

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(round_trip, range(8)))
