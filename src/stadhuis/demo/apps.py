from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "stadhuis.demo"
    label = "demo"
