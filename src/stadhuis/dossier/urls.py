"""Pages of the burgerdossier (namespace "dossier"): the resident's and staff's."""

from django.urls import path

from stadhuis.dossier import views, views_staff

app_name = "dossier"
urlpatterns = [
    path("mijn-gegevens", views.overview, name="overview"),
    path("mijn-gegevens/verwerkingen", views.processing_log, name="log"),
    path("mijn-gegevens/downloaden", views.download, name="download"),
    path("mijn-gegevens/downloaden/mijn-gegevens.json", views.export_json, name="export_json"),
    path("mijn-gegevens/downloaden/overzicht", views.export_readable, name="export_readable"),
    path("mijn-gegevens/toestemmingen", views.consents, name="consents"),
    path("mijn-gegevens/toestemmingen/<slug:code>", views.consent_change, name="consent_change"),
    path("mijn-gegevens/verzoek/<slug:right>", views.rights_request, name="rights_request"),
    path("mijn-gegevens/<slug:key>", views.section, name="section"),
    path("medewerkers/hulp", views_staff.assisted_start, name="assisted_start"),
    path("medewerkers/hulp/<uuid:public_id>", views_staff.assisted, name="assisted"),
    path(
        "medewerkers/hulp/<uuid:public_id>/verwerkingen",
        views_staff.assisted_log,
        name="assisted_log",
    ),
    path("medewerkers/hulp/<uuid:public_id>/einde", views_staff.assisted_end, name="assisted_end"),
    path(
        "medewerkers/hulp/<uuid:public_id>/gegevens/<slug:key>",
        views_staff.assisted_section,
        name="assisted_section",
    ),
    path(
        "medewerkers/hulp/<uuid:public_id>/gegevens/<slug:key>/<str:object_id>",
        views_staff.assisted_record,
        name="assisted_record",
    ),
    path("medewerkers/avg-verzoeken", views_staff.requests_queue, name="requests"),
    path(
        "medewerkers/avg-verzoeken/<str:reference>/antwoord",
        views_staff.access_answer,
        name="access_answer",
    ),
    path(
        "medewerkers/avg-verzoeken/<str:reference>/antwoord-per-post",
        views_staff.access_answer_post,
        name="access_answer_post",
    ),
    path(
        "medewerkers/avg-verzoeken/<str:reference>/antwoord-per-post/brief",
        views_staff.access_answer_letter,
        name="access_answer_letter",
    ),
]
