from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "stadhuis.web"
    label = "web"
