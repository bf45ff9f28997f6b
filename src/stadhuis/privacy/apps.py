from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "stadhuis.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from stadhuis.privacy.builtin import ensure_builtin_activities

        post_migrate.connect(ensure_builtin_activities, sender=self)
