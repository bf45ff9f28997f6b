"""Read-only admin views of participation, without personal data.

Changes go through the services (staff pages), so that every rule and the
processing log apply. Ballots and the voter roll are not in the admin at all: side
by side they would invite exactly the comparison ballot secrecy rules out.
"""

from __future__ import annotations

from django.contrib import admin

from stadhuis.participation.models import (
    Count,
    Neighbourhood,
    Phase,
    PostcodeArea,
    Process,
    Project,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostcodeAreaInline(admin.TabularInline):
    model = PostcodeArea
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ReadOnlyAdmin):
    list_display = ["name", "district", "code"]
    search_fields = ["name", "district", "code"]
    inlines = [PostcodeAreaInline]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "scope", "min_age", "is_published", "created_at"]
    list_filter = ["kind", "scope", "is_published"]
    exclude = ["neighbourhoods"]
    inlines = [PhaseInline]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "process", "code", "cost", "feasibility", "progress"]
    list_filter = ["feasibility"]
    exclude = ["idea", "reviewed_by"]


@admin.register(Count)
class CountAdmin(ReadOnlyAdmin):
    list_display = ["process", "rule", "status", "progress", "ballots", "requested_at"]
    list_filter = ["status", "rule"]
