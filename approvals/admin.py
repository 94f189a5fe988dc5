"""Sessions, decisions and audits change only through their services; the admin shows them read-only."""

from django.contrib import admin

from .models import Audit, AuditSample, Decision, DecisionEntry, ReviewSession, SessionEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionEntryInline(ReadOnlyInline):
    model = DecisionEntry
    fields = readonly_fields = ("case", "recognised", "reason")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "commune", "title_type", "year", "status", "signed_on", "signer_name")
    list_filter = ("status", "year")
    list_select_related = ("commune", "title_type")
    inlines = [DecisionEntryInline]


class SessionEntryInline(ReadOnlyInline):
    model = SessionEntry
    fields = readonly_fields = ("case", "proposed", "reason")


@admin.register(ReviewSession)
class ReviewSessionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "title_type", "year", "status")
    list_filter = ("status", "year")
    list_select_related = ("village", "title_type")
    inlines = [SessionEntryInline]


class AuditSampleInline(ReadOnlyInline):
    model = AuditSample
    fields = readonly_fields = ("case", "random_pick", "risks", "finding", "description", "evidence")


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "seed", "share", "minimum", "status")
    list_select_related = ("decision",)
    inlines = [AuditSampleInline]
