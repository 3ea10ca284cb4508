"""Throttling of the public tracking form, counted per client address in the shared cache.

The cache is the default one (Redis in production, so every app node sees the same counts).
`cache.add` creates the counter with its expiry only if it is missing, and `cache.incr` is
atomic, so concurrent requests cannot lose a failure.
"""

from django.core.cache import cache

from firstask.client_ip import client_ip

# After this many failed lookups within the window, the address is refused for LOCK_SECONDS.
FAILURES_BEFORE_LOCK = 10
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60

_FAILURES_KEY = "track:failures:{address}"
_LOCK_KEY = "track:locked:{address}"


def client_address(request) -> str:
    """The client's address behind the trusted proxies (TRUSTED_PROXIES): firstask.client_ip."""
    return client_ip(request)


def is_locked(address: str) -> bool:
    return bool(cache.get(_LOCK_KEY.format(address=address)))


def record_failure(address: str) -> int:
    """Count one failed lookup; lock the address once the limit is reached."""
    key = _FAILURES_KEY.format(address=address)
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        failures = 1
    else:
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS)
            failures = 1
    if failures >= FAILURES_BEFORE_LOCK:
        cache.set(_LOCK_KEY.format(address=address), True, timeout=LOCK_SECONDS)
    return failures
