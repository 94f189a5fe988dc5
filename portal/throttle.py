"""Counting attempts in the cache (shared by every web process when CACHE_URL names Redis)."""

import time

from django.core.cache import cache


def blocked_for(key: str, *, limit: int, window: int) -> int:
    """Seconds to wait before another attempt under `key`, or 0 when under the limit (does not count one)."""
    started, count = cache.get(key, (0.0, 0))
    left = int(started + window - time.time())
    if count >= limit and left > 0:
        return left
    return 0


def count(key: str, *, window: int) -> None:
    """Count one attempt in the window that started with the first attempt."""
    now = time.time()
    started, attempts = cache.get(key, (now, 0))
    if started + window <= now:
        started, attempts = now, 0
    cache.set(key, (started, attempts + 1), timeout=int(started + window - now) + 1)
