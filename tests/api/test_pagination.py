"""Cursor pagination: opaque cursors over the sort keys, stable pages, clear errors."""

import pytest
from django.test import RequestFactory

from stadhuis.api.pagination import (
    MAX_LIMIT,
    CursorParams,
    decode_cursor,
    encode_cursor,
    paginate,
)
from stadhuis.core.errors import InvalidInput
from stadhuis.privacy.models import Processor

pytestmark = pytest.mark.django_db


def page(queryset, keys, *, limit, cursor=None, path="/api/v1/processors", **query):
    request = RequestFactory().get(path, {"limit": limit, **query})
    return paginate(request, queryset, CursorParams(limit=limit, cursor=cursor), keys=keys)


def walk(queryset, keys, limit):
    """Every item, following ``next`` cursors page by page."""
    seen, cursor = [], None
    while True:
        current = page(queryset, keys, limit=limit, cursor=cursor)
        seen.extend(current.results)
        if current.next is None:
            return seen
        cursor = current.next.split("cursor=")[1].split("&")[0]


@pytest.fixture
def processors(processor):
    countries = [
        "Nederland",
        "Duitsland",
        "Nederland",
        "Ierland",
        "Duitsland",
        "Nederland",
        "België",
    ]
    return [
        processor(f"Verwerker {index}", country=country) for index, country in enumerate(countries)
    ]


def test_cursor_round_trips_the_sort_key_values():
    cursor = encode_cursor(["Verwerker 3", 42])
    assert "=" not in cursor
    assert decode_cursor(cursor, Processor, ["name", "-pk"]) == ["Verwerker 3", 42]


def test_cursor_values_are_converted_to_the_fields_type():
    assert decode_cursor(encode_cursor(["7"]), Processor, ["pk"]) == [7]
    with pytest.raises(InvalidInput) as info:
        decode_cursor(encode_cursor(["zeven"]), Processor, ["pk"])
    assert info.value.details["invalid_params"][0]["name"] == "cursor"


@pytest.mark.parametrize("value", [2**70, -(2**64), "a\x00b", None, [1], {"a": 1}])
def test_cursor_values_no_database_can_hold_are_refused(value):
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor([value]), Processor, ["pk"])


@pytest.mark.parametrize("limit", [1, 2, 3, 7, MAX_LIMIT])
def test_walking_the_pages_gives_every_item_once_in_order(processors, limit):
    queryset = Processor.objects.all()
    names = [p.name for p in walk(queryset, ("name",), limit)]
    assert names == sorted(p.name for p in processors)


@pytest.mark.parametrize("keys", [("-country", "name"), ("country", "-pk"), ("-country", "-name")])
def test_keyset_on_several_keys_and_directions(processors, keys):
    queryset = Processor.objects.all()
    expected = list(queryset.order_by(*keys))
    assert walk(queryset, keys, limit=2) == expected


def test_next_link_keeps_other_parameters_and_the_last_page_has_none(processors):
    first = page(Processor.objects.all(), ("name",), limit=5, q="zoek")
    assert "limit=5" in first.next
    assert "q=zoek" in first.next
    assert first.next.startswith("http://testserver/api/v1/processors?")
    cursor = first.next.split("cursor=")[1].split("&")[0]
    last = page(Processor.objects.all(), ("name",), limit=5, cursor=cursor)
    assert len(last.results) == 2
    assert last.next is None


def test_link_header_on_the_response(processors):
    from django.http import HttpResponse

    response = HttpResponse()
    request = RequestFactory().get("/api/v1/processors")
    result = paginate(
        request, Processor.objects.all(), CursorParams(limit=3), keys=("name",), response=response
    )
    assert response["Link"] == f'<{result.next}>; rel="next"'


def test_paginating_by_an_unknown_field_is_a_programming_error():
    with pytest.raises(ValueError, match="cannot paginate"):
        page(Processor.objects.all(), ("nope",), limit=2)


def test_a_page_is_one_query(processors, django_assert_num_queries):
    cursor = encode_cursor(["Verwerker 2"])
    with django_assert_num_queries(1):
        result = page(Processor.objects.all(), ("name",), limit=2, cursor=cursor)
    assert [p.name for p in result.results] == ["Verwerker 3", "Verwerker 4"]
