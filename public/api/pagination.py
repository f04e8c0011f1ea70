"""Cursor pagination: stable pages whatever is published meanwhile, and no ``COUNT(*)``."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages of 50 (up to 200 with ``page_size``) in id order, which never changes. A page size
    that is not a whole number from 1 to 200 falls back to the default, never an error."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = "Results on a page, 1 to 200 (default 50)."
    cursor_query_description = "The position to continue from: use the `next` or `previous` link of a page."
