"""Admin for the privacy spine. Every change goes through the services (versions, roles)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from stadhuis.core.errors import StadhuisError
from stadhuis.privacy import services
from stadhuis.privacy.models import (
    DPIA,
    LegalBasis,
    LogBlock,
    ProcessingActivity,
    ProcessingActivityVersion,
    ProcessingLogEntry,
    Processor,
)


def _actor(request):
    from stadhuis.accounts.services import staff_actor

    return staff_actor(request.user)


def _list(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class ActivityForm(forms.ModelForm):
    """Edits the current version's content; saving writes a new version."""

    name = forms.CharField(label=_("naam"), max_length=200)
    purpose = forms.CharField(label=_("doel"), widget=forms.Textarea)
    legal_basis = forms.ChoiceField(label=_("grondslag"), choices=LegalBasis.choices)
    legal_basis_detail = forms.CharField(label=_("wettelijke bepaling"), required=False)
    controller_unit = forms.CharField(label=_("verantwoordelijke afdeling"))
    data_subject_categories = forms.CharField(
        label=_("categorieën betrokkenen (één per regel)"), widget=forms.Textarea
    )
    personal_data_categories = forms.CharField(
        label=_("categorieën persoonsgegevens (één per regel)"), widget=forms.Textarea
    )
    special_categories = forms.BooleanField(label=_("bijzondere persoonsgegevens"), required=False)
    recipients = forms.CharField(
        label=_("ontvangers (één per regel)"), widget=forms.Textarea, required=False
    )
    processors = forms.ModelMultipleChoiceField(
        label=_("verwerkers"), queryset=Processor.objects.all(), required=False
    )
    retention_days = forms.IntegerField(
        label=_("bewaartermijn (dagen)"), required=False, min_value=1
    )
    retention_description = forms.CharField(label=_("bewaartermijn"))
    security_measures = forms.CharField(label=_("beveiligingsmaatregelen"), widget=forms.Textarea)
    dpia_required = forms.BooleanField(label=_("DPIA nodig"), required=False)

    class Meta:
        model = ProcessingActivity
        fields = ["code", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.instance.current_version if self.instance.pk else None
        if version is not None:
            self.fields["code"].disabled = True
            for name in services.REGISTER_FIELDS:
                value = getattr(version, name)
                self.initial[name] = "\n".join(value) if isinstance(value, list) else value
            self.initial["processors"] = list(version.processors.all())

    def content(self) -> dict:
        data = {name: self.cleaned_data[name] for name in services.REGISTER_FIELDS}
        for name in ("data_subject_categories", "personal_data_categories", "recipients"):
            data[name] = _list(data[name])
        return data


class VersionInline(admin.TabularInline):
    model = ProcessingActivityVersion
    fields = ["version", "name", "legal_basis", "created_at", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(admin.ModelAdmin):
    form = ActivityForm
    list_display = ["code", "current_name", "current_version_number", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "current_version__name"]
    inlines = [VersionInline]
    list_select_related = ["current_version"]

    @admin.display(description=_("naam"))
    def current_name(self, obj):
        return obj.current_version.name if obj.current_version else "—"

    @admin.display(description=_("versie"))
    def current_version_number(self, obj):
        return obj.current_version.version if obj.current_version else "—"

    def save_model(self, request, obj, form, change):
        actor = _actor(request)
        content = form.content()
        processors = list(form.cleaned_data["processors"])
        try:
            if change:
                services.activity_revise(
                    actor=actor, code=obj.code, processors=processors, **content
                )
                services.activity_set_active(
                    actor=actor, code=obj.code, active=form.cleaned_data["is_active"]
                )
            else:
                created = services.activity_register(
                    actor=actor, code=form.cleaned_data["code"], processors=processors, **content
                )
                obj.pk = created.pk
        except StadhuisError as exc:
            messages.error(request, exc.message)

    def save_related(self, request, form, formsets, change):
        """Versions are written by the services; nothing else to save."""

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the log points at every version


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "agreement_status", "agreement_expires_on"]
    list_filter = ["agreement_status"]
    search_fields = ["name", "service"]

    def save_model(self, request, obj, form, change):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "name"}
        try:
            saved = services.processor_save(
                actor=_actor(request), name=form.cleaned_data["name"], **fields
            )
            obj.pk = saved.pk
        except StadhuisError as exc:
            messages.error(request, exc.message)


@admin.register(DPIA)
class DPIAAdmin(admin.ModelAdmin):
    list_display = ["title", "activity", "status", "decided_at", "review_before"]
    list_filter = ["status"]
    fields = ["activity", "title", "description", "lawfulness", "risks", "measures"]
    actions = ["approve", "reject"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        data["activity"] = data["activity"].code
        try:
            created = services.dpia_create(actor=_actor(request), **data)
            obj.pk = created.pk
        except StadhuisError as exc:
            messages.error(request, exc.message)

    def _decide(self, request, queryset, approve: bool):
        for dpia in queryset:
            try:
                services.dpia_decide(
                    actor=_actor(request),
                    dpia=dpia,
                    approve=approve,
                    note="" if approve else str(_("Afgewezen in beheer; zie dossier.")),
                )
            except StadhuisError as exc:
                messages.error(request, f"{dpia}: {exc.message}")

    @admin.action(description=_("Goedkeuren (alleen privacy officer)"))
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Afwijzen (alleen privacy officer)"))
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProcessingLogEntry)
class ProcessingLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "action", "object_type", "actor_kind", "actor_role"]
    list_filter = ["action", "actor_kind"]
    search_fields = ["trace_id", "object_id"]
    show_full_result_count = False


@admin.register(LogBlock)
class LogBlockAdmin(ReadOnlyAdmin):
    list_display = ["number", "first_id", "last_id", "entry_count", "sealed_at"]
