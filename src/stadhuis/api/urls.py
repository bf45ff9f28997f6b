"""The API's URLs: ninja's operations, and a problem+json 404 for everything else.

Included at ``api/v1/`` by ``stadhuis.urls``. Every path under it resolves here, so
an unknown path (or one with a trailing slash) answers with a 404 problem rather
than the HTML error page, and ``APPEND_SLASH`` never redirects.
"""

from django.urls import path, re_path

from stadhuis.api import problems
from stadhuis.api.api import api

_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    # ninja's own 405 is plain text; make it a problem like every other error.
    if hasattr(_pattern, "callback"):
        _pattern.callback = problems.with_problem_405(_pattern.callback)

urlpatterns = [
    # ninja's root view raises a 404 that would render the HTML page; answer it ourselves.
    path("", problems.catch_all, name="api-root"),
    path("", (_patterns, _app_name, _namespace)),
    re_path(r"^.*$", problems.catch_all),
]
