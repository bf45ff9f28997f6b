"""Request-wide concerns: trace context, private caching, API version header."""

from __future__ import annotations

from django.conf import settings

from stadhuis.core.context import TraceContext, reset_trace, set_trace


class TraceContextMiddleware:
    """Accept an incoming W3C ``traceparent`` and answer with ours (the span of this request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trace = TraceContext.from_traceparent(request.headers.get("traceparent"))
        request.trace = trace
        token = set_trace(trace)
        try:
            response = self.get_response(request)
        finally:
            reset_trace(token)
        response["traceparent"] = trace.traceparent()
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: no-store`` on every answer that may hold personal data.

    That is: every answer to a logged-in user, every API answer, and any view that
    marks itself with ``request.personal_data = True``. Public pages stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (
            getattr(request, "personal_data", False)
            or (user is not None and user.is_authenticated)
            or request.path.startswith("/api/")
            or request.path.startswith("/beheer/")
        )
        if personal:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        elif request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and "public" in response.get(
            "Cache-Control", ""
        ):
            # This answer will set a CSRF cookie (the page has a form): a shared cache
            # must not hand that cookie to other visitors.
            response["Cache-Control"] = response["Cache-Control"].replace("public", "private")
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


class DutchFirstLocaleMiddleware:
    """Dutch unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a resident
    whose phone happens to be set to English would get English pages they did not ask
    for. Here only an explicit choice (the language cookie set by the switch) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def client_address(request) -> str:
    """The visitor's address, for rate limits.

    Behind ``STADHUIS_TRUSTED_PROXIES`` reverse proxies (load balancer, TLS proxy) the
    address is the one the outermost trusted proxy saw, taken from X-Forwarded-For
    counted from the right; addresses a visitor adds to the left are ignored.
    """
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
