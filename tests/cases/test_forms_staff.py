"""The queue's QuickSelect renders what Django's own Select renders."""

import pytest
from django import forms
from django.test.html import parse_html

from stadhuis.cases.forms_staff import QueueFilterForm, QuickSelect

CHOICES = [("", "Alle"), ("klacht", 'Klacht <over> "ons" & jou'), ("melding", "Melding"), (3, "3")]


@pytest.mark.parametrize("value", [None, "", "klacht", "3", 3, "bestaat-niet"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "required": True, "aria-invalid": "true"}])
def test_quick_select_renders_the_same_html_as_django(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("case_type", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("case_type", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)


@pytest.mark.parametrize("data", [None, {"case_type": "klacht", "status": "", "scope": "mij"}])
def test_queue_form_fields_render_as_with_djangos_select(data):
    def form(widget_class):
        made = QueueFilterForm(data, case_types=CHOICES[1:], statuses=[("ontvangen", "Ontvangen")])
        for name in ("scope", "case_type", "status"):
            field = made.fields[name]
            field.widget = widget_class(choices=field.choices)
        return made

    for name in ("scope", "case_type", "status"):
        assert parse_html(str(form(QuickSelect)[name])) == parse_html(str(form(forms.Select)[name]))
