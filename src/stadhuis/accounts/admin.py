"""Admin for staff accounts. Residents are not managed here (they log in with DigiD)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from stadhuis.accounts.models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "org_unit", "is_active"]
    list_filter = ["is_active"]
    inlines = [RoleInline]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Stadhuis", {"fields": ["org_unit"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=User.Kind.STAFF)


from stadhuis.accounts import admin_applications  # noqa: E402, F401
