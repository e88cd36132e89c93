"""The operator's admin: read-mostly views for support. Members change their coalition through the pages and the
API, where the actions check permission and write the audit log; the audit log itself cannot be edited here."""

from django.contrib import admin

from .models import Affiliation, Application, AuditEvent, Coalition, Invitation, MemberGroup, Person


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(MemberGroup)
class MemberGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "coalition", "size", "joined_at", "left_at"]
    list_filter = ["coalition"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "coalition", "user", "is_coordinator", "is_individual_member", "left_at"]
    list_filter = ["coalition", "is_coordinator"]
    search_fields = ["name", "email", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["person", "member_group", "is_delegate", "started_at", "ended_at"]
    raw_id_fields = ["person", "member_group"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["coalition", "email", "member_group", "created_at", "expires_at", "accepted_at", "revoked_at"]
    raw_id_fields = ["member_group", "person", "created_by", "accepted_by"]
    exclude = ["token"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "coalition", "kind", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["applicant", "decided_by", "member_group", "person"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "coalition", "actor_name", "summary"]
    list_filter = ["coalition", "verb"]
    search_fields = ["summary", "actor_name"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
