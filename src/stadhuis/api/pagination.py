"""Cursor pagination for every list in the API.

Why cursors and not page numbers: a page number shifts when rows are added in front
(a resident would see an item twice or never), and ``OFFSET n`` costs more the deeper
one pages. A cursor names the sort key of the last item returned; the next page starts
strictly after it (keyset pagination), so each page is one indexed range query.

The cursor is opaque to clients: url-safe base64 of a JSON list with the sort key
values. It is not secret (it holds only values the client already saw) and a forged
one can only start a page elsewhere, so it is not signed. Anything that does not
decode to values of the right type is a 400 problem with ``invalid-params``.

Use::

    @router.get("/things", response=page_of(ThingOut, "ThingPage"), by_alias=True)
    def list_things(request, response: HttpResponse, params: Query[CursorParams]):
        return paginate(request, queries.things(), params, keys=("name",), response=response)

The last key must be unique (add ``"pk"`` when the sort field is not) and no key
may be NULL.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Field as ModelField
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, create_model

from stadhuis.core.errors import InvalidInput

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 512

T = TypeVar("T")


class CursorParams(Schema):
    """The query parameters of every list."""

    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description="Opaque cursor from the `next` link of the previous page. Leave out for "
        "the first page.",
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Number of items per page.")


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page schema ``{"results": [item, ...], "next": url | null}`` named ``name``."""
    return create_model(
        name,
        __base__=Schema,
        __doc__=f"A page of {item.__name__} items.",
        results=(list[item], ...),  # type: ignore[valid-type]
        next=(
            str | None,
            Field(None, description="URL of the next page; null on the last page."),
        ),
    )


class Page(Generic[T]):
    """What ``paginate`` returns: the items of this page and the link to the next."""

    def __init__(self, results: list[T], next_url: str | None, total: int | None = None) -> None:
        self.results = results
        self.next = next_url
        self.total = total  # only where counting is free (``offset_page``)


def _invalid_cursor(reason: str) -> InvalidInput:
    return InvalidInput(
        _("De cursor is ongeldig. Begin opnieuw zonder cursor."),
        invalid_params=[{"name": "cursor", "reason": reason, "code": "invalid-cursor"}],
    )


def _model_field(model: type[Model], path: str) -> ModelField:
    field: Any = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    if field.is_relation:  # a foreign key sorts by its target's primary key
        field = field.target_field
    return field


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), cls=DjangoJSONEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[Model], keys: Sequence[str]) -> list[Any]:
    """The sort key values in ``cursor``, converted to the fields' Python types."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise _invalid_cursor("not a cursor from this API") from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise _invalid_cursor("not a cursor for this list")
    converted = []
    for key, value in zip(keys, values, strict=True):
        if value is None or isinstance(value, dict | list):
            raise _invalid_cursor("not a cursor for this list")
        # What no database column can hold would fail in the database, as a 500.
        if isinstance(value, str) and "\x00" in value:
            raise _invalid_cursor("not a cursor for this list")
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise _invalid_cursor("not a cursor for this list")
        field = _model_field(model, key.lstrip("-"))
        try:
            python_value = field.to_python(value)
            if isinstance(python_value, dt.datetime):
                python_value = _sane_datetime(python_value)
            converted.append(python_value)
        except (ValidationError, TypeError, ValueError, OverflowError) as exc:
            raise _invalid_cursor("not a cursor for this list") from exc
    return converted


def _sane_datetime(value: dt.datetime) -> dt.datetime:
    """An aware datetime a database can store; raises ValueError otherwise."""
    if value.tzinfo is None or not 1900 <= value.year <= 9998:
        raise ValueError("datetime out of range")
    return value.astimezone(dt.UTC)


def _after(keys: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in the order ``keys``: (a > x) | (a = x & b > y) | ..."""
    condition = Q()
    for index, key in enumerate(keys):
        name = key.lstrip("-")
        lookup = "lt" if key.startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[index]})
        for previous, value in zip(keys[:index], values[:index], strict=True):
            step &= Q(**{previous.lstrip("-"): value})
        condition |= step
    return condition


def _key_values(item: Any, keys: Sequence[str]) -> list[Any]:
    values = []
    for key in keys:
        value = item
        for part in key.lstrip("-").split("__"):
            value = getattr(value, part)
        if isinstance(value, Model):
            value = value.pk
        values.append(value)
    return values


def _next_url(request: HttpRequest, cursor: str, path: str | None = None) -> str:
    query = request.GET.copy()
    query["cursor"] = cursor
    path = path or request.path
    return request.build_absolute_uri(f"{path}?{urlencode(sorted(query.lists()), True)}")


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    params: CursorParams,
    *,
    keys: Sequence[str],
    response: HttpResponse | None = None,
) -> Page:
    """One page of ``queryset`` after ``params.cursor``, ordered by ``keys``.

    Costs the queryset's own queries once (it fetches ``limit + 1`` rows to know
    whether there is a next page), whatever the page size. With ``response`` it also
    sets a ``Link: <...>; rel="next"`` header.
    """
    try:
        for key in keys:
            _model_field(queryset.model, key.lstrip("-"))
    except FieldDoesNotExist as exc:  # a programming error, not the client's
        raise ValueError(f"cannot paginate {queryset.model.__name__} by {keys}") from exc
    queryset = queryset.order_by(*keys)
    if params.cursor:
        queryset = queryset.filter(_after(keys, decode_cursor(params.cursor, queryset.model, keys)))
    rows = list(queryset[: params.limit + 1])
    next_url = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        next_url = _next_url(request, encode_cursor(_key_values(rows[-1], keys)))
        if response is not None:
            response["Link"] = f'<{next_url}>; rel="next"'
    return Page(rows, next_url)


MAX_OFFSET = 1_000_000


def offset_page(
    request: HttpRequest,
    params: CursorParams,
    fetch: Callable[[int, int], tuple[list[T], int]],
    *,
    response: HttpResponse | None = None,
    path: str | None = None,
) -> Page[T]:
    """One page of a list that is not a queryset (a dossier section, built by its app):
    ``fetch(limit, offset)`` returns the items and the total. The cursor holds the
    offset, opaque to clients as every cursor is; rows added in front may shift a page,
    which is acceptable for a resident's own, slowly changing data. ``path``: where the
    next page is, when not at this request's path."""
    offset = 0
    if params.cursor:
        try:
            raw = base64.urlsafe_b64decode(params.cursor + "=" * (-len(params.cursor) % 4))
            values = json.loads(raw)
        except (binascii.Error, ValueError) as exc:
            raise _invalid_cursor("not a cursor from this API") from exc
        if not (
            isinstance(values, list)
            and len(values) == 2
            and values[0] == "offset"
            and type(values[1]) is int
            and 0 < values[1] <= MAX_OFFSET
        ):
            raise _invalid_cursor("not a cursor for this list")
        offset = values[1]
    items, total = fetch(params.limit, offset)
    next_url = None
    if items and offset + len(items) < total:
        next_url = _next_url(request, encode_cursor(["offset", offset + len(items)]), path)
        if response is not None:
            response["Link"] = f'<{next_url}>; rel="next"'
    return Page(items, next_url, total)
