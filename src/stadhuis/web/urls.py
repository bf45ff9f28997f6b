from django.conf import settings
from django.urls import path

from stadhuis.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
]
if settings.DEMO_MODE:
    # The view refuses outside demo mode as well; without the route it is not even there.
    urlpatterns.append(path("inloggen/demo", views.demo_login, name="demo_login"))
