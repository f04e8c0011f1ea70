"""Anonymous visitors' public pages, served from Django's cache framework.

A page is cached under the public data's version and today's date
(``common.public_cache.page_key``): whatever changes what the public sees makes a
new version (publishing, unpublishing, an import, an admin edit, a leader's change to an
action plan), and an embargo lifts at its date because each day has its own keys. Nothing
is ever purged by hand, so no stale page can survive a change, in any worker process.

``PublicPageCacheMiddleware`` sits near the top of the middleware: a cached page is answered
before sessions, authentication, CSRF and messages run, and a fresh page is stored with the
headers every inner middleware gave it. Only views marked with ``cached_public_page`` are
cached, and only for requests that cannot belong to a signed-in user: no session cookie, no
messages cookie. A response that sets a cookie (a CSRF token, a message) or is not a plain
200 is never stored. Previews are never marked. Each cached response carries an ``ETag`` (a
digest of its body) and ``Last-Modified`` (when the public data last changed), and a
conditional request that matches gets 304.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from common import clock, public_cache

CACHE_CONTROL = "public, no-cache"  # browsers and proxies may keep it, but must revalidate (304)
# Headers a cached page is served with are the ones its first response had, less these.
NOT_STORED = {"set-cookie", "etag", "last-modified", "cache-control", "vary", "content-length"}


def cached_public_page(view):
    """Marks a public view whose anonymous 200 responses the middleware caches."""
    view.public_page_cache = True
    return view


def may_use_cache(request):
    """True for a GET or HEAD from someone who cannot be signed in and has no message waiting."""
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _marked(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "public_page_cache", False)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (may_use_cache(request) and _marked(request)):
            return self.get_response(request)
        current = public_cache.version()
        key = public_cache.page_key(current, clock.today(), request.get_full_path())
        entry = cache.get(key)
        if entry is None:
            response = self.get_response(request)
            if not _storable(request, response):
                return response
            body = response.content
            headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED]
            entry = (body, headers, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
            cache.set(key, entry, settings.PUBLIC_CACHE_TIMEOUT)
        body, headers, etag = entry
        modified = public_cache.last_modified(current)
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        response["Cache-Control"] = CACHE_CONTROL
        # The same address shows a signed-in person another page: caches keep them apart.
        patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(request, etag=etag, last_modified=modified, response=response)


def _storable(request, response):
    """Only a complete, anonymous page that set no cookie is shared."""
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and (user is None or not user.is_authenticated)
    )
