"""Who is asking: the client's network address, taken only from proxies we trust.

Behind nginx every request comes from nginx's address, and the visitor's address is
in a header nginx sets. Anyone can send that header too, so it is believed only when
the request itself comes from an address in ``settings.TRUSTED_PROXIES``. Every rate
limit, sign-in record and exchange-log line asks this one function.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str | None:
    """The address of the client that sent ``request``; ``None`` without a request or a
    usable address (a Unix socket).

    When the request comes straight from a trusted proxy, the ``X-Forwarded-For`` chain
    is read from the right (the hop nearest to us) past every trusted proxy; the first
    other address is the client. Without that header, a trusted proxy's ``X-Real-IP``
    is used. From anyone else both headers are ignored.
    """
    if request is None:
        return None
    parsed = _parse(request.META.get("REMOTE_ADDR") or "")
    remote = str(parsed) if parsed is not None else None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _is_trusted(parsed, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
            address = _parse(hop)
            if address is None:
                # A garbled hop: stop believing the chain here.
                return remote
            if not _is_trusted(address, networks):
                return str(address)
        return remote
    real_ip = _parse(request.META.get("HTTP_X_REAL_IP", ""))
    return str(real_ip) if real_ip is not None else remote
