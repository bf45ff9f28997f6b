"""Participation forms: the shape of the input, with one definition per kind of field."""

from decimal import Decimal

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
