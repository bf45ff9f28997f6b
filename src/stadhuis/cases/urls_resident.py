"""Resident pages of track & trace (Dutch addresses, no trailing slash)."""

from django.urls import path

from stadhuis.cases import views_resident as views

urlpatterns = [
    path("aanvragen", views.catalogue, name="catalogue"),
    path("aanvragen/<slug:code>", views.submit, name="submit"),
    path("aanvragen/<slug:code>/verstuurd", views.submitted, name="submitted"),
    path("mijn-zaken", views.my_cases, name="my_cases"),
    path("mijn-zaken/<str:reference>", views.case_detail, name="case_detail"),
    path("mijn-zaken/<str:reference>/reageren", views.case_reply, name="case_reply"),
    path("mijn-zaken/<str:reference>/document", views.case_add_document, name="case_add_document"),
    path("mijn-zaken/<str:reference>/intrekken", views.case_withdraw, name="case_withdraw"),
    path("mijn-zaken/<str:reference>/reactie", views.case_feedback, name="case_feedback"),
    path("mijn-zaken/<str:reference>/ombudsman", views.case_escalate, name="case_escalate"),
    path(
        "mijn-zaken/<str:reference>/documenten/<uuid:public_id>",
        views.document_download,
        name="document_download",
    ),
    path("volgen", views.lookup, name="lookup"),
]
