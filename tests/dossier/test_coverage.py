"""No model that holds a resident's personal data may be left out of the dossier."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from stadhuis.dossier import queries

# Field names that, on a model, mean "this row is about an identifiable resident".
PERSONAL_FIELDS = {
    "subject",
    "pseudonym",
    "author",
    "reporter",
    "applicant",
    "bsn_encrypted",
    "birth_date",
    "contact_email",
    "contact_postcode",
    "assisted_resident",
}

# Shown by the dossier itself, not through a section.
SHOWN_BY_THE_DOSSIER = {
    "privacy.ProcessingLogEntry": "the 'who processed my data' page and the export",
    "privacy.ProcessingAudit": "its staff member appears there when names are shown",
}

# Personal-looking fields that are not about a resident.
NOT_ABOUT_A_RESIDENT = {
    "cases.LookupAttempt": "a keyed hash of a visitor's address for the rate limit, kept 15 min",
}


def holds_personal_data(model: type[models.Model]) -> bool:
    for field in model._meta.get_fields():
        if not field.concrete:
            continue
        if field.name in PERSONAL_FIELDS or isinstance(field, models.EmailField):
            return True
    return False


def uncovered(sections) -> list[str]:
    covered = {name for s in sections for name in s.models}
    missing = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if not model.__module__.startswith("stadhuis."):
            continue
        if label in SHOWN_BY_THE_DOSSIER or label in NOT_ABOUT_A_RESIDENT:
            continue
        if holds_personal_data(model) and label not in covered:
            missing.append(label)
    return sorted(missing)


def test_every_model_with_personal_data_is_in_a_dossier_section():
    missing = uncovered(queries.sections())
    assert not missing, (
        "These models hold a resident's personal data but no dossier section shows them. "
        "Add them to the app's dossier.py (core.dossier.Section.models): " + ", ".join(missing)
    )


def test_the_check_finds_a_forgotten_model():
    """Guards the test above: without the cases section, the case models are reported."""
    without_cases = [s for s in queries.sections() if s.key != "zaken"]
    missing = uncovered(without_cases)
    assert "cases.Case" in missing and "cases.Notification" in missing


@pytest.mark.parametrize("label", ["accounts.Resident", "cases.Case", "privacy.Consent"])
def test_known_personal_models_are_recognised(label):
    assert holds_personal_data(apps.get_model(label))


def test_every_section_names_real_models():
    for s in queries.sections():
        for label in s.models:
            apps.get_model(label)  # raises LookupError for a typo
