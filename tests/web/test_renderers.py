"""``FastWidgets`` writes exactly what Django's widget templates write.

Each widget is rendered twice, by Django's ``DjangoTemplates`` renderer and by ours,
with values that test escaping (``<``, quotes, safe strings), localisation (numbers,
dates, lazy translations), booleans in attributes, groups of options, selected and
disabled options, and ids. Any difference, even in whitespace, fails.
"""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from stadhuis.web.renderers import FastWidgets

CHOICES = [
    ("", "---"),
    ("a", "Eén & twee"),
    (1, 1000),
    (decimal.Decimal("2.5"), decimal.Decimal("2.5")),
    ("q", mark_safe("<b>veilig</b>")),
    ("x", '"aanhalingstekens" <script>'),
    ("lazy", gettext_lazy("Verwerkingen")),
    ("Groep één", [("g1", "G1"), ("g2", "G <2>")]),
    (None, "geen"),
]

ATTRS = [
    None,
    {"id": "id_veld"},
    {"id": "id_veld", "class": "form-input", "required": True, "disabled": False},
    {"aria-describedby": "id_veld_hint id_veld_error", "data-x": mark_safe("a&b"), "n": 3},
    {"id": "", "class": ""},
    {"id": 'a"b&c', "class": 'x" onclick="y & z'},
    {"title": ("tuple", 1), "autocomplete": "off", "maxlength": 5000},
]

WIDGETS = [
    (forms.TextInput(), ["", None, 'tekst <en> "dit"', mark_safe("&amp;"), 1234.5, 7]),
    (forms.NumberInput(), [None, 3, decimal.Decimal("1234.56")]),
    (forms.EmailInput(), ["a@example.nl"]),
    (forms.URLInput(), ["https://example.nl/?a=1&b=2"]),
    (forms.PasswordInput(render_value=True), ["geheim"]),
    (forms.HiddenInput(), ["5", None]),
    (forms.DateInput(attrs={"type": "date"}), [dt.date(2026, 12, 1), "2026-12-01", None]),
    (forms.DateTimeInput(), [dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)]),
    (forms.TimeInput(), [dt.time(9, 5)]),
    (forms.SearchInput(), ["zoek"]),
    (forms.TelInput(), ["06 12345678"]),
    (forms.ColorInput(), ["#ffffff"]),
    (forms.CheckboxInput(), [True, False, None, "on"]),
    (forms.Textarea(), ["", None, "regel 1\nregel <2>", mark_safe("<i>x</i>"), 12]),
    (forms.Select(choices=CHOICES), ["", "a", 1, "g2", None, "onbekend"]),
    (forms.SelectMultiple(choices=CHOICES), [["a", "g1"], [], None]),
    (forms.NullBooleanSelect(), [True, False, None]),
    (forms.RadioSelect(choices=CHOICES), ["a", "g1", None]),
    (forms.CheckboxSelectMultiple(choices=CHOICES), [["a", 1], [], None]),
]


class UnwrappedRadioSelect(forms.RadioSelect):
    """Options without a label around them (``wrap_label``), as a custom widget may do."""

    def create_option(self, *args, **kwargs):
        return {**super().create_option(*args, **kwargs), "wrap_label": False}


WIDGETS.append((UnwrappedRadioSelect(choices=CHOICES), ["a", None]))

CASES = [
    pytest.param(widget, value, attrs, id=f"{type(widget).__name__}-{v}-{a}")
    for widget, values in WIDGETS
    for v, value in enumerate(values)
    for a, attrs in enumerate(ATTRS)
]


@pytest.mark.parametrize(("widget", "value", "attrs"), CASES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_plain_widget_renders_as_django_templates_do(widget, value, attrs, language):
    with override(language):
        expected = widget.render("veld", value, attrs=attrs, renderer=DjangoTemplates())
        ours = widget.render("veld", value, attrs=attrs, renderer=FastWidgets())
    assert ours == expected


def test_widgets_it_does_not_write_go_through_the_templates():
    # A clearable file input and a multi-value widget add their own context: templates.
    file_input = forms.ClearableFileInput()
    upload = type("Upload", (), {"url": "/media/a.pdf", "__str__": lambda self: "a.pdf"})()
    split = forms.SplitDateTimeWidget()
    moment = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    for widget, value in ((file_input, upload), (split, moment)):
        expected = widget.render("veld", value, renderer=DjangoTemplates())
        assert widget.render("veld", value, renderer=FastWidgets()) == expected


def test_whole_forms_render_the_same():
    class Form(forms.Form):
        naam = forms.CharField(max_length=10, help_text="Uw naam")
        soort = forms.ChoiceField(choices=CHOICES[1:4])
        akkoord = forms.BooleanField()
        keuzes = forms.MultipleChoiceField(
            choices=CHOICES[1:3], widget=forms.CheckboxSelectMultiple
        )

    bound = Form({"naam": "x" * 11, "soort": "nee", "keuzes": ["a"]})
    assert not bound.is_valid()
    for form in (Form(), bound):
        assert form.as_div() == type(form)(form.data or None, renderer=DjangoTemplates()).as_div()


def test_the_site_uses_it():
    assert settings.FORM_RENDERER == "stadhuis.web.renderers.FastWidgets"
    assert isinstance(get_default_renderer(), FastWidgets)
