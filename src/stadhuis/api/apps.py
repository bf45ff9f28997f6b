from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stadhuis.api"
    label = "api"
