"""Changing the register in the admin writes a new version through the services."""

from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from stadhuis.privacy.admin import ActivityForm
from stadhuis.privacy.models import ProcessingActivity


def _request(user):
    request = RequestFactory().post("/beheer/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_admin_change_writes_a_new_version(db, make_staff):
    officer = make_staff("privacy_officer")
    activity = ProcessingActivity.objects.get(code="inloggen-inwoner")
    form = ActivityForm(instance=activity)
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["processors"] = []
    data["purpose"] = "Een aangepast doel."
    data["is_active"] = "on"
    form = ActivityForm(data=data, instance=activity)
    assert form.is_valid(), form.errors
    model_admin = site._registry[ProcessingActivity]
    model_admin.save_model(_request(officer), form.instance, form, change=True)
    activity.refresh_from_db()
    assert activity.current_version.version == 2
    assert activity.current_version.purpose == "Een aangepast doel."
    assert activity.versions.get(version=1).purpose != "Een aangepast doel."


def test_admin_change_by_a_case_handler_is_refused(db, make_staff):
    handler = make_staff("case_handler")
    activity = ProcessingActivity.objects.get(code="inloggen-inwoner")
    initial = ActivityForm(instance=activity).initial
    data = {k: v for k, v in initial.items() if v is not None}
    data.update(processors=[], purpose="Stiekem anders.", is_active="on")
    form = ActivityForm(data=data, instance=activity)
    assert form.is_valid()
    request = _request(handler)
    site._registry[ProcessingActivity].save_model(request, form.instance, form, change=True)
    activity.refresh_from_db()
    assert activity.current_version.version == 1
    assert any("rollen" in str(m) for m in request._messages)
