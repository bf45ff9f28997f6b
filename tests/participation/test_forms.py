"""Participation forms: the shape of the input, with one definition per kind of field."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from stadhuis.cases.uploads import MAX_BYTES
from stadhuis.participation import forms


def _idea(**extra):
    return forms.IdeaForm({"title": "Bomen", "body": "Meer bomen", **extra})


def test_coordinates_are_both_floats_or_none():
    form = _idea(latitude="52.370216", longitude="4.895168")
    assert form.is_valid() and form.coordinates() == (52.370216, 4.895168)
    form = _idea()
    assert form.is_valid() and form.coordinates() == (None, None)
    form = _idea(latitude="52.37")  # the service asks for the other one
    assert form.is_valid() and form.coordinates() == (52.37, None)


def test_coordinates_stay_on_the_globe_with_six_decimals():
    form = _idea(latitude="90.000001", longitude="-180.5")
    assert not form.is_valid() and {"latitude", "longitude"} <= set(form.errors)
    form = _idea(latitude="1.1234567", longitude="1")
    assert not form.is_valid() and "latitude" in form.errors
    field = forms.coordinate_field("Lengtegraad", limit=180)
    assert field.clean("-180") == Decimal("-180") and not field.required


def test_every_amount_in_euros_stops_at_the_cap():
    """A larger number would reach the database as an integer overflow (a 500)."""
    money = {
        forms.ApplicationForm: ["amount"],
        forms.SpendingReportForm: ["spent"],
        forms.ProjectFromIdeaForm: ["cost"],
        forms.ReviewForm: ["cost"],
        forms.DecideForm: ["amount"],
        forms.ProcessForm: ["budget"],
    }
    for form_class, names in money.items():
        for name in names:
            field = form_class().fields[name]
            assert field.clean(str(forms.MAX_EUROS)) == forms.MAX_EUROS
            with pytest.raises(ValidationError):
                field.clean(str(forms.MAX_EUROS + 1))
    assert forms.ApplicationForm().fields["amount"].min_value == 1
    assert forms.SpendingReportForm().fields["spent"].clean("0") == 0


def test_both_photo_fields_refuse_a_photo_over_10_mb():
    too_big = SimpleUploadedFile("foto.png", b"\0" * (MAX_BYTES + 1))
    just_right = SimpleUploadedFile("foto.png", b"\0" * MAX_BYTES)
    for field in (forms.IdeaForm().fields["image"], forms.MilestoneForm().fields["photo"]):
        assert not field.required and field.clean(None) is None
        assert field.clean(just_right) is just_right
        with pytest.raises(ValidationError, match="De foto is te groot"):
            field.clean(too_big)
