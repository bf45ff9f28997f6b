from django.urls import path

from stadhuis.privacy import views

app_name = "privacy"
urlpatterns = [
    path("verwerkingsregister", views.register, name="register"),
    path("verwerkingsregister/<slug:code>", views.register_detail, name="register_detail"),
]
