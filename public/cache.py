"""Anonymous visitors' public pages, served from Django's cache framework.

A page is cached under its address and today's date (``common.public_cache.page_key``), with
the public data's version it was made under, and served only while that version is current
(the version and the page are read in one round trip, ``version_and_page``): whatever changes
what the public sees makes a new version (publishing, unpublishing, an import, an admin edit,
a leader's change to an action plan), and an embargo lifts at its date because each day has its own keys. Nothing
is ever purged by hand, so no stale page can survive a change, in any worker process.

``PublicPageCacheMiddleware`` sits near the top of the middleware: a cached page is answered
before sessions, authentication, CSRF and messages run, and a fresh page is stored with the
headers every inner middleware gave it. Only views marked with ``cached_public_page`` are
cached, and only for requests that cannot belong to a signed-in user: no session cookie, no
messages cookie. A response that sets a cookie (a CSRF token, a message) or is not a plain
200 is never stored. Previews are never marked. Each cached response carries an ``ETag`` (a
digest of its body) and ``Last-Modified`` (when the public data last changed, or the day began,
whichever is later), and a conditional request that matches gets 304.

Nobody can fill the cache with copies of one page: a page's key holds only the query
parameters the view declares (``cached_public_page(params=…)``: the list's filters and page),
so ``?utm_source=N`` is the same key as no query at all. A request carrying a parameter the page
does not use is answered from the cache when its page is there, and is never stored (its page
could echo the parameter). The ``Host`` is checked before the cache is read (a disallowed host
is a 400, as without the cache), and when the cache cannot be reached the page is built from
the database (``common.public_cache``).
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from common import clock, public_cache

CACHE_CONTROL = "public, no-cache"  # browsers and proxies may keep it, but must revalidate (304)
# Headers a cached page is served with are the ones its first response had, less these.
NOT_STORED = {"set-cookie", "etag", "last-modified", "cache-control", "vary", "content-length"}


def cached_public_page(view=None, *, params=()):
    """Marks a public view whose anonymous 200 responses the middleware caches. ``params``: the
    query parameters the page reads (an iterable, or a callable returning one, read per request);
    every other parameter is left out of the cache key."""

    def mark(view):
        view.public_page_cache = True
        view.public_page_params = params
        return view

    return mark(view) if view is not None else mark


def may_use_cache(request):
    """True for a GET or HEAD from someone who cannot be signed in and has no message waiting."""
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _marked(request):
    """The view's marked page parameters (a frozenset), or None if the view is not cached."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if not getattr(match.func, "public_page_cache", False):
        return None
    params = match.func.public_page_params
    return frozenset(params() if callable(params) else params)


def page_address(request, params):
    """The page's address as its cache key sees it (the path and the parameters the page reads,
    in a fixed order), and whether the request carried any other parameter."""
    used, unused = [], False
    for name, values in request.GET.lists():
        if name in params:
            used.append((name, values))  # in order: a repeated parameter's last value counts
        else:
            unused = True
    query = urlencode(sorted(used), doseq=True)
    return (f"{request.path}?{query}" if query else request.path), unused


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = _marked(request) if may_use_cache(request) else None
        if params is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) before anything is read from the cache
        today = clock.today()
        address, unused = page_address(request, params)
        # Each language its own page (LocaleMiddleware, further in, chooses it the same way).
        language = translation.get_language_from_request(request)
        key = public_cache.page_key(today, f"{language}:{address}")
        # One round trip: the version and the page, served only if made under that version.
        current, entry = public_cache.version_and_page(key)
        if current is None:  # the cache cannot be reached: the page from the database
            return self.get_response(request)
        if entry is None:
            response = self.get_response(request)
            if unused or not _storable(request, response):
                return response
            body = response.content
            headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED]
            entry = (body, headers, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
            # Stored with the version read before the page was made: a change committed while it
            # was being made has a newer version, so this page is never served after it.
            public_cache.cache_set(key, (current, *entry), settings.PUBLIC_CACHE_TIMEOUT)
        body, headers, etag = entry
        modified = public_cache.last_modified(current, today)
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        response["Cache-Control"] = CACHE_CONTROL
        # The same address shows a signed-in person another page, and a visitor of another language
        # another: caches keep them apart.
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
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
