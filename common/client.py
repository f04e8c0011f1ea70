"""Who is asking, as a network address: the one place the site reads it, for every limit that
counts tries per address (sign-in lockouts, password resets, e-mail alerts, the API).

Behind a reverse proxy or a load balancer every request comes from the proxy's own address, so a
limit per ``REMOTE_ADDR`` would count all visitors together: one person's wrong passwords would
lock an account out for everyone, and one allowance of password resets would be shared by all.
Each proxy appends the address it received the request from to ``X-Forwarded-For``; with
``TRUSTED_PROXIES`` (``DJANGO_TRUSTED_PROXIES``) proxies in front of the site, the visitor is the
entry that many places from the right. Entries further left are whatever the visitor sent, so
they are never read: a forged header moves no count. With no proxy (the default) the header is
ignored altogether.
"""

from django.conf import settings


def client_address(request) -> str:
    """The visitor's address, as the nearest trusted proxy saw it (DRF's ``NUM_PROXIES`` rule)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded.strip():
        return remote
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote
