"""Every API error as RFC 9457 problem details (``application/problem+json``).

The Dutch API Design Rules ask for problem details on every 4xx and 5xx answer. The
``type`` is a stable URN per kind of problem (``urn:stadhuis:problem:<code>``), the
``title`` is the same for every occurrence of that type, ``detail`` explains this one,
and ``instance`` is the path that was asked for. Validation errors add
``invalid-params``: one ``{"name", "reason", "code"}`` per rejected parameter.

Nothing internal leaks: an unhandled exception is logged with its traceback and
answered with a bare 500 problem that only carries the trace id to quote.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from stadhuis.core.context import current_trace
from stadhuis.core.errors import StadhuisError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:stadhuis:problem:"


class InvalidParam(Schema):
    name: str = Field(description="The parameter, e.g. `limit` or `body.name`.")
    reason: str = Field(description="Why its value was refused.")
    code: str = Field("", description="A stable code for the reason.")


class Problem(Schema):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    type: str = Field(examples=["urn:stadhuis:problem:not-found"])
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    invalid_params: list[InvalidParam] | None = Field(None, alias="invalid-params")


# The error answers of operations, for their ``response=`` in the OpenAPI document.
PROBLEM_RESPONSES: dict[int, type[Problem]] = {400: Problem, 500: Problem}
NOT_FOUND_RESPONSES: dict[int, type[Problem]] = {**PROBLEM_RESPONSES, 404: Problem}


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    invalid_params: Iterable[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Build a problem+json answer."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
    }
    if invalid_params is not None:
        body["invalid-params"] = list(invalid_params)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _param_name(loc: Iterable[Any]) -> str:
    # ninja puts the source first: ("query", "limit"), ("path", "code"), ("body", "x", 0)
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    return ".".join(parts) or "request"


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    params = [
        {
            "name": _param_name(error.get("loc", ())),
            "reason": str(error.get("msg", "")),
            "code": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return problem_response(
        request,
        status=400,
        code="invalid-input",
        title=_("De gegevens kloppen niet."),
        detail=_("Een of meer parameters zijn ongeldig."),
        invalid_params=params,
    )


def _invalid_params(details: dict[str, Any]) -> list[dict[str, str]] | None:
    """``invalid-params`` from an error's details: given as such, or a Django ``message_dict``
    passed as ``errors`` (field names then in the API's camelCase)."""
    if "invalid_params" in details:
        return list(details["invalid_params"])
    errors = details.get("errors")
    if not isinstance(errors, dict):
        return None
    return [
        {"name": to_camel(str(field)), "reason": str(message), "code": "invalid"}
        for field, messages in errors.items()
        for message in (messages if isinstance(messages, list | tuple) else [messages])
    ]


def stadhuis_error(request: HttpRequest, exc: StadhuisError) -> HttpResponse:
    invalid = _invalid_params(exc.details)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=str(type(exc).default_message),
        detail=str(exc.message),
        invalid_params=invalid,
    )


def not_found(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    return problem_response(
        request,
        status=404,
        code="not-found",
        title=_("Dit is niet gevonden."),
        detail=_("Er is niets op dit adres. Zie /api/v1/openapi.json voor wat er wel is."),
    )


def permission_denied(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    return problem_response(
        request,
        status=403,
        code="forbidden",
        title=_("U mag dit niet doen."),
        detail=_("U heeft geen toegang tot dit onderdeel."),
    )


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {401: "unauthorized", 403: "forbidden", 404: "not-found", 429: "too-many-requests"}
    return problem_response(
        request,
        status=exc.status_code,
        code=codes.get(exc.status_code, f"http-{exc.status_code}"),
        title=exc.message,
        detail=exc.message,
    )


def server_error(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    if exc is not None:
        logger.error("unhandled error in API %s %s", request.method, request.path, exc_info=exc)
    trace_id = current_trace().trace_id
    return problem_response(
        request,
        status=500,
        code="server-error",
        title=_("Er ging iets mis bij ons."),
        detail=_("Probeer het later opnieuw. Noem dit kenmerk als u contact opneemt: %(trace)s")
        % {"trace": trace_id},
    )


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    return problem_response(
        request,
        status=405,
        code="method-not-allowed",
        title=_("Deze methode kan hier niet."),
        detail=_("Toegestaan: %(methods)s") % {"methods": allowed},
        headers={"Allow": allowed},
    )


def install(api: NinjaAPI) -> None:
    """Register the problem handlers on ``api`` (the most specific class wins)."""
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(StadhuisError, stadhuis_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Exception, server_error)


def with_problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a ninja path view so that its plain-text 405 becomes a problem too."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "") != CONTENT_TYPE:
            return method_not_allowed(request, response.get("Allow", ""))
        return response

    return wrapped


@csrf_exempt
def catch_all(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other path under the API: a 404 problem, never the HTML error page."""
    return not_found(request)
