"""Staff pages, included at "medewerkers/" (namespace "cases")."""

from django.urls import path

from stadhuis.cases import views_staff

urlpatterns = [
    path("zaken", views_staff.queue, name="staff_queue"),
    path("zaken/<str:reference>", views_staff.case, name="staff_case"),
    path(
        "zaken/<str:reference>/actie/<slug:action>",
        views_staff.case_action,
        name="staff_case_action",
    ),
    path(
        "zaken/<str:reference>/documenten/<uuid:document_id>",
        views_staff.document,
        name="staff_document",
    ),
    path("ombudsman", views_staff.ombudsman_queue, name="ombudsman_queue"),
    path("ombudsman/<str:reference>", views_staff.ombudsman_case, name="ombudsman_case"),
]
