"""Cursor pagination: stable pages whatever is published meanwhile, a total on every page (read
from the cache while the public data stays the same, never counted per page), and a 400 with
the API's one error body for a page size or a cursor it cannot use."""

import re

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

# A cursor's position is an id (the pages are in id order): digits only, below the database's
# largest id. Anything else (a tampered cursor such as ``cD1hYmM=``, "p=abc") is refused.
POSITION = re.compile(r"[0-9]{1,18}")
PAGE_SIZE = re.compile(r"[0-9]{1,4}")
BASE64 = re.compile(r"[A-Za-z0-9+/]{1,200}={0,2}")
BAD_CURSOR = "This cursor cannot be used: follow the `next` or `previous` link of a page, or leave it out."


class IdCursorPagination(CursorPagination):
    """Pages of 50 (1 to 200 with ``page_size``) in id order, which never changes."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = "Results on a page, 1 to 200 (default 50)."
    cursor_query_description = "The position to continue from: use the `next` or `previous` link of a page."

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not PAGE_SIZE.fullmatch(value) or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return int(value)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:  # absent or empty: the first page, as for any empty filter
            return None
        if not BASE64.fullmatch(encoded):  # b64decode would quietly drop what is not base64
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None
        if cursor.position is not None and not POSITION.fullmatch(cursor.position):
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]})
        if cursor.offset >= self.offset_cutoff:  # DRF would quietly cut it down: never one of ours
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]})
        return cursor

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        self.total = view.list_total(queryset) if view is not None and hasattr(view, "list_total") else None
        return page

    def get_paginated_response(self, data):
        return Response(
            {
                "total": self.total,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["total", "next", "previous", "results"],
            "properties": {
                "total": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "How many results the request matches, on every page.",
                    "example": 13,
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page, or null on the first.",
                },
                "results": schema,
            },
        }
