"""Pages of participation (Dutch addresses, no trailing slash; random ids only)."""

from django.urls import path

from stadhuis.participation import views, views_staff

app_name = "participation"
urlpatterns = [
    path("meedoen", views.index, name="index"),
    path("meedoen/mijn", views.my_participation, name="mine"),
    path("meedoen/<uuid:process_id>", views.process_detail, name="process"),
    path("meedoen/<uuid:process_id>/idee", views.idea_new, name="idea_new"),
    path("meedoen/<uuid:process_id>/vragenlijst", views.consultation, name="consultation"),
    path("meedoen/<uuid:process_id>/uitslag", views.results, name="results"),
    path("meedoen/<uuid:process_id>/stemmen", views.ballot, name="ballot"),
    path("meedoen/<uuid:process_id>/stembewijs", views.receipt_check, name="receipt"),
    path("meedoen/<uuid:process_id>/stemmen.pb", views.pabulib_export, name="pabulib"),
    path("meedoen/<uuid:process_id>/uitslag.csv", views.results_csv, name="results_csv"),
    path("meedoen/<uuid:process_id>/aanvragen", views.application_new, name="application_new"),
    path("meedoen/ideeen/<uuid:idea_id>", views.idea_detail, name="idea"),
    path("meedoen/ideeen/<uuid:idea_id>/foto", views.idea_image, name="idea_image"),
    path("meedoen/ideeen/<uuid:idea_id>/steunen", views.idea_support, name="idea_support"),
    path("meedoen/ideeen/<uuid:idea_id>/niet-steunen", views.idea_unsupport, name="idea_unsupport"),
    path("meedoen/ideeen/<uuid:idea_id>/reageren", views.idea_comment, name="idea_comment"),
    path("meedoen/ideeen/<uuid:idea_id>/melden", views.idea_report, name="idea_report"),
    path("meedoen/projecten/<uuid:project_id>", views.project_detail, name="project"),
    path(
        "meedoen/projecten/<uuid:project_id>/foto/<uuid:milestone_id>",
        views.milestone_photo,
        name="milestone_photo",
    ),
    path("meedoen/aanvragen/<uuid:application_id>", views.application_detail, name="application"),
    path(
        "meedoen/aanvragen/<uuid:application_id>/foto/<uuid:milestone_id>",
        views.application_milestone_photo,
        name="application_milestone_photo",
    ),
    path(
        "meedoen/aanvragen/<uuid:application_id>/tekenen",
        views.application_sign,
        name="application_sign",
    ),
    path(
        "meedoen/aanvragen/<uuid:application_id>/verantwoording",
        views.application_report,
        name="application_report",
    ),
    # Staff
    path("medewerkers/meedoen", views_staff.dashboard, name="staff"),
    path("medewerkers/meedoen/nieuw", views_staff.process_new, name="staff_process_new"),
    path("medewerkers/meedoen/<uuid:process_id>", views_staff.process, name="staff_process"),
    path(
        "medewerkers/meedoen/<uuid:process_id>/wijzigen",
        views_staff.process_edit,
        name="staff_process_edit",
    ),
    path(
        "medewerkers/meedoen/<uuid:process_id>/vragen",
        views_staff.question_add,
        name="staff_question",
    ),
    path(
        "medewerkers/meedoen/<str:kind>/<uuid:public_id>/modereren",
        views_staff.moderate,
        name="staff_moderate",
    ),
    path(
        "medewerkers/meedoen/antwoorden/<uuid:answer_id>",
        views_staff.answer_moderate,
        name="staff_answer",
    ),
    path(
        "medewerkers/meedoen/ideeen/<uuid:idea_id>/project",
        views_staff.project_from_idea,
        name="staff_project_from_idea",
    ),
    path(
        "medewerkers/meedoen/projecten/<uuid:project_id>/beoordelen",
        views_staff.project_review,
        name="staff_review",
    ),
    path(
        "medewerkers/meedoen/aanvragen/<uuid:application_id>/besluit",
        views_staff.application_decide,
        name="staff_decide",
    ),
    path(
        "medewerkers/meedoen/<uuid:process_id>/stemregister",
        views_staff.roll_mark,
        name="staff_roll",
    ),
    path(
        "medewerkers/meedoen/<uuid:process_id>/papieren-stem",
        views_staff.paper_ballot,
        name="staff_paper_ballot",
    ),
    path(
        "medewerkers/meedoen/<uuid:process_id>/stemmen-sluiten",
        views_staff.close_voting,
        name="staff_close_voting",
    ),
    path(
        "medewerkers/meedoen/<uuid:process_id>/tellen",
        views_staff.count_request,
        name="staff_count",
    ),
    path(
        "medewerkers/meedoen/<uuid:process_id>/pabulib",
        views_staff.pabulib_import,
        name="staff_pabulib_import",
    ),
    path(
        "medewerkers/meedoen/tellingen/<uuid:count_id>/publiceren",
        views_staff.count_publish,
        name="staff_count_publish",
    ),
    path(
        "medewerkers/meedoen/<str:kind>/<uuid:public_id>/voortgang",
        views_staff.milestone_add,
        name="staff_milestone",
    ),
]
