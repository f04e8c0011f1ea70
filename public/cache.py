"""Anonymous visitors' public pages, served from Django's cache framework.

A page is cached under the public data's version and today's date
(``recommendations.public_cache.page_key``): whatever changes what the public sees makes a
new version (publishing, unpublishing, an import, an admin edit, a leader's change to an
action plan), and an embargo lifts at its date because each day has its own keys. Nothing
is ever purged by hand, so no stale page can survive a change, in any worker process.

Only requests that cannot belong to a signed-in user are cached or served from the cache:
those with no session cookie and no messages cookie. A page that used a CSRF token is not
stored. Previews are never decorated. Each cached response carries an ``ETag`` (a digest of
its body) and ``Last-Modified`` (when the public data last changed), and a conditional
request that matches gets 304.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from recommendations import clock, public_cache

CACHE_CONTROL = "public, no-cache"  # browsers and proxies may keep it, but must revalidate (304)


def may_use_cache(request):
    """True for a GET or HEAD from someone who cannot be signed in and has no message waiting."""
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_public_page(view):
    """Serves ``view``'s 200 responses to anonymous visitors from the cache (see module doc)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_use_cache(request):
            return view(request, *args, **kwargs)
        current = public_cache.version()
        key = public_cache.page_key(current, clock.today(), request.get_full_path())
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            body = response.content
            entry = (body, response["Content-Type"], f'"{hashlib.sha256(body).hexdigest()[:32]}"')
            cache.set(key, entry, settings.PUBLIC_CACHE_TIMEOUT)
        body, content_type, etag = entry
        modified = public_cache.last_modified(current)
        response = HttpResponse(body, content_type=content_type)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        response["Cache-Control"] = CACHE_CONTROL
        # The same address shows a signed-in person another page: caches keep them apart.
        patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(request, etag=etag, last_modified=modified, response=response)

    return wrapper


def _storable(request, response):
    """Only a complete, anonymous page that set no cookie and used no CSRF token is shared."""
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and (user is None or not user.is_authenticated)
    )
