"""The one JSON API of Stadhuis, at ``/api/v1/``, described by one OpenAPI document.

django-ninja gives pydantic schemas, a generated OpenAPI document and little overhead
per request. The document is served at ``/api/v1/openapi.json`` and committed as
``src/stadhuis/api/openapi.json`` (``manage.py openapi`` writes it, ``--check`` fails
when it is stale). There is no Swagger page: its inline scripts and CDN assets would
need holes in the Content-Security-Policy; any OpenAPI viewer can read the document.

Each app contributes a ``Router`` in its ``api.py``; they are mounted here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from stadhuis.api import problems

DESCRIPTION = """\
**Nederlands** — De API van Stadhuis, het digitale stadhuis van de gemeente. Het openbare deel
bevat geen persoonsgegevens: het verwerkingsregister (AVG art. 30), de verwerkers met hun
verwerkersovereenkomst, en de kop van het fraudebestendige verwerkingslog. Gekoppelde
applicaties lezen en maken zaken met een token (`Authorization: Bearer`), alleen voor de
zaaktypen, acties en vertrouwelijkheid waarvoor ze een autorisatie hebben; elke inzage komt in
het verwerkingslog. De API volgt de API Design Rules van de Nederlandse overheid: foutmeldingen
als `application/problem+json`, lijsten met een cursor (`next`), en een `API-Version`-header
bij elk antwoord.

**English** — The API of Stadhuis, the municipality's digital city hall. The public part holds
no personal data: the processing register (GDPR art. 30), the processors and their agreements,
and the head of the tamper-evident processing log. Connected applications read and open cases
with a token (`Authorization: Bearer`), only for the case types, actions and confidentiality
they are granted; every read goes into the processing log. The API follows the Dutch
government's API Design Rules: errors as `application/problem+json`, lists with a cursor
(`next`), and an `API-Version` header on every answer.
"""

API_VERSION_HEADER = {
    "description": "The full version of the API that answered (semantic versioning).",
    "schema": {"type": "string", "example": "1.0.0"},
}
LINK_HEADER = {
    "description": 'Link to the next page, as `<url>; rel="next"`; absent on the last page.',
    "schema": {"type": "string"},
}


class StadhuisAPI(NinjaAPI):
    """NinjaAPI whose document is relative to its server and marks errors as problems."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params=None) -> Any:
        # Paths are relative to the server "/api/v1", whatever the URL it is served at,
        # so the committed document does not depend on the URLconf or the host.
        schema = super().get_openapi_schema(path_prefix="", path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
        components["headers"]["Link"] = LINK_HEADER
        for operations in schema["paths"].values():
            for operation in operations.values():
                paged = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
                for status, answer in operation.get("responses", {}).items():
                    headers = answer.setdefault("headers", {})
                    headers["API-Version"] = {"$ref": "#/components/headers/API-Version"}
                    if int(status) >= 400 and "application/json" in answer.get("content", {}):
                        answer["content"] = {
                            problems.CONTENT_TYPE: answer["content"]["application/json"]
                        }
                    elif paged and int(status) == 200:
                        headers["Link"] = {"$ref": "#/components/headers/Link"}
        return schema


api = StadhuisAPI(
    title="Stadhuis API",
    version=settings.API_VERSION,
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    servers=[{"url": "/api/v1", "description": "Deze installatie / this installation"}],
    openapi_extra={
        "info": {
            "contact": {"name": "Stadhuis"},
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
    },
)
problems.install(api)


def unauthenticated(request, exc: AuthenticationError):
    """401 as a problem, with the challenge RFC 6750 asks for (``error`` when a token was
    sent but refused)."""
    if request.path.startswith("/api/v1/me/"):
        return problems.problem_response(
            request,
            status=401,
            code="unauthorized",
            title=_("U moet zich aanmelden."),
            detail=_("Log in als inwoner (met DigiD); deze gegevens zijn alleen voor uzelf."),
        )
    challenge = 'Bearer realm="stadhuis"'
    if request.headers.get("Authorization"):
        challenge += ', error="invalid_token"'
    return problems.problem_response(
        request,
        status=401,
        code="unauthorized",
        title=_("U moet zich aanmelden."),
        detail=_("Stuur een geldig token mee: Authorization: Bearer <token>."),
        headers={"WWW-Authenticate": challenge},
    )


api.add_exception_handler(AuthenticationError, unauthenticated)

api.add_router("", "stadhuis.privacy.api.router")
api.add_router("", "stadhuis.cases.api.router")
api.add_router("", "stadhuis.participation.api.router")
api.add_router("", "stadhuis.participation.api.me_router")
api.add_router("", "stadhuis.dossier.api.router")


def openapi_document() -> dict:
    """The OpenAPI document as plain data (what ``openapi.json`` holds)."""
    return api.get_openapi_schema()
