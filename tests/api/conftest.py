import pytest

from stadhuis.privacy import services


@pytest.fixture
def register(privacy_officer):
    """Register processing activities through the real service: register(code, **changes)."""

    def make(code, *, processors=(), **changes):
        content = {
            "name": f"Activiteit {code}",
            "purpose": "Een doel dat inwoners kunnen lezen.",
            "legal_basis": "public_task",
            "legal_basis_detail": "Gemeentewet, art. 160",
            "controller_unit": "Dienstverlening",
            "data_subject_categories": ["inwoners"],
            "personal_data_categories": ["naam", "adres"],
            "recipients": ["Belastingdienst"],
            "retention_days": 365,
            "retention_description": "Een jaar",
            "security_measures": "Versleuteld opgeslagen.",
            **changes,
        }
        return services.activity_register(
            actor=privacy_officer, code=code, processors=list(processors), **content
        )

    return make


@pytest.fixture
def processor(privacy_officer):
    def make(name, **fields):
        fields.setdefault("service", "Hosting")
        return services.processor_save(actor=privacy_officer, name=name, **fields)

    return make
