"""The client's address, as seen through the reverse proxies this deployment trusts.

`REMOTE_ADDR` is the address of whoever opened the TCP connection. Behind nginx that is the
proxy itself, so every visitor would share one address (and one throttle). Proxies append
the address they received the request from to `X-Forwarded-For`; only the entries added by
our own proxies can be believed, because a client may send any header it likes. So: start
from `REMOTE_ADDR`; while the address in hand is a trusted proxy, step one entry left in
`X-Forwarded-For`. The first untrusted address is the client. With `TRUSTED_PROXIES` empty
(the default) the headers are ignored entirely.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values) -> tuple[IPNetwork, ...]:
    """`TRUSTED_PROXIES` entries (addresses or CIDR blocks) as networks; ValueError if invalid."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value)


@lru_cache(maxsize=4)
def _trusted(values: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(values)


def _address(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client reaching a dual-stack socket appears as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's IP address as text; "unknown" when the request carries none."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return "unknown"
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _is_trusted(remote, networks):
        return str(remote)

    header = request.META.get("HTTP_X_FORWARDED_FOR") or request.META.get("HTTP_X_REAL_IP") or ""
    # Right to left: each entry was written by the hop to its right, which we trust so far.
    # What a client wrote itself sits further left and is never reached once an untrusted
    # address has been found, so a forged or garbled prefix cannot hide the real client.
    entries = [part for part in header.split(",") if part.strip()]
    found = remote
    for part in reversed(entries):
        address = _address(part)
        if address is None:
            # Unreadable where one of our proxies should have written: use what we have.
            return str(remote)
        found = address
        if not _is_trusted(address, networks):
            return str(address)
    # Every hop is one of ours (an internal health check, say): the left-most is the origin.
    return str(found)


def client_ip_or_none(request) -> str | None:
    """For address columns (GenericIPAddressField, django-axes): a real address or None."""
    address = client_ip(request)
    return None if address == "unknown" else address
