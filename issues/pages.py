"""Pages of complaint lists, the one rule for every surface that lists them (the public REST
list, the staff API, Open311's requests): page numbers, or keyset pages (`cursor`), and the
count of the whole list.

- **Keyset pages.** `cursor` (empty for the first page, then the `next` link) continues from
  where the previous page ended, in the list's own order (its ORDER BY, ties broken by id): page
  2,000 is a range scan from the last row seen, not an OFFSET past 200,000 rows, and a report
  filed meanwhile never shifts the pages. A cursor the server did not write is refused (400,
  `invalid_parameter`, in the caller's language).
- **Counts.** Exact where the tallies kept by triggers hold the answer (the queue tallies, the
  heat map's pyramid of published complaints: the view's `known_count(request)`), at no cost.
  Otherwise, page numbers count the rows (a page number needs the number of pages), while keyset
  pages answer `count: null` and `count_estimate`, the planner's estimate, labelled as such.
"""

from __future__ import annotations

import binascii
import json
from base64 import b64decode
from functools import partial

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response
from rest_framework_gis.pagination import GeoJsonPagination

from casa_map.api_errors import parameter_error

from .selectors import estimated_count

CURSOR = "cursor"


def invalid_cursor():
    return parameter_error(
        CURSOR,
        _(
            "This cursor is not valid: start again with an empty cursor, or follow a page's "
            "“next” link as it was given."
        ),
    )


class ComplaintCursorPagination(CursorPagination):
    """Keyset pages in the list's own order: the queryset's ORDER BY (the ordering filter's
    fields for the public list, the `sort` of the staff queue, newest first for Open311), with
    id last so that every row has its own position. A cursor holds the values of all those
    fields for the last row seen, and the next page is the rows after it in that order (a row
    comparison field by field), so page 2,000 is a range scan from where page 1,999 ended, and
    a sort with many ties (supports, deadlines) never steps over them by OFFSET.

    DRF's CursorPagination does the rest (page size, links, previous pages); it keys its own
    position on the first field only, which is what is replaced here."""

    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"
    cursor_query_param = CURSOR
    ordering = ("-created_at", "-id")

    def __init__(self, *, page_size: int | None = None, max_page_size: int | None = None):
        if page_size is not None:
            self.page_size = page_size
        if max_page_size is not None:
            self.max_page_size = max_page_size

    def paginate_queryset(self, queryset, request, view=None):
        """DRF's pages, given the rows after the cursor's position (filtered here on every
        field of the order) and told no position of its own; its links are then mended."""
        self.model = queryset.model
        self.ordering = self.get_ordering(request, queryset, view)
        cursor = self.decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            queryset = queryset.filter(self.rows_after(cursor))
        self.position_hidden = True
        try:
            page = super().paginate_queryset(queryset, request, view)
        finally:
            self.position_hidden = False
        self.cursor = cursor
        if cursor is not None and cursor.position is not None:
            if cursor.reverse:
                self.has_next, self.next_position = True, cursor.position
            else:
                self.has_previous, self.previous_position = True, cursor.position
        return page

    def get_ordering(self, request, queryset, view):
        """The queryset's own ORDER BY when it is made of plain field names (a view's filters
        have set it), else the ordering filter's or the class's; then id, if not there."""
        own = tuple(queryset.query.order_by)
        if own and all(isinstance(field, str) and "__" not in field for field in own):
            ordering = own
        else:
            ordering = super().get_ordering(request, queryset, view)
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering = (*ordering, "-id" if ordering[0].startswith("-") else "id")
        return tuple(ordering)

    def _get_position_from_instance(self, instance, ordering):
        values = []
        for field in ordering:
            name = "id" if field.lstrip("-") == "pk" else field.lstrip("-")
            value = instance[name] if isinstance(instance, dict) else getattr(instance, name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
        return json.dumps(values, separators=(",", ":"))

    def position_values(self, position: str) -> list:
        """The cursor's values, one per field of the order, as those fields read them; a
        position not written here (`invalid_cursor`) otherwise."""
        try:
            values = json.loads(position)
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise ValueError(position)
            return [
                self.model._meta.get_field(field.lstrip("-")).to_python(value)
                for field, value in zip(self.ordering, values, strict=True)
            ]
        except (FieldDoesNotExist, ValidationError, TypeError, ValueError) as forged:
            raise invalid_cursor() from forged

    def rows_after(self, cursor) -> Q:
        """The rows after the position in the order (before it, for a `previous` cursor):
        (a, b, id) after (a0, b0, id0) is a beyond a0, or a = a0 and b beyond b0, or … And a
        not before a0, said apart: the bound an index on the order starts its range scan from
        (PostgreSQL draws none from the alternatives)."""
        values = self.position_values(cursor.position)
        after, equal = Q(pk__in=[]), Q()
        for field, value in zip(self.ordering, values, strict=True):
            name = field.lstrip("-")
            descending = field.startswith("-") != cursor.reverse
            after |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            equal &= Q(**{name: value})
        first, first_value = self.ordering[0], values[0]
        descending = first.startswith("-") != cursor.reverse
        bound = Q(**{f"{first.lstrip('-')}__{'lte' if descending else 'gte'}": first_value})
        return bound & after

    def decode_cursor(self, request):
        """DRF's cursor, checked: a cursor not written here is a 400 (DRF answers 404, skips
        the characters base64 does not have). Inside DRF's own pages, without its position
        (the rows are already those after it)."""
        try:
            b64decode(request.query_params.get(self.cursor_query_param) or "", validate=True)
            cursor = super().decode_cursor(request)
        except (NotFound, binascii.Error, ValueError) as forged:
            raise invalid_cursor() from forged
        if cursor is not None and getattr(self, "position_hidden", False):
            return Cursor(offset=cursor.offset, reverse=cursor.reverse, position=None)
        if cursor is not None and cursor.position is not None:
            self.position_values(cursor.position)
        return cursor


class KnownCountPaginator(Paginator):
    """Django's paginator, told the count when it is known without counting rows."""

    def __init__(self, object_list, per_page, *args, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if known_count is not None:
            self.count = known_count  # fills the cached_property: no COUNT(*) is run


class ComplaintPagination(GeoJsonPagination):
    """A GeoJSON FeatureCollection page, by number (`page`) or by keyset (`cursor`, which then
    wins over `page`), with the count described in this module's docstring."""

    page_size = ComplaintCursorPagination.page_size
    max_page_size = ComplaintCursorPagination.max_page_size

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """A FeatureCollection with count, next and previous (drf-gis describes a page with
        `results`, which its own response does not have)."""
        page = {
            "type": "object",
            "required": ["count"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": "exact (from the tallies where they hold it, else counted "
                    "with page numbers); with `cursor`, null where counting would cost what "
                    "the keyset avoids: `count_estimate` is then given instead",
                },
                "count_estimate": {
                    "type": "integer",
                    "description": "only with `cursor` when `count` is null: the database "
                    "planner's ESTIMATE of the number of results (no row counted; can be off "
                    "by a wide margin for narrow filters)",
                },
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
            },
        }
        return {"allOf": [schema, page]}

    def paginate_queryset(self, queryset, request, view=None):
        """Takes the count from the view's `known_count(request)` when it has one. With a
        `cursor` parameter, pages by keyset instead (ComplaintCursorPagination)."""
        known = view.known_count(request) if hasattr(view, "known_count") else None
        self.keyset = None
        if CURSOR in request.query_params:
            self.keyset = ComplaintCursorPagination()
            self.known_count = known
            self.estimate = None if known is not None else partial(estimated_count, queryset)
            return self.keyset.paginate_queryset(queryset, request, view)
        self.django_paginator_class = partial(KnownCountPaginator, known_count=known)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.keyset is None:
            return super().get_paginated_response(data)
        counts = {"count": self.known_count}
        if self.known_count is None:
            counts["count_estimate"] = self.estimate()
        return Response(
            {
                "type": "FeatureCollection",
                **counts,
                "next": self.keyset.get_next_link(),
                "previous": self.keyset.get_previous_link(),
                "features": data["features"],
            }
        )


# The parameters that choose a page rather than what is listed (left out of a list's filters).
PAGE_PARAMETERS = frozenset({"page", "page_size", CURSOR})
