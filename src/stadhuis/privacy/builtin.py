"""Seed the processing activities that the platform's own code names.

Each app lists the activities its services use in ``<app>/activities.py`` as
``ACTIVITIES``. After ``migrate``, any that are missing from the register are added
(existing ones are never overwritten: the privacy officer owns their wording).
This way a fresh installation can never process data under an activity that is
not in its register, and a test checks that every code used exists.
"""

from __future__ import annotations

from django.db import transaction

from stadhuis.core.discovery import app_modules


def declared_activities() -> list[dict]:
    return [spec for module in app_modules("activities") for spec in module.ACTIVITIES]


def ensure_builtin_activities(**_kwargs) -> int:
    from stadhuis.privacy.models import ProcessingActivity, ProcessingActivityVersion

    created = 0
    with transaction.atomic():
        for spec in declared_activities():
            spec = dict(spec)
            code = spec.pop("code")
            if ProcessingActivity.objects.filter(code=code).exists():
                continue
            activity = ProcessingActivity.objects.create(code=code)
            version = ProcessingActivityVersion.objects.create(activity=activity, version=1, **spec)
            activity.current_version = version
            activity.save(update_fields=["current_version"])
            created += 1
    return created
