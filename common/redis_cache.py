"""Django's Redis cache, keeping its ``redis.Redis`` client instead of making one per operation.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call (on
the same connection pool), and each one builds its table of about 170 response callbacks: for
a cached public page, which is one cache call, that was more work than Django's whole answer to
a plain "Hello, world" view. The client is made once per connection pool and kept. A
``redis.Redis`` is safe to share between threads (each command takes a connection from the
pool), and Django makes one cache backend per thread anyway.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
