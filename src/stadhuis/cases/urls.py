from django.urls import include, path

app_name = "cases"
urlpatterns = [
    path("", include("stadhuis.cases.urls_resident")),
    path("medewerkers/", include("stadhuis.cases.urls_staff")),
    path("", include("stadhuis.cases.urls_public")),
]
