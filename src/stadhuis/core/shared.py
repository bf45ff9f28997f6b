"""Shared answers: one rendering of a public page or list, served to every anonymous
visitor until what it shows changes; and shared parts of a page (``fragment``), the
same for every visitor, logged in or not, inside a page that is rendered per visitor.

Only for answers that hold no personal data and are the same for every visitor who
is not logged in (a process's idea list, say). The caller names the version of the
data (``ProcessVersion``), which a change raises in its own transaction; each server
process keeps its copies in the ``shared`` cache (local memory), so no cache server
is needed. A copy made before a change is served only for a moment after it: while
the process still remembers the old number (``version``, at most
``SHARED_DELAY_MS``), and to the visitors who arrive while one thread renders the
new page (``answer``).

What differs per visitor is put back on every answer: the CSRF token of the
language switch is rendered as a placeholder and replaced by the visitor's own.
Answers with a flash message, another status than 200, or to a logged-in user are
never stored. Each copy may say until when it holds (the next phase of a process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe

CACHE = "shared"
# Headers set by the view itself; the middleware adds the rest to every answer.
_KEPT_HEADERS = ("Content-Type", "Link")


_recent: dict[str, tuple[float, int]] = {}  # version() remembers numbers here
_recent_lock = threading.Lock()
_rendering: set[str] = set()  # the keys a thread of this process is rendering now
_rendering_lock = threading.Lock()


def version(
    name: str, fetch: Callable[[], int | None], request: HttpRequest | None = None
) -> int | None:
    """``fetch()``, the version of the data a shared answer shows, remembered in this
    process for ``SHARED_DELAY_MS``: for that long after a change an anonymous visitor
    may still get the answer from before it. That saves the one query of a shared
    answer, and while changes come quickly (supports pouring in) each process renders
    a page at most once per interval instead of after every change. ``None`` (nothing
    to share) is not remembered.

    With the ``request``, read once per request (a page and a part of it ask for the
    same version), and for a logged-in visitor read as it is now: residents and staff
    never get a copy from before a change, so they see their own change at once."""
    asked = request.__dict__.setdefault("_shared_versions", {}) if request is not None else {}
    if name in asked:
        return asked[name]
    fresh = request is not None and request.user.is_authenticated
    delay = settings.SHARED_DELAY_MS / 1000
    seen = _recent.get(name)
    if delay > 0 and not fresh and seen is not None and time.monotonic() - seen[0] < delay:
        number = seen[1]
    else:
        number = fetch()
        if number is not None and delay > 0:
            with _recent_lock:
                seen = _recent.get(name)
                # a slower thread's read from before the last change must not put it back
                if seen is None or seen[1] <= number:
                    _recent[name] = (time.monotonic(), number)
    asked[name] = number
    return number


def forget() -> None:
    """Forget every remembered version and stored answer of this process (tests)."""
    _recent.clear()
    caches[CACHE].clear()
    with _rendering_lock:
        _rendering.clear()


def csrf_placeholder() -> str:
    """What a stored rendering has where the visitor's CSRF token goes: 64 hex
    characters derived from the secret key, so no visitor's text can contain it."""
    return salted_hmac("stadhuis.core.shared", "csrf", algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class _Copy:
    version: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    until: dt.datetime | None
    has_form: bool

    def answer(self, request: HttpRequest) -> HttpResponse:
        body = self.body
        if self.has_form:
            body = body.replace(csrf_placeholder().encode(), get_token(request).encode())
        response = HttpResponse(body)
        for name, value in self.headers:
            response[name] = value
        return response


def _shareable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def _begin(cache_key: str) -> bool:
    """Whether this thread may render ``cache_key``: no other thread of this process is."""
    with _rendering_lock:
        if cache_key in _rendering:
            return False
        _rendering.add(cache_key)
        return True


def _end(cache_key: str) -> None:
    with _rendering_lock:
        _rendering.discard(cache_key)


def answer(
    request: HttpRequest,
    key: Callable[[], tuple[tuple, int] | None],
    render: Callable[[], HttpResponse],
    *,
    until: Callable[[dt.datetime], dt.datetime | None] = lambda started: None,
) -> HttpResponse:
    """The stored copy for ``key()``, or ``render()``, stored when it may be shared.

    ``key`` is asked only for an anonymous visitor: what is shown (with the address,
    host and language added here) and the version of its data; ``None``: do not share.
    After a change one thread renders the page again; the others meanwhile get the copy
    from before it (a few milliseconds more delay), instead of all rendering at once.
    ``until(started)`` is asked after rendering, with the moment rendering began: the
    first moment after it at which the rendering may stop being right whatever the
    data (``None``: not before the data changes). Counted from the start, a boundary
    passed while rendering ends the copy at once instead of one boundary later; a copy
    past its ``until`` is never served."""
    if not _shareable(request):
        return render()
    found = key()
    if found is None:
        return render()
    what, number = found
    cache_key = _cache_key(request, what)
    copy = _stored(cache_key)
    if copy is not None and copy.version >= number:
        return copy.answer(request)
    if not _begin(cache_key):
        if copy is not None:
            return copy.answer(request)
        return _rendered(request, render, until, None)
    try:
        return _rendered(request, render, until, (cache_key, number))
    finally:
        _end(cache_key)


@dataclass(frozen=True)
class _Fragment:
    version: int
    html: str
    until: dt.datetime | None


def _stored(cache_key: str):
    """The copy stored under ``cache_key``, unless it is past its ``until``."""
    copy = caches[CACHE].get(cache_key)
    if copy is not None and copy.until is not None and timezone.now() >= copy.until:
        return None
    return copy


def _store(cache_key: str, copy) -> None:
    stored = caches[CACHE].get(cache_key)
    if stored is None or stored.version <= copy.version:  # never over a newer copy
        caches[CACHE].set(cache_key, copy)


@dataclass(frozen=True)
class _Kept:
    version: int
    value: object
    until: None = None


def kept(what: tuple, number: int, make: Callable[[], object]):
    """``make()``, kept in this process under ``what`` while the version of its data is
    ``number``: an object a shared page needs for every visitor (the process itself,
    with its phases), fetched once per change instead of on every view. Each caller
    gets a copy of its own (the cache pickles). ``None`` is not kept."""
    cache_key = _key("kept", *what)
    copy = _stored(cache_key)
    if copy is not None and copy.version >= number:
        return copy.value
    value = make()
    if value is not None:
        _store(cache_key, _Kept(version=number, value=value))
    return value


def fragment(
    request: HttpRequest,
    key: Callable[[], tuple[tuple, int] | None],
    render: Callable[[], tuple[str, int]],
    *,
    until: Callable[[dt.datetime], dt.datetime | None] = lambda started: None,
) -> tuple[str, int]:
    """A part of a page that is the same for every visitor (a process's idea list), in
    a page rendered for each visitor (with their name, or a notice for them): the
    stored copy for ``key()``, else ``render()``, which gives the HTML and the
    page's status; stored when that is 200.

    ``key()`` is as for ``answer``; for a logged-in visitor it must hold the version as
    it is now (``version(..., request)``): they never get a copy from before a change,
    not even while another thread renders it anew, so they see their own support at
    once. Nor does a page being rendered to be stored (``answer``): it would keep the
    old part under the new version. ``render()`` reads what depends on the time (the
    phase) itself, as ``until(started)`` counts from the moment it was called. A
    ``{% csrf_token %}`` in the part is stored as the placeholder and each visitor gets
    their own token. The part is rendered as for an anonymous visitor."""
    found = key()
    if found is None:
        return render()
    what, number = found
    cache_key = _cache_key(request, ("fragment", *what))
    copy = _stored(cache_key)
    if copy is not None and copy.version >= number:
        return _for_visitor(request, copy.html), 200
    if not _begin(cache_key):
        # the copy from before the change, only to a visitor whose page is not stored:
        # a shared answer would keep it under the new version until the next change
        inside_shared = getattr(request, "shared_answer", False)
        if copy is not None and not request.user.is_authenticated and not inside_shared:
            return _for_visitor(request, copy.html), 200
        return render()
    try:
        started = timezone.now()
        outer, visitor = getattr(request, "shared_answer", False), request.user
        # rendered as for an anonymous visitor: nothing of this visitor's can get into
        # the copy, even if the part's template ever asks for the user
        request.shared_answer, request.user = True, AnonymousUser()
        try:
            html, status = render()
        finally:
            request.shared_answer, request.user = outer, visitor
        if status == 200:
            _store(cache_key, _Fragment(version=number, html=str(html), until=until(started)))
        return _for_visitor(request, html), status
    finally:
        _end(cache_key)


def _for_visitor(request: HttpRequest, html: str) -> str:
    """``html`` with this visitor's CSRF token for the placeholder, unless the page
    around it is itself a shared answer (which puts the token back when it is served)."""
    placeholder = csrf_placeholder()
    if not getattr(request, "shared_answer", False) and placeholder in html:
        html = html.replace(placeholder, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our own templates


def _cache_key(request: HttpRequest, what: tuple) -> str:
    # the host and scheme too: pages hold absolute links (the next page's cursor)
    return _key(*what, request.LANGUAGE_CODE, request.build_absolute_uri())


def _key(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _rendered(request, render, until, store: tuple[str, int] | None) -> HttpResponse:
    started = timezone.now()
    request.shared_answer = True  # the layout renders the CSRF placeholder
    try:
        response = render()
    finally:
        request.shared_answer = False  # an error page renders the visitor's own token
    body = response.content if not response.streaming else b""
    placeholder = csrf_placeholder().encode()
    if (
        store is not None
        and response.status_code == 200
        and not response.streaming
        and not len(get_messages(request))
    ):
        cache_key, number = store
        copy = _Copy(
            version=number,
            body=body,
            headers=tuple((h, response[h]) for h in _KEPT_HEADERS if h in response),
            until=until(started),
            has_form=placeholder in body,
        )
        _store(cache_key, copy)
        return copy.answer(request)
    if placeholder in body:  # not stored: give this visitor their own token
        response.content = body.replace(placeholder, get_token(request).encode())
    return response
