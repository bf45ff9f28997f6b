"""Public photos of an initiative's progress (a granted neighbourhood-fund or
right-to-challenge application): staff report milestones with a photo, and residents
following the initiative see them on its page, as they see a project's.

Served like the other residents' photos (``views._image``): never sniffed, never run as
a page. A separate module only because ``views.py`` is being reworked; it may move next
to ``views.milestone_photo``.
"""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_GET

from stadhuis.participation import queries
from stadhuis.participation.models import Decision
from stadhuis.participation.views import _image


@require_GET
def application_milestone_photo(request, application_id, milestone_id):
    application = queries.public_application(application_id)
    # The page shows progress of a granted initiative only; so does this address.
    if application is None or application.decision != Decision.GRANTED:
        raise Http404
    milestone = next((m for m in application.milestones.all() if m.public_id == milestone_id), None)
    if milestone is None or not milestone.photo:
        raise Http404
    # clean_upload named the file after the type it found in the content
    kind = "image/png" if milestone.photo.name.endswith(".png") else "image/jpeg"
    return _image(milestone.photo, kind)
