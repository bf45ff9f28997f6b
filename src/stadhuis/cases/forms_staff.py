"""Forms of the staff pages. They validate input only; the services decide."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from stadhuis.cases.queries_staff import Scope


class QuickSelect(forms.Select):
    """A single ``<select>`` built in Python: the same elements and attributes as
    Django's Select, whose template renderer includes two templates per option. On the
    work queue (three selects, every page view) that was about a sixth of the page's
    CPU time. Flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        rows = []
        for key, label in self.choices:
            key = "" if key is None else str(key)
            rows.append((key, " selected" if key in chosen else "", label))
        options = format_html_join("", '<option value="{}"{}>{}</option>', rows)
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)


class QueueFilterForm(forms.Form):
    """The work queue's filters (GET, works without JavaScript)."""

    scope = forms.ChoiceField(
        label=_("Welke zaken"),
        choices=Scope.CHOICES,
        required=False,
        initial=Scope.DEPARTMENT,
        widget=QuickSelect,
    )
    case_type = forms.ChoiceField(label=_("Zaaktype"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    overdue = forms.BooleanField(label=_("Alleen zaken die te laat zijn"), required=False)
    q = forms.CharField(
        label=_("Zoeken"),
        help_text=_("Kenmerk (bijvoorbeeld ABCD-EFGH-JKMN-PQRS) of een woord uit de omschrijving."),
        required=False,
        max_length=100,
    )

    def __init__(self, *args, case_types=(), statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        self.fields["case_type"].choices = everything + list(case_types)
        self.fields["status"].choices = everything + list(statuses)


class VersionedForm(forms.Form):
    """A change to a case names the version the handler saw (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClaimForm(VersionedForm):
    pass


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(label=_("Toewijzen aan"), coerce=int)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            (user.pk, user.get_full_name() or user.username) for user in colleagues
        ]


class StatusForm(VersionedForm):
    """Only the transitions the case type allows from the current status are offered."""

    status = forms.ChoiceField(label=_("Nieuwe status"))
    result = forms.ChoiceField(
        label=_("Resultaat"),
        required=False,
        help_text=_("Nodig als u de zaak afsluit."),
    )
    explanation = forms.CharField(
        label=_("Toelichting voor de inwoner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, next_statuses=(), results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.final_codes = {s.code for s in next_statuses if s.is_final}
        self.fields["status"].choices = [
            (s.code, f"{s.name} ({_('eindstatus')})" if s.is_final else s.name)
            for s in next_statuses
        ]
        self.fields["result"].choices = [("", _("Kies een resultaat"))] + [
            (r.code, r.name) for r in results
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in self.final_codes and not cleaned.get("result"):
            self.add_error("result", _("Kies een resultaat om de zaak af te sluiten."))
        return cleaned


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reden"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ResumeForm(VersionedForm):
    pass


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Bericht aan de inwoner"),
        help_text=_("De inwoner leest dit bij de zaak en krijgt een e-mail."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Interne notitie"),
        help_text=_("Alleen voor medewerkers. De inwoner ziet dit niet."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("Reactie van de gemeente op de ombudsman"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class JudgeForm(forms.Form):
    findings = forms.CharField(
        label=_("Bevindingen"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    recommendation = forms.CharField(
        label=_("Aanbeveling aan de gemeente"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
