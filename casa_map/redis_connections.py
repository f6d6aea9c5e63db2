"""How every part of Casa Map reaches Redis: the settings build the cache's and Celery's
configuration here, and code that needs the Redis client itself (issues.data_version's
pipeline) asks for it here, never opening a connection of its own.

Two ways to reach Redis, chosen from the environment (casa_map.settings):

- one server: CACHE_URL=redis://… and CELERY_BROKER_URL=redis://… (Django's own Redis cache);
- a replicated set watched by Redis Sentinel (scripts/redis_ha.sh, issue #26):
  REDIS_SENTINELS=host:port,host:port,… and REDIS_SENTINEL_MASTER=casa-map. The cache is
  django-redis's Sentinel client and the broker kombu's `sentinel://` transport: both ask the
  sentinels which server is the master when they connect, so after a failover they reconnect to
  the promoted replica on their own.

Reads and writes both go to the master: the replica is there to take over, not to serve reads
(a figure read back from it just after it was written could be missing).
"""

from __future__ import annotations

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

# A command to a Redis that stopped answering gives up after this long (seconds), so a citizen's
# request falls back (casa_map.limits) instead of waiting: a master that dies without closing
# its sockets (a lost machine, not a killed process) is the case this bounds.
SOCKET_TIMEOUT = 0.5


def parse_sentinels(addresses: list[str]) -> list[tuple[str, int]]:
    """["127.0.0.1:26379", …] → [("127.0.0.1", 26379), …]; the port defaults to 26379."""
    sentinels = []
    for address in addresses:
        host, colon, port = address.strip().rpartition(":")
        if not colon:
            host, port = port, ""
        sentinels.append((host, int(port or 26379)))
    return sentinels


def cache_through_sentinels(sentinels: list[tuple[str, int]], master: str, db: int) -> dict:
    """Django's CACHES entry for the master `master` the `sentinels` watch, database `db`."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        # A list of one: django-redis's Sentinel client would otherwise add a second pool that
        # reads from the replica.
        "LOCATION": [f"redis://{master}/{db}"],
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.SentinelClient",
            "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
            "SENTINELS": sentinels,
            "SENTINEL_KWARGS": {
                "socket_timeout": SOCKET_TIMEOUT,
                "socket_connect_timeout": SOCKET_TIMEOUT,
            },
            "SOCKET_TIMEOUT": SOCKET_TIMEOUT,
            "SOCKET_CONNECT_TIMEOUT": SOCKET_TIMEOUT,
        },
    }


def broker_through_sentinels(sentinels: list[tuple[str, int]], db: int) -> str:
    """Celery's broker URL for kombu's Sentinel transport (the master's name goes in
    `broker_transport_options`, see `broker_options_through_sentinels`)."""
    return ";".join(f"sentinel://{host}:{port}/{db}" for host, port in sentinels)


def broker_options_through_sentinels(master: str) -> dict:
    return {
        "master_name": master,
        "sentinel_kwargs": {
            "socket_timeout": SOCKET_TIMEOUT,
            "socket_connect_timeout": SOCKET_TIMEOUT,
        },
        "socket_timeout": SOCKET_TIMEOUT,
        "socket_connect_timeout": SOCKET_TIMEOUT,
    }


def redis_client(backend: BaseCache, *, write: bool = True):
    """The redis-py client behind a Django cache (Django's Redis cache or django-redis's, through
    Sentinel or not), or None when the cache is not Redis."""
    if isinstance(backend, DjangoRedisCache):
        return backend._cache.get_client(write=write)
    try:
        from django_redis.cache import RedisCache as DjangoRedisRedisCache
    except ImportError:  # pragma: no cover - django-redis is a requirement
        return None
    if isinstance(backend, DjangoRedisRedisCache):
        return backend.client.get_client(write=write)
    return None
