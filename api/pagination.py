"""Cursor pagination: stable under inserts, and no COUNT over a province's cases.

Every list is ordered by primary key (the cursor's position is then an integer, checked as such), newest
first unless the list says otherwise.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_PK_DIGITS = 18


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"
    invalid_cursor_message = _("Invalid cursor: use the `next` or `previous` link of a page.")

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        if cursor is not None and cursor.position is not None:
            position = str(cursor.position)
            if not (position.isascii() and position.isdigit() and len(position) <= MAX_PK_DIGITS):
                raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return cursor


class OldestFirst(Cursor):
    ordering = "pk"
