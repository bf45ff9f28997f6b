from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stadhuis.core"
    label = "core"
