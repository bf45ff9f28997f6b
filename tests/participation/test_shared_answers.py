"""The idea list of a process is rendered once and shared by anonymous visitors
(core.shared) until the process changes: every change the public can see makes the
next visitor get a fresh page; logged-in residents, flash messages and errors are
never shared; each visitor gets their own CSRF token; a new phase shows on time."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stadhuis.core import shared
from stadhuis.participation import services
from stadhuis.participation.models import Count, CountStatus, PhaseKind, Process

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _url(process) -> str:
    return reverse("participation:process", kwargs={"process_id": process.public_id})


def _page(client, process, **query) -> str:
    response = client.get(_url(process), query)
    assert response.status_code == 200
    return response.content.decode()


def _idea(me, process, title="Meer bomen"):
    return services.idea_submit(actor=me, process=process, title=title, body="Langs de gracht.")


def test_a_second_anonymous_visitor_gets_the_stored_page_with_one_query(
    client, make_process, me, django_assert_num_queries
):
    process = make_process()
    _idea(me, process)
    first = _page(client, process)
    with django_assert_num_queries(1):
        again = _page(Client(), process)
    # the same page but for the CSRF token of the language switch, which is each visitor's own
    assert TOKEN.sub("", again) == TOKEN.sub("", first) and "Meer bomen" in again


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(make_process):
    process = make_process()
    tokens = []
    for _visitor in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = _page(visitor, process)
        assert shared.csrf_placeholder() not in html
        (token,) = TOKEN.findall(html)
        tokens.append(token)
        switched = visitor.post(
            reverse("set_language"),
            {"language": "en", "next": _url(process), "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302  # the switch accepted the token
        assert "Ideas" in _page(visitor, process)  # and the English page is its own copy
    assert tokens[0] != tokens[1]


def _support(me, idea, process):
    services.idea_support(actor=me, idea=idea)


def _hide(me, idea, process, handler):
    services.idea_moderate(actor=handler, idea=idea, action="hide", reason="Scheldwoord")


@pytest.mark.parametrize(
    ("change", "shows"),
    [
        (lambda me, idea, process, **_: _idea(me, process, "Een bankje"), "Een bankje"),
        (lambda me, idea, process, **_: _support(me, idea, process), "1 keer gesteund"),
        (
            lambda me, idea, process, handler, **_: _hide(me, idea, process, handler),
            "Er zijn (nog) geen ideeën.",
        ),
        (
            lambda me, idea, process, admin, **_: services.neighbourhood_save(
                actor=admin,
                code="centrum",
                name="Binnenstad-Noord",
                district="Binnenstad",
                postcode_ranges=[("1011AA", "1012ZZ")],
            ),
            "Binnenstad-Noord",
        ),
        (
            lambda me, idea, process, admin, **_: services.phase_move(
                actor=admin,
                process=process,
                kind=PhaseKind.IMPLEMENTATION,  # the last: a later end overlaps nothing
                starts_at=process.phases.get(kind=PhaseKind.IMPLEMENTATION).starts_at,
                ends_at=dt.datetime(2031, 5, 17, 12, tzinfo=dt.UTC),
            ),
            "17 mei 2031",
        ),
    ],
    ids=["new idea", "support", "moderation", "neighbourhood name", "phase dates"],
)
def test_every_change_the_public_sees_reaches_the_next_visitor(
    client, make_process, me, admin, handler, change, shows
):
    process = make_process()
    idea = _idea(me, process)
    assert shows not in _page(client, process)
    change(me=me, idea=idea, process=process, admin=admin, handler=handler)
    assert shows in _page(Client(), process)


def test_withdrawn_support_reaches_the_next_visitor(client, make_process, me):
    process = make_process()
    idea = _idea(me, process)
    services.idea_support(actor=me, idea=idea)
    assert "1 keer gesteund" in _page(client, process)
    services.idea_unsupport(actor=me, idea=idea)
    assert "0 keer gesteund" in _page(Client(), process)


def test_budget_changes_reach_the_next_visitor(client, budget, handler, admin, settings):
    process, projects = budget
    assert "Wipwap" not in _page(client, process)
    services.project_create(
        actor=handler, process=process, title="Wipwap", description="Een wipwap", cost=5_000
    )
    assert "Wipwap" in _page(Client(), process)
    project = projects[0]
    services.project_review(
        actor=handler, project=project, feasible=False, reason="Te duur", cost=1
    )
    assert "Te duur" in _page(Client(), process)
    count = Count.objects.create(process=process, rule="greedy", status=CountStatus.DONE)
    link = "Bekijk de uitslag"
    assert link not in _page(Client(), process)
    services.count_publish(actor=admin, count=count)
    assert link in _page(Client(), process)


def test_a_stored_page_ends_when_the_next_phase_begins(client, make_process, me, monkeypatch):
    process = make_process(phase="ideas")
    assert "Stuur een idee in" in _page(client, process)
    ideas_end = process.phases.get(kind=PhaseKind.IDEAS).ends_at
    later = ideas_end + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = _page(Client(), process)
    assert "Stuur een idee in" not in html  # the review phase runs now


def test_residents_errors_and_messages_are_never_shared(
    resident_client, make_process, me, django_assert_num_queries
):
    process = make_process()
    _idea(me, process)
    mine = _page(resident_client, process)
    assert "Uitloggen" in mine  # the resident's own page, with their menu
    anonymous = Client()
    assert "Uitloggen" not in _page(anonymous, process)
    assert "Uitloggen" in _page(resident_client, process)  # never the anonymous copy
    bad = anonymous.get(_url(process), {"cursor": "niet-van-ons"})
    assert bad.status_code == 400 and "bestaat niet (meer)" in bad.content.decode()
    # the message was not stored with the page: the next visitor of that address gets
    # the same 400 from a fresh rendering, not a copy with someone else's message
    again = Client().get(_url(process), {"cursor": "niet-van-ons"})
    assert again.status_code == 400
    with django_assert_num_queries(1):
        assert Client().get(_url(process)).status_code == 200


def test_a_process_that_is_not_a_list_or_not_published_is_not_shared(
    client, make_process, django_assert_num_queries
):
    consultation = make_process("consultation")
    _page(client, consultation)
    with django_assert_num_queries(4):  # rendered again: the version, then the page
        _page(Client(), consultation)
    hidden = make_process(publish=False)
    assert client.get(_url(hidden)).status_code == 404


def test_a_phase_that_ends_while_the_page_renders_ends_its_copy(client, make_process, monkeypatch):
    """Rendered a moment before the ideas phase ends, stored a moment after: the copy
    must not outlive the boundary it did not show."""
    from stadhuis.participation import views

    process = make_process(phase="ideas")
    boundary = process.phases.get(kind=PhaseKind.IDEAS).ends_at
    clock = {"now": boundary - dt.timedelta(milliseconds=1)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    render = views._process_page

    def slow_render(request, process_id):
        answer = render(request, process_id)
        clock["now"] = boundary + dt.timedelta(milliseconds=1)  # the phase ended meanwhile
        return answer

    monkeypatch.setattr(views, "_process_page", slow_render)
    assert "Stuur een idee in" in _page(client, process)
    assert "Stuur een idee in" not in _page(Client(), process)


def test_each_host_and_scheme_gets_its_own_links(make_process, me, settings):
    settings.ALLOWED_HOSTS = ["stad.example.nl", "intern.example.nl"]
    process = make_process()
    for n in range(25):
        _idea(me, process, f"Idee {n}")
    for host, secure in [("intern.example.nl", False), ("stad.example.nl", True)]:
        html = Client().get(_url(process), HTTP_HOST=host, secure=secure).content.decode()
        scheme = "https" if secure else "http"
        assert f'href="{scheme}://{host}/' in html and 'rel="next"' in html


def test_with_a_delay_anonymous_visitors_may_lag_a_moment_and_residents_never(
    resident_client, make_process, me, settings, monkeypatch, django_assert_num_queries
):
    """STADHUIS_SHARED_DELAY_MS: the version is remembered that long, so a shared page
    then costs no query at all, and a change reaches anonymous visitors that much later."""
    from stadhuis.core import shared as shared_module

    settings.SHARED_DELAY_MS = 1000
    clock = {"now": 1000.0}
    monkeypatch.setattr(shared_module.time, "monotonic", lambda: clock["now"])
    process = make_process()
    idea = _idea(me, process)
    assert "0 keer gesteund" in _page(Client(), process)
    with django_assert_num_queries(0):
        _page(Client(), process)
    services.idea_support(actor=me, idea=idea)
    clock["now"] += 0.5
    assert "0 keer gesteund" in _page(Client(), process)  # within the delay: as it was
    assert "1 keer gesteund" in _page(resident_client, process)  # the resident: at once
    clock["now"] += 0.6
    assert "1 keer gesteund" in _page(Client(), process)  # after it: as it is


def test_while_one_visitor_renders_the_new_page_the_others_get_the_one_before(
    client, make_process, me, monkeypatch
):
    """After a change only one thread renders the page again; a visitor who comes in
    meanwhile gets the copy from before the change instead of rendering it as well."""
    from stadhuis.participation import views

    process = make_process()
    idea = _idea(me, process)
    assert "0 keer gesteund" in _page(client, process)
    services.idea_support(actor=me, idea=idea)
    render = views._process_page
    meanwhile = []

    def render_while_another_visitor_comes(request, process_id):
        if not meanwhile:
            meanwhile.append(_page(Client(), process))  # arrives during this rendering
        return render(request, process_id)

    monkeypatch.setattr(views, "_process_page", render_while_another_visitor_comes)
    assert "1 keer gesteund" in _page(Client(), process)
    assert "0 keer gesteund" in meanwhile[0]  # the copy from before, not a second rendering
    assert "1 keer gesteund" in _page(Client(), process)  # and after it: the new one


def test_a_failed_rendering_lets_the_next_visitor_render_again(make_process, me, monkeypatch):
    from stadhuis.participation import views

    process = make_process()
    idea = _idea(me, process)
    assert "0 keer gesteund" in _page(Client(), process)
    services.idea_support(actor=me, idea=idea)
    render, failed = views._process_page, []

    def fails_once(request, process_id):
        if not failed:
            failed.append(True)
            raise RuntimeError("the database went away for a moment")
        return render(request, process_id)

    monkeypatch.setattr(views, "_process_page", fails_once)
    assert Client(raise_request_exception=False).get(_url(process)).status_code == 500
    assert "1 keer gesteund" in _page(Client(), process)  # not the old copy for good


def test_a_first_visitor_during_the_very_first_rendering_gets_a_page_too(
    make_process, me, monkeypatch
):
    from stadhuis.participation import views

    process = make_process()
    _idea(me, process)
    render, meanwhile = views._process_page, []

    def render_while_another_visitor_comes(request, process_id):
        if not meanwhile:
            meanwhile.append(None)
            meanwhile[0] = _page(Client(), process)  # no copy yet: rendered for them
        return render(request, process_id)

    monkeypatch.setattr(views, "_process_page", render_while_another_visitor_comes)
    assert "Meer bomen" in _page(Client(), process) and "Meer bomen" in meanwhile[0]


def test_a_copy_is_never_stored_over_a_newer_one_nor_a_version_remembered_backwards(
    settings, monkeypatch
):
    """Two threads of one process: one still holding the number from before a change
    finishes its rendering after one with the new number did."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    from stadhuis.core import shared as shared_module

    def request():
        made = RequestFactory().get("/lijst")
        made.user, made.LANGUAGE_CODE = AnonymousUser(), "nl"
        return made

    def answer(number, text):
        return shared_module.answer(
            request(), lambda: (("lijst",), number), lambda: HttpResponse(text)
        )

    assert answer(6, "nieuw").content == b"nieuw"
    assert answer(5, "oud").content == b"nieuw"  # a newer copy serves an older number
    shared_module.forget()
    assert answer(5, "oud").content == b"oud"
    assert answer(6, "nieuw").content == b"nieuw"
    # a rendering under 5, begun before the copy of 6 was stored, finishes now
    late = request()
    store = (shared_module._cache_key(late, ("lijst",)), 5)
    shared_module._rendered(late, lambda: HttpResponse(b"laat"), lambda started: None, store)
    assert answer(6, "nog eens").content == b"nieuw"  # the copy of 6 stayed

    settings.SHARED_DELAY_MS = 1000
    assert shared_module.version("p", lambda: 6) == 6
    monkeypatch.setattr(shared_module.time, "monotonic", lambda: 10**9)  # later: ask again
    assert shared_module.version("p", lambda: 5) == 5  # a slow read from before the change
    monkeypatch.undo()
    assert shared_module._recent["p"][1] == 6  # is not remembered over the newer one


def test_a_pabulib_import_reaches_the_next_visitor(client, budget, admin, make_process):
    from stadhuis.participation import counting, tally

    process, _projects = budget
    text = counting.write_text(tally.election_for(process))
    empty = make_process("budget", phase="results", title="Ingelezen")
    assert "Speeltuin" not in _page(client, empty)
    services.budget_import_pabulib(actor=admin, process=empty, text=text)
    assert "Speeltuin" in _page(Client(), empty)  # the imported projects


def _queries_of(captured, table: str) -> int:
    return sum(f'"{table}"' in q["sql"] for q in captured.captured_queries)


def test_a_resident_gets_the_shared_idea_list_in_a_page_of_their_own(
    resident_client, make_process, me
):
    """The idea list is the same for everyone: a resident's page takes the part an
    anonymous visitor's rendering stored (and the other way round); the frame around
    it, with their menu and eligibility check, is rendered for them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    process = make_process()
    _idea(me, process)
    _page(Client(), process)
    with CaptureQueriesContext(connection) as captured:
        mine = _page(resident_client, process)
    assert "Uitloggen" in mine and "Meer bomen" in mine
    assert _queries_of(captured, "participation_idea") == 0  # the stored list
    assert _queries_of(captured, "privacy_processinglogentry") == 1  # their check, logged

    other = make_process()
    _idea(me, other, "Een bankje")
    assert "Een bankje" in _page(resident_client, other)  # a resident renders it first
    with CaptureQueriesContext(connection) as captured:
        anonymous = _page(Client(), other)
    assert "Een bankje" in anonymous and "Uitloggen" not in anonymous
    assert _queries_of(captured, "participation_idea") == 0


def test_a_resident_never_gets_the_list_from_before_a_change(
    resident_client, make_process, me, monkeypatch
):
    """While one thread renders the list anew after a change, anonymous visitors get the
    copy from before it, but a resident (who may have made the change) renders it too."""
    from stadhuis.participation import views

    process = make_process()
    idea = _idea(me, process)
    assert "0 keer gesteund" in _page(Client(), process)
    services.idea_support(actor=me, idea=idea)
    render, meanwhile = views._process_body, {}

    def render_while_others_come(request, *args):
        if not meanwhile:
            meanwhile["anonymous"] = None
            meanwhile["anonymous"] = _page(Client(), process)
            meanwhile["resident"] = _page(resident_client, process)
        return render(request, *args)

    monkeypatch.setattr(views, "_process_body", render_while_others_come)
    assert "1 keer gesteund" in _page(Client(), process)
    assert "0 keer gesteund" in meanwhile["anonymous"]
    assert "1 keer gesteund" in meanwhile["resident"]


def test_a_shared_part_gives_each_visitor_their_own_csrf_token(db):
    """A form in a shared part is stored with the placeholder: a logged-in visitor gets
    their own token in it, and a page that is itself shared keeps the placeholder (its
    own answer puts each visitor's token in)."""
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import _does_token_match
    from django.template import RequestContext, Template
    from django.test import RequestFactory

    form = Template("<form>{% csrf_token %}</form>")

    def part(request):
        html, status = shared.fragment(
            request,
            lambda: (("deel",), 1),
            lambda: (form.render(RequestContext(request)), 200),
        )
        assert status == 200
        return html

    def visitor():
        made = RequestFactory().get("/deel")
        made.user, made.LANGUAGE_CODE = AnonymousUser(), "nl"
        return made

    def theirs(request, html) -> bool:
        (token,) = TOKEN.findall(html)
        return _does_token_match(token, request.META["CSRF_COOKIE"])

    first, second = visitor(), visitor()
    assert theirs(first, part(first))  # rendered and stored
    assert theirs(second, part(second))  # the stored copy, with this visitor's token
    assert first.META["CSRF_COOKIE"] != second.META["CSRF_COOKIE"]
    within = visitor()
    within.shared_answer = True  # the page around it is a shared answer being rendered
    assert shared.csrf_placeholder() in part(within)


def test_a_kept_object_is_made_once_per_version_and_each_caller_has_their_own(make_process):
    process = make_process()
    made = []

    def make():
        made.append(1)
        return Process.objects.get(pk=process.pk)

    first = shared.kept(("p",), 1, make)
    first.title = "door de eerste veranderd"
    assert shared.kept(("p",), 1, make).title == process.title  # a copy of its own
    assert len(made) == 1
    shared.kept(("p",), 2, make)  # a newer version: made again
    assert len(made) == 2
    assert shared.kept(("p",), 1, make) is not None and len(made) == 2  # older: the newer copy


@pytest.mark.parametrize("visitor", ["client", "resident_client"])
def test_a_phase_that_ends_just_before_the_list_renders_ends_the_stored_list(
    visitor, request, make_process, monkeypatch
):
    """The phase is read a moment before the ideas phase ends and the shared list starts
    rendering a moment after: its copy must end at that boundary, not hold the ideas
    phase (the button to send an idea) until the next one."""
    from stadhuis.participation import views

    client = request.getfixturevalue(visitor)
    process = make_process(phase="ideas")
    boundary = process.phases.get(kind=PhaseKind.IDEAS).ends_at
    clock = {"now": boundary - dt.timedelta(milliseconds=1)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    current_phase = services.current_phase

    def the_phase_then_the_boundary(*args, **kwargs):
        phase = current_phase(*args, **kwargs)
        clock["now"] = boundary + dt.timedelta(milliseconds=1)
        return phase

    monkeypatch.setattr(views.services, "current_phase", the_phase_then_the_boundary)
    _page(client, process)
    monkeypatch.setattr(views.services, "current_phase", current_phase)
    assert "Stuur een idee in" not in _page(client, process)  # the review phase runs now


def test_a_page_stored_while_a_resident_renders_the_list_holds_the_new_list(
    resident_client, make_process, me, monkeypatch
):
    """While a resident renders the list anew after a change, an anonymous visitor's page
    is rendered to be stored under the new version: it must not take the list from
    before the change, or every anonymous visitor gets that until the next change."""
    from stadhuis.participation import views

    process = make_process()
    idea = _idea(me, process)
    assert "0 keer gesteund" in _page(Client(), process)
    services.idea_support(actor=me, idea=idea)
    render, meanwhile = views._process_body, []

    def render_while_an_anonymous_visitor_comes(request, *args):
        if not meanwhile:
            meanwhile.append(_page(Client(), process))
        return render(request, *args)

    monkeypatch.setattr(views, "_process_body", render_while_an_anonymous_visitor_comes)
    assert "1 keer gesteund" in _page(resident_client, process)
    assert "1 keer gesteund" in _page(Client(), process)


def test_a_shared_part_is_rendered_as_for_an_anonymous_visitor(resident_client, make_process, me):
    """Nothing of the visitor whose request renders the part can get into the copy,
    even if its template ever asks for the user."""
    from django.template import RequestContext, Template
    from django.test import RequestFactory

    from stadhuis.accounts.models import Resident

    template = Template("{% if user.is_authenticated %}ingelogd als {{ user.pk }}{% endif %}")
    request = RequestFactory().get("/deel")
    request.user, request.LANGUAGE_CODE = Resident.objects.get().user, "nl"
    html, _status = shared.fragment(
        request, lambda: (("deel",), 1), lambda: (template.render(RequestContext(request)), 200)
    )
    assert "ingelogd" not in html
    assert request.user.is_authenticated  # and the visitor is themselves again afterwards
