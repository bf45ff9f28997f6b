"""Admin for the case catalogue, and read-only views of cases and their history.

Administrators add and change case types without code. A published version is frozen:
its fields and statuses are read-only, and a change starts with "Nieuwe versie maken"
(``services.case_type_new_version``) on the version in use, which makes the one draft of
its code; residents keep using the published version meanwhile, and cases opened under
it keep its rules. "Publiceren" (``services.case_type_publish``) checks that a draft is
complete and puts it in use in place of the version before.

The case views show no personal data (description, answers, contact, location): a
read there would not go through the processing log. Staff read cases on the case page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from stadhuis.cases import services
from stadhuis.cases.models import Case, CaseEvent, CaseType, ResultType, StatusType
from stadhuis.core.errors import StadhuisError


def _actor(request):
    from stadhuis.accounts.services import staff_actor
    from stadhuis.core.roles import Role

    return staff_actor(request.user, Role.ADMINISTRATOR)


def _published(obj) -> bool:
    return obj is not None and obj.is_published


class _FrozenWhenPublished:
    """Inline that is read-only once its case type version is published."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)


class StatusTypeInline(_FrozenWhenPublished, admin.StackedInline):
    model = StatusType
    fields = [
        "order",
        "code",
        "name",
        "resident_text",
        "notify_resident",
        "is_final",
        "next_statuses",
    ]
    filter_horizontal = ["next_statuses"]

    def get_formset(self, request, obj=None, **kwargs):
        self._parent = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "next_statuses":
            # Transitions only to statuses of the same case type version.
            parent = getattr(self, "_parent", None)
            kwargs["queryset"] = (
                StatusType.objects.filter(case_type=parent)
                if parent is not None
                else StatusType.objects.none()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ResultTypeInline(_FrozenWhenPublished, admin.TabularInline):
    model = ResultType
    fields = ["code", "name", "resident_text", "closes_without_answer"]


class CaseTypeForm(forms.ModelForm):
    def clean_code(self):
        code = self.cleaned_data["code"]
        # A new type starts at version 1 of a new code; the versions of a type share its
        # code (before: an IntegrityError, a 500).
        if self.instance._state.adding and CaseType.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Er is al een zaaktype met deze code."))
        return code


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    form = CaseTypeForm
    list_display = ["name", "code", "version", "state", "published_at", "department"]
    list_filter = ["is_current", "kind", "department"]
    ordering = ["name", "-version"]
    search_fields = ["name", "code"]
    inlines = [StatusTypeInline, ResultTypeInline]
    actions = ["publish", "new_version"]
    readonly_fields = ["version", "published_at", "is_current"]

    def get_readonly_fields(self, request, obj=None):
        if _published(obj):
            return [f.name for f in CaseType._meta.fields if f.editable] + [
                "version",
                "published_at",
                "is_current",
            ]
        if obj is not None:  # a draft keeps the code of its type
            return [*self.readonly_fields, "code"]
        return self.readonly_fields

    @admin.display(description=_("stand"))
    def state(self, obj) -> str:
        if not obj.is_published:
            return _("concept")
        return _("in gebruik") if obj.is_current else _("vervangen")

    def has_delete_permission(self, request, obj=None):
        return False  # cases point at every version; make a new version instead

    def save_model(self, request, obj, form, change):
        if change and _published(CaseType.objects.filter(pk=obj.pk).first()):
            messages.error(request, _("Een gepubliceerde versie kan niet worden gewijzigd."))
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publiceren"))
    def publish(self, request, queryset):
        for case_type in queryset:
            try:
                services.case_type_publish(actor=_actor(request), case_type=case_type)
            except StadhuisError as exc:
                messages.error(request, f"{case_type}: {exc.message}")
            else:
                messages.success(request, _("Gepubliceerd: %(type)s") % {"type": case_type})

    @admin.action(description=_("Nieuwe versie maken"))
    def new_version(self, request, queryset):
        for case_type in queryset:
            try:
                new = services.case_type_new_version(actor=_actor(request), case_type=case_type)
            except StadhuisError as exc:
                messages.error(request, f"{case_type}: {exc.message}")
            else:
                messages.success(
                    request, _("Nieuwe conceptversie gemaakt: %(type)s") % {"type": new}
                )


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(_ReadOnly):
    list_display = ["reference", "case_type", "status", "department", "deadline", "closed_at"]
    list_filter = ["department", "escalated"]
    search_fields = ["reference"]
    list_select_related = ["case_type", "status"]
    fields = [
        "reference",
        "case_type",
        "status",
        "status_since",
        "received_on",
        "deadline",
        "suspended_since",
        "suspended_days",
        "extended",
        "department",
        "assignee",
        "result",
        "closed_at",
        "confidentiality",
        "escalated",
        "version",
        "created_at",
    ]
    show_full_result_count = False  # no COUNT(*) over a million cases


@admin.register(CaseEvent)
class CaseEventAdmin(_ReadOnly):
    list_display = ["case", "kind", "at", "actor_kind", "actor_role", "visible_to_resident"]
    list_filter = ["kind", "visible_to_resident"]
    search_fields = ["case__reference"]
    list_select_related = ["case"]
    fields = ["case", "kind", "at", "actor_kind", "actor_role", "actor_user", "visible_to_resident"]
    show_full_result_count = False
