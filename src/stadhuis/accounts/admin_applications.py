"""Admin for connected applications: grants inline, tokens listed but never shown.

Tokens are issued with ``stadhuis issue-token`` (the only moment the token is seen)
and revoked here with an action that goes through ``applications.token_revoke``.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stadhuis.accounts import applications
from stadhuis.accounts.models import Application, ApplicationGrant, ApplicationToken
from stadhuis.accounts.services import staff_actor


class GrantInline(admin.TabularInline):
    model = ApplicationGrant
    extra = 0
    fields = ["case_type_code", "actions", "max_confidentiality"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # through applications.grant (or issue-token --grant), which validates


class TokenInline(admin.TabularInline):
    model = ApplicationToken
    extra = 0
    fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_unit", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "org_unit"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [GrantInline, TokenInline]


@admin.register(ApplicationToken)
class ApplicationTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "application", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    fields = ["application", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Intrekken"))
    def revoke(self, request, queryset):
        actor = staff_actor(request.user)
        for token in queryset:
            applications.token_revoke(actor=actor, token=token)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d token ingetrokken.", "%(count)d tokens ingetrokken.", count)
            % {"count": count},
            messages.SUCCESS,
        )
