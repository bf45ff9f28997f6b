"""The public privacy endpoints: the register, processors and the log head."""

import datetime

import pytest
from django.utils import timezone

from stadhuis.privacy import chain, services
from stadhuis.privacy.models import AgreementStatus

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def test_register_entry_has_every_field_in_camel_case(client, register, processor):
    cloud = processor("Wolk BV", service="Opslag", agreement_status=AgreementStatus.SIGNED)
    register("aaa-parkeren", processors=[cloud], name="Parkeervergunning")

    response = client.get(f"{BASE}/processing-activities/aaa-parkeren")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body == {
        "code": "aaa-parkeren",
        "name": "Parkeervergunning",
        "purpose": "Een doel dat inwoners kunnen lezen.",
        "legalBasis": "public_task",
        "legalBasisDetail": "Gemeentewet, art. 160",
        "controllerUnit": "Dienstverlening",
        "dataSubjectCategories": ["inwoners"],
        "personalDataCategories": ["naam", "adres"],
        "specialCategories": False,
        "recipients": ["Belastingdienst"],
        "processors": [
            {
                "id": str(cloud.public_id),
                "name": "Wolk BV",
                "service": "Opslag",
                "country": "Nederland",
            }
        ],
        "retention": {"description": "Een jaar", "days": 365},
        "securityMeasures": "Versleuteld opgeslagen.",
        "dpiaRequired": False,
        "dpiaStatus": "not_required",
        "dpiaReviewBefore": None,
        "version": 1,
        "versionDate": body["versionDate"],
    }
    assert datetime.datetime.fromisoformat(body["versionDate"]) <= timezone.now()


def test_register_shows_the_current_version(client, register, privacy_officer):
    register("aaa-afval")
    services.activity_revise(actor=privacy_officer, code="aaa-afval", purpose="Nieuw doel.")

    body = client.get(f"{BASE}/processing-activities/aaa-afval").json()

    assert (body["version"], body["purpose"]) == (2, "Nieuw doel.")


def test_inactive_and_unknown_activities_are_a_404_problem(client, register, privacy_officer):
    register("aaa-oud")
    services.activity_set_active(actor=privacy_officer, code="aaa-oud", active=False)

    for code in ("aaa-oud", "bestaat-niet"):
        response = client.get(f"{BASE}/processing-activities/{code}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"] == "urn:stadhuis:problem:not-found"

    listed = client.get(f"{BASE}/processing-activities?limit=100").json()["results"]
    assert "aaa-oud" not in [item["code"] for item in listed]


def test_dpia_status_follows_the_latest_dpia(client, register, privacy_officer):
    register("aaa-koppeling", dpia_required=True)
    url = f"{BASE}/processing-activities/aaa-koppeling"
    assert client.get(url).json()["dpiaStatus"] == "missing"

    dpia = services.dpia_create(
        actor=privacy_officer,
        activity="aaa-koppeling",
        title="DPIA",
        description="a",
        lawfulness="b",
        risks="c",
        measures="d",
    )
    assert client.get(url).json()["dpiaStatus"] == "draft"

    review = timezone.localdate() + datetime.timedelta(days=365)
    services.dpia_decide(actor=privacy_officer, dpia=dpia, approve=True, review_before=review)
    body = client.get(url).json()
    assert (body["dpiaStatus"], body["dpiaReviewBefore"]) == ("approved", review.isoformat())


def test_list_is_ordered_by_code_and_pages_with_a_cursor(client, register):
    for code in ("aaa-3", "aaa-1", "aaa-2"):
        register(code)

    first = client.get(f"{BASE}/processing-activities?limit=2")
    body = first.json()

    assert [item["code"] for item in body["results"]] == ["aaa-1", "aaa-2"]
    assert body["next"].startswith("http://testserver/api/v1/processing-activities?")
    assert first["Link"] == f'<{body["next"]}>; rel="next"'
    second = client.get(body["next"]).json()
    assert second["results"][0]["code"] == "aaa-3"


def test_processors_show_their_agreement(client, processor):
    today = timezone.localdate()
    processor(
        "Geldig BV",
        agreement_status=AgreementStatus.SIGNED,
        agreement_signed_on=today,
        agreement_expires_on=today + datetime.timedelta(days=30),
    )
    processor(
        "Verlopen BV",
        agreement_status=AgreementStatus.SIGNED,
        agreement_expires_on=today - datetime.timedelta(days=1),
    )
    processor("Zonder BV")

    results = client.get(f"{BASE}/processors").json()["results"]

    assert [(p["name"], p["agreementStatus"], p["agreementValid"]) for p in results] == [
        ("Geldig BV", "signed", True),
        ("Verlopen BV", "signed", False),
        ("Zonder BV", "none", False),
    ]
    assert results[0]["agreementExpiresOn"] == (today + datetime.timedelta(days=30)).isoformat()
    assert results[2]["agreementSignedOn"] is None


def test_log_head_before_anything_is_sealed(client):
    response = client.get(f"{BASE}/processing-log/head")

    assert response.status_code == 200
    assert response.json() == {
        "blocks": 0,
        "lastSealedEntryId": 0,
        "headHash": chain.GENESIS,
        "sealedAt": None,
    }


def test_log_head_is_the_last_sealed_block_and_holds_no_personal_data(client, resident):
    chain.seal()
    result = chain.verify()

    response = client.get(f"{BASE}/processing-log/head")

    body = response.json()
    assert body["blocks"] == result.blocks == 1
    assert body["headHash"] == result.head
    assert body["lastSealedEntryId"] == resident_last_entry_id(resident)
    assert body["sealedAt"] is not None
    assert resident.pseudonym not in response.content.decode()


# --- Query budgets: the number of queries may not grow with the number of items. ----


@pytest.mark.parametrize("items", [1, 8])
def test_register_list_query_budget(client, register, processor, django_assert_num_queries, items):
    shared = processor("Gedeeld BV")
    for index in range(items):
        register(f"aaa-{index:02d}", processors=[shared, processor(f"Eigen {index} BV")])
    with django_assert_num_queries(2):  # activities with versions + DPIA, their processors
        response = client.get(f"{BASE}/processing-activities?limit=100")
    assert response.status_code == 200


def test_register_detail_query_budget(client, register, processor, django_assert_num_queries):
    register("aaa-detail", processors=[processor("A BV"), processor("B BV")])
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}/processing-activities/aaa-detail").status_code == 200


@pytest.mark.parametrize("items", [1, 8])
def test_processors_query_budget(client, processor, django_assert_num_queries, items):
    for index in range(items):
        processor(f"Verwerker {index}")
    with django_assert_num_queries(1):
        assert client.get(f"{BASE}/processors?limit=100").status_code == 200


def test_log_head_query_budget(client, resident, django_assert_num_queries):
    chain.seal()
    with django_assert_num_queries(1):
        assert client.get(f"{BASE}/processing-log/head").status_code == 200


def resident_last_entry_id(resident):
    from stadhuis.privacy.models import ProcessingLogEntry

    return ProcessingLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
