"""What every response under /api/ gets on top of the view's: CORS for read-only requests and an
ETag, with 304 Not Modified when the client already has it.

CORS: ``Access-Control-Allow-Origin: *`` on GET, HEAD and OPTIONS (the API is anonymous and
read-only, so any web page may read it); a preflight (OPTIONS with
``Access-Control-Request-Method``) is answered here with the methods and headers allowed.
"""

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag

API_PREFIX = "/api/"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Retry-After, Content-Language"


def add_cors_headers(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


class OpenDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            return self.preflight(request)
        response = self.get_response(request)
        if request.method not in READ_METHODS:
            return response
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            if not response.has_header("ETag"):
                set_response_etag(response)
            conditional = get_conditional_response(request, etag=response["ETag"], response=response)
            if conditional is not response:
                response = conditional
        return add_cors_headers(response)

    def preflight(self, request):
        wanted = request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].upper()
        if wanted not in READ_METHODS:
            return HttpResponse(status=403)  # no CORS headers: the browser refuses the request
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Max-Age"] = "86400"
        return add_cors_headers(response)
