from unittest import mock

import pytest

from stadhuis.accounts.services import resident_actor, staff_actor
from stadhuis.cases import services
from stadhuis.cases.models import CaseType
from stadhuis.cases.services import case_type_create, case_type_publish
from stadhuis.demo import register
from stadhuis.demo.catalogue import CASE_TYPES
from stadhuis.privacy.services import activity_register


@pytest.fixture
def catalogue(db, make_staff):
    """The demo catalogue, published, with the activities it names registered."""
    officer = staff_actor(make_staff("privacy_officer", username="po"))
    codes = {spec["processing_activity"] for spec in CASE_TYPES}
    for spec in register.ACTIVITIES:
        if spec["code"] in codes:
            content = {k: v for k, v in spec.items() if k not in ("code", "processors")}
            activity_register(actor=officer, code=spec["code"], security_measures="x", **content)
    admin = staff_actor(make_staff("administrator", username="admin"))
    for spec in CASE_TYPES:
        case_type_publish(actor=admin, case_type=case_type_create(actor=admin, spec=spec))
    return {t.code: t for t in CaseType.objects.all()}


@pytest.fixture
def me(resident):
    return resident_actor(resident)


@pytest.fixture
def handler(make_staff):
    def make(unit="Stadsbeheer", username="handler"):
        return staff_actor(make_staff("case_handler", username=username, unit=unit))

    return make


def publish_as_before_the_refusal_rule(admin, case_type):
    """Publish through the real service, but as it did before an access request needed a
    result that closes it without the answer: installations still hold such versions
    (published earlier, or opened before migration cases/0008 completed them)."""
    with mock.patch.object(services, "_require_a_result_without_answer", lambda *_a: None):
        return case_type_publish(actor=admin, case_type=case_type)
