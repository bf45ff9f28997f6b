from django.urls import path

from stadhuis.accounts import views

app_name = "accounts"
urlpatterns = [
    path("inloggen", views.login, name="login"),
    path("medewerkers/inloggen", views.staff_login, name="staff_login"),
    path("uitloggen", views.logout, name="logout"),
]
