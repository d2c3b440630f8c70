"""The Redis cache backend against the machine's Redis (CI has one; so does production)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from caremarket.common.caches import RedisCache

URL = "redis://127.0.0.1:6379/7"


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


def test_values_round_trip_through_one_client_per_pool(cache):
    cache.set("answer", b"body" * 1000)
    cache.set("rows", [("Willow House", 2)])
    assert cache.get("answer") == b"body" * 1000
    assert cache.get("rows") == [("Willow House", 2)]
    assert cache.get("missing", "default") == "default"
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_threads_share_the_client_without_mixing_answers(cache):
    def round_trip(n: int) -> bool:
        for i in range(50):
            cache.set(f"k{n}-{i}", (n, i))
            if cache.get(f"k{n}-{i}") != (n, i):
                return False
        return True

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(round_trip, range(8)))
