"""Cursor pages: `?page_size=25&cursor=…`, stable while rows are added or changed.

The view names its order as (field, "id") pairs, e.g. ("-created_at", "-id"); with
`updated_since` it is ("updated_at", "id") ascending, so a sync reads the changes in the
order they happened. The cursor is the last row's (field, id), encoded opaquely; the next
page is the rows after it (a keyset query on an index, as cheap on page 1,000 as on page 1).
"""

import base64
import json
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def _encode(values) -> str:
    text = json.dumps([v.isoformat() if isinstance(v, date | datetime) else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as exc:
        raise serializers.ValidationError(
            {"cursor": [_("This cursor is not valid.")]}, code="invalid"
        ) from exc
    if not (isinstance(values, list) and len(values) == 2 and isinstance(values[1], int)):
        raise serializers.ValidationError({"cursor": [_("This cursor is not valid.")]}, code="invalid")
    return values


def _typed(value, model, name: str):
    """The cursor's first value as the type of the ordering field (an annotation, such as a
    statement's `changed_at`, is a time)."""
    try:
        internal = model._meta.get_field(name).get_internal_type()
    except FieldDoesNotExist:
        internal = "DateTimeField"
    try:
        parsed = _parse(value, internal)
    except ValueError:
        parsed = None
    if parsed is None:
        raise serializers.ValidationError({"cursor": [_("This cursor is not valid.")]}, code="invalid")
    return parsed


def _parse(value, internal: str):
    if internal == "DateTimeField":
        return parse_datetime(value) if isinstance(value, str) else None
    if internal == "DateField":
        return parse_date(value) if isinstance(value, str) else None
    if internal in ("AutoField", "BigAutoField", "IntegerField", "PositiveIntegerField", "BigIntegerField"):
        return value if isinstance(value, int) else None
    return value if isinstance(value, str) else None


class KeysetPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self._page_size(request)
        ordering = view.get_ordering() if view is not None else ("-id",)
        field, _id = ordering
        self.field_name = field.lstrip("-")
        descending = field.startswith("-")
        cursor = request.query_params.get("cursor")
        if cursor:
            value, last_id = _decode(cursor)
            value = _typed(value, queryset.model, self.field_name)
            op = "lt" if descending else "gt"
            queryset = queryset.filter(
                Q(**{f"{self.field_name}__{op}": value}) | Q(**{self.field_name: value, f"id__{op}": last_id})
            )
        rows = list(queryset.order_by(field, _id)[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        self.rows = rows[: self.page_size]
        return self.rows

    def _page_size(self, request) -> int:
        raw = request.query_params.get("page_size")
        if raw is None:
            return DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise serializers.ValidationError(
                {"page_size": [_("Enter a number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}]},
                code="invalid",
            )
        return size

    def next_cursor(self) -> str | None:
        if not (self.has_next and self.rows):
            return None
        last = self.rows[-1]
        return _encode([getattr(last, self.field_name), last.pk])

    def get_paginated_response(self, data):
        cursor = self.next_cursor()
        url = replace_query_param(self.request.build_absolute_uri(), "cursor", cursor) if cursor else None
        return Response({"results": data, "next": url, "next_cursor": cursor})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results", "next", "next_cursor"],
            "properties": {
                "results": schema,
                "next": {
                    "type": ["string", "null"],
                    "format": "uri",
                    "description": "The URL of the next page, or null on the last page.",
                },
                "next_cursor": {
                    "type": ["string", "null"],
                    "description": "The `cursor` of the next page, or null on the last page.",
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "From `next_cursor` of the previous page.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
