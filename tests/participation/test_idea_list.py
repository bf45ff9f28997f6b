"""The public idea list of a process: pages of 20 through every visible idea (keyset
cursors), filters kept from page to page, a bad cursor as a 400 with the first page,
a fixed number of queries however many ideas there are, nothing logged and no author
shown for an anonymous visitor, and on PostgreSQL trigram indexes behind the search."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stadhuis.participation import queries, services
from stadhuis.participation.models import Idea, Visibility
from stadhuis.participation.views import IDEA_PAGE_SIZE
from stadhuis.privacy.models import ProcessingLogEntry

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
TITLE = re.compile(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a></h3>')


def _ideas(actor, process, count: int) -> list[Idea]:
    """``count`` ideas, "Idee 0" the oldest; created a minute apart."""
    made = [
        services.idea_submit(actor=actor, process=process, title=f"Idee {n}", body=f"Tekst {n}")
        for n in range(count)
    ]
    start = timezone.now() - dt.timedelta(days=1)
    for n, idea in enumerate(made):
        Idea.objects.filter(pk=idea.pk).update(created_at=start + dt.timedelta(minutes=n))
    return made


def _titles(response) -> list[str]:
    return TITLE.findall(response.content.decode())


def _next(response) -> str | None:
    match = NEXT.search(response.content.decode())
    return html.unescape(match.group(1)) if match else None


def _url(process) -> str:
    return reverse("participation:process", kwargs={"process_id": process.public_id})


def test_the_list_pages_through_every_visible_idea_newest_first(client, make_process, me):
    process = make_process()
    made = _ideas(me, process, IDEA_PAGE_SIZE + 6)
    Idea.objects.filter(pk=made[3].pk).update(visibility=Visibility.HIDDEN)
    first = client.get(_url(process))
    assert first.status_code == 200
    expected = [f"Idee {n}" for n in reversed(range(IDEA_PAGE_SIZE + 6)) if n != 3]
    assert _titles(first) == expected[:IDEA_PAGE_SIZE]
    assert "Terug naar het begin" not in first.content.decode()
    second = client.get(_next(first))
    assert second.status_code == 200
    assert _titles(second) == expected[IDEA_PAGE_SIZE:]  # the rest; not the hidden one
    assert _next(second) is None
    assert f'<a href="{_url(process)}">Terug naar het begin</a>' in second.content.decode()


def test_the_next_page_keeps_sort_and_filters(client, make_process, me, make_resident):
    process = make_process()
    made = _ideas(me, process, IDEA_PAGE_SIZE + 5)
    fans = [make_resident(bsn) for bsn in ("111222333", "123456782", "111111110")]
    for position, idea in enumerate(made[:12]):  # Idee 0-3: 3 supports, 4-7: 2, 8-11: 1
        for fan in fans[: 3 - position // 4]:
            services.idea_support(actor=fan, idea=idea)
    first = client.get(_url(process), {"sort": "steun", "zoek": "idee"})
    link = _next(first)
    assert "sort=steun" in link and "zoek=idee" in link
    second = client.get(link)
    pages = _titles(first) + _titles(second)
    services.idea_unsupport(actor=fans[0], idea=made[0])
    services.idea_support(actor=fans[0], idea=made[0])  # the count stays exact
    counted = Idea.objects.annotate(rows=Count("support_rows")).values_list("supports", "rows")
    assert all(supports == rows for supports, rows in counted)
    supports = dict(Idea.objects.values_list("title", "supports"))
    assert sorted(pages) == sorted(supports)  # every idea once
    assert [supports[t] for t in pages] == sorted(supports.values(), reverse=True)
    assert pages[:4] == ["Idee 3", "Idee 2", "Idee 1", "Idee 0"]  # equal support: newest id
    # a search that matches few ideas has one page
    only = client.get(_url(process), {"zoek": "tekst 1"})  # in the text, any case
    assert sorted(_titles(only)) == sorted(f"Idee {n}" for n in [1, *range(10, 20)])
    assert _next(only) is None


@pytest.mark.parametrize("cursor", ["onzin", "W10", "WyIyMDI2LTAxLTAxIiwgMV0", "\x00", "x" * 600])
def test_a_cursor_that_is_not_ours_is_a_400_with_the_first_page(client, make_process, me, cursor):
    process = make_process()
    _ideas(me, process, 3)
    response = client.get(_url(process), {"cursor": cursor})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Deze pagina van de lijst bestaat niet (meer)." in body
    assert _titles(response) == ["Idee 2", "Idee 1", "Idee 0"]


def test_a_cursor_of_the_other_sort_is_a_400_not_a_500(client, make_process, me):
    process = make_process()
    _ideas(me, process, IDEA_PAGE_SIZE + 1)
    link = _next(client.get(_url(process), {"sort": "steun"}))
    cursor = re.search(r"cursor=([^&]+)", link).group(1)
    response = client.get(_url(process), {"sort": "nieuw", "cursor": cursor})
    assert response.status_code == 400 and len(_titles(response)) == IDEA_PAGE_SIZE


def test_the_queries_of_a_page_do_not_grow_with_the_ideas(
    client, make_process, me, django_assert_num_queries
):
    process = make_process()
    _ideas(me, process, IDEA_PAGE_SIZE * 2 + 1)
    # the shared answer's version, then process + phases + its neighbourhoods, the
    # city's neighbourhoods for the filter (a city-wide process), one page of ideas
    with django_assert_num_queries(6):
        first = client.get(_url(process), {"sort": "steun", "zoek": "idee"})
    with django_assert_num_queries(3):  # the process is kept while its version holds
        second = client.get(_next(first))
    assert len(_titles(first)) == len(_titles(second)) == IDEA_PAGE_SIZE
    with django_assert_num_queries(1):  # the next anonymous visitor: the version only
        again = client.get(_next(first))
    assert _titles(again) == _titles(second)


def test_an_anonymous_list_logs_nothing_and_shows_no_author(client, make_process, me):
    process = make_process()
    _ideas(me, process, IDEA_PAGE_SIZE + 1)
    before = ProcessingLogEntry.objects.count()
    first = client.get(_url(process))
    client.get(_next(first))
    assert ProcessingLogEntry.objects.count() == before
    assert me.subject not in first.content.decode()
    assert "no-store" not in first.get("Cache-Control", "")  # a public page stays cacheable


def test_a_resident_of_another_area_sees_why_with_the_prefetched_area(
    resident_client, make_process, me
):
    """The eligibility check reads the process's neighbourhoods that the page already
    fetched, not once more; the page is not cached (it is about the resident)."""
    process = make_process(scope="neighbourhoods", neighbourhood_codes=["oost"])
    with CaptureQueriesContext(connection) as captured:
        response = resident_client.get(_url(process))
    assert response.status_code == 200
    assert "Dit proces is alleen voor bewoners van het gebied. U woont in Centrum." in (
        response.content.decode()
    )
    areas = [q for q in captured if "participation_process_neighbourhoods" in q["sql"]]
    assert len(areas) == 1
    assert response["Cache-Control"] == "no-store"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
)
def test_on_postgresql_the_search_can_use_the_trigram_indexes(make_process, me):
    """The indexes match the expressions Django writes for icontains: with sequential
    scans off, the planner reaches for them (a mismatch would leave only a full scan)."""
    process = make_process()
    _ideas(me, process, 5)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for field, index in (("title", "idea_title_trgm"), ("body", "idea_body_trgm")):
        plan = Idea.objects.filter(**{f"{field}__icontains": "bomen"}).explain()
        assert index in plan, plan
    found = queries.public_ideas(process, search="TEKST 4")
    assert [i.title for i in found] == ["Idee 4"]
